import Foundation
import MaquetteCore
import XlsxWriter

/// Writes a ``WorkbookModel`` to an `.xlsx` file through libxlsxwriter.
///
/// Rows are written in order, so the workbook can use libxlsxwriter's constant-memory mode.
/// Amounts become numbers with a euro format and rates numbers with a percent format; the only
/// place where money meets `Double` is here, at the file boundary, because a spreadsheet cell is
/// an IEEE double.
public enum WorkbookRenderer {
    /// Cents, and a dash for zero (a column of "0,00 €" hides the figures that matter).
    static let moneyFormat = "#,##0.00 \"€\";-#,##0.00 \"€\";\"–\""
    static let rateFormat = "0.00%;-0.00%;\"–\""

    /// The scale at which the widest block of a sheet printed in blocks fills the page's width:
    /// a column `w` characters wide is 7w + 5 pixels at 96 dpi, (7w + 5) × 0,265 mm at 100 %;
    /// A3 landscape leaves about 400 mm, A4 about 277; 10 % kept for the programs' own rounding.
    static func printScale(_ sheet: SheetModel) -> Int {
        let width = { (c: Int) in ((sheet.columnWidths[c] ?? 8.43) * 7 + 5) * 0.2646 }
        let repeated = sheet.repeatColumns.map { $0.reduce(0.0) { $0 + width($1) } } ?? 0
        let last = sheet.columnWidths.keys.max() ?? 0
        let edges = [sheet.repeatColumns.map { $0.upperBound + 1 } ?? 0] + sheet.columnBreaks + [last + 1]
        var widest = 0.0
        for (from, to) in zip(edges, edges.dropFirst()) where to > from {
            widest = max(widest, repeated + (from..<to).reduce(0.0) { $0 + width($1) })
        }
        let page = (sheet.paperA3 ? 400.0 : 277.0) * (sheet.landscape ? 1 : 0.7)
        return widest == 0 ? 100 : min(100, Int(page * 0.9 / widest * 100))
    }
    /// Whole euros with a dash for zero, for the summaries printed for the committee (the cells
    /// keep their cents).
    static let eurosFormat = "#,##0 \"€\";-#,##0 \"€\";\"–\""
    static let rateOrDashFormat = "0.0%;-0.0%;\"–\""
    static let countFormat = "0;-0;\"–\""

    static func spec(_ style: CellStyle) -> FormatSpec {
        let navy: UInt32 = 0x1F4E79
        let totalGrey: UInt32 = 0xE7E6E6
        let input: UInt32 = 0xFFF2CC
        switch style {
        case .text: return FormatSpec(alignment: .left)
        case .textBold: return FormatSpec(bold: true)
        case .textWrap: return FormatSpec(alignment: .left, wrap: true)
        case .title: return FormatSpec(bold: true, fontSize: 14, fontColor: navy, wrap: true)
        case .subtitle: return FormatSpec(italic: true, fontColor: 0x595959, wrap: true)
        case .section: return FormatSpec(bold: true, fontSize: 12, fontColor: navy, bottomBorder: true)
        case .header: return FormatSpec(bold: true, fontColor: 0xFFFFFF, background: navy, alignment: .left, wrap: true)
        case .headerRight: return FormatSpec(bold: true, fontColor: 0xFFFFFF, background: navy, alignment: .right, wrap: true)
        case .money: return FormatSpec(numberFormat: moneyFormat)
        case .moneyBold: return FormatSpec(bold: true, numberFormat: moneyFormat)
        case .moneyTotal: return FormatSpec(bold: true, background: totalGrey, numberFormat: moneyFormat, topBorder: true)
        case .rate: return FormatSpec(numberFormat: rateFormat)
        case .rateBold: return FormatSpec(bold: true, numberFormat: rateFormat)
        case .rateTotal: return FormatSpec(bold: true, background: totalGrey, numberFormat: rateFormat, topBorder: true)
        case .date: return FormatSpec(numberFormat: "dd/mm/yyyy", alignment: .left)
        // Centred: a year or a line number next to a column of text never runs into it.
        case .year: return FormatSpec(numberFormat: "0", alignment: .center)
        case .integerCenter: return FormatSpec(numberFormat: "0", alignment: .center)
        case .integer: return FormatSpec(numberFormat: "#,##0")
        case .labelTotal: return FormatSpec(bold: true, background: totalGrey, topBorder: true)
        case .note: return FormatSpec(italic: true, fontColor: 0x595959)
        case .input: return FormatSpec(background: input, alignment: .center)
        case .inputMoney: return FormatSpec(background: input, numberFormat: moneyFormat)
        case .inputRate: return FormatSpec(background: input, numberFormat: rateFormat)
        case .euros: return FormatSpec(numberFormat: eurosFormat)
        case .eurosBold: return FormatSpec(bold: true, numberFormat: eurosFormat)
        case .eurosTotal: return FormatSpec(bold: true, background: totalGrey, numberFormat: eurosFormat, topBorder: true)
        case .rateOrDash: return FormatSpec(numberFormat: rateOrDashFormat)
        case .rateOrDashTotal: return FormatSpec(bold: true, background: totalGrey, numberFormat: rateOrDashFormat, topBorder: true)
        case .headerCenter: return FormatSpec(bold: true, fontColor: 0xFFFFFF, background: navy, alignment: .center, wrap: true)
        case .textCenter: return FormatSpec(alignment: .center)
        case .integerTotal: return FormatSpec(bold: true, background: totalGrey, numberFormat: countFormat, topBorder: true)
        case .count: return FormatSpec(numberFormat: countFormat)
        }
    }

