import CXlsxWriter
import Foundation

extension Worksheet {
    /// Where a cell is, as the library's failures are told.
    func at(_ row: Int, _ column: Int) -> String { "feuille \(name), ligne \(row + 1), colonne \(column + 1)" }

    public func setColumn(_ column: Int, width: Double) throws {
        try check(worksheet_set_column(handle, lxw_col_t(column), lxw_col_t(column), width, nil), "colonne \(column + 1) de \(name)")
    }

    public func freezePanes(rows: Int, columns: Int) { worksheet_freeze_panes(handle, lxw_row_t(rows), lxw_col_t(columns)) }

    public func autofilter(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) throws {
        try check(
            worksheet_autofilter(handle, lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow), lxw_col_t(lastColumn)),
            "filtre de \(name)")
    }

    /// A4 (or A3) landscape, one page wide, header rows repeated on every page.
    public func setPrint(landscape: Bool, paperA3: Bool = false, fitToWidth: Bool, repeatRows: ClosedRange<Int>?, header: String, footer: String) throws {
        if landscape { worksheet_set_landscape(handle) }
        // Paper codes of the xlsx format: 9 is A4, 8 is A3.
        worksheet_set_paper(handle, paperA3 ? 8 : 9)
        worksheet_set_margins(handle, 0.4, 0.4, 0.6, 0.6)
        if fitToWidth { worksheet_fit_to_pages(handle, 1, 0) }
        if let rows = repeatRows {
            try check(worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)), "impression de \(name)")
        }
        try check(header.withCString { worksheet_set_header(handle, $0) }, "en-tête de \(name)")
        try check(footer.withCString { worksheet_set_footer(handle, $0) }, "pied de page de \(name)")
    }

    /// Prints the sheet in blocks of columns, a page wide each, at `scale` per cent: a page break
    /// before each of `breaks`, the `repeated` columns at the left of every page. Call after
    /// ``setPrint`` (it replaces fitting to the page's width, which would ignore the breaks).
    public func printInBlocks(breaks: [Int], repeated: ClosedRange<Int>?, scale: Int) throws {
        var list = breaks.map { lxw_col_t($0) } + [0]
        try check(list.withUnsafeMutableBufferPointer { worksheet_set_v_pagebreaks(handle, $0.baseAddress) }, "sauts de page de \(name)")
        if let repeated {
            try check(worksheet_repeat_columns(handle, lxw_col_t(repeated.lowerBound), lxw_col_t(repeated.upperBound)), "impression de \(name)")
        }
        worksheet_fit_to_pages(handle, 0, 0)
        worksheet_set_print_scale(handle, UInt16(max(10, min(400, scale))))
    }

    /// A new page before each of `breaks` (rows), at `scale` per cent: spreadsheet programs ignore
    /// page breaks on a sheet fitted to its page, so the scale is given. Call after ``setPrint``.
    public func printWithRowBreaks(_ breaks: [Int], scale: Int) throws {
        var list = breaks.map { lxw_row_t($0) } + [0]
        try check(list.withUnsafeMutableBufferPointer { worksheet_set_h_pagebreaks(handle, $0.baseAddress) }, "sauts de page de \(name)")
        worksheet_fit_to_pages(handle, 0, 0)
        worksheet_set_print_scale(handle, UInt16(max(10, min(400, scale))))
    }

    /// A drop-down list of allowed values on a range.
    public func listValidation(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int, values: [String]) throws {
        let strings: [UnsafeMutablePointer<CChar>?] = values.map { v in v.withCString { strdup($0) } } + [nil]
        defer { strings.forEach { free($0) } }
        var list = strings
        try list.withUnsafeMutableBufferPointer { buffer in
            var validation = lxw_data_validation()
            validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
            validation.value_list = buffer.baseAddress
            try check(
                worksheet_data_validation_range(
                    handle, lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow), lxw_col_t(lastColumn), &validation),
                "liste de choix de \(name)")
        }
    }

    /// Applies `format` where `formula` (relative to the range's first cell) is true.
    public func highlight(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int, formula: String, format: Format) throws {
        let text = formula.withCString { strdup($0) }
        defer { free(text) }
        var conditional = lxw_conditional_format()
        conditional.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
        conditional.value_string = text
        conditional.format = format.handle
        try check(
            worksheet_conditional_format_range(
                handle, lxw_row_t(firstRow), lxw_col_t(firstColumn), lxw_row_t(lastRow), lxw_col_t(lastColumn), &conditional),
            "mise en forme conditionnelle de \(name)")
    }

    public func insert(_ chart: Chart, row: Int, column: Int, xScale: Double = 1, yScale: Double = 1) throws {
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        try check(worksheet_insert_chart_opt(handle, lxw_row_t(row), lxw_col_t(column), chart.handle, &options), "graphique de \(name)")
    }

}
