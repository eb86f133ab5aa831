/// A workbook as pure data: sheets of styled cells, formulas with the value Maquette computed for
/// them, and the sheet-level settings a careful finance officer expects (frozen headers, filters,
/// print set-up, drop-downs, highlights, charts). The xlsx layer renders it; tests read it directly.
public struct WorkbookModel: Sendable {
    public var title: String
    public var subject: String
    public var author: String
    public var comments: String
    /// Creation date in seconds since 1970 (fixed for reproducible files).
    public var created: Int
    public var sheets: [SheetModel]
    public var definedNames: [(name: String, reference: String)]

    public init(title: String, subject: String, author: String, comments: String, created: Int, sheets: [SheetModel] = []) {
        self.title = title
        self.subject = subject
        self.author = author
        self.comments = comments
        self.created = created
        self.sheets = sheets
        self.definedNames = []
    }

    public func sheet(_ name: String) -> SheetModel? { sheets.first { $0.name == name } }
}

/// The looks a cell can have; the renderer maps each to a real format.
public enum CellStyle: Int, Sendable, CaseIterable {
    case text, textBold, textWrap, title, subtitle, section, header, headerRight
    case money, moneyBold, moneyTotal, rate, rateBold, rateTotal, date, year, integer
    case labelTotal, note, input, inputMoney, inputRate
    /// Whole euros, a dash for zero: the summaries read on paper.
    case euros, eurosBold, eurosTotal, rateOrDash, rateOrDashTotal, integerTotal
    /// A heading over short centred values (a status, a year), so that it never runs into the
    /// right-aligned heading before it.
    case headerCenter, textCenter
    /// A line number of a plan file, centred under its heading.
    case integerCenter
    /// A count of findings, a dash for none, as its sub-totals show it.
    case count

    /// The style an amount takes on a sheet shown in whole euros (``SheetModel/wholeEuros``);
    /// other styles, input cells among them, are kept.
    public var inWholeEuros: CellStyle {
        switch self {
        case .money: return .euros
        case .moneyBold: return .eurosBold
        case .moneyTotal: return .eurosTotal
        default: return self
        }
    }
}

/// What the formula computes, as Maquette worked it out.
public enum FormulaValue: Sendable, Equatable {
    case money(Money)
    case rate(Rate)
    case number(Int)
    case text(String)
}

public enum CellValue: Sendable, Equatable {
    case empty
    case text(String)
    case money(Money)
    case rate(Rate)
    case integer(Int)
    case date(Day)
    /// A formula without the leading `=`, and its value.
    case formula(String, FormulaValue)
}

public struct Cell: Sendable, Equatable {
    public var value: CellValue
    public var style: CellStyle

    public init(_ value: CellValue, _ style: CellStyle = .text) {
        self.value = value
        self.style = style
    }

    public static let empty = Cell(.empty)
    public static func text(_ s: String, _ style: CellStyle = .text) -> Cell { Cell(.text(s), style) }
    public static func money(_ m: Money, _ style: CellStyle = .money) -> Cell { Cell(.money(m), style) }
    public static func rate(_ r: Rate, _ style: CellStyle = .rate) -> Cell { Cell(.rate(r), style) }
    public static func formula(_ f: String, _ v: FormulaValue, _ style: CellStyle) -> Cell { Cell(.formula(f, v), style) }

    /// A row of column headings; those over figures (`rightAligned(column)`) are aligned right,
    /// as the figures are.
    public static func headings(_ labels: [String], centred: Set<Int> = [], rightAligned: (Int) -> Bool = { _ in false }) -> [Cell] {
        labels.enumerated().map { .text($0.element, centred.contains($0.offset) ? .headerCenter : rightAligned($0.offset) ? .headerRight : .header) }
    }
}

/// A rectangle of cells, zero-based and inclusive.
public struct CellRange: Sendable, Equatable {
    public var firstRow: Int
    public var firstColumn: Int
    public var lastRow: Int
    public var lastColumn: Int

    public init(_ firstRow: Int, _ firstColumn: Int, _ lastRow: Int, _ lastColumn: Int) {
        self.firstRow = firstRow
        self.firstColumn = firstColumn
        self.lastRow = lastRow
        self.lastColumn = lastColumn
    }
}

