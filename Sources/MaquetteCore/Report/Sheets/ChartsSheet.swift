/// Tables linked to the Synthèse and the charts drawn from them.
struct ChartsSheet {
    let book: CommitteeWorkbook
    let synthesis: SynthesisSheet

    /// Colours told apart on screen, on paper and by colour-blind readers (Paul Tol's "muted" and
    /// "vibrant" schemes, then greys), given in this order to ``fundingLabels``.
    static let palette: [UInt32] = [
        0x332288, 0x88CCEE, 0x117733, 0x882255, 0x44AA99, 0xDDCC77, 0xCC6677, 0x0077BB, 0xAA4499, 0x999933, 0xEE7733, 0x33BBEE, 0xBBBBBB, 0x555555,
    ]
    /// What the charts show, in a fixed order: each has its colour in every chart of every workbook.
    static let fundingLabels = SynthesisSheet.aidColumns.map(\.label) + ["Part du maître d'ouvrage", "Autres ressources"]
    static func color(of label: String) -> UInt32 {
        palette[(fundingLabels.firstIndex(of: label) ?? palette.count - 1) % palette.count]
    }
    /// Amounts written on the bars in thousands of euros, none for zero.
    static let labelFormat = "#,##0,\" k€\";-#,##0,\" k€\";;"
    /// The same for the parts of stacked bars, none under `threshold` euros: a part narrower than
    /// its label would cover its neighbours' (the table above gives every amount).
    static func labelFormat(from threshold: Money) -> String {
        "[>=\(threshold.cents / 100)]#,##0,\" k€\";\"\""
    }

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
        let sums = synthesis.totalSums
        var mix: [(String, Int, Money)] = sourceColumns.enumerated().map { i, column in (labels[i], column, sums[column]) }
        mix.append(("Autres ressources", SynthesisSheet.Column.otherResources, sums[SynthesisSheet.Column.otherResources]))
        // The resources the programme has: a slice of nothing only crowds the legend.
        mix = mix.filter { !$0.2.isZero }
        for (label, column, amount) in mix {
            sheet.append([.text(label), .formula("\(source)!\(A1.cell(total, column, absolute: true))", .money(amount), .money)])
        }
        let mixLast = sheet.nextRow - 1
        let mixTotal = Money.sum(mix.map(\.2))

        if last >= first {
            // A label fits in about a sixteenth of the longest bar.
            let longest = book.figures.map { f in Money.sum(SynthesisSheet.values(of: f).enumerated().filter { sourceColumns.contains($0.offset) }.map(\.element)) }.max() ?? .zero
            let threshold = Money(cents: longest.cents / 16 / 100_000 * 100_000)
            sheet.charts.append(
                ChartModel(
                    kind: .stackedBar, title: "Financement de chaque opération, par financeur",
                    // The funders the programme has; each keeps its colour.
                    series: labels.enumerated().filter { !sums[sourceColumns[$0.offset]].isZero }.map { i, label in
                        .init(
                            name: label, categories: "\(me)!\(A1.range(first, 0, last, 0, absolute: true))",
                            values: "\(me)!\(A1.range(first, i + 1, last, i + 1, absolute: true))", color: Self.color(of: label), labelFormat: Self.labelFormat(from: threshold))
                    }, row: mixLast + 2, column: 0, xScale: 1.7, yScale: 1.5))
        }
        if mixLast >= mixFirst {
            sheet.charts.append(
                ChartModel(
                    kind: .doughnut, title: "Financement du programme",
                    series: [
                        .init(
                            name: "Financement du programme", categories: "\(me)!\(A1.range(mixFirst, 0, mixLast, 0, absolute: true))",
                            values: "\(me)!\(A1.range(mixFirst, 1, mixLast, 1, absolute: true))", color: nil, pointColors: mix.map { Self.color(of: $0.0) },
                            // A slice under 3 % has no room for its percentage.
                            hiddenLabels: mix.indices.filter { (Rate.ratio(mix[$0].2, mixTotal) ?? .zero) < Rate(percent: 3) })
                    ], row: mixLast + 2, column: 7, xScale: 1.25, yScale: 1.5))
        }
        sheet.rowHeights[3] = 47
        sheet.columnWidths[0] = 28
        for c in 1...labels.count { sheet.columnWidths[c] = 15 }
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }
}
