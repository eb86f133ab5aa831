#!/usr/bin/env python3
"""LibreOffice recalculates the exported workbook; every formula must give the value Maquette
stored, and the Synthèse must give Maquette's own figures (`verifier --format json`) to the cent.

Usage: check_recalc.py MAQUETTE PLANS_DIR [--evolutions] [SCENARIO ...]
With scenarios, the workbook shows the first one, compares all of them (Scénarios sheet) and carries
a Monte-Carlo sheet; the Synthèse is then checked against `verifier --scenario FIRST`.
Without scenarios it also edits input cells of the exported workbook as a finance officer would
(an amount, a status, a rate), has LibreOffice recalculate, and checks the dependent cells on every
sheet against figures worked by hand and against `verifier` on the same edit made in the plan files.
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


def edit_inputs(src, dst, edits):
    """Copies the workbook with input cells changed: {sheet XML path: [(address, number or text)]}.
    Cached values of formulas are left stale: LibreOffice must recompute them."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in edits:
                text = data.decode("utf-8")
                for address, value in edits[item.filename]:
                    if isinstance(value, str):
                        pattern = r'(<c r="%s"[^>]*t="inlineStr"><is><t>)[^<]*(</t></is></c>)' % address
                    else:
                        pattern = r'(<c r="%s"[^>]*><v>)[^<]*(</v></c>)' % address
                    text, n = re.subn(pattern, lambda m: m.group(1) + str(value) + m.group(2), text)
                    assert n == 1, "input cell %s not found in %s" % (address, item.filename)
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
        heading = synthesis_columns(texts(book, paths["Synthèse"]))
        total_row = max(r for (r, c) in synthesis)
        canary = (total_row, heading["Total des aides publiques"])
        letters = ""
        n = canary[1] + 1
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        address = "%s%d" % (letters, total_row + 1)
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
        columns = {"depenses_ht": heading["Coût HT"], "depenses_ttc": heading["Coût TTC"], "aides_publiques": heading["Total des aides publiques"],
                   "autofinancement": heading["Autofinancement"], "part_maitre_ouvrage": heading["Part du maître d'ouvrage"],
                   "emprunt": heading["Emprunt"], "fctva": heading["FCTVA attendu"]}
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
        if not scenarios:
            p, f = check_edits(maquette, plans, book, paths, grid, work, heading)
            passed += p
            failed += f
            p, f = check_new_verdicts(maquette, plans, book, paths, grid, work, heading)
            passed += p
            failed += f
            p, f = check_zero_envelope(maquette, plans, book, paths, grid, work)
            passed += p
            failed += f
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("recalc: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


HALLE = "Restructuration de la Halle"
ECOLE = "Tiers-lieu dans l'ancienne"


SYNTHESIS_HEADER_ROW = 3


def synthesis_columns(cells):
    """The Synthèse's columns by heading, read from the exported file (headings are plain text)."""
    return {text: c for (r, c), text in cells.items() if r == SYNTHESIS_HEADER_ROW}


def texts(xlsx, path):
    """{(row, column): text} of the inline strings of one sheet."""
    with zipfile.ZipFile(xlsx) as z:
        root = ET.fromstring(z.read(path))
    out = {}
    for c in root.iter("{%s}c" % NS["m"]):
        t = c.find("m:is/m:t", NS)
        if t is not None:
            m = re.match(r"([A-Z]+)(\d+)", c.get("r"))
            out[(int(m.group(2)) - 1, column_index(m.group(1)))] = t.text or ""
    return out


def find_row(rows, column, text, start=0):
    """The first row from `start` whose cell in `column` is `text` (or starts with it, for `text…`)."""
    for r in range(start, len(rows)):
        cell = rows[r][column] if column < len(rows[r]) else ""
        if cell == text or (text.endswith("…") and cell.startswith(text[:-1])):
            return r
    raise AssertionError("no row with %r in column %d" % (text, column))


class Tally:
    """Counts the checks of recalculated cells against figures worked by hand, printing each failure."""

    def __init__(self):
        self.passed, self.failed = 0, 0

    def checker(self, grid, label):
        def check(sheet, row, column, expected, what):
            rows = grid[sheet]
            got = rows[row][column] if row < len(rows) and column < len(rows[row]) else ""
            if isinstance(expected, str):
                ok = got == expected
            else:
                try:
                    ok = abs(number(got) - expected) <= 0.005
                except ValueError:
                    ok = False
            if ok:
                self.passed += 1
            else:
                self.failed += 1
                print("FAIL %s, %s: %s!%s%d is %r, worked by hand %r" % (label, what, sheet, chr(65 + column), row + 1, got, expected))
        return check


def check_edits(maquette, plans, book, paths, before, work, col):
    """The Halle's works go from 1 150 000 to 1 250 000 € HT, its DSIL (450 000 €) is refused, and
    the Région's rate on the école Bladé goes from 20 % to 40 %. Figures worked by hand:

    Halle aux grains (Lectoure, FCTVA N+2, rate 16,404 %):
      works 2027 = ROUND(1 250 000 × 700 000 / 1 150 000) = 760 869,57; 2028 = 489 130,43
      cost HT 40 000 + 130 000 + 1 250 000 + 180 000 = 1 600 000; TTC × 1,2 = 1 920 000
      HT by year: 2026 105 000; 2027 65 000 + 760 869,57 = 825 869,57; 2028 489 130,43 + 180 000 = 669 130,43
      VAT on the works 250 000, split down: 2027 ⌊250 000 × 760 869,57 / 1 250 000⌋ = 152 173,91, 2028 97 826,09
      TTC 2027: 78 000 (maîtrise d'œuvre) + 913 043,48 = 991 043,48; 2028: 586 956,52 + 216 000 = 802 956,52
      resources without the DSIL: DETR 300 000 + Région 225 000 + Département 75 000 = 600 000 of aid;
      own funds (solde) 1 600 000 − 600 000 = 1 000 000; aid rate 37,5 %; owner's share 1 000 000 / 1 600 000 = 62,5 %
      FCTVA: the studies (TTC 48 000) count in 2027, the works' start (arrêté du 30 décembre 2020, art. 2):
      2026 = ROUND(78 000 × 16,404 %) = 12 795,12 (maîtrise d'œuvre); eligible TTC 2027 = 991 043,48 + 48 000
      = 1 039 043,48; FCTVA 2027: 12 795,12 + ROUND(913 043,48 × 16,404 %) = 149 775,65 + ROUND(48 000 ×
      16,404 %) = 7 873,92 → 170 444,69;
      2028: ROUND(586 956,52 × 16,404 %) = 96 284,35 + 35 432,64 = 131 716,99; total 314 956,80 (was 295 272,00)
    École Bladé: Région 40 % × 1 000 000 = 400 000, over the Bourgs-Centres cap of 30 % (1 error); aid
      667 500 + 200 000 = 867 500; own funds 132 500, 13,25 % of public financing: under the 20 %
      minimum (a 2nd error)
    Programme: cost HT 9 410 000 + 100 000 = 9 510 000; aid 5 993 100 − 450 000 + 200 000 = 5 743 100
    """
    passed, failed = 0, 0
    halle, ecole = before[HALLE], before[ECOLE]
    works = find_row(halle, 0, "Travaux de restructuration de la halle")
    dsil = find_row(halle, 1, "Dotation de soutien à l'investissement local (DSIL)")
    region = find_row(ecole, 0, "Région Occitanie")
    edited = os.path.join(work, "modifie.xlsx")
    edit_inputs(book, edited, {
        paths[HALLE]: [("C%d" % (works + 1), 1250000), ("G%d" % (dsil + 1), "refusé")],
        paths[ECOLE]: [("E%d" % (region + 1), 0.4)],
    })
    out = os.path.join(work, "modifie")
    os.makedirs(out)
    grid = recalculated(edited, out)

    tally = Tally()
    check = tally.checker(grid, "after the edits")

    def old(sheet, row, column):
        return number(before[sheet][row][column])

    # The Halle's own sheet: the split follows the amount, the totals, the balance, the FCTVA.
    h = grid[HALLE]
    check(HALLE, works, 7, 760869.57, "works 2027")
    check(HALLE, works, 8, 489130.43, "works 2028")
    total = find_row(h, 0, "Total des dépenses")
    check(HALLE, total, 2, 1600000, "cost HT")
    check(HALLE, total, 4, 1920000, "cost TTC")
    check(HALLE, total, 6, 105000, "HT 2026")
    check(HALLE, total, 7, 825869.57, "HT 2027")
    check(HALLE, total, 8, 669130.43, "HT 2028")
    check(HALLE, total + 1, 6, 126000, "TTC 2026")
    check(HALLE, total + 1, 7, 991043.48, "TTC 2027")
    check(HALLE, total + 1, 8, 802956.52, "TTC 2028")
    solde = find_row(h, 1, "Autofinancement (reste à financer)")
    check(HALLE, solde, 5, 1000000, "own funds (solde)")
    check(HALLE, find_row(h, 0, "Écart ressources − dépenses…"), 5, 0, "balance")
    check(HALLE, find_row(h, 0, "Aides publiques"), 5, 600000, "public aid")
    check(HALLE, find_row(h, 0, "Taux d'aide publique…"), 5, 0.375, "aid rate")
    check(HALLE, find_row(h, 0, "Part du maître d'ouvrage dans les financements publics"), 5, 0.625, "owner's share")
    check(HALLE, find_row(h, 0, "dont autofinancement"), 5, 1000000, "own funds in the owner's share")
    check(HALLE, find_row(h, 0, "dont emprunts…"), 5, 0, "loans in the owner's share")
    check(HALLE, find_row(h, 0, "FCTVA attendu"), 5, 314956.80, "FCTVA")
    y2027 = find_row(h, 0, "2027", find_row(h, 0, "Année de dépense"))
    check(HALLE, y2027, 1, 1039043.48, "eligible TTC 2027")
    check(HALLE, y2027, 2, 2029, "FCTVA 2027 received")
    check(HALLE, y2027, 3, 170444.69, "FCTVA 2027")
    check(HALLE, y2027 + 1, 3, 131716.99, "FCTVA 2028")
    check(HALLE, find_row(h, 0, "Le plan de financement est équilibré…"), 2, "respectée", "balance verdict")
    check(HALLE, find_row(h, 0, "Participation minimale du maître d'ouvrage…"), 2, "respectée", "owner's share verdict")

    # The école Bladé: the Région's amount follows its rate, the owner's share breaks the rule.
    e = grid[ECOLE]
    check(ECOLE, region, 5, 400000, "Région amount")
    check(ECOLE, find_row(e, 1, "Autofinancement (reste à financer)"), 5, 132500, "own funds (solde)")
    check(ECOLE, find_row(e, 0, "Part du maître d'ouvrage dans les financements publics"), 5, 0.1325, "owner's share")
    check(ECOLE, find_row(e, 0, "Participation minimale du maître d'ouvrage…"), 2, "non respectée", "owner's share verdict")
    check(ECOLE, find_row(e, 0, "Taux minimal et maximal de chaque dispositif…"), 2, "non respectée", "rate cap verdict")

    # The Synthèse reads both sheets.
    s = grid["Synthèse"]
    hr, er = find_row(s, 1, "halle-aux-grains"), find_row(s, 1, "ecole-blade")
    for heading, value in [("Coût HT", 1600000), ("DETR", 300000), ("DSIL et autres dotations", 0), ("Total des aides publiques", 600000),
                           ("Autofinancement", 1000000), ("Part du maître d'ouvrage", 1000000), ("FCTVA attendu", 314956.80), ("Erreurs", 0)]:
        check("Synthèse", hr, col[heading], value, "Halle " + heading)
    for heading, value in [("Région", 400000), ("Total des aides publiques", 867500), ("Part du maître d'ouvrage", 132500), ("Erreurs", 2)]:
        check("Synthèse", er, col[heading], value, "école Bladé " + heading)
    check("Synthèse", find_row(s, 0, "Sous-total Commune de Lectoure"), col["Coût HT"], 4300000, "Lectoure cost HT")
    grand = find_row(s, 0, "Total du programme")
    check("Synthèse", grand, col["Coût HT"], 9510000, "programme cost HT")
    check("Synthèse", grand, col["Total des aides publiques"], 5743100, "programme public aid")
    check("Synthèse", grand, col["Erreurs"], 2, "programme errors")

    # Contrôles counts it; Graphiques, Financeurs and Échéancier follow.
    check("Contrôles", 2, 0, "PROJET : 2 règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.", "Contrôles count")
    g = grid["Graphiques"]
    check("Graphiques", find_row(g, 0, HALLE), 1, 300000, "Halle DETR")
    check("Graphiques", find_row(g, 0, HALLE), 2, 0, "Halle DSIL")
    mix = find_row(g, 0, "DSIL et autres dotations", find_row(g, 0, "Financement du programme"))
    check("Graphiques", mix, 1, old("Graphiques", mix, 1) - 450000, "programme DSIL")
    f = grid["Financeurs"]
    dsil_2026 = next(r for r in range(len(f)) if len(f[r]) > 2 and f[r][1] == "Dotation de soutien à l'investissement local (DSIL)" and f[r][2] == "2026")
    check("Financeurs", dsil_2026, 4, old("Financeurs", dsil_2026, 4) - 450000, "DSIL 2026 requested")
    d = grid["Demandes"]
    halle_dsil = next(r for r in range(len(d)) if len(d[r]) > 5 and d[r][1] == "Dotation de soutien à l'investissement local (DSIL)"
                      and d[r][2] == "Restructuration de la Halle aux grains")
    check("Demandes", halle_dsil, 5, "refusé", "Halle DSIL status")
    c = grid["Calendrier"]
    year_column = c[3].index("2027")
    check("Calendrier", find_row(c, 0, "Restructuration de la Halle aux grains"), year_column, 825869.57, "Halle HT 2027")
    sched = grid["Échéancier"]
    def lectoure(year):
        return next(r for r in range(len(sched)) if sched[r][:2] == ["Commune de Lectoure", str(year)])
    check("Échéancier", lectoure(2027), 2, old("Échéancier", lectoure(2027), 2) + 60869.57, "Lectoure HT 2027")
    check("Échéancier", lectoure(2027), 3, old("Échéancier", lectoure(2027), 3) + 73043.48, "Lectoure TTC 2027")
    check("Échéancier", lectoure(2029), 5, old("Échéancier", lectoure(2029), 5) + 11982.05, "Lectoure FCTVA 2029")
    check("Échéancier", lectoure(2030), 5, old("Échéancier", lectoure(2030), 5) + 7702.75, "Lectoure FCTVA 2030")

    # The same edits in the plan files: `verifier` must give the workbook's figures.
    edited_plans = os.path.join(work, "plans")
    shutil.copytree(plans, edited_plans)
    def replace(path, old_text, new_text):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        assert old_text in text, old_text
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text.replace(old_text, new_text, 1))
    halle_yaml = os.path.join(edited_plans, "operations", "halle-aux-grains.yaml")
    replace(halle_yaml, "montant_ht: 1 150 000\n    annees: { 2027: 700 000, 2028: 450 000 }",
            "montant_ht: 1 250 000\n    annees: { 2027: \"760 869,57\", 2028: \"489 130,43\" }")
    replace(halle_yaml, "statut: sollicite\n    depot: 2026-02-20", "statut: refuse\n    depot: 2026-02-20")
    replace(os.path.join(edited_plans, "operations", "ecole-blade.yaml"), "taux: 20 %", "taux: 40 %")
    # The Halle's DSIL refused pays nothing; its DETR follows the new spending (start 2027, HT
    # 105 000 / 825 869,57 / 669 130,43 of 1 600 000): advance 30 % = 90 000 in 2027, paid by the
    # end of 2027 ⌊300 000 × 930 869,57 / 1 600 000⌋ = 174 538,04 (under the 80 % ceiling,
    # 240 000), by the end of 2028 the ceiling, the balance 60 000 in 2029.
    ech_rows = grid["Versements"]
    block = find_row(ech_rows, 0, "Opération – ligne")
    years = {int(y): c for c, y in enumerate(ech_rows[block]) if y.isdigit()}
    halle_dsil = find_row(ech_rows, 0, "Restructuration de la Halle aux grains – DSIL", block)
    halle_detr = find_row(ech_rows, 0, "Restructuration de la Halle aux grains – DETR", block)
    check("Versements", halle_dsil, 2, 0, "Halle DSIL counted")
    for year, value in [(2027, 0), (2028, 0), (2029, 0)]:
        check("Versements", halle_dsil, years[year], value, "Halle DSIL paid in %d" % year)
    for year, value in [(2026, 0), (2027, 174538.04), (2028, 65461.96), (2029, 60000)]:
        check("Versements", halle_detr, years[year], value, "Halle DETR paid in %d" % year)
    report = json.loads(subprocess.run([maquette, "verifier", edited_plans, "--format", "json"], capture_output=True, text=True).stdout)
    p, f = same_treasury(maquette, edited_plans, grid)
    passed += p
    failed += f
    if len(report["operations"]) != len(before["Synthèse"]) and len(report["operations"]) < 9:
        print("FAIL verifier could not read the edited plans: %s" % report["diagnostics"][:2])
        failed += 1
    if report["resume"]["erreurs"] == 2:
        passed += 1
    else:
        failed += 1
        print("FAIL verifier on the edited plans: %s errors, the workbook 2" % report["resume"]["erreurs"])
    columns = {"depenses_ht": col["Coût HT"], "depenses_ttc": col["Coût TTC"], "aides_publiques": col["Total des aides publiques"],
               "part_maitre_ouvrage": col["Part du maître d'ouvrage"], "fctva": col["FCTVA attendu"]}
    for op in report["operations"]:
        row = find_row(s, 1, op["id"])
        for key, column in columns.items():
            check("Synthèse", row, column, float(op[key]), "verifier %s %s" % (op["id"], key))
    return passed + tally.passed, failed + tally.failed


