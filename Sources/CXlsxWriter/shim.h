#include <stdio.h>
#include <xlsxwriter.h>

/* Points the C library's `stderr` stream at `replacement` and returns the previous one: how
   libxlsxwriter's own English messages (fprintf(stderr, ...)) are kept from the user. In C,
   so that Swift does not touch the C global itself. */
static inline FILE *maquette_swap_stderr(FILE *replacement) {
    FILE *previous = stderr;
    stderr = replacement;
    return previous;
}
