import Foundation
import MaquetteCore

/// A table of a report: typed cells, rendered for the terminal (left-aligned text,
/// right-aligned figures, a rule under the header, fitted to the terminal's width), as CSV for
/// French Excel, or as JSON (``ReportOutput``).
struct TextTable {
    enum Alignment { case left, right }

    /// One cell: text, or a figure kept exact for CSV and JSON.
    enum Cell: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        case text(String)
        case money(Money)
        /// A difference: the terminal shows the sign of a rise (`+450 000,00 €`).
        case difference(Money)
        /// A rate, shown with `decimals` decimals in the terminal.
        case rate(Rate, decimals: Int)
        case count(Int)
        case empty

        init(stringLiteral value: String) { self = value.isEmpty ? .empty : .text(value) }
        init(_ text: String?) { self = text.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        static func money(_ m: Money?) -> Cell { m.map { .money($0) } ?? .empty }
        static func rate(_ r: Rate?, decimals: Int = 2) -> Cell { r.map { .rate($0, decimals: decimals) } ?? .empty }

        /// As the terminal shows it.
        var shown: String {
            switch self {
            case .text(let s): return s
            case .money(let m): return m.formatted
            case .difference(let m): return m.isNegative || m.isZero ? m.formatted : "+" + m.formatted
            case .rate(let r, let decimals): return r.formatted(decimals: decimals)
            case .count(let n): return String(n)
            case .empty: return ""
            }
        }
    }

    var header: [String]
    var alignments: [Alignment]
    var rows: [[Cell]] = []
    /// Rows after which a separator is drawn.
    var separators: Set<Int> = []
    /// The table's name in JSON and its title line in CSV (`depenses`, `tresorerie-lectoure`).
    var name: String = "tableau"
    /// Rows left out of the terminal's table only (every figure zero: years before any spending).
    var hiddenInText: Set<Int> = []

    init(_ header: [String], _ alignments: [Alignment], name: String = "tableau") {
        self.header = header
        self.alignments = alignments
        self.name = name
    }

    mutating func add(_ row: [Cell]) { rows.append(row) }
    mutating func separate() { separators.insert(rows.count) }

    /// Hides, in the terminal only, the rows whose figures are all zero.
    mutating func hideZeroRowsInText() {
        for (i, row) in rows.enumerated() {
            let figures = row.compactMap { cell -> Bool? in
                if case .money(let m) = cell { return m.isZero }
                if case .difference(let m) = cell { return m.isZero }
                return nil
            }
            if !figures.isEmpty && figures.allSatisfy({ $0 }) { hiddenInText.insert(i) }
        }
    }

    /// The width the terminal gives: `COLUMNS`, else the terminal's own when standard output is
    /// one, else none (a pipe or a file gets whole lines).
    static func terminalWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return nil
    }

    func render() -> String { render(width: Self.terminalWidth()) }

    /// The table in at most `width` columns: long headings go on two lines, long text wraps
    /// at spaces (a word, an id, is never cut), and a table still too wide is cut into blocks
    /// of columns, each repeating the first.
    func render(width limit: Int?) -> String {
        let visible = rows.enumerated().filter { !hiddenInText.contains($0.offset) }
        let cells = visible.map { $0.element.map(\.shown) }
        let dataWidths = header.indices.map { i in cells.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
        var widths = header.indices.map { max(dataWidths[$0], header[$0].count) }
        var headings: [[String]] = header.map { [$0] }
        func total(_ columns: [Int]) -> Int { columns.map { widths[$0] }.reduce(0, +) + 2 * max(0, columns.count - 1) }
        let all = Array(header.indices)
        if let limit, total(all) > limit {
            // Headings longer than their figures go on two lines.
            for (i, title) in header.enumerated() where title.count > dataWidths[i] {
                headings[i] = Self.twoLines(title)
                widths[i] = max(dataWidths[i], headings[i].map(\.count).max() ?? 0)
            }
            // Text columns narrowed, their cells wrapped, down to their longest word.
            let longestWord = header.indices.map { i in
                (cells.flatMap { i < $0.count ? $0[i].split(separator: " ").map(\.count) : [] } + headings[i].map(\.count)).max() ?? 0
            }
            while total(all) > limit {
                guard let widest = all.filter({ alignments[$0] == .left && widths[$0] > max(12, longestWord[$0]) }).max(by: { widths[$0] < widths[$1] })
                else { break }
                // One character at a time from the widest: the text columns end up balanced.
                widths[widest] -= 1
            }
        }
        // Blocks of columns that fit, each starting with the first column.
        var blocks: [[Int]] = []
        if let limit, total(all) > limit, header.count > 1 {
            var current = [0]
            for i in header.indices.dropFirst() {
                if current.count > 1 && total(current + [i]) > limit {
                    blocks.append(current)
                    current = [0]
                }
                current.append(i)
            }
            blocks.append(current)
        } else {
            blocks = [all]
        }
        func lines(_ texts: [[String]], _ columns: [Int]) -> String {
            let height = columns.map { texts[$0].count }.max() ?? 1
            var out = ""
            for l in 0..<height {
                out += columns.map { i in
                    let cell = l < texts[i].count ? texts[i][l] : ""
                    let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                    return alignments[i] == .left ? cell + pad : pad + cell
                }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            }
            return out
        }
        var out = ""
        for (b, columns) in blocks.enumerated() {
            if b > 0 { out += "\n" }
            let height = columns.map { headings[$0].count }.max() ?? 1
            // Two-line headings are bottom-aligned, over their column.
            out += lines(headings.map { Array(repeating: "", count: max(0, height - $0.count)) + $0 }, columns)
            let rule = columns.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ")
            out += rule + "\n"
            for (position, (index, _)) in visible.enumerated() {
                if separators.contains(index) && position > 0 { out += rule + "\n" }
                let texts = header.indices.map { i in Self.wrap(i < cells[position].count ? cells[position][i] : "", widths[i]) }
                out += lines(texts, columns)
            }
        }
        return out
    }

    /// `text` in lines of at most `width` characters, cut at spaces.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// A heading on two lines, cut at the space nearest its middle.
    static func twoLines(_ title: String) -> [String] {
        let spaces = title.indices.filter { title[$0] == " " }
        guard !spaces.isEmpty else { return [title] }
        let middle = title.count / 2
        let cut = spaces.min { abs(title.distance(from: title.startIndex, to: $0) - middle) < abs(title.distance(from: title.startIndex, to: $1) - middle) }!
        return [String(title[..<cut]), String(title[title.index(after: cut)...])]
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension TextTable {
    /// A row of text cells.
    mutating func add(_ row: [String]) { rows.append(row.map { TextTable.Cell($0) }) }

    /// The columns' keys in CSV and JSON: the headings in lower case, without accents, words
    /// joined by `_` (`Dépenses TTC` → `depenses_ttc`); a repeated heading gets `_2`, `_3`…
    var keys: [String] {
        var seen: [String: Int] = [:]
        return header.map { title in
            let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
                .replacingOccurrences(of: "œ", with: "oe")
            var key = folded.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            while key.contains("__") { key = key.replacingOccurrences(of: "__", with: "_") }
            key = key.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
            seen[key, default: 0] += 1
            return seen[key]! > 1 ? "\(key)_\(seen[key]!)" : key
        }
    }
}