def same_treasury(maquette, plans, grid):
    """`tresorerie` on the edited plans gives the Échéancier's subsidies, loans and land carrying of
    every owner and year, to the cent."""
    passed, failed = 0, 0
    report = json.loads(subprocess.run([maquette, "tresorerie", plans, "--format", "json"], capture_output=True, text=True).stdout)
    tables = [t for t in report["tableaux"] if t["nom"] != "tresorerie-programme"]
    rows = grid["Échéancier"]
    owners = []
    for row in rows[4:]:
        if len(row) > 1 and row[1].isdigit() and row[0] not in owners:
            owners.append(row[0])
    if len(owners) != len(tables):
        print("FAIL Échéancier owners %s, tresorerie %d tables" % (owners, len(tables)))
        return 0, 1
    for owner, table in zip(owners, tables):
        for line in table["lignes"]:
            row = next((r for r in rows if r[:2] == [owner, str(line["annee"])]), None)
            if row is None:
                continue
            loans = float(line["emprunts"]) + float(line["portage_foncier"]) - float(line["rachat_du_portage"])
            for what, column, expected in [("subsidies", 4, float(line["subventions_recues"])), ("loans and land carrying", 6, loans)]:
                if abs(number(row[column]) - expected) <= 0.005:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL Échéancier %s %s %s: tresorerie %.2f, workbook %s" % (owner, line["annee"], what, expected, row[column]))
    return passed, failed


