import CXlsxWriter

/// How a cell looks. Formats are created by ``Workbook/format(_:)`` and cached, so each distinct
/// look exists once in the file.
public struct FormatSpec: Hashable, Sendable {
    public enum Alignment: Hashable, Sendable { case general, left, center, right }

    public var bold = false
    public var italic = false
    public var fontSize: Double?
    public var fontColor: UInt32?
    public var background: UInt32?
    public var numberFormat: String?
    public var alignment: Alignment = .general
    public var wrap = false
    public var topBorder = false
    public var bottomBorder = false
    public var indent: UInt8 = 0

    public init(
        bold: Bool = false, italic: Bool = false, fontSize: Double? = nil, fontColor: UInt32? = nil, background: UInt32? = nil,
        numberFormat: String? = nil, alignment: Alignment = .general, wrap: Bool = false, topBorder: Bool = false,
        bottomBorder: Bool = false, indent: UInt8 = 0
    ) {
        self.bold = bold
        self.italic = italic
        self.fontSize = fontSize
        self.fontColor = fontColor
        self.background = background
        self.numberFormat = numberFormat
        self.alignment = alignment
        self.wrap = wrap
        self.topBorder = topBorder
        self.bottomBorder = bottomBorder
        self.indent = indent
    }
}

/// A format owned by its workbook; valid until the workbook is closed.
public struct Format {
    let handle: UnsafeMutablePointer<lxw_format>

    init(_ handle: UnsafeMutablePointer<lxw_format>, _ spec: FormatSpec) {
        self.handle = handle
        if spec.bold { format_set_bold(handle) }
        if spec.italic { format_set_italic(handle) }
        if let size = spec.fontSize { format_set_font_size(handle, size) }
        if let color = spec.fontColor { format_set_font_color(handle, lxw_color_t(color)) }
        if let color = spec.background {
            format_set_pattern(handle, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(handle, lxw_color_t(color))
        }
        if let numberFormat = spec.numberFormat { numberFormat.withCString { format_set_num_format(handle, $0) } }
        switch spec.alignment {
        case .general: break
        case .left: format_set_align(handle, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(handle, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(handle, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        if spec.wrap { format_set_text_wrap(handle) }
        if spec.topBorder { format_set_top(handle, UInt8(LXW_BORDER_THIN.rawValue)) }
        if spec.bottomBorder { format_set_bottom(handle, UInt8(LXW_BORDER_THIN.rawValue)) }
        if spec.indent > 0 { format_set_indent(handle, spec.indent) }
    }
}