public struct ChartModel: Sendable {
    public enum Kind: Sendable { case stackedColumn, stackedBar, column, doughnut }
    public struct Series: Sendable {
        public var name: String
        /// A1 references with the sheet name.
        public var categories: String
        public var values: String
        public var color: UInt32?
        /// One colour per point (a doughnut's slices), in the order of the values.
        public var pointColors: [UInt32] = []
        /// Each value written on its bar, in this number format.
        public var labelFormat: String? = nil
        /// Points whose label is left out (a slice too thin for its percentage).
        public var hiddenLabels: [Int] = []
    }

    public var kind: Kind
    public var title: String
    public var series: [Series]
    public var row: Int
    public var column: Int
    public var xScale: Double
    public var yScale: Double
}

/// Rows a sheet produces on demand after its fixed ``SheetModel/rows``, so that a big sheet can be
/// written while it is still being built (see ``CommitteeWorkbook/build(streaming:)``).
public struct DeferredRows: Sendable {
    /// How many rows follow the sheet's fixed rows.
    public var count: Int
    /// The rows of `range`, counted from the first deferred row: a pure function, called from any
    /// thread, in blocks.
    public var produce: @Sendable (Range<Int>) -> [[Cell]]

    public init(count: Int, produce: @escaping @Sendable (Range<Int>) -> [[Cell]]) {
        self.count = count
        self.produce = produce
    }
}

public struct SheetModel: Sendable {
    public var name: String
    /// The sheet's rows, from the first; ``deferred`` rows, if any, come after them.
    public var rows: [[Cell]] = []
    public var deferred: DeferredRows?
    /// A sheet not built yet: only its name is known, this builds the rest (on the writer's
    /// producer thread when streaming; see ``resolved()``).
    public var pending: (@Sendable () -> SheetModel)?
    public var columnWidths: [Int: Double] = [:]
    public var rowHeights: [Int: Double] = [:]
    /// A3 for the wide synthesis, A4 otherwise.
    public var paperA3 = false
    /// Amounts shown to the euro, a dash for zero: the programme's views, where cents add
    /// nothing. The cells keep their cents; an operation's own plan (a legal computation, rate ×
    /// base to the cent) and the changes since a reference are shown to the cent.
    public var wholeEuros = false
    /// Rows and columns kept visible when scrolling.
    public var frozenRows = 0
    public var frozenColumns = 0
    public var autofilter: CellRange?
    public var merges: [CellRange] = []
    public var repeatRows: ClosedRange<Int>?
    /// Printed in blocks of columns, one page wide each: a break before each of these columns,
    /// `repeatColumns` at the left of every block.
    public var columnBreaks: [Int] = []
    public var repeatColumns: ClosedRange<Int>?
    /// A new page before each of these rows (the sheet printed a page wide, at a fixed scale).
    public var rowBreaks: [Int] = []
    public var landscape = true
    public var header = ""
    public var footer = ""
    public var listValidations: [(range: CellRange, values: [String])] = []
    /// Conditional formats: where `formula` holds, the cell is shown as a problem.
    public var problemHighlights: [(range: CellRange, formula: String)] = []
    /// Conditional formats: where `formula` holds, the cell is filled (a calendar's bars).
    public var fills: [(range: CellRange, formula: String)] = []
    /// Conditional formats: where `formula` holds, the amount is shown as not counted (grey,
    /// italic): a line refused or lapsed, whose amount no total takes.
    public var notCountedHighlights: [(range: CellRange, formula: String)] = []
    /// Conditional formats: where `formula` holds, the cell is shown as needing attention soon.
    public var attentionHighlights: [(range: CellRange, formula: String)] = []
    public var charts: [ChartModel] = []

    public init(name: String) { self.name = name }

    /// Rows a pending sheet is expected to have, for progress bars.
    public var expectedRows = 0
    /// A pending sheet to build on another core as soon as the writing starts rather than when its
    /// turn comes: a sheet slow to build (the Versements: 40 000 rows at 10 000 operations) placed
    /// after many quick ones (the operation sheets) is then ready when the writer reaches it.
    public var buildEarly = false

