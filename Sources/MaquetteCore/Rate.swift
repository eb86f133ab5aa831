/// An exact rate, held in millionths of one (so `16,404 %` is 164 040 millionths).
///
/// Plan files write rates as percentages with at most four decimals; that is exactly the
/// precision kept here, so no rate is ever rounded on the way in.
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public let millionths: Int64

    public init(millionths: Int64) { self.millionths = millionths }
    /// A whole number of percent: `Rate(percent: 20)` is 20 %.
    public init(percent: Int64) { self.millionths = percent * 10_000 }

    public static let zero = Rate(millionths: 0)
    public static let hundredPercent = Rate(millionths: scale)

    public static func < (a: Rate, b: Rate) -> Bool { a.millionths < b.millionths }
    public static func + (a: Rate, b: Rate) -> Rate { Rate(millionths: a.millionths + b.millionths) }
    public static func - (a: Rate, b: Rate) -> Rate { Rate(millionths: a.millionths - b.millionths) }

    /// The ratio `part / whole`, rounded half away from zero to the millionth
    /// (that is, to 0,0001 %). `nil` when `whole` is zero.
    public static func ratio(_ part: Money, _ whole: Money) -> Rate? {
        guard whole.cents != 0 else { return nil }
        return Rate(millionths: divideRoundingHalfAwayFromZero(Int128(part.cents) * Int128(scale), Int128(whole.cents)))
    }

    /// French display with up to two decimals, trailing zeros removed: `20 %`, `16,4 %`, `33,33 %`.
    /// Display only: the value itself is never rounded.
    public var formatted: String { formatted(decimals: 2) }

    public func formatted(decimals: Int) -> String {
        // millionths -> hundredths of a percent etc.: percent = millionths / 10_000
        let divisor = Int128([10_000, 1_000, 100, 10, 1][max(0, min(4, decimals))])
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

    static func divideRoundingHalfAwayFromZero(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        precondition(denominator != 0)
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude
        let d = denominator.magnitude
        var q = n / d
        if (n % d) * 2 >= d { q += 1 }
        return negative ? -Int64(q) : Int64(q)
    }
}
