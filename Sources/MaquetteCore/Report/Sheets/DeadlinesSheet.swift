/// The Échéances sheet: the list of `maquette echeances`, the most pressing first. The days left
/// are a formula on the list's date, so that the workbook recomputes them; the deadlines already
/// past are highlighted.
public struct DeadlinesSheet: Sendable {
    public static let name = "Échéances"
    /// Deadlines within this many days are shown as needing attention.
    static let soonDays = 60

    public struct Input: Sendable {
        private let list: Later<[Deadline]>
        /// The day the list is made on (the workbook's date).
        public let today: Day
        /// Rows the sheet is expected to have, for progress bars.
        let expectedRows: Int

        public var deadlines: [Deadline] { list.value }

        public init(deadlines: [Deadline], today: Day) {
            list = Later(startingNow: false) { deadlines }
            self.today = today
            expectedRows = deadlines.count + 4
        }

        /// A list worked out when the sheet is built (while the operation sheets before it are
        /// written), about `expected` deadlines long.
        public init(today: Day, expected: Int, deadlines: @escaping @Sendable () -> [Deadline]) {
            list = Later(startingNow: false, deadlines)
            self.today = today
            expectedRows = expected + 4
        }
    }

    let book: CommitteeWorkbook
    let input: Input

    func build() -> SheetModel {
        let list = input.deadlines
        let lost = list.filter { $0.urgency == .perdue }.count
        var sheet = book.newSheet(
            Self.name, title: "Échéances au \(input.today.formatted)",
            subtitle: lost == 0
                ? "\(list.count) échéance(s) ; en rouge, celles qui sont dépassées ; en jaune, celles des \(Self.soonDays) prochains jours."
                : "ATTENTION : \(lost) échéance(s) dépassée(s) font perdre une aide ; en rouge, toutes celles qui sont dépassées ; en jaune, celles des \(Self.soonDays) prochains jours.",
            lastColumn: 10)
        sheet.append(
            Cell.headings(["Échéance", "Jours restants", "État", "Obligation", "Opération", "Financeur", "Dispositif", "Détail", "Référence", "Fichier", "Ligne"], centred: [2, 10]) { $0 == 1 })
        let first = sheet.nextRow
        let t = input.today
        let titles = book.operationTitles
        let files = CommitteeWorkbook.PlanFiles(book.plansFolder)
        for (i, d) in list.enumerated() {
            let r = first + i
            sheet.append([
                Cell(.date(d.day), .date), .formula("\(A1.cell(r, 0))-DATE(\(t.year),\(t.month),\(t.day))", .number(d.daysLeft), .integer), .text(d.urgency.label, .textCenter),
                .text(d.kind.label, .textWrap), .text(d.operation.map { titles[$0] ?? $0 } ?? "", .textWrap), .text(d.funder ?? "", .textWrap), .text(d.dispositif ?? "", .textWrap), .text(d.title, .textWrap),
                .text(d.reference, .textWrap), .text(d.location.map { files.relative($0.file) } ?? ""), d.location.map { Cell(.integer($0.line), .integerCenter) } ?? .empty,
            ])
        }
        let last = first + list.count - 1
        if last >= first {
            sheet.autofilter = CellRange(3, 0, last, 10)
            // Past and not a decision merely awaited: to act on now.
            sheet.problemHighlights = [
                (CellRange(first, 0, last, 10), "AND($\(A1.column(1))\(first + 1)<0,$\(A1.column(2))\(first + 1)<>\"\(Deadline.Urgency.enAttente.label)\")")
            ]
            // Due soon: the next two months, as the days left (a formula) say it.
            let days = "$\(A1.column(1))\(first + 1)"
            sheet.attentionHighlights = [(CellRange(first, 0, last, 10), "AND(\(days)>=0,\(days)<=\(Self.soonDays))")]
        } else {
            sheet.append([.text("Aucune échéance.")])
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 12, 1: 11, 2: 24, 3: 22, 4: 26, 5: 22, 6: 30, 7: 56, 8: 40, 9: 36, 10: 8]
        sheet.fitRowHeights()
        return sheet
    }
}
