/// Tables linked to the Synthèse and the charts drawn from them.
struct ChartsSheet {
    let book: CommitteeWorkbook
    let synthesis: SynthesisSheet

    /// Colours told apart on screen and on paper, in the order of the funders.
    static let palette: [UInt32] = [
        0x1F4E79, 0x2E75B6, 0x00B0F0, 0x9DC3E6, 0x203864, 0xC00000, 0xED7D31, 0x70AD47, 0x7030A0, 0xFFC000, 0x00A19A, 0x7F7F7F, 0x843C0C,
    ]

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.chartsSheet, title: "Graphiques", subtitle: "Tableaux liés à la synthèse : ils se mettent à jour avec elle.", lastColumn: 9)
        let source = A1.sheet(CommitteeWorkbook.synthesisSheet)
        let me = A1.sheet(CommitteeWorkbook.chartsSheet)
        // Table 1: funding by funder for each operation.
        let labels = SynthesisSheet.aidColumns.map(\.label) + ["Part du maître d'ouvrage"]
        let sourceColumns = Array(SynthesisSheet.Column.firstAid...SynthesisSheet.Column.lastAid) + [SynthesisSheet.Column.ownShare]
        sheet.append([.text("Opération", .header)] + labels.map { .text($0, .headerRight) })
        let first = sheet.nextRow
        for (i, f) in book.figures.enumerated() {
            let r = synthesis.operationRows[i]
            let values = SynthesisSheet.values(of: f)
            // The operation's short name (its tab's), so that the chart's labels stay readable.
            var cells: [Cell] = [.text(book.operationSheets?[i] ?? CommitteeWorkbook.tabName(f.operation.title))]
            for column in sourceColumns {
                let amount = values[column]
                cells.append(.formula("\(source)!\(A1.cell(r, column, absolute: true))", .money(amount), .money))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        sheet.skip()
        // Table 2: the programme's funding mix.
        sheet.append([.text("Financement du programme", .header), .text("Montant", .headerRight)])
        let mixFirst = sheet.nextRow
        let total = synthesis.totalRow
        let sums = synthesis.sums(book.figures.indices)
        var mix: [(String, Int, Money)] = sourceColumns.enumerated().map { i, column in (labels[i], column, sums[column]) }
        mix.append(("Autres ressources", SynthesisSheet.Column.otherResources, sums[SynthesisSheet.Column.otherResources]))
        for (label, column, amount) in mix {
            sheet.append([.text(label), .formula("\(source)!\(A1.cell(total, column, absolute: true))", .money(amount), .money)])
        }
        let mixLast = sheet.nextRow - 1

        if last >= first {
            sheet.charts.append(
                ChartModel(
                    kind: .stackedColumn, title: "Financement de chaque opération, par financeur",
                    series: labels.enumerated().map { i, label in
                        .init(
                            name: label, categories: "\(me)!\(A1.range(first, 0, last, 0, absolute: true))",
                            values: "\(me)!\(A1.range(first, i + 1, last, i + 1, absolute: true))", color: Self.palette[i % Self.palette.count])
                    }, row: mixLast + 2, column: 0, xScale: 1.7, yScale: 1.5))
        }
        sheet.charts.append(
            ChartModel(
                kind: .doughnut, title: "Financement du programme",
                series: [
                    .init(
                        name: "Financement du programme", categories: "\(me)!\(A1.range(mixFirst, 0, mixLast, 0, absolute: true))",
                        values: "\(me)!\(A1.range(mixFirst, 1, mixLast, 1, absolute: true))", color: nil)
                ], row: mixLast + 2, column: 7, xScale: 1.25, yScale: 1.5))
        sheet.rowHeights[3] = 47
        sheet.columnWidths[0] = 28
        for c in 1...labels.count { sheet.columnWidths[c] = 15 }
        sheet.fitRowHeights()
        return sheet
    }
}
