/// What no plan text may hold, and no terminal or calendar may be sent: the one definition the
/// reader refuses and the printers make visible.
public enum TextSafety {
    /// The length of the run of printable ASCII (0x20–0x7E) that `bytes` begin with, found eight
    /// bytes at a time and rounded down to a multiple of eight: those bytes need no look one by
    /// one (no control, no line end, nothing invisible). A word passes when none of its bytes is
    /// below 0x20 (no borrow can cross a byte there) nor above 0x7E (no carry either).
    @inlinable
    public static func printableASCIIPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let below = (w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080
            let above = ((w &+ 0x0101_0101_0101_0101) | w) & 0x8080_8080_8080_8080
            if below | above != 0 { break }
            i += 8
        }
        return i
    }

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
