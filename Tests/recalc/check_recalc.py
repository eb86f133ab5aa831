#!/usr/bin/env python3
"""LibreOffice recalculates the exported workbook; every formula must give the value Maquette
stored, and the Synthèse must give Maquette's own figures (`verifier --format json`) to the cent.

Usage: check_recalc.py MAQUETTE PLANS_DIR [--evolutions] [SCENARIO ...]
With scenarios, the workbook shows the first one, compares all of them (Scénarios sheet) and carries
a Monte-Carlo sheet; the Synthèse is then checked against `verifier --scenario FIRST`.
With --evolutions, the workbook also carries an Évolutions sheet (`exporter --depuis`) against a
copy of the plans whose amounts were changed, so that its formulas are recalculated too.
Every workbook carries the Échéances sheet.
Prints `recalc: N passed, M failed` and exits 1 on any failure.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def column_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def formulas(xlsx):
    """{sheet name: {(row, col): (formula, cached value, is_text)}} and the sheet XML paths."""
    with zipfile.ZipFile(xlsx) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(REL + "Relationship")}
        out, paths = {}, {}
        for sheet in workbook.find("m:sheets", NS):
            name = sheet.get("name")
            path = "xl/" + targets[sheet.get("{%s}id" % NS["r"])]
            paths[name] = path
            cells = {}
            root = ET.fromstring(z.read(path))
            for c in root.iter("{%s}c" % NS["m"]):
                f = c.find("m:f", NS)
                if f is None:
                    continue
                m = re.match(r"([A-Z]+)(\d+)", c.get("r"))
                v = c.find("m:v", NS)
                cells[(int(m.group(2)) - 1, column_index(m.group(1)))] = (f.text, v.text if v is not None else "", c.get("t") == "str")
            out[name] = cells
    return out, paths


def tamper(src, dst, path, address, value):
    """Copies the workbook with one cached value replaced (the canary)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == path:
                text = data.decode("utf-8")
                pattern = r'(<c r="%s"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)' % address
                text, n = re.subn(pattern, r"\g<1>%s\g<2>" % value, text)
                assert n == 1, "canary cell not found"
                data = text.encode("utf-8")
            zout.writestr(item, data)


def recalculated(xlsx, workdir):
    profile = os.path.join(workdir, "profile")
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE)
    out = os.path.join(workdir, "csv")
    os.makedirs(out, exist_ok=True)
    subprocess.run(
        ["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", out, xlsx],
        check=True, capture_output=True, timeout=300)
    base = os.path.splitext(os.path.basename(xlsx))[0]
    sheets = {}
    for name in os.listdir(out):
        if name.startswith(base + "-") and name.endswith(".csv"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                sheets[name[len(base) + 1:-4]] = list(csv.reader(f))
    return sheets


def number(text):
    text = text.strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def main():
    maquette, plans, scenarios = sys.argv[1], sys.argv[2], sys.argv[3:]
    evolutions = "--evolutions" in scenarios
    scenarios = [s for s in scenarios if s != "--evolutions"]
    export_extra = [a for s in scenarios for a in ("--scenario", s)] + (["--tirages", "300"] if scenarios else [])
    verify_extra = ["--scenario", scenarios[0]] if scenarios else []
    work = tempfile.mkdtemp(prefix="maquette-recalc-")
    passed, failed = 0, 0
    try:
        if evolutions:
            # The former plans: every `montant: N` of the operations a tenth lower.
            former = os.path.join(work, "plans-precedents")
            shutil.copytree(plans, former)
            folder = os.path.join(former, "operations")
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                text = re.sub(r"montant: (\d[\d ]*\d)\b", lambda m: "montant: %d" % (int(m.group(1).replace(" ", "")) * 9 // 10), text)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            export_extra += ["--depuis", former]
        book = os.path.join(work, "classeur.xlsx")
        subprocess.run([maquette, "exporter", plans, "-o", book] + export_extra, check=True, capture_output=True)
        report = json.loads(subprocess.run([maquette, "verifier", plans, "--format", "json"] + verify_extra, capture_output=True, text=True).stdout)
        cells, paths = formulas(book)
        for required in ["Échéances"] + (["Évolutions"] if evolutions else []):
            if not cells.get(required):
                print("FAIL sheet %s has no formula" % required)
                failed += 1

        # The canary: the grand total of public aid, stored wrong in a copy, must come back right.
        synthesis = cells["Synthèse"]
        total_row = max(r for (r, c) in synthesis)
        canary = (total_row, 13)
        address = "%s%d" % ("N", total_row + 1)
        tampered = os.path.join(work, "copie.xlsx")
        tamper(book, tampered, paths["Synthèse"], address, "1")
        grid = recalculated(tampered, work)

        for sheet, sheet_cells in cells.items():
            rows = grid.get(sheet)
            if rows is None:
                print("FAIL sheet %s missing from LibreOffice's output" % sheet)
                failed += 1
                continue
            for (r, c), (formula, stored, is_text) in sorted(sheet_cells.items()):
                got = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
                ok = got == stored if is_text else abs(number(got) - float(stored)) <= 0.005
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s!%s%d =%s: stored %s, LibreOffice %s" % (sheet, chr(65 + c) if c < 26 else c, r + 1, formula, stored, got))
        stored_total = float(synthesis[canary][1])
        if abs(number(grid["Synthèse"][canary[0]][canary[1]]) - stored_total) > 0.005:
            print("FAIL canary: LibreOffice did not recalculate the workbook")
            failed += 1
        else:
            passed += 1

        # Maquette's own figures, to the cent.
        rows = grid["Synthèse"]
        columns = {"depenses_ht": 3, "depenses_ttc": 4, "aides_publiques": 13, "autofinancement": 17,
                   "part_maitre_ouvrage": 18, "emprunt": 16, "fctva": 22}
        for op in report["operations"]:
            row = next((r for r in rows if len(r) > 1 and r[1] == op["id"]), None)
            if row is None:
                print("FAIL operation %s missing from the Synthèse" % op["id"])
                failed += 1
                continue
            for key, c in columns.items():
                if abs(number(row[c]) - float(op[key])) <= 0.005:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s %s: verifier %s, workbook %s" % (op["id"], key, op[key], row[c]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("recalc: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