    static func double(_ m: Money) -> Double { Double(m.cents) / 100 }
    static func double(_ r: Rate) -> Double { Double(r.millionths) / Double(Rate.scale) }
    /// Excel's serial day number: days since 1899-12-30.
    static func serial(_ d: Day) -> Double { Double(d.daysSinceEpoch + 25_569) }

    /// The cells of `rows`, the first at row `first` of `sheet`, as records for the C library,
    /// each with its height where `height(row)` gives one. Formats are style numbers: the writer
    /// gives each sheet its array (amounts to the euro or to the cent). A text spanning one of
    /// the sheet's merged ranges is written as the merge.
    static func batch(_ rows: some Collection<[Cell]>, from first: Int, of sheet: SheetModel, height: (Int) -> Double?) -> CellBatch {
        var batch = CellBatch(reservingCells: rows.count * 26, textBytes: rows.count * 512)
        let merged = sheet.merges.isEmpty ? [:] : Dictionary(sheet.merges.map { ($0.firstRow * 16_384 + $0.firstColumn, $0) }, uniquingKeysWith: { a, _ in a })
        var r = first
        for row in rows {
            if let h = height(r) { batch.rowHeight(h, row: r) }
            // The cells read in place, not copied one by one (a copy retains its text).
            row.withUnsafeBufferPointer { cells in
                for c in cells.indices {
                    let style = cells[c].style
                    let format = UInt16(style.rawValue)
                    if !merged.isEmpty, let merge = merged[r * 16_384 + c], case .text(let text) = cells[c].value {
                        batch.merge(text, firstRow: merge.firstRow, firstColumn: merge.firstColumn, lastRow: merge.lastRow, lastColumn: merge.lastColumn, format: format)
                        continue
                    }
                    switch cells[c].value {
                    case .empty: batch.blank(row: r, column: c, format: style == .text ? CellBatch.noFormat : format)
                    case .text(let s):
                        // Always a string cell: text from plan files beginning with `=` is never a formula.
                        if !s.isEmpty { batch.string(s, row: r, column: c, format: format) } else { batch.blank(row: r, column: c, format: format) }
                    case .money(let m): batch.number(double(m), row: r, column: c, format: format)
                    case .rate(let rate): batch.number(double(rate), row: r, column: c, format: format)
                    case .integer(let i): batch.number(Double(i), row: r, column: c, format: format)
                    case .date(let d): batch.number(serial(d), row: r, column: c, format: format)
                    case .formula(let f, let value):
                        switch value {
                        // libxlsxwriter takes the formula with or without its `=`: none saves a
                        // string per formula cell.
                        case .money(let m): batch.formula(f, value: double(m), row: r, column: c, format: format)
                        case .rate(let rate): batch.formula(f, value: double(rate), row: r, column: c, format: format)
                        case .number(let n): batch.formula(f, value: Double(n), row: r, column: c, format: format)
                        case .text(let t): batch.formula(f, text: t, row: r, column: c, format: format)
                        }
                    }
                }
            }
            r += 1
        }
        return batch
    }

    /// A sheet's own rows (not its deferred ones) as a batch, with their heights.
    static func batch(_ sheet: SheetModel) -> CellBatch {
        let heights = sheet.rowHeights
        return batch(sheet.rows, from: 0, of: sheet) { heights.isEmpty ? nil : heights[$0] }
    }

