/// An exact rate, held in millionths of one (so `16,404 %` is 164 040 millionths).
///
/// Plan files write rates as percentages with at most four decimals; that is exactly the
/// precision kept here, so no rate is ever rounded on the way in.
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public let millionths: Int64

    public init(millionths: Int64) { self.millionths = millionths }
    /// A whole number of percent: `Rate(percent: 20)` is 20 %.
    public init(percent: Int64) {
        let (r, overflow) = percent.multipliedReportingOverflow(by: 10_000)
        self.millionths = overflow ? (percent < 0 ? .min : .max) : r
    }

    public static let zero = Rate(millionths: 0)
    public static let hundredPercent = Rate(millionths: scale)
    /// Largest rate a funding line may reach through a scenario (`variation` on a dispositif):
    /// 1 000 %, the largest variation a scenario may write.
    public static let maximumLineRate = Rate(millionths: 1_000 * 10_000)

    public static func < (a: Rate, b: Rate) -> Bool { a.millionths < b.millionths }
    /// Saturating: rates read from plans are at most a few thousand percent, far from the bounds.
    public static func + (a: Rate, b: Rate) -> Rate {
        let (r, overflow) = a.millionths.addingReportingOverflow(b.millionths)
        return Rate(millionths: overflow ? (b.millionths > 0 ? .max : .min) : r)
    }
    public static func - (a: Rate, b: Rate) -> Rate {
        let (r, overflow) = a.millionths.subtractingReportingOverflow(b.millionths)
        return Rate(millionths: overflow ? (b.millionths < 0 ? .max : .min) : r)
    }

    /// `self × factor` (both rates), truncated toward zero to the millionth; `nil` when the result
    /// does not fit in 64 bits.
    public func scaled(by factor: Rate) -> Rate? {
        Int64(exactly: Int128(millionths) * Int128(factor.millionths) / Int128(Rate.scale)).map(Rate.init(millionths:))
    }

    /// The ratio `part / whole`, rounded half away from zero to the millionth
    /// (that is, to 0,0001 %). `nil` when `whole` is zero.
    public static func ratio(_ part: Money, _ whole: Money) -> Rate? {
        guard whole.cents != 0 else { return nil }
        return Rate(millionths: divideRoundingHalfAwayFromZero(Int128(part.cents) * Int128(scale), Int128(whole.cents)))
    }

    /// French display with up to two decimals, trailing zeros removed: `20 %`, `16,4 %`, `33,33 %`.
    /// Display only: the value itself is never rounded.
    public var formatted: String { formatted(decimals: 2) }

    public func formatted(decimals requested: Int) -> String {
        let decimals = max(0, min(4, requested))
        // millionths -> hundredths of a percent etc.: percent = millionths / 10_000
        let divisor = Int128([10_000, 1_000, 100, 10, 1][decimals])
        let scaled = Rate.divideRoundingHalfAwayFromZero(Int128(millionths), divisor)
        let sign = scaled < 0 ? "-" : ""
        let magnitude = scaled.magnitude
        var power: UInt64 = 1
        for _ in 0..<decimals { power *= 10 }
        let whole = magnitude / power
        var fraction = String(magnitude % power)
        while fraction.count < decimals { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole) %" : "\(sign)\(whole),\(fraction) %"
    }

    /// Machine form: the percentage as a decimal string, `"16.404"`.
    public var percentString: String {
        let sign = millionths < 0 ? "-" : ""
        let m = millionths.magnitude
        var fraction = String(m % 10_000)
        while fraction.count < 4 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(m / 10_000)" : "\(sign)\(m / 10_000).\(fraction)"
    }

    public var description: String { formatted(decimals: 4) }

    /// `numerator / denominator` rounded half away from zero, saturating at the bounds of `Int64`
    /// (never reached by amounts and rates within the plan bounds); 0 when `denominator` is 0.
    static func divideRoundingHalfAwayFromZero(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        guard denominator != 0 else { return 0 }
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude
        let d = denominator.magnitude
        var q: UInt128
        if let n64 = UInt64(exactly: n), let d64 = UInt64(exactly: d) {
            // Amounts times rates fit in 64 bits: one machine division, not two 128-bit ones.
            let (q64, r64) = n64.quotientAndRemainder(dividingBy: d64)
            q = UInt128(q64)
            if r64 >= d64 - r64 { q += 1 }
        } else {
            q = n / d
            if n % d >= d - n % d { q += 1 }
        }
        let signed = negative ? -Int128(clamping: q) : Int128(clamping: q)
        return Int64(clamping: signed)
    }
}
