/// Every diagnostic, one row each.
struct ChecksSheet {
    let book: CommitteeWorkbook

    enum Column {
        static let severity = 0, rule = 1, operation = 2, message = 3, remedy = 4, file = 5, line = 6, reference = 7
    }

    let synthesis: SynthesisSheet

    func build() -> SheetModel {
        // The counts: live from the Synthèse's totals when it is exported (they follow the
        // operation sheets), plus the findings on the programme as a whole.
        let live = book.sheets.contains(.synthese)
        // The envelopes' verdicts are formulas of the Financeurs sheet, when it is exported.
        let envelopes = live ? book.envelopeVerdictRange : nil
        // The reader's and rules' findings with those of the workbook's day (all on operations).
        let diagnostics = book.allDiagnostics
        let programme = book.diagnostics.filter { $0.operation == nil && !(envelopes != nil && $0.rule == .enveloppeAnnuelle) }
        let programmeErrors = programme.filter { $0.severity == .erreur }.count
        let programmeWarnings = programme.count - programmeErrors
        let exceeded = envelopes == nil ? 0 : book.diagnostics.filter { $0.operation == nil && $0.rule == .enveloppeAnnuelle }.count
        let totals = synthesis.totalCounts
        let errors = live ? totals.errors + programmeErrors + exceeded : diagnostics.filter { $0.severity == .erreur }.count
        let warnings = live ? totals.warnings + programmeWarnings : diagnostics.count - errors
        let clean = { (w: String) in "Aucune règle n'est enfreinte. \(w) point(s) à surveiller." }
        let draft = { (e: String) in "PROJET : \(e) règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité." }
        let text = errors == 0 ? clean("\(warnings)") : draft("\(errors)")
        var sheet = book.newSheet(
            CommitteeWorkbook.checksSheet, title: "Contrôles des plans de financement",
            subtitle: (live
                ? "Constats établis par Maquette le \(book.created.formatted) ; le décompte ci-dessous suit les feuilles des opérations."
                : "\(text) (vérifié par Maquette le \(book.created.formatted))")
                + (book.risks.map { "\n" + $0 } ?? ""),
            lastColumn: 7)
        if live {
            let source = A1.sheet(CommitteeWorkbook.synthesisSheet) + "!"
            let plus = { (n: Int) in n == 0 ? "" : "+\(n)" }
            let envelopeCount = envelopes.map { "+COUNTIF(\($0),\"\(WorkbookLabels.Verdict.broken)\")" } ?? ""
            let e = "(" + source + A1.cell(synthesis.totalRow, SynthesisSheet.Column.errors, absolute: true) + plus(programmeErrors) + envelopeCount + ")"
            let w = "(" + source + A1.cell(synthesis.totalRow, SynthesisSheet.Column.warnings, absolute: true) + plus(programmeWarnings) + ")"
            let formula = "IF(\(e)=0,\"\(clean("\"&\(w)&\""))\",\"\(draft("\"&\(e)&\""))\")"
            // On the row under the subtitle, unmerged: a formula's text is not merged.
            sheet.rows[2] = [.formula(formula, .text(text), .textBold)]
        }
        sheet.append(Cell.headings(["Gravité", "Règle", "Opération", "Message", "Correction proposée", "Fichier", "Ligne", "Référence"], centred: [6]))
        let first = sheet.nextRow
        let titles = book.operationTitles
        let files = CommitteeWorkbook.PlanFiles(book.plansFolder)
        // One row per diagnostic, produced on demand; each rule's title and reference looked up
        // once a block.
        sheet.deferred = DeferredRows(count: diagnostics.count) { range in
            var rules: [DiagnosticID: (title: String, reference: String)] = [:]
            return diagnostics[range].map { d in
                let rule = rules[d.rule] ?? Rules.rule(d.rule).map { ($0.title, $0.reference) } ?? (d.rule.label, "")
                rules[d.rule] = rule
                return [
                    .text(d.severity.rawValue), .text(rule.title, .textWrap), .text(d.operation.map { titles[$0] ?? $0 } ?? "programme", .textWrap), .text(d.message, .textWrap),
                    .text(d.notes.joined(separator: "\n"), .textWrap), .text(d.location.map { files.relative($0.file) } ?? ""),
                    d.location.map { Cell(.integer($0.line), .integerCenter) } ?? .empty, .text(rule.reference, .textWrap),
                ]
            }
        }
        let last = first + diagnostics.count - 1
        if last >= first {
            sheet.autofilter = CellRange(3, 0, last, 7)
            sheet.problemHighlights = [(CellRange(first, Column.severity, last, Column.severity), "\(A1.cell(first, Column.severity))=\"\(WorkbookLabels.error)\"")]
        } else {
            sheet.deferred = nil
            sheet.append([.text("—"), .text(""), .text(""), .text("Aucun problème relevé.")])
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 14, 1: 32, 2: 26, 3: 60, 4: 44, 5: 34, 6: 8, 7: 30]
        sheet.fitRowHeights()
        return sheet
    }
}