    /// Renders `model` into a new file at `path` (overwritten). The caller makes it atomic.
    ///
    /// A streamed model (``CommitteeWorkbook/build(streaming:)``) has its pending sheets built and
    /// its deferred rows produced on another thread, `blockSize` rows at a time, while this one
    /// writes; the file is the same byte for byte as for the model built whole.
    ///
    /// The writing runs on a thread of its own, the caller waiting for it: its memory comes from an
    /// allocator arena the plans never filled (the library allocates a cell at every write; in the
    /// plans' crowded arena allocating took 7–9 % of the writing, under 2 % in a fresh one).
    /// `progress` is told, on that thread, how many rows are written out of how many are expected
    /// (pending sheets count the rows they announce).
    /// Returns how long the writing waited for the producer, in seconds (for `MAQUETTE_TIMINGS`).
    @discardableResult
    public static func render(_ model: WorkbookModel, to path: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Double {
        final class Job: @unchecked Sendable {
            let work: () throws -> Double
            var waited = 0.0
            var failure: Error?
            let done = DispatchSemaphore(value: 0)
            init(_ work: @escaping () throws -> Double) { self.work = work }
        }
        let job = Job { try render(model, to: path, blockSize: RowPipeline.blockSize, capacity: RowPipeline.capacity, progress: progress) }
        let thread = Thread {
            do { job.waited = try job.work() } catch { job.failure = error }
            job.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        job.done.wait()
        if let failure = job.failure { throw failure }
        return job.waited
    }

    @discardableResult
    static func render(
        _ model: WorkbookModel, to path: String, blockSize: Int, capacity: Int, cellBudget: Int = RowPipeline.cellBudget,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> Double {
        let expected = model.sheets.reduce(0) { $0 + ($1.pending != nil ? $1.expectedRows : $1.rowCount) }
        var done = 0
        let workbook = try Workbook(path: path, constantMemory: true)
        // Formats by style number: an array look-up per cell.
        let formats: [Format] = try CellStyle.allCases.map { try workbook.format(spec($0)) }
        // The same, amounts to the euro, for the sheets shown in whole euros.
        let euroFormats: [Format] = CellStyle.allCases.map { formats[$0.inWholeEuros.rawValue] }
        let problem = try workbook.format(FormatSpec(bold: true, fontColor: 0x9C0006, background: 0xFFC7CE))
        let fill = try workbook.format(FormatSpec(fontColor: 0xFFFFFF, background: 0x2E75B6))
        let attention = try workbook.format(FormatSpec(background: 0xFFE699))
        let notCounted = try workbook.format(FormatSpec(italic: true, fontColor: 0x808080))
        try workbook.setProperties(
            title: model.title, subject: model.subject, author: model.author, company: model.author, comments: model.comments,
            created: model.created)
        // Deferred rows are produced on another core while the writer writes.
        let pipeline = RowPipeline.wanted(for: model) ? RowPipeline(model, blockSize: blockSize, capacity: capacity, cellBudget: cellBudget) : nil
        defer { pipeline?.finish() }
        // Every sheet added before any is written: in constant-memory mode each holds an open
        // scratch file, and the C library's streams are a list that closing a stream walks.
        // Opened together, they lie together in memory, and the walks at closing stay cheap (at
        // 10 000 operation sheets they took half the writing time when opened one by one between
        // the rows of the sheets before).
        // Each holds a scratch file until the workbook is closed: the soft limit of open files is
        // raised for them when the hard one allows it (otherwise adding a sheet says why).
        OpenFiles.allow(model.sheets.count)
        let worksheets = try model.sheets.map { try workbook.addWorksheet($0.name) }
        for (s, given) in model.sheets.enumerated() {
            // The sheet's settings, its own rows as a batch, and how many they are.
            let (sheetModel, leading, fixedRows): (SheetModel, CellBatch, Int)
            if given.pending != nil, let pipeline {
                (sheetModel, leading, fixedRows) = pipeline.sheet(s)
            } else {
                sheetModel = given.resolved()
                leading = batch(sheetModel)
                fixedRows = sheetModel.rows.count
            }
            let sheet = worksheets[s]
            for (column, width) in sheetModel.columnWidths.sorted(by: { $0.key < $1.key }) { try sheet.setColumn(column, width: width) }
            // Ranges are declared before the rows: in constant-memory mode a flushed row is out of reach.
            if sheetModel.frozenRows > 0 || sheetModel.frozenColumns > 0 {
                sheet.freezePanes(rows: sheetModel.frozenRows, columns: sheetModel.frozenColumns)
            }
            if let f = sheetModel.autofilter {
                try sheet.autofilter(firstRow: f.firstRow, firstColumn: f.firstColumn, lastRow: f.lastRow, lastColumn: f.lastColumn)
            }
            try sheet.setPrint(
                landscape: sheetModel.landscape, paperA3: sheetModel.paperA3, fitToWidth: true, repeatRows: sheetModel.repeatRows, header: sheetModel.header,
                footer: sheetModel.footer)
            if !sheetModel.rowBreaks.isEmpty && sheetModel.columnBreaks.isEmpty {
                try sheet.printWithRowBreaks(sheetModel.rowBreaks, scale: printScale(sheetModel))
            }
            if !sheetModel.columnBreaks.isEmpty {
                try sheet.printInBlocks(breaks: sheetModel.columnBreaks, repeated: sheetModel.repeatColumns, scale: printScale(sheetModel))
            }
            for v in sheetModel.listValidations {
                try sheet.listValidation(firstRow: v.range.firstRow, firstColumn: v.range.firstColumn, lastRow: v.range.lastRow, lastColumn: v.range.lastColumn, values: v.values)
            }
            for h in sheetModel.problemHighlights {
                try sheet.highlight(firstRow: h.range.firstRow, firstColumn: h.range.firstColumn, lastRow: h.range.lastRow, lastColumn: h.range.lastColumn, formula: h.formula, format: problem)
            }
            for h in sheetModel.fills {
                try sheet.highlight(firstRow: h.range.firstRow, firstColumn: h.range.firstColumn, lastRow: h.range.lastRow, lastColumn: h.range.lastColumn, formula: h.formula, format: fill)
            }
            for h in sheetModel.attentionHighlights {
                try sheet.highlight(
                    firstRow: h.range.firstRow, firstColumn: h.range.firstColumn, lastRow: h.range.lastRow, lastColumn: h.range.lastColumn, formula: h.formula,
                    format: attention)
            }
            for h in sheetModel.notCountedHighlights {
                try sheet.highlight(
                    firstRow: h.range.firstRow, firstColumn: h.range.firstColumn, lastRow: h.range.lastRow, lastColumn: h.range.lastColumn, formula: h.formula,
                    format: notCounted)
            }
            let sheetFormats = sheetModel.wholeEuros ? euroFormats : formats
            // The rows come as batches of C records (the producer's, or made here for a sheet
            // built beforehand): the writing thread only hands them to the library.
            try sheet.write(leading, formats: sheetFormats)
            done += fixedRows
            progress?(done, expected)
            if let deferred = sheetModel.deferred, let pipeline {
                var written = 0
                while written < deferred.count {
                    let (batch, count) = pipeline.rows(s, from: written)
                    try sheet.write(batch, formats: sheetFormats)
                    written += count
                    done += count
                    progress?(done, expected)
                }
            }
            for chartModel in sheetModel.charts {
                let kind: Chart.Kind
                switch chartModel.kind {
                case .stackedColumn: kind = .stackedColumn
                case .stackedBar: kind = .stackedBar
                case .column: kind = .column
                case .doughnut: kind = .doughnut
                }
                let chart = try workbook.addChart(kind)
                for series in chartModel.series {
                    chart.addSeries(
                        name: series.name, categories: series.categories, values: series.values, color: series.color, pointColors: series.pointColors,
                        labelFormat: series.labelFormat, labelsOnFill: chartModel.kind == .stackedBar || chartModel.kind == .stackedColumn,
                        hiddenLabels: series.hiddenLabels)
                }
                chart.setTitle(chartModel.title)
                if chartModel.kind == .stackedBar {
                    chart.reverseCategories()
                    chart.legendAtBottom()
                    chart.setBarValueAxis(numberFormat: "#,##0 \"€\"")
                } else if chartModel.kind != .doughnut {
                    chart.legendAtBottom()
                    chart.setValueAxis(numberFormat: "#,##0 \"€\"")
                } else {
                    chart.showPercentageLabels()
                }
                try sheet.insert(chart, row: chartModel.row, column: chartModel.column, xScale: chartModel.xScale, yScale: chartModel.yScale)
            }
        }
        for name in model.definedNames { try workbook.defineName(name.name, formula: name.reference) }
        try workbook.close()
        return Double(pipeline?.waited ?? 0) / 1e9
    }
}
