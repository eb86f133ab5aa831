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
/* A sheet setting of the dump (W, Z, P, R, K, V): its fields as read. */
typedef struct { char kind; char *fields[6]; } setting_t;
typedef struct { char *name; cell_t *cells; size_t count, capacity; setting_t *settings; size_t nsettings, settings_capacity; } sheet_t;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s DUMP OUTPUT\n", argv[0]); return 64; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 66; }
    /* Each style's format, as the dump gives it (every property the renderer sets). */
    char *spec[64] = {0};
    char *fmtfields[64][16] = {{0}};
    int nfmt[64] = {0};
    /* One sheet per operation: as many sheets as the dump has. */
    sheet_t *sheets = NULL;
    int nsheets = 0, sheets_capacity = 0;
    char *line = NULL;
    size_t size = 0;
    while (getline(&line, &size, in) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *fields[16] = {0};
        int n = 0;
        for (char *p = line; n < 16; ) {
            fields[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        if (fields[0][0] == 'F') {
            int id = atoi(fields[1]);
            /* The properties joined back as one key: styles that look alike share a format. */
            size_t length = 0;
            for (int i = 2; i < n; i++) length += strlen(fields[i]) + 1;
            spec[id] = calloc(length + 1, 1);
            for (int i = 2; i < n; i++) {
                strcat(spec[id], fields[i]);
                strcat(spec[id], "|");
                fmtfields[id][i - 2] = strdup(fields[i]);
            }
            nfmt[id] = n - 2;
        } else if (fields[0][0] == 'S') {
            if (nsheets == sheets_capacity) {
                sheets_capacity = sheets_capacity ? 2 * sheets_capacity : 64;
                sheets = realloc(sheets, sheets_capacity * sizeof(sheet_t));
            }
            sheets[nsheets] = (sheet_t){strdup(fields[1]), NULL, 0, 0, NULL, 0, 0};
            nsheets++;
        } else if (strchr("WZPRAKV", fields[0][0]) && fields[0][1] == 0) {
            sheet_t *s = &sheets[nsheets - 1];
            if (s->nsettings == s->settings_capacity) {
                s->settings_capacity = s->settings_capacity ? 2 * s->settings_capacity : 16;
                s->settings = realloc(s->settings, s->settings_capacity * sizeof(setting_t));
            }
            setting_t t = {fields[0][0], {0}};
            for (int i = 1; i < n && i < 7; i++) t.fields[i - 1] = strdup(fields[i]);
            s->settings[s->nsettings++] = t;
        } else if (fields[0][0] == 'H' && n >= 3) {
            /* A row's height, kept in the row's place among the cells. */
            sheet_t *s = &sheets[nsheets - 1];
            if (s->count == s->capacity) {
                s->capacity = s->capacity ? 2 * s->capacity : 1024;
                s->cells = realloc(s->cells, s->capacity * sizeof(cell_t));
            }
            s->cells[s->count++] = (cell_t){'h', atoi(fields[1]), 0, 0, atof(fields[2]), NULL, NULL};
        } else if (fields[0][0] == 'C') {
            sheet_t *s = &sheets[nsheets - 1];
            if (s->count == s->capacity) {
                s->capacity = s->capacity ? 2 * s->capacity : 1024;
                s->cells = realloc(s->cells, s->capacity * sizeof(cell_t));
            }
            cell_t c = {fields[3][0], atoi(fields[1]), atoi(fields[2]), atoi(fields[4]), 0, NULL, NULL};
            if (c.kind == 's' || c.kind == 't' || c.kind == 'm') c.text = strdup(fields[5]); else c.number = atof(fields[5]);
            if (c.kind == 'f' || c.kind == 't' || c.kind == 'm') c.formula = strdup(fields[6]);
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
    /* The very formats of Maquette's renderer, each distinct look once (as its cache does):
     * libxlsxwriter looks a format up by all its properties at every cell whose format has no
     * index of its own yet, which a copy of another format never gets. */
    for (int i = 0; i < 64; i++) {
        formats[i] = NULL;
        if (!spec[i]) continue;
        for (int j = 0; j < i && !formats[i]; j++)
            if (spec[j] && !strcmp(spec[i], spec[j])) formats[i] = formats[j];
        if (formats[i]) continue;
        char **f = fmtfields[i];
        lxw_format *format = workbook_add_format(workbook);
        if (nfmt[i] > 0 && atoi(f[0])) format_set_bold(format);
        if (nfmt[i] > 1 && f[1][0]) format_set_num_format(format, f[1]);
        if (nfmt[i] > 2 && atoi(f[2])) format_set_italic(format);
        if (nfmt[i] > 3 && f[3][0]) format_set_font_size(format, atof(f[3]));
        if (nfmt[i] > 4 && f[4][0]) format_set_font_color(format, (lxw_color_t)strtol(f[4], NULL, 16));
        if (nfmt[i] > 5 && f[5][0]) {
            format_set_pattern(format, LXW_PATTERN_SOLID);
            format_set_bg_color(format, (lxw_color_t)strtol(f[5], NULL, 16));
        }
        if (nfmt[i] > 6) {
            int align = atoi(f[6]);
            if (align == 1) format_set_align(format, LXW_ALIGN_LEFT);
            if (align == 2) format_set_align(format, LXW_ALIGN_CENTER);
            if (align == 3) format_set_align(format, LXW_ALIGN_RIGHT);
        }
        if (nfmt[i] > 7 && atoi(f[7])) format_set_text_wrap(format);
        if (nfmt[i] > 8 && atoi(f[8])) format_set_top(format, LXW_BORDER_THIN);
        if (nfmt[i] > 9 && atoi(f[9])) format_set_bottom(format, LXW_BORDER_THIN);
        if (nfmt[i] > 10 && atoi(f[10])) format_set_indent(format, atoi(f[10]));
        formats[i] = format;
    }
    /* Every sheet added before any is written, as Maquette does: with one scratch stream per
     * sheet, streams opened together keep closing them cheap (glibc walks its list of streams). */
    lxw_worksheet **worksheets = malloc((nsheets ? nsheets : 1) * sizeof(lxw_worksheet *));
    for (int k = 0; k < nsheets; k++) worksheets[k] = workbook_add_worksheet(workbook, sheets[k].name);
    lxw_format *highlight = workbook_add_format(workbook);
    format_set_bold(highlight);
    format_set_font_color(highlight, 0x9C0006);
    format_set_bg_color(highlight, 0xFFC7CE);
    for (int k = 0; k < nsheets; k++) {
        lxw_worksheet *ws = worksheets[k];
        /* The sheet's settings, as Maquette's renderer writes them. */
        for (size_t i = 0; i < sheets[k].nsettings; i++) {
            setting_t *t = &sheets[k].settings[i];
            char **f = t->fields;
            switch (t->kind) {
            case 'W': worksheet_set_column(ws, atoi(f[0]), atoi(f[0]), atof(f[1]), NULL); break;
            case 'Z': worksheet_freeze_panes(ws, atoi(f[0]), atoi(f[1])); break;
            case 'P':
                if (atoi(f[0])) worksheet_set_landscape(ws);
                worksheet_set_paper(ws, atoi(f[1]) ? 8 : 9);
                worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
                worksheet_fit_to_pages(ws, 1, 0);
                if (f[2] && f[2][0]) worksheet_set_header(ws, f[2]);
                if (f[3] && f[3][0]) worksheet_set_footer(ws, f[3]);
                break;
            case 'R': worksheet_repeat_rows(ws, atoi(f[0]), atoi(f[1])); break;
            case 'A': worksheet_autofilter(ws, atoi(f[0]), atoi(f[1]), atoi(f[2]), atoi(f[3])); break;
            case 'K': {
                lxw_conditional_format cf = {0};
                cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
                cf.value_string = f[4];
                cf.format = highlight;
                worksheet_conditional_format_range(ws, atoi(f[0]), atoi(f[1]), atoi(f[2]), atoi(f[3]), &cf);
                break;
            }
            case 'V': {
                char *list[64];
                int count = 0;
                for (char *p = strtok(f[4], "|"); p && count < 63; p = strtok(NULL, "|")) list[count++] = p;
                list[count] = NULL;
                lxw_data_validation v = {0};
                v.validate = LXW_VALIDATION_TYPE_LIST;
                v.value_list = list;
                worksheet_data_validation_range(ws, atoi(f[0]), atoi(f[1]), atoi(f[2]), atoi(f[3]), &v);
                break;
            }
            }
        }
        for (size_t i = 0; i < sheets[k].count; i++) {
            cell_t *c = &sheets[k].cells[i];
            lxw_format *f = formats[c->style];
            switch (c->kind) {
            case 'n': worksheet_write_number(ws, c->row, c->col, c->number, f); break;
            case 's': worksheet_write_string(ws, c->row, c->col, c->text, f); break;
            case 'f': worksheet_write_formula_num(ws, c->row, c->col, c->formula, f, c->number); break;
            case 't': worksheet_write_formula_str(ws, c->row, c->col, c->formula, f, c->text); break;
            case 'b': worksheet_write_blank(ws, c->row, c->col, f); break;
            case 'h': worksheet_set_row(ws, c->row, c->number, NULL); break;
            case 'm': {
                int last_row = 0, last_col = 0;
                sscanf(c->formula, "%d %d", &last_row, &last_col);
                worksheet_merge_range(ws, c->row, c->col, last_row, last_col, c->text, f);
                break;
            }
            }
        }
    }
    lxw_error error = workbook_close(workbook);
    double elapsed = now() - start;
    if (error) { fprintf(stderr, "%s\n", lxw_strerror(error)); return 1; }
    printf("%.3f\n", elapsed);
    return 0;
}
