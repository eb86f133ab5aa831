/// What no plan text may hold, and no terminal or calendar may be sent: the one definition the
/// reader refuses and the printers make visible.
public enum TextSafety {
    /// Control characters: C0 (tab and line feed aside, which texts may hold), DEL and C1.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }

    /// The invisible characters that reorder or hide text on a screen or in a calendar:
    /// zero-width space, left-to-right and right-to-left marks, line and paragraph separators,
    /// bidirectional embeddings, overrides and isolates, the byte-order mark, and the
    /// non-characters U+FFFE and U+FFFF.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
