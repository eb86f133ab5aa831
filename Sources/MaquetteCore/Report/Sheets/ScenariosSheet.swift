/// The base plan and the scenarios side by side.
struct ScenariosSheet {
    let book: CommitteeWorkbook
    let comparison: Comparison

    func build() -> SheetModel {
        let c = comparison
        var sheet = book.newSheet(
            CommitteeWorkbook.scenariosSheet, title: "Comparaison des scénarios", subtitle: c.columns.map(\.title).joined(separator: " ; "),
            lastColumn: 8)
        func ownerName(_ id: String) -> String { book.plans.programme.maitreOuvrage(id)?.name ?? id }
        var ownShareRows: [Int] = []
        let titles = book.operationTitles
        for (title, pick) in [
            ("Part du maître d'ouvrage", { (f: Comparison.Figures) in f.ownersShare }), ("Aides publiques", { (f: Comparison.Figures) in f.publicAid }),
        ] {
            sheet.append([.text(title, .section)])
            var header: [Cell] = [.text("Opération ou maître d'ouvrage", .header)]
            for (i, col) in c.columns.enumerated() {
                header.append(.text(col.title, .headerRight))
                if i > 0 { header.append(.text("écart", .headerRight)) }
            }
            sheet.append(header)
            func row(_ label: String, _ style: CellStyle, _ figures: (Comparison.Column) -> Comparison.Figures?) {
                let r = sheet.nextRow
                var cells: [Cell] = [.text(label, style)]
                let reference = figures(c.columns[0]).map(pick) ?? .zero
                for (i, col) in c.columns.enumerated() {
                    let value = figures(col).map(pick) ?? .zero
                    cells.append(.money(value, style == .labelTotal ? .moneyTotal : .money))
                    if i > 0 {
                        cells.append(.formula("\(A1.cell(r, cells.count - 1))-\(A1.cell(r, 1))", .money(value - reference), style == .labelTotal ? .moneyTotal : .moneyBold))
                    }
                }
                sheet.append(cells)
            }
            for id in c.operations { row(titles[id] ?? id, .textWrap) { $0.operations[id] } }
            let firstOwner = sheet.nextRow
            for id in c.owners { row(ownerName(id), .textBold) { $0.owners[id] } }
            if title == "Part du maître d'ouvrage" { ownShareRows = Array(firstOwner..<sheet.nextRow) }
            row("Ensemble du programme", .labelTotal) { $0.programme }
            sheet.skip()
        }
        sheet.append([.text("Pointe du besoin de trésorerie cumulé et règles enfreintes", .section)])
        sheet.append([.text("Maître d'ouvrage", .header)] + c.columns.flatMap { [Cell.text("\($0.title) : pointe", .headerRight), .text("règles", .headerRight)] })
        for id in c.owners {
            sheet.append(
                [.text(ownerName(id))]
                    + c.columns.flatMap { [Cell.money($0.owners[id]?.treasuryPeak ?? .zero), Cell(.integer($0.owners[id]?.brokenRules ?? 0), .integer)] })
        }
        sheet.append(
            [.text("Ensemble du programme", .labelTotal)]
                + c.columns.flatMap { [Cell.money($0.programme.treasuryPeak, .moneyTotal), Cell(.integer($0.programme.brokenRules), .integer)] })
        if let first = ownShareRows.first, let last = ownShareRows.last {
            let me = A1.sheet(CommitteeWorkbook.scenariosSheet)
            var valueColumn = 1
            var series: [ChartModel.Series] = []
            for (i, col) in c.columns.enumerated() {
                series.append(
                    .init(
                        name: col.title, categories: "\(me)!\(A1.range(first, 0, last, 0, absolute: true))",
                        values: "\(me)!\(A1.range(first, valueColumn, last, valueColumn, absolute: true))",
                        color: ChartsSheet.palette[i % ChartsSheet.palette.count], labelFormat: ChartsSheet.labelFormat))
                valueColumn += i == 0 ? 1 : 2
            }
            sheet.charts.append(
                ChartModel(kind: .column, title: "Part du maître d'ouvrage selon le scénario", series: series, row: sheet.nextRow + 1, column: 0, xScale: 1.8, yScale: 1.3))
        }
        sheet.columnWidths[0] = 44
        for i in 1...(2 * c.columns.count) { sheet.columnWidths[i] = 17 }
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }
}