def check_new_verdicts(maquette, plans, book, paths, before, work, col):
    """The Maison Roquelaure's DSIL goes from 340 000 to 910 000 €, and the OPAH-RU's suivi-animation
    loses its one aid (ANAH, 150 000 €, notified: refused). Figures worked by hand:

    Synthèse, « Aides »: the suivi-animation has no aid left that counts, « sans aide » (was
      « acquises »); Roquelaure's aids stay « en instruction » (none notified, some solicited).

    Financeurs, DSIL 2026 (the line's annee_enveloppe): 1 290 000 − 340 000 + 910 000 = 1 860 000
      requested against an envelope of 1 400 000: left −460 000, « non respectée »; DETR 2026 untouched.
    The operation sheets drawing on DSIL 2026 (Roquelaure, Halle, Gersycoop) say « non respectée »
      for the envelope; the école Bladé (DETR only) « respectée ».
    Roquelaure, décret 2018-514 art. 10 on the DRAC line, base 1 420 000 (studies 70 000, project
      management 150 000, restoration 1 200 000; the CIAP's equipment, 280 000, is out of the DRAC's
      natures). The other aids are on all 1 700 000 of expenses, so each counts for 1 420/1 700:
      DSIL ⌊910 000 × 142 / 170⌋ = 760 117,64; Région 255 000 → 213 000; Département 136 000 →
      113 600; LEADER 60 000 → 50 117,64; with the DRAC's 284 000: 1 420 835,28 > 1 420 000 →
      « non respectée ».
    Roquelaure, own funds 1 700 000 − 1 645 000 = 55 000: 55 000 / 1 700 000 = 3,24 % of public
      financing, under 20 % → « non respectée ». The Synthèse counts 2 errors on Roquelaure (the
      envelope is the programme's), Contrôles 2 + 1 envelope = 3.
    Échéancier, the DSIL (State: advance 30 %, instalments up to 80 %; works from 2026; HT
      130 000 / 445 000 / 1 125 000 in 2025–2027): advance 273 000 in 2026; paid by the end of
      2025 max(273 000, ⌊910 000 × 130 000 / 1 700 000⌋ = 69 588,23) = 273 000 (nothing more in
      2025), by the end of 2026 ⌊910 000 × 575 000 / 1 700 000⌋ = 307 794,11, by the end of 2027 the
      ceiling 728 000; balance 182 000 in 2028. So 2026: 307 794,11 (was 115 000), 2027:
      420 205,89 (was 157 000), 2028: 182 000 (was 68 000): Lectoure's subsidies +192 794,11,
      +263 205,89 and +114 000.
    """
    passed, failed = 0, 0
    ROQUELAURE = "Maison Roquelaure"
    roquelaure = before[ROQUELAURE]
    dsil = find_row(roquelaure, 1, "Dotation de soutien à l'investissement local (DSIL)")
    edited = os.path.join(work, "modifie-b.xlsx")
    SUIVI = "Suivi-animation de l'OPAH-RU"
    anah = find_row(before[SUIVI], 0, "Agence nationale de l'habitat (ANAH)")
    edit_inputs(book, edited, {paths[ROQUELAURE]: [("F%d" % (dsil + 1), 910000)], paths[SUIVI]: [("G%d" % (anah + 1), "refusé")]})
    out = os.path.join(work, "modifie-b")
    os.makedirs(out)
    grid = recalculated(edited, out)

    tally = Tally()
    check = tally.checker(grid, "after raising the Roquelaure DSIL")

    def old(sheet, row, column):
        return number(before[sheet][row][column])

    f = grid["Financeurs"]
    def funder_row(name, year):
        return next(r for r in range(len(f)) if len(f[r]) > 2 and f[r][1] == name and f[r][2] == str(year))
    dsil_2026 = funder_row("Dotation de soutien à l'investissement local (DSIL)", 2026)
    detr_2026 = funder_row("Dotation d'équipement des territoires ruraux (DETR)", 2026)
    check("Financeurs", dsil_2026, 7, 1860000, "DSIL 2026 requested")
    check("Financeurs", dsil_2026, 9, -460000, "DSIL 2026 left")
    check("Financeurs", dsil_2026, 10, "non respectée", "DSIL 2026 envelope verdict")
    check("Financeurs", detr_2026, 10, "respectée", "DETR 2026 envelope verdict")
    envelope = "Enveloppe annuelle de chaque financeur…"
    for sheet, verdict in [(ROQUELAURE, "non respectée"), (HALLE, "non respectée"), ("Gersycoop", "non respectée"), (ECOLE, "respectée")]:
        check(sheet, find_row(grid[sheet], 0, envelope), 2, verdict, "envelope verdict")
    r = grid[ROQUELAURE]
    check(ROQUELAURE, find_row(r, 0, "Aides publiques sur la même dépense…"), 2, "non respectée", "décret 2018-514 verdict")
    check(ROQUELAURE, find_row(r, 0, "Participation minimale du maître d'ouvrage…"), 2, "non respectée", "owner's share verdict")
    check(ROQUELAURE, find_row(r, 1, "Autofinancement (reste à financer)"), 5, 55000, "own funds")
    s = grid["Synthèse"]
    check("Synthèse", find_row(s, 1, "maison-roquelaure"), col["Erreurs"], 2, "Roquelaure errors")
    check("Synthèse", find_row(s, 1, "maison-roquelaure"), col["Aides"], "en instruction", "Roquelaure aids")
    check("Synthèse", find_row(s, 1, "suivi-animation-opah-ru"), col["Aides"], "sans aide", "suivi-animation aids")
    check("Synthèse", find_row(s, 0, "Total du programme"), col["Erreurs"], 2, "programme errors")
    check("Contrôles", 2, 0, "PROJET : 3 règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.", "Contrôles count")
    v = grid["Versements"]
    block = find_row(v, 0, "Opération – ligne")
    years = {int(y): c for c, y in enumerate(v[block]) if y.isdigit()}
    line = find_row(v, 0, "Maison Roquelaure – centre d'interprétation de l'architecture et du patrimoine – DSIL", block)
    check("Versements", line, 2, 910000, "Roquelaure DSIL counted")
    check("Versements", line, 3, 273000, "Roquelaure DSIL advance")
    check("Versements", line, 4, 728000, "Roquelaure DSIL instalments' ceiling")
    for year, value in [(2025, 0), (2026, 307794.11), (2027, 420205.89), (2028, 182000)]:
        check("Versements", line, years[year], value, "Roquelaure DSIL paid in %d" % year)
    e = grid["Échéancier"]
    def lectoure(year):
        return next(r for r in range(len(e)) if e[r][:2] == ["Commune de Lectoure", str(year)])
    for year, delta in [(2025, 0), (2026, 192794.11), (2027, 263205.89), (2028, 114000)]:
        check("Échéancier", lectoure(year), 4, old("Échéancier", lectoure(year), 4) + delta, "Lectoure subsidies %d" % year)

    # The same edit in the plan files: `verifier` finds the same three errors, with the same
    # figures; `tresorerie` the same schedule.
    edited_plans = os.path.join(work, "plans-b")
    shutil.copytree(plans, edited_plans)
    path = os.path.join(edited_plans, "operations", "maison-roquelaure.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert "montant: 340 000" in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("montant: 340 000", "montant: 910 000", 1))
    path = os.path.join(edited_plans, "operations", "suivi-animation-opah-ru.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert "statut: notifie" in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("statut: notifie", "statut: refuse", 1))
    report = json.loads(subprocess.run([maquette, "verifier", edited_plans, "--format", "json"], capture_output=True, text=True).stdout)
    errors = sorted((d["rule"], d.get("operation") or "") for d in report["diagnostics"] if d["severity"] == "erreur")
    expected = sorted([("aides-publiques-plafond", "maison-roquelaure"), ("enveloppe-annuelle", ""), ("part-maitre-ouvrage", "maison-roquelaure")])
    if errors == expected:
        passed += 1
    else:
        failed += 1
        print("FAIL verifier on the raised DSIL: %s, the workbook %s" % (errors, expected))
    messages = " ".join(d["message"] for d in report["diagnostics"])
    for figure in ["1 420 835,28", "1 860 000,00"]:
        if figure.replace(" ", "\u202f") in messages or figure in messages or figure.replace(" ", "\u00a0") in messages:
            passed += 1
        else:
            failed += 1
            print("FAIL verifier does not say %s: %s" % (figure, messages[:400]))
    p, f = same_treasury(maquette, edited_plans, grid)
    return passed + p + tally.passed, failed + f + tally.failed


def check_zero_envelope(maquette, plans, book, paths, before, work):
    """The DETR 2026 envelope is set to 0 on Financeurs, and the Halle's DETR (300 000 €,
    solicited) is refused on its sheet. Figures worked by hand:

    Financeurs, DETR 2026: 1 030 000 − 300 000 = 730 000 requested (école Bladé 250 000 notified,
      Gersycoop 480 000 solicited) against 0: left −730 000, « non respectée »; DSIL 2026 untouched.
    The operation sheets: Gersycoop and the école Bladé draw on DETR 2026, « non respectée »; the
      Halle's only DETR line is refused, its DSIL 2026 envelope holds: « respectée ».
    Versements, the Halle's DETR: counted 0, no advance, no ceiling, nothing paid any year (it was
      advance 90 000 at the works' start in 2027; by the end of 2027 ⌊300 000 × 870 000 /
      1 500 000⌋ = 174 000; the ceiling 240 000 in 2028, +66 000; the balance 60 000 in 2029).
    Échéancier, Lectoure's subsidies: −174 000 in 2027, −66 000 in 2028, −60 000 in 2029.
    Contrôles: one rule broken (the envelope). `verifier` on the same edit in the plan files: the
      envelope alone, 730 000 € requested; `tresorerie` the same schedule.
    """
    passed, failed = 0, 0
    edited = os.path.join(work, "modifie-c.xlsx")
    halle = before[HALLE]
    detr = find_row(halle, 1, "Dotation d'équipement des territoires ruraux (DETR)")
    fin = before["Financeurs"]
    detr_2026 = next(r for r in range(len(fin)) if len(fin[r]) > 2 and fin[r][1] == "Dotation d'équipement des territoires ruraux (DETR)" and fin[r][2] == "2026")
    edit_inputs(book, edited, {paths["Financeurs"]: [("I%d" % (detr_2026 + 1), 0)], paths[HALLE]: [("G%d" % (detr + 1), "refusé")]})
    out = os.path.join(work, "modifie-c")
    os.makedirs(out)
    grid = recalculated(edited, out)

    tally = Tally()
    check = tally.checker(grid, "after the DETR envelope set to 0")

    f = grid["Financeurs"]
    dsil_2026 = next(r for r in range(len(f)) if len(f[r]) > 2 and f[r][1] == "Dotation de soutien à l'investissement local (DSIL)" and f[r][2] == "2026")
    check("Financeurs", detr_2026, 7, 730000, "DETR 2026 requested")
    check("Financeurs", detr_2026, 9, -730000, "DETR 2026 left")
    check("Financeurs", detr_2026, 10, "non respectée", "DETR 2026 verdict")
    check("Financeurs", dsil_2026, 10, "respectée", "DSIL 2026 verdict")
    envelope = "Enveloppe annuelle de chaque financeur…"
    for sheet, verdict in [(HALLE, "respectée"), ("Gersycoop", "non respectée"), (ECOLE, "non respectée"), ("Maison Roquelaure", "respectée")]:
        check(sheet, find_row(grid[sheet], 0, envelope), 2, verdict, "envelope verdict")
    v = grid["Versements"]
    block = find_row(v, 0, "Opération – ligne")
    years = {int(y): c for c, y in enumerate(v[block]) if y.isdigit()}
    line = find_row(v, 0, "Restructuration de la Halle aux grains – DETR", block)
    for column, what in [(2, "counted"), (3, "advance"), (4, "instalments' ceiling")]:
        check("Versements", line, column, 0, "Halle DETR " + what)
    for year in [2026, 2027, 2028, 2029]:
        check("Versements", line, years[year], 0, "Halle DETR paid in %d" % year)
    e = grid["Échéancier"]
    def lectoure(year):
        return next(r for r in range(len(e)) if e[r][:2] == ["Commune de Lectoure", str(year)])
    for year, delta in [(2026, 0), (2027, -174000), (2028, -66000), (2029, -60000)]:
        check("Échéancier", lectoure(year), 4, number(before["Échéancier"][lectoure(year)][4]) + delta, "Lectoure subsidies %d" % year)
    check("Contrôles", 2, 0, "PROJET : 1 règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.", "Contrôles count")

    edited_plans = os.path.join(work, "plans-c")
    shutil.copytree(plans, edited_plans)
    path = os.path.join(edited_plans, "financeurs.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert "montant: 1 100 000" in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("montant: 1 100 000", "montant: 0", 1))
    path = os.path.join(edited_plans, "operations", "halle-aux-grains.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    old = "  - dispositif: etat.detr\n    montant: 300 000\n    assiette: 1 500 000\n    statut: sollicite"
    assert old in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, old.replace("statut: sollicite", "statut: refuse"), 1))
    report = json.loads(subprocess.run([maquette, "verifier", edited_plans, "--format", "json"], capture_output=True, text=True).stdout)
    errors = sorted((d["rule"], d.get("operation") or "") for d in report["diagnostics"] if d["severity"] == "erreur")
    messages = " ".join(d["message"] for d in report["diagnostics"])
    if errors == [("enveloppe-annuelle", "")] and any(x in messages for x in ["730 000,00", "730\u202f000,00", "730\u00a0000,00"]):
        passed += 1
    else:
        failed += 1
        print("FAIL verifier on the DETR envelope set to 0: %s, %s" % (errors, messages[:300]))
    p, f = same_treasury(maquette, edited_plans, grid)
    return passed + p + tally.passed, failed + f + tally.failed


if __name__ == "__main__":
    main()
