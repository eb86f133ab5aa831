#!/usr/bin/env python3
"""Reference: writes the cells of a Maquette cell dump with Python's XlsxWriter (constant memory)
or openpyxl (write-only), what a user would script instead; cells only, not the sheets' settings
the C reference also writes. Only the writing is timed.
Usage: write_cells.py xlsxwriter|openpyxl DUMP OUTPUT.xlsx"""
import sys
import time

library, dump, output = sys.argv[1:4]
styles, sheets = {}, []
with open(dump, encoding="utf-8") as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "F":
            styles[int(fields[1])] = (fields[2] == "1", fields[3])
        elif fields[0] == "S":
            sheets.append((fields[1], []))
        elif fields[0] == "C" and fields[3] != "b":
            # The cells only: sheet settings (W, Z, P, R, K, V, H lines) and formatted blanks are
            # left to the C reference; a merged text is written in its first cell.
            kind = "s" if fields[3] == "m" else fields[3]
            value = fields[5] if kind in "st" else float(fields[5])
            sheets[-1][1].append((int(fields[1]), int(fields[2]), kind, int(fields[4]), value, fields[6] if len(fields) > 6 else ""))

start = time.perf_counter()
if library == "xlsxwriter":
    import xlsxwriter
    wb = xlsxwriter.Workbook(output, {"constant_memory": True})
    formats = {i: wb.add_format({"bold": b, "num_format": n} if n else {"bold": b}) for i, (b, n) in styles.items()}
    for name, cells in sheets:
        ws = wb.add_worksheet(name)
        for row, col, kind, style, value, formula in cells:
            f = formats[style]
            if kind == "n":
                ws.write_number(row, col, value, f)
            elif kind == "s":
                ws.write_string(row, col, value, f)
            else:
                ws.write_formula(row, col, formula, f, value)
    wb.close()
else:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    wb = openpyxl.Workbook(write_only=True)
    for name, cells in sheets:
        ws = wb.create_sheet(name)
        rows = {}
        for row, col, kind, style, value, formula in cells:
            rows.setdefault(row, []).append((col, kind, style, value, formula))
        for r in range(max(rows) + 1 if rows else 0):
            out = []
            for col, kind, style, value, formula in sorted(rows.get(r, [])):
                while len(out) < col:
                    out.append(None)
                c = WriteOnlyCell(ws, value=formula if kind in "ft" else value)
                bold, numfmt = styles[style]
                if bold:
                    c.font = Font(bold=True)
                if numfmt:
                    c.number_format = numfmt
                out.append(c)
            ws.append(out)
    wb.save(output)
print("%.3f" % (time.perf_counter() - start))
