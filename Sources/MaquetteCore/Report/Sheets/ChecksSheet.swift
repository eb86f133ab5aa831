/// Every diagnostic, one row each.
struct ChecksSheet {
    let book: CommitteeWorkbook

    enum Column {
        static let severity = 0, rule = 1, operation = 2, message = 3, remedy = 4, file = 5, line = 6, reference = 7
    }

    func build() -> SheetModel {
        let errors = book.diagnostics.filter { $0.severity == .erreur }.count
        var sheet = book.newSheet(
            CommitteeWorkbook.checksSheet, title: "Contrôles des plans de financement",
            subtitle: errors == 0
                ? "Aucune règle n'est enfreinte. \(book.diagnostics.count) point(s) à surveiller."
                : "PROJET : \(errors) règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.",
            lastColumn: 7)
        sheet.append(Cell.headings(["Gravité", "Règle", "Opération", "Message", "Correction proposée", "Fichier", "Ligne", "Référence"]))
        let first = sheet.nextRow
        let diagnostics = book.diagnostics
        let titles = book.operationTitles
        let book = self.book
        // One row per diagnostic, produced on demand.
        sheet.deferred = DeferredRows(count: diagnostics.count) { range in
            diagnostics[range].map { d in
                [
                    .text(d.severity.rawValue), .text(Rules.rule(d.rule)?.title ?? d.rule, .textWrap), .text(d.operation.map { titles[$0] ?? $0 } ?? "programme", .textWrap), .text(d.message, .textWrap),
                    .text(d.notes.joined(separator: "\n"), .textWrap), .text(d.location.map { book.planFile($0.file) } ?? ""),
                    d.location.map { Cell(.integer($0.line), .integer) } ?? .empty, .text(Rules.rule(d.rule)?.reference ?? "", .textWrap),
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
        sheet.columnWidths = [0: 14, 1: 24, 2: 22, 3: 70, 4: 50, 5: 34, 6: 7, 7: 30]
        sheet.fitRowHeights()
        return sheet
    }
}
