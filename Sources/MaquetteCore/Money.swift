/// An exact amount of euros, held as a whole number of cents.
///
/// Arithmetic traps on overflow rather than wrapping; the plan reader bounds every amount it
/// accepts (``Money/maximumLineAmount``) so that sums over any plan that fits in memory stay far
/// below `Int64.max`. There is deliberately no conversion from `Double`.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let cents: Int64

    public init(cents: Int64) { self.cents = cents }
    public init(euros: Int64) { self.cents = euros * 100 }

    public static let zero = Money(cents: 0)
    /// Largest amount a single plan line may carry: 10 milliards d'euros.
    /// With at most a few million lines this keeps every total below 2^63 cents.
    public static let maximumLineAmount = Money(cents: 1_000_000_000_000)

    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func - (a: Money, b: Money) -> Money { Money(cents: a.cents - b.cents) }
    public static func += (a: inout Money, b: Money) { a = a + b }
    public static func -= (a: inout Money, b: Money) { a = a - b }
    public static prefix func - (a: Money) -> Money { Money(cents: -a.cents) }
    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }

    public var isZero: Bool { cents == 0 }
    public var isNegative: Bool { cents < 0 }

    /// The amount times `rate`, rounded to the cent half away from zero
    /// ("arrondi commercial"): 0,5 centime et plus vers le centime supérieur.
    public func applying(_ rate: Rate) -> Money {
        Money(cents: Rate.divideRoundingHalfAwayFromZero(Int128(cents) * Int128(rate.millionths), Int128(Rate.scale)))
    }

    /// The amount times `rate`, truncated toward zero: used where a cap must never be exceeded
    /// by rounding (a proposal computed from a maximum rate).
    public func applyingRoundedDown(_ rate: Rate) -> Money {
        Money(cents: Int64(Int128(cents) * Int128(rate.millionths) / Int128(Rate.scale)))
    }

    /// `self ≤ rate × base`, decided exactly (no rounding at all).
    public func isAtMost(_ rate: Rate, of base: Money) -> Bool {
        Int128(cents) * Int128(Rate.scale) <= Int128(base.cents) * Int128(rate.millionths)
    }

    /// `self ≥ rate × base`, decided exactly.
    public func isAtLeast(_ rate: Rate, of base: Money) -> Bool {
        Int128(cents) * Int128(Rate.scale) >= Int128(base.cents) * Int128(rate.millionths)
    }

    /// Sum of many amounts.
    public static func sum<S: Sequence>(_ amounts: S) -> Money where S.Element == Money {
        amounts.reduce(.zero, +)
    }

    /// Decimal string in euros with a dot and two decimals, for machine output: `"1250000.00"`.
    public var decimalString: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let euros = magnitude / 100
        let rest = magnitude % 100
        return "\(sign)\(euros).\(rest < 10 ? "0" : "")\(rest)"
    }

    /// French display: `1 250 000,00 €` (narrow no-break spaces are avoided on purpose so that
    /// terminals and diffs stay readable; a plain space groups thousands).
    public var formatted: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let euros = String(magnitude / 100)
        var grouped = ""
        for (index, character) in euros.enumerated() {
            if index > 0 && (euros.count - index) % 3 == 0 { grouped.append(" ") }
            grouped.append(character)
        }
        let rest = magnitude % 100
        return "\(sign)\(grouped),\(rest < 10 ? "0" : "")\(rest) €"
    }

    public var description: String { formatted }

    /// Splits the amount into parts proportional to `weights`; each part is rounded down to the
    /// cent and the cents left over go to the last part, so the parts always add up exactly.
    public func split(proportionally weights: [Int64]) -> [Money] {
        let total = weights.reduce(Int128(0)) { $0 + Int128($1) }
        guard !weights.isEmpty, total > 0 else { return weights.map { _ in .zero } }
        var parts = weights.map { Money(cents: Int64(Int128(cents) * Int128($0) / total)) }
        let allotted = Money.sum(parts)
        parts[parts.count - 1] += self - allotted
        return parts
    }
}
