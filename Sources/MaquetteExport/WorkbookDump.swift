import Foundation
import MaquetteCore

/// Writes a workbook model's cells as plain text, so that the benchmark's reference programs (C
/// with libxlsxwriter, Python with XlsxWriter or openpyxl) can write exactly the same cells.
///
/// Lines, tab-separated: `F id bold numberFormat italic fontSize fontColor background alignment wrap
/// topBorder bottomBorder indent` for each style (colours in hex, alignment 0 general, 1 left,
/// 2 centre, 3 right; empty when unset), so that the references create the very formats the
/// renderer creates, `S name` for each sheet, then
/// `C row column kind style value formula` for each cell, `kind` being n (number), s (text),
/// f (formula with a number), t (formula with a text) or b (a blank cell with a format, `value`
/// empty) or m (merged text, `formula` the last row and column); `H row height` before a row's
/// cells gives its height. After each `S` line, the sheet's settings the renderer writes too: `W column width`,
/// `Z rows columns` (frozen panes), `P landscape a3 header footer`, `R first last` (rows repeated on
/// each page), `A firstRow firstColumn lastRow lastColumn` (the filter buttons), `K firstRow firstColumn lastRow lastColumn formula` (a conditional format), `V …
/// values` (a drop-down list, values separated by `|`).
public enum WorkbookDump {
    public static func text(_ model: WorkbookModel) -> String {
        var out = ""
        for (i, style) in CellStyle.allCases.enumerated() {
            let spec = WorkbookRenderer.spec(style)
            let alignment: Int
            switch spec.alignment {
            case .general: alignment = 0
            case .left: alignment = 1
            case .center: alignment = 2
            case .right: alignment = 3
            }
            let fields: [String] = [
                "F", "\(i)", spec.bold ? "1" : "0", spec.numberFormat ?? "", spec.italic ? "1" : "0", spec.fontSize.map { "\($0)" } ?? "",
                spec.fontColor.map { String($0, radix: 16) } ?? "", spec.background.map { String($0, radix: 16) } ?? "", "\(alignment)",
                spec.wrap ? "1" : "0", spec.topBorder ? "1" : "0", spec.bottomBorder ? "1" : "0", "\(spec.indent)",
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        let styleIndex = Dictionary(uniqueKeysWithValues: CellStyle.allCases.enumerated().map { ($1, $0) })
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        for var sheet in model.sheets {
            sheet.materialise()
            out += "S\t\(clean(sheet.name))\n"
            for (column, width) in sheet.columnWidths.sorted(by: { $0.key < $1.key }) { out += "W\t\(column)\t\(width)\n" }
            if sheet.frozenRows > 0 || sheet.frozenColumns > 0 { out += "Z\t\(sheet.frozenRows)\t\(sheet.frozenColumns)\n" }
            out += "P\t\(sheet.landscape ? 1 : 0)\t\(sheet.paperA3 ? 1 : 0)\t\(clean(sheet.header))\t\(clean(sheet.footer))\n"
            if let rows = sheet.repeatRows { out += "R\t\(rows.lowerBound)\t\(rows.upperBound)\n" }
            if let f = sheet.autofilter { out += "A\t\(f.firstRow)\t\(f.firstColumn)\t\(f.lastRow)\t\(f.lastColumn)\n" }
            for h in sheet.problemHighlights + sheet.fills + sheet.attentionHighlights {
                out += "K\t\(h.range.firstRow)\t\(h.range.firstColumn)\t\(h.range.lastRow)\t\(h.range.lastColumn)\t\(clean(h.formula))\n"
            }
            for v in sheet.listValidations {
                out += "V\t\(v.range.firstRow)\t\(v.range.firstColumn)\t\(v.range.lastRow)\t\(v.range.lastColumn)\t\(v.values.map(clean).joined(separator: "|"))\n"
            }
            let merges = Dictionary(sheet.merges.map { ($0.firstRow * 16_384 + $0.firstColumn, $0) }, uniquingKeysWith: { a, _ in a })
            for (r, row) in sheet.rows.enumerated() {
                if let height = sheet.rowHeights[r] { out += "H\t\(r)\t\(height)\n" }
                for (c, cell) in row.enumerated() {
                    let style = styleIndex[sheet.wholeEuros ? cell.style.inWholeEuros : cell.style]!
                    if let merge = merges[r * 16_384 + c], case .text(let s) = cell.value {
                        out += "C\t\(r)\t\(c)\tm\t\(style)\t\(clean(s))\t\(merge.lastRow) \(merge.lastColumn)\n"
                        continue
                    }
                    switch cell.value {
                    case .empty:
                        // The renderer writes a formatted blank (total rows' grey band); a plain one is not a cell.
                        if cell.style != .text { out += "C\t\(r)\t\(c)\tb\t\(style)\t\t\n" }
                    // An empty text is written as a blank, with its format.
                    case .text(let s) where s.isEmpty: out += "C\t\(r)\t\(c)\tb\t\(style)\t\t\n"
                    case .text(let s): out += "C\t\(r)\t\(c)\ts\t\(style)\t\(clean(s))\t\n"
                    case .money(let m): out += "C\t\(r)\t\(c)\tn\t\(style)\t\(WorkbookRenderer.double(m))\t\n"
                    case .rate(let x): out += "C\t\(r)\t\(c)\tn\t\(style)\t\(WorkbookRenderer.double(x))\t\n"
                    case .integer(let i): out += "C\t\(r)\t\(c)\tn\t\(style)\t\(i)\t\n"
                    case .date(let d): out += "C\t\(r)\t\(c)\tn\t\(style)\t\(WorkbookRenderer.serial(d))\t\n"
                    case .formula(let f, let v):
                        switch v {
                        case .money(let m): out += "C\t\(r)\t\(c)\tf\t\(style)\t\(WorkbookRenderer.double(m))\t=\(f)\n"
                        case .rate(let x): out += "C\t\(r)\t\(c)\tf\t\(style)\t\(WorkbookRenderer.double(x))\t=\(f)\n"
                        case .number(let n): out += "C\t\(r)\t\(c)\tf\t\(style)\t\(n)\t=\(f)\n"
                        case .text(let t): out += "C\t\(r)\t\(c)\tt\t\(style)\t\(clean(t))\t=\(f)\n"
                        }
                    }
                }
            }
        }
        return out
    }
}
