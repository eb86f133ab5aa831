/* Reference: writes the cells of a Maquette cell dump (see WorkbookDump.swift) with libxlsxwriter
 * in constant-memory mode. Reading the dump is not timed; the time printed is the writing alone,
 * the floor for Maquette's own export.  Usage: write_cells DUMP OUTPUT.xlsx */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

typedef struct { char kind; int row, col, style; double number; char *text, *formula; } cell_t;
typedef struct { char *name; cell_t *cells; size_t count, capacity; } sheet_t;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s DUMP OUTPUT\n", argv[0]); return 64; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 66; }
    int bold[64] = {0};
    char *numfmt[64] = {0};
    /* One sheet per operation: as many sheets as the dump has. */
    sheet_t *sheets = NULL;
    int nsheets = 0, sheets_capacity = 0;
    char *line = NULL;
    size_t size = 0;
    while (getline(&line, &size, in) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *fields[8] = {0};
        int n = 0;
        for (char *p = line; n < 8; ) {
            fields[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        if (fields[0][0] == 'F') {
            int id = atoi(fields[1]);
            bold[id] = atoi(fields[2]);
            numfmt[id] = n > 3 && fields[3][0] ? strdup(fields[3]) : NULL;
        } else if (fields[0][0] == 'S') {
            if (nsheets == sheets_capacity) {
                sheets_capacity = sheets_capacity ? 2 * sheets_capacity : 64;
                sheets = realloc(sheets, sheets_capacity * sizeof(sheet_t));
            }
            sheets[nsheets] = (sheet_t){strdup(fields[1]), NULL, 0, 0};
            nsheets++;
        } else if (fields[0][0] == 'C') {
            sheet_t *s = &sheets[nsheets - 1];
            if (s->count == s->capacity) {
                s->capacity = s->capacity ? 2 * s->capacity : 1024;
                s->cells = realloc(s->cells, s->capacity * sizeof(cell_t));
            }
            cell_t c = {fields[3][0], atoi(fields[1]), atoi(fields[2]), atoi(fields[4]), 0, NULL, NULL};
            if (c.kind == 's' || c.kind == 't') c.text = strdup(fields[5]); else c.number = atof(fields[5]);
            if (c.kind == 'f' || c.kind == 't') c.formula = strdup(fields[6]);
            s->cells[s->count++] = c;
        }
    }
    fclose(in);

    double start = now();
    /* Scratch files beside the workbook, where Maquette puts its own. */
    char *folder = strdup(argv[2]);
    char *slash = strrchr(folder, '/');
    if (slash) *slash = 0; else strcpy(folder, ".");
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = folder, .use_zip64 = LXW_FALSE};
    lxw_workbook *workbook = workbook_new_opt(argv[2], &options);
    lxw_format *formats[64];
    for (int i = 0; i < 64; i++) {
        formats[i] = workbook_add_format(workbook);
        if (bold[i]) format_set_bold(formats[i]);
        if (numfmt[i]) format_set_num_format(formats[i], numfmt[i]);
    }
    /* Every sheet added before any is written, as Maquette does: with one scratch stream per
     * sheet, streams opened together keep closing them cheap (glibc walks its list of streams). */
    lxw_worksheet **worksheets = malloc((nsheets ? nsheets : 1) * sizeof(lxw_worksheet *));
    for (int k = 0; k < nsheets; k++) worksheets[k] = workbook_add_worksheet(workbook, sheets[k].name);
    for (int k = 0; k < nsheets; k++) {
        lxw_worksheet *ws = worksheets[k];
        for (size_t i = 0; i < sheets[k].count; i++) {
            cell_t *c = &sheets[k].cells[i];
            lxw_format *f = formats[c->style];
            switch (c->kind) {
            case 'n': worksheet_write_number(ws, c->row, c->col, c->number, f); break;
            case 's': worksheet_write_string(ws, c->row, c->col, c->text, f); break;
            case 'f': worksheet_write_formula_num(ws, c->row, c->col, c->formula, f, c->number); break;
            case 't': worksheet_write_formula_str(ws, c->row, c->col, c->formula, f, c->text); break;
            case 'b': worksheet_write_blank(ws, c->row, c->col, f); break;
            }
        }
    }
    lxw_error error = workbook_close(workbook);
    double elapsed = now() - start;
    if (error) { fprintf(stderr, "%s\n", lxw_strerror(error)); return 1; }
    printf("%.3f\n", elapsed);
    return 0;
}
