/// Who is asked what, for which operation, and where it stands: one row per funding line with a
/// dispositif, by funder. Amount and status read the operation sheets when they are exported.
struct RequestsSheet {
    let book: CommitteeWorkbook

    enum Column {
        static let funder = 0, dispositif = 1, operation = 2, owner = 3, amount = 4, status = 5, year = 6, requested = 7, notified = 8
    }
    static let headerRow = 3

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.requestsSheet, title: "Demandes par financeur et par opération",
            subtitle:
                "Chaque ligne de financement auprès d'un dispositif : montant, statut et année de l'enveloppe (notification, sinon dépôt, sinon début des travaux). Montants et statuts repris des feuilles des opérations.",
            lastColumn: Column.notified)
        sheet.append(
            Cell.headings(
                ["Financeur", "Dispositif", "Opération", "Maître d'ouvrage", "Montant", "Statut", "Année", "Dépôt", "Notification"],
                centred: [Column.status, Column.year, Column.requested, Column.notified]
            ) { $0 == Column.amount })
        struct Request {
            let funder: String, dispositif: String, figure: Int, line: ResolvedFunding, index: Int
        }
        var requests: [Request] = []
        for (i, f) in book.figures.enumerated() {
            let ordered = book.operationLayouts?[i].ordered ?? f.funding
            for (index, line) in ordered.enumerated() {
                guard let d = line.dispositif else { continue }
                requests.append(Request(funder: line.funder?.name ?? "", dispositif: d.name, figure: i, line: line, index: index))
            }
        }
        // By funder and dispositif, operations in the programme's order; each name's sorting key
        // worked out once (the lines are many, the names few).
        var keys: [String: String] = [:]
        func key(_ name: String) -> String {
            if let known = keys[name] { return known }
            let k = FrenchOrder.key(name)
            keys[name] = k
            return k
        }
        let sorted = requests.enumerated().map { (key($0.element.funder), key($0.element.dispositif), $0.offset, $0.element) }
            .sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map { ($0.2, $0.3) }
        typealias R = OperationSheet.ResourceColumn
        let first = sheet.nextRow
        for (_, request) in sorted {
            let f = book.figures[request.figure]
            var amount = Cell.money(request.line.amount)
            var status = Cell.text(request.line.line.status.label, .textCenter)
            if let names = book.operationSheets, let layout = book.operationLayouts?[request.figure] {
                let row = layout.firstResource + request.index
                let sheetName = A1.sheet(names[request.figure]) + "!"
                amount = .formula(sheetName + A1.cell(row, R.amount, absolute: true), .money(request.line.amount), .money)
                status = .formula(sheetName + A1.cell(row, R.status, absolute: true), .text(request.line.line.status.label), .textCenter)
            }
            sheet.append([
                .text(request.funder, .textWrap), .text(request.dispositif, .textWrap), .text(f.operation.title, .textWrap),
                .text(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage, .textWrap), amount, status,
                Cell(.integer(EnvelopeRule.year(of: request.line, in: f)), .year),
                request.line.line.requestDay.map { Cell(.date($0), .date) } ?? .empty,
                request.line.line.notificationDay.map { Cell(.date($0), .date) } ?? .empty,
            ])
        }
        let last = sheet.nextRow - 1
        if last >= first {
            sheet.autofilter = CellRange(Self.headerRow, 0, last, Column.notified)
            let status = A1.cell(first, Column.status)
            sheet.problemHighlights = [
                (CellRange(first, Column.status, last, Column.status), "OR(\(status)=\"\(WorkbookLabels.refused)\",\(status)=\"\(WorkbookLabels.lapsed)\")")
            ]
            // A refused or lapsed request keeps its amount, shown as not counted.
            sheet.notCountedHighlights = [
                (CellRange(first, Column.amount, last, Column.amount), WorkbookLabels.notCounted(A1.cell(first, Column.status)))
            ]
        }
        sheet.frozenRows = Self.headerRow + 1
        sheet.repeatRows = Self.headerRow...Self.headerRow
        sheet.columnWidths = [0: 26, 1: 38, 2: 38, 3: 24, 4: 15, 5: 11, 6: 8, 7: 12, 8: 12]
        sheet.rowHeights[Self.headerRow] = 32
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }
}

/// The programme's calendar: operations by year, each year's spending HT (read from the operation
/// sheets when they are exported), the years with spending filled like a Gantt chart.
struct CalendarSheet {
    let book: CommitteeWorkbook

    func build() -> SheetModel {
        let firstYear = book.plans.programme.firstYear
        let spent = book.figures.flatMap { $0.costsByYear.map(\.year) }
        let years = Array(min(firstYear, spent.min() ?? firstYear)...max(book.plans.programme.lastYear, spent.max() ?? firstYear))
        let lastColumn = 2 + years.count
        var sheet = book.newSheet(
            CommitteeWorkbook.calendarSheet, title: "Calendrier du programme",
            subtitle: "Dépenses HT de chaque opération par année (cases colorées : années de dépense), avec le début et la fin des travaux.",
            lastColumn: lastColumn)
        sheet.append(Cell.headings(["Opération", "Maître d'ouvrage", "Travaux"] + years.map(String.init)) { $0 >= 3 })
        let first = sheet.nextRow
        typealias C = OperationSheet.CostColumn
        for (i, f) in book.figures.enumerated() {
            let op = f.operation
            let byYear = Dictionary(f.costsByYear.map { ($0.year, $0.ht) }, uniquingKeysWith: +)
            let works = op.worksStart.map { start in "\(Self.month(start))" + (op.end.map { " → \(Self.month($0))" } ?? "") } ?? ""
            var cells: [Cell] = [.text(op.title, .textWrap), .text(f.maitreOuvrage?.name ?? op.maitreOuvrage, .textWrap), .text(works)]
            for y in years {
                guard let amount = byYear[y] else {
                    cells.append(.empty)
                    continue
                }
                if let names = book.operationSheets, let layout = book.operationLayouts?[i], let index = layout.years.firstIndex(of: y) {
                    cells.append(.formula(A1.sheet(names[i]) + "!" + A1.cell(layout.costTotalRow, C.firstYear + index, absolute: true), .money(amount), .euros))
                } else {
                    cells.append(.money(amount, .euros))
                }
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        if last >= first {
            let corner = A1.cell(first, 3)
            sheet.fills = [(CellRange(first, 3, last, lastColumn), "AND(ISNUMBER(\(corner)),\(corner)<>0)")]
        }
        sheet.frozenRows = 4
        sheet.frozenColumns = 1
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 40, 1: 26, 2: 20]
        for c in 3...lastColumn { sheet.columnWidths[c] = 12 }
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }

    /// `02/2027`.
    static func month(_ day: Day) -> String { (day.month < 10 ? "0" : "") + "\(day.month)/\(day.year)" }
}