    /// A sheet named `name` that `build` will build when it is needed.
    public static func pending(_ name: String, expectedRows: Int = 0, _ build: @escaping @Sendable () -> SheetModel) -> SheetModel {
        var sheet = SheetModel(name: name)
        sheet.pending = build
        sheet.expectedRows = expectedRows
        return sheet
    }

    /// The sheet itself: built if it was pending.
    public func resolved() -> SheetModel { pending.map { $0() } ?? self }

    /// The index the next appended row gets.
    public var nextRow: Int { rowCount }
    /// Rows in all, deferred ones included.
    public var rowCount: Int { rows.count + (deferred?.count ?? 0) }

    /// The deferred rows of `range` (counted from the first deferred row) with the height each
    /// needs, or nil for the default; the same rows and heights as ``materialise()`` gives.
    public func deferredBlock(_ range: Range<Int>) -> (rows: [[Cell]], heights: [Double?]) {
        guard let deferred else { return ([], []) }
        let block = deferred.produce(range)
        let heights = block.enumerated().map { i, cells in rowHeights[rows.count + range.lowerBound + i] ?? fittedHeight(cells, row: rows.count + range.lowerBound + i) }
        return (block, heights)
    }

    /// Builds the sheet if it is pending and appends its deferred rows to ``rows``, with their
    /// heights.
    public mutating func materialise() {
        if pending != nil { self = resolved() }
        guard let deferred else { return }
        let (block, heights) = deferredBlock(0..<deferred.count)
        for (i, height) in heights.enumerated() { if let height { rowHeights[rows.count + i] = height } }
        rows += block
        self.deferred = nil
    }

    /// Appends a fixed row; deferred rows, once set, come last.
    public mutating func append(_ cells: [Cell]) {
        precondition(deferred == nil, "rows appended after deferred rows")
        rows.append(cells)
    }
    public mutating func skip() { append([]) }

    public func cell(_ row: Int, _ column: Int) -> Cell? {
        guard row < rows.count, column < rows[row].count else { return nil }
        return rows[row][column]
    }

    /// Widths fitted to the longest shown content of each column (about one unit per character),
    /// kept between `minimum` and `maximum`; columns already set are left as they are.
    public mutating func fitColumns(minimum: Double = 8, maximum: Double = 60, skipRows: Set<Int> = []) {
        var longest: [Int: Int] = [:]
        for (r, row) in rows.enumerated() where !skipRows.contains(r) {
            for (c, cell) in row.enumerated() where columnWidths[c] == nil {
                let length = SheetModel.displayLength(cell.value)
                longest[c] = max(longest[c] ?? 0, length)
            }
        }
        for (column, length) in longest where columnWidths[column] == nil {
            columnWidths[column] = min(maximum, max(minimum, Double(length) + 2))
        }
    }

    /// Heights for rows whose wrapped text needs more than one line, estimated from the column
    /// widths (merged cells count their whole width); spreadsheet programs do not always do it.
    /// Applies to the fixed rows; deferred rows get theirs as they are produced.
    public mutating func fitRowHeights() {
        for (r, row) in rows.enumerated() where rowHeights[r] == nil {
            if let height = fittedHeight(row, row: r) { rowHeights[r] = height }
        }
    }

    static let lineHeight = 15.0

    /// The height row `r` needs for its wrapped text, or nil if one line is enough.
    public func fittedHeight(_ row: [Cell], row r: Int) -> Double? {
        var height = Self.lineHeight
        for (c, cell) in row.enumerated() {
            // A title's characters are 14 points, others 11.
            let size: Double
            switch cell.style {
            case .textWrap, .header, .headerRight, .headerCenter, .subtitle: size = 11
            case .title: size = 14
            default: continue
            }
            guard case .text(let text) = cell.value else { continue }
            var width = columnWidths[c] ?? 9
            if let merge = merges.first(where: { $0.firstRow == r && $0.firstColumn == c }) {
                width = (merge.firstColumn...merge.lastColumn).reduce(0) { $0 + (columnWidths[$1] ?? 9) }
            }
            let perLine = max(1, Int(width * 1.1 * 11 / size))
            height = max(height, Double(Self.lineCount(text, perLine: perLine)) * Self.lineHeight * size / 11)
        }
        return height > Self.lineHeight * 1.3 ? height : nil
    }

