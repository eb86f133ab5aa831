import CXlsxWriter

/// A chart owned by its workbook, inserted in a worksheet with ``Worksheet/insert(_:row:column:scale:)``.
public struct Chart {
    public enum Kind: Sendable { case stackedColumn, stackedBar, doughnut, pie, column }

    let handle: UnsafeMutablePointer<lxw_chart>
    /// Where a failure is kept for the workbook's ``Workbook/close()`` to report (the library's
    /// chart functions return nothing but this one).
    let failures: FailureLog

    static func lxwType(_ kind: Kind) -> UInt8 {
        switch kind {
        case .stackedColumn: return UInt8(LXW_CHART_COLUMN_STACKED.rawValue)
        case .stackedBar: return UInt8(LXW_CHART_BAR_STACKED.rawValue)
        case .doughnut: return UInt8(LXW_CHART_DOUGHNUT.rawValue)
        case .pie: return UInt8(LXW_CHART_PIE.rawValue)
        case .column: return UInt8(LXW_CHART_COLUMN.rawValue)
        }
    }

    /// Adds a series; ranges are A1 references with the sheet: `'Synthèse'!$B$5:$B$12`.
    /// `pointColors` colour the points one by one (a doughnut's slices); `labelFormat`, when
    /// given, writes each value on its point in that number format, in a colour that reads on the
    /// series' fill when `labelsOnFill` (the parts of stacked bars).
    public func addSeries(
        name: String?, nameReference: String? = nil, categories: String, values: String, color: UInt32? = nil, pointColors: [UInt32] = [],
        labelFormat: String? = nil, labelsOnFill: Bool = false, hiddenLabels: [Int] = []
    ) {
        guard let series = categories.withCString({ c in values.withCString { v in chart_add_series(handle, c, v) } }) else {
            failures.record(XlsxError(code: LXW_ERROR_PARAMETER_VALIDATION.rawValue, context: "série « \(name ?? values) » d'un graphique"))
            return
        }
        if let nameReference {
            nameReference.withCString { chart_series_set_name(series, $0) }
        } else if let name {
            name.withCString { chart_series_set_name(series, $0) }
        }
        if let color {
            var fill = lxw_chart_fill(color: lxw_color_t(color), none: 0, transparency: 0)
            chart_series_set_fill(series, &fill)
        }
        if !pointColors.isEmpty {
            // The library copies the points: the fills need live only for the call.
            let fills = UnsafeMutablePointer<lxw_chart_fill>.allocate(capacity: pointColors.count)
            let points = UnsafeMutablePointer<lxw_chart_point>.allocate(capacity: pointColors.count)
            let list = UnsafeMutablePointer<UnsafeMutablePointer<lxw_chart_point>?>.allocate(capacity: pointColors.count + 1)
            defer {
                fills.deallocate()
                points.deallocate()
                list.deallocate()
            }
            for (i, color) in pointColors.enumerated() {
                fills[i] = lxw_chart_fill(color: lxw_color_t(color), none: 0, transparency: 0)
                points[i] = lxw_chart_point(line: nil, fill: fills + i, pattern: nil)
                list[i] = points + i
            }
            list[pointColors.count] = nil
            if chart_series_set_points(series, list) != LXW_NO_ERROR {
                failures.record(XlsxError(code: LXW_ERROR_PARAMETER_VALIDATION.rawValue, context: "couleurs de la série « \(name ?? values) » d'un graphique"))
            }
        }
        if let labelFormat {
            chart_series_set_labels(series)
            labelFormat.withCString { chart_series_set_labels_num_format(series, $0) }
            var font = lxw_chart_font()
            font.size = 8
            // Inside the bars (`labelsOnFill`), white on the dark fills and black on the light ones.
            if labelsOnFill, let color {
                let r = Double(color >> 16 & 0xFF), g = Double(color >> 8 & 0xFF), b = Double(color & 0xFF)
                font.color = lxw_color_t(0.299 * r + 0.587 * g + 0.114 * b < 128 ? 0xFFFFFF : 0x000000)
            }
            chart_series_set_labels_font(series, &font)
        }
        if let last = hiddenLabels.max() {
            // One entry per point up to the last hidden one; the others keep their default label.
            let labels = UnsafeMutablePointer<lxw_chart_data_label>.allocate(capacity: last + 1)
            let list = UnsafeMutablePointer<UnsafeMutablePointer<lxw_chart_data_label>?>.allocate(capacity: last + 2)
            defer {
                labels.deallocate()
                list.deallocate()
            }
            let hidden = Set(hiddenLabels)
            for i in 0...last {
                labels[i] = lxw_chart_data_label(value: nil, hide: hidden.contains(i) ? 1 : 0, font: nil, line: nil, fill: nil, pattern: nil)
                list[i] = labels + i
            }
            list[last + 1] = nil
            if chart_series_set_labels_custom(series, list) != LXW_NO_ERROR {
                failures.record(XlsxError(code: LXW_ERROR_PARAMETER_VALIDATION.rawValue, context: "étiquettes de la série « \(name ?? values) » d'un graphique"))
            }
        }
    }

    public func setTitle(_ title: String) { title.withCString { chart_title_set_name(handle, $0) } }
    public func legendAtBottom() { chart_legend_set_position(handle, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue)) }
    public func setValueAxis(numberFormat: String, name: String? = nil) {
        numberFormat.withCString { chart_axis_set_num_format(handle.pointee.y_axis, $0) }
        if let name { name.withCString { chart_axis_set_name(handle.pointee.y_axis, $0) } }
    }
    /// The categories from the top down on a bar chart (Excel lists them from the bottom); a bar
    /// chart's categories are on the library's y axis, its values on the x axis.
    public func reverseCategories() { chart_axis_set_reverse(handle.pointee.y_axis) }
    public func setBarValueAxis(numberFormat: String) { numberFormat.withCString { chart_axis_set_num_format(handle.pointee.x_axis, $0) } }
    public func setCategoryAxis(name: String) { name.withCString { chart_axis_set_name(handle.pointee.x_axis, $0) } }
    public func showPercentageLabels() {
        guard let series = handle.pointee.series_list.pointee.stqh_first else { return }
        chart_series_set_labels(series)
        chart_series_set_labels_options(series, 0, 0, 0)
        chart_series_set_labels_percentage(series)
    }
    public func setStyle(_ style: UInt8) { chart_set_style(handle, style) }
}

/// The first failure of a function that cannot throw, reported when the workbook is closed: a
/// workbook is never said to be written when part of it is missing.
final class FailureLog {
    private(set) var first: XlsxError?

    func record(_ error: XlsxError) {
        if first == nil { first = error }
    }
}
