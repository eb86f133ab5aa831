import CXlsxWriter

/// Cells of one worksheet, ready for the C library: fixed-size records and one buffer of
/// NUL-terminated texts, built on any thread and written by ``Worksheet/write(_:formats:)`` in a
/// single pass, with no Swift value made or released per cell. A producer thread can so take
/// every conversion (numbers, texts, formats) away from the thread that writes.
///
/// Formats are numbers into the array given at writing time (``noFormat`` for none).
public struct CellBatch: Sendable {
    enum Kind: UInt8, Sendable { case number, string, formulaNumber, formulaString, blank, merge, rowHeight }

    struct Record: Sendable {
        var kind: Kind
        var format: UInt16
        var column: UInt16
        var lastColumn: UInt16
        var row: UInt32
        var lastRow: UInt32
        var number: Double
        /// Offsets of NUL-terminated texts in `bytes`: a string's text or a formula's; a formula
        /// whose result is text keeps it at `second`.
        var text: Int32
        var second: Int32
    }

    /// The format number that writes a cell without a format of its own.
    public static let noFormat = UInt16.max

    private(set) var records: [Record] = []
    private(set) var bytes: [CChar] = []

    public init(reservingCells cells: Int = 0, textBytes: Int = 0) {
        records.reserveCapacity(cells)
        bytes.reserveCapacity(textBytes)
    }

    /// How many cells and row settings the batch holds.
    public var count: Int { records.count }

    /// Appends `text` and its NUL; returns its offset.
    private mutating func store(_ text: String) -> Int32 {
        let offset = Int32(bytes.count)
        var text = text
        text.withUTF8 { utf8 in utf8.withMemoryRebound(to: CChar.self) { bytes.append(contentsOf: $0) } }
        bytes.append(0)
        return offset
    }

    private mutating func append(_ kind: Kind, _ row: Int, _ column: Int, _ format: UInt16, number: Double = 0, text: Int32 = -1, second: Int32 = -1) {
        records.append(
            Record(
                kind: kind, format: format, column: UInt16(truncatingIfNeeded: column), lastColumn: 0, row: UInt32(truncatingIfNeeded: row), lastRow: 0,
                number: number, text: text, second: second))
    }

    public mutating func number(_ value: Double, row: Int, column: Int, format: UInt16) {
        append(.number, row, column, format, number: value)
    }

    /// A string cell: its text is never read as a formula.
    public mutating func string(_ text: String, row: Int, column: Int, format: UInt16) {
        append(.string, row, column, format, text: store(text))
    }

    /// A formula (with or without its `=`) and the value it computes, stored for viewers that do
    /// not recalculate.
    public mutating func formula(_ formula: String, value: Double, row: Int, column: Int, format: UInt16) {
        append(.formulaNumber, row, column, format, number: value, text: store(formula))
    }

    /// A formula whose result is text, with that text stored.
    public mutating func formula(_ formula: String, text: String, row: Int, column: Int, format: UInt16) {
        let f = store(formula)
        append(.formulaString, row, column, format, text: f, second: store(text))
    }

    /// A formatted cell without a value; without a format nothing is written.
    public mutating func blank(row: Int, column: Int, format: UInt16) {
        guard format != Self.noFormat else { return }
        append(.blank, row, column, format)
    }

    /// `text` across a range of cells merged into one.
    public mutating func merge(_ text: String, firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int, format: UInt16) {
        var record = Record(
            kind: .merge, format: format, column: UInt16(truncatingIfNeeded: firstColumn), lastColumn: UInt16(truncatingIfNeeded: lastColumn),
            row: UInt32(truncatingIfNeeded: firstRow), lastRow: UInt32(truncatingIfNeeded: lastRow), number: 0, text: -1, second: -1)
        record.text = store(text)
        records.append(record)
    }

    /// A row's height in points; given before the row's cells.
    public mutating func rowHeight(_ height: Double, row: Int) {
        append(.rowHeight, row, 0, Self.noFormat, number: height)
    }
}

extension Worksheet {
    /// Writes `batch` in its order, each cell with `formats[format]`. Rows must come in order in
    /// constant-memory mode, as for single cells. A failure names the cell, as single writes do.
    public func write(_ batch: CellBatch, formats: [Format]) throws {
        let handles: [UnsafeMutablePointer<lxw_format>?] = formats.map(\.handle)
        let sheet = handle
        let failed: (index: Int, error: lxw_error)? = handles.withUnsafeBufferPointer { handles in
            batch.bytes.withUnsafeBufferPointer { bytes in
                batch.records.withUnsafeBufferPointer { records in
                    // A text's address in the buffer (a batch with texts has a buffer).
                    let text = { (offset: Int32) in bytes.baseAddress.map { $0 + Int(offset) } }
                    for (i, r) in records.enumerated() {
                        let format = r.format == CellBatch.noFormat ? nil : handles[Int(r.format)]
                        let row = lxw_row_t(r.row), column = lxw_col_t(r.column)
                        let error: lxw_error
                        switch r.kind {
                        case .number: error = worksheet_write_number(sheet, row, column, r.number, format)
                        case .string: error = worksheet_write_string(sheet, row, column, text(r.text), format)
                        case .formulaNumber: error = worksheet_write_formula_num(sheet, row, column, text(r.text), format, r.number)
                        case .formulaString: error = worksheet_write_formula_str(sheet, row, column, text(r.text), format, text(r.second))
                        case .blank: error = worksheet_write_blank(sheet, row, column, format)
                        case .merge:
                            error = worksheet_merge_range(sheet, row, column, lxw_row_t(r.lastRow), lxw_col_t(r.lastColumn), text(r.text), format)
                        case .rowHeight: error = worksheet_set_row(sheet, row, r.number, nil)
                        }
                        if error != LXW_NO_ERROR { return (i, error) }
                    }
                    return nil
                }
            }
        }
        guard let failed else { return }
        let r = batch.records[failed.index]
        let context = r.kind == .rowHeight ? "ligne \(Int(r.row) + 1) de \(name)" : at(Int(r.row), Int(r.column))
        throw XlsxError(code: failed.error.rawValue, context: context)
    }
}
