/// The Évolutions sheet (`exporter --depuis REF`): what changed since the reference, the largest
/// euro change first, as `comparer --depuis` prints it. Each change of an amount carries the two
/// amounts and its gap as a formula; newly broken rules are highlighted.
public struct ChangesSheet: Sendable {
    public static let name = "Évolutions"

    /// The changes and the reference they are measured from.
    public struct Input: Sendable {
        /// `révision comite-2026-06 (3f2a…, 2026-06-18 : « Comité de juin »)` or `dossier …`.
        public var reference: String
        public var changes: [PlanChange]

        public init(reference: String, changes: [PlanChange]) {
            self.reference = reference
            self.changes = changes
        }
    }

    let book: CommitteeWorkbook
    let input: Input

    static let before = 5, after = 6, gap = 7

    func build() -> SheetModel {
        let changes = input.changes
        var sheet = book.newSheet(
            Self.name, title: "Évolutions depuis \(input.reference)",
            subtitle: changes.isEmpty
                ? "Aucun changement dans les plans."
                : "\(changes.count) changement(s), du plus grand écart en euros au plus petit ; en rouge, les règles nouvellement enfreintes.",
            lastColumn: 9)
        sheet.append(
            Cell.headings(["Changement", "Opération", "Objet", "Champ", "Type", "Avant", "Après", "Écart", "Fichier", "Ligne"]) { $0 >= Self.before && $0 <= Self.gap })
        let first = sheet.nextRow
        for (i, c) in changes.enumerated() {
            let r = first + i
            var row: [Cell] = [.text(c.kind.label), .text(c.operation ?? ""), .text(c.subject, .textWrap), .text(c.field ?? ""), .text(c.kind.rawValue)]
            if let b = c.beforeAmount, let a = c.afterAmount {
                row += [.money(b), .money(a), .formula("\(A1.cell(r, Self.after))-\(A1.cell(r, Self.before))", .money(a - b), .money)]
            } else {
                row += [.text(c.before ?? "", .textWrap), .text(c.after ?? "", .textWrap), .empty]
            }
            row += [.text(c.location?.file ?? ""), c.location.map { Cell(.integer($0.line), .integer) } ?? .empty]
            sheet.append(row)
        }
        let last = first + changes.count - 1
        if last >= first {
            sheet.autofilter = CellRange(3, 0, last, 9)
            sheet.problemHighlights = [(CellRange(first, 0, last, 9), "$\(A1.column(4))\(first + 1)=\"\(PlanChange.Kind.regleEnfreinte.rawValue)\"")]
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 26, 1: 22, 2: 44, 3: 20, 4: 20, 5: 18, 6: 18, 7: 16, 8: 40, 9: 7]
        sheet.fitRowHeights()
        return sheet
    }
}