    /// Lines `text` takes at `perLine` characters a line, each paragraph counted apart (combining
    /// accents are not characters of their own).
    static func lineCount(_ text: String, perLine: Int) -> Int {
        // Counted on the UTF-8 bytes in place, one character a byte that does not continue
        // another, while no character can be a combining mark: below U+0300 (French, as plans
        // write it), and U+2000–U+20BF (dashes, quotes, the euro sign: none combines). A text
        // with anything else is counted on its scalars.
        let counted = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var count = 0
            var length = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte >= 0xCC {
                    guard byte == 0xE2, i + 1 < bytes.count, bytes[i + 1] <= 0x82 else { return nil }
                    length += 1
                    i += 2
                } else if byte == 0x0A {
                    count += max(1, (length + perLine - 1) / perLine)
                    length = 0
                } else if byte & 0xC0 != 0x80 {
                    length += 1
                }
                i += 1
            }
            return count + max(1, (length + perLine - 1) / perLine)
        }
        if let counted, let counted { return counted }
        return lineCountOnScalars(text, perLine: perLine)
    }

    /// ``lineCount(_:perLine:)`` on the text's scalars, a combining mark no character of its own.
    static func lineCountOnScalars(_ text: String, perLine: Int) -> Int {
        var count = 0
        var length = 0
        for c in text.unicodeScalars {
            if c == "\n" {
                count += max(1, (length + perLine - 1) / perLine)
                length = 0
            } else if c.value < 0x300 || c.properties.generalCategory != .nonspacingMark {
                length += 1
            }
        }
        return count + max(1, (length + perLine - 1) / perLine)
    }

    /// Characters of `1 250 000,00 €`, counted without building the text.
    static func moneyLength(_ m: Money) -> Int {
        var euros = m.cents.magnitude / 100
        var digits = 1
        while euros >= 10 {
            euros /= 10
            digits += 1
        }
        return (m.cents < 0 ? 1 : 0) + digits + (digits - 1) / 3 + 5
    }

    static func displayLength(_ value: CellValue) -> Int {
        switch value {
        case .empty: return 0
        case .text(let s): return s.count
        case .money(let m): return moneyLength(m)
        case .rate(let r): return r.formatted.count + 1
        case .integer(let i): return String(i).count
        case .date: return 10
        case .formula(_, let v):
            switch v {
            case .money(let m): return moneyLength(m)
            case .rate(let r): return r.formatted.count + 1
            case .number(let n): return String(n).count
            case .text(let s): return s.count
            }
        }
    }
}

/// A1 notation.
public enum A1 {
    /// Letters of the first 702 columns (A to ZZ), computed once: formulas name columns a lot.
    static let letters: [String] = (0..<702).map { computeColumn($0) }

    public static func column(_ index: Int) -> String {
        index >= 0 && index < letters.count ? letters[index] : computeColumn(index)
    }

    static func computeColumn(_ index: Int) -> String {
        var letters = ""
        var c = index + 1
        while c > 0 {
            let r = (c - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            c = (c - 1) / 26
        }
        return letters
    }

    public static func cell(_ row: Int, _ column: Int, absolute: Bool = false) -> String {
        absolute ? "$\(A1.column(column))$\(row + 1)" : "\(A1.column(column))\(row + 1)"
    }

    public static func range(_ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int, absolute: Bool = false) -> String {
        "\(cell(r1, c1, absolute: absolute)):\(cell(r2, c2, absolute: absolute))"
    }

    /// A sheet name as formulas need it: `'Plan halle'`.
    public static func sheet(_ name: String) -> String { "'" + name.replacingApostrophes() + "'" }
}

extension String {
    fileprivate func replacingApostrophes() -> String {
        var out = ""
        for c in self { out += c == "'" ? "''" : String(c) }
        return out
    }
}
