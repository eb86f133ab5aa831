/// An exact amount of euros, held as a whole number of cents.
///
/// Amounts are bounded where they enter: a line holds at most ``Money/maximumLineAmount`` and a
/// programme at most ``Money/maximumProgrammeAmount`` in all (see ``AmountBounds``), so every sum
/// the figures make stays far below `Int64.max`. The operators still never trap: they saturate
/// at `Int64.min`/`Int64.max` (a value no bounded plan reaches); code that must know uses
/// ``Money/adding(_:)`` and ``Money/subtracting(_:)``, which return `nil` on overflow.
/// There is deliberately no conversion from `Double`.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let cents: Int64

    public init(cents: Int64) { self.cents = cents }
    public init(euros: Int64) { self.cents = Money.saturating(euros.multipliedReportingOverflow(by: 100), positive: euros >= 0) }

    public static let zero = Money(cents: 0)
    /// Largest amount a single plan line may carry: 10 milliards d'euros.
    public static let maximumLineAmount = Money(cents: 1_000_000_000_000)
    /// Largest total a programme may carry, every expense (TTC), funding amount, declared base,
    /// envelope and capacity added up: 10 000 milliards d'euros (10^15 cents). Any sum the figures,
    /// the treasury or the simulation make is a part of that total, or a few hundred times it at
    /// most (a yearly capacity times the years), so it stays below 2^63 ≈ 9,2 × 10^18 cents.
    public static let maximumProgrammeAmount = Money(cents: 1_000_000_000_000_000)

    /// `a + b`, or `nil` when it does not fit in 64 bits.
    public func adding(_ other: Money) -> Money? {
        let (r, overflow) = cents.addingReportingOverflow(other.cents)
        return overflow ? nil : Money(cents: r)
    }

    /// `a − b`, or `nil` when it does not fit in 64 bits.
    public func subtracting(_ other: Money) -> Money? {
        let (r, overflow) = cents.subtractingReportingOverflow(other.cents)
        return overflow ? nil : Money(cents: r)
    }

    /// `self × factor`, or `nil` when it does not fit in 64 bits.
    public func multiplied(by factor: Int) -> Money? {
        let (r, overflow) = cents.multipliedReportingOverflow(by: Int64(clamping: factor))
        return overflow || Int64(exactly: factor) == nil ? nil : Money(cents: r)
    }

    /// `self × factor`, saturating (never reached on bounded plans: see ``maximumProgrammeAmount``).
    public func saturatingMultiplied(by factor: Int) -> Money {
        multiplied(by: factor) ?? Money(cents: (cents < 0) == (factor < 0) ? .max : .min)
    }

    static func saturating(_ result: (partialValue: Int64, overflow: Bool), positive: Bool) -> Int64 {
        result.overflow ? (positive ? .max : .min) : result.partialValue
    }

    public static func + (a: Money, b: Money) -> Money {
        Money(cents: saturating(a.cents.addingReportingOverflow(b.cents), positive: b.cents > 0))
    }
    public static func - (a: Money, b: Money) -> Money {
        Money(cents: saturating(a.cents.subtractingReportingOverflow(b.cents), positive: b.cents < 0))
    }
    public static func += (a: inout Money, b: Money) { a = a + b }
    public static func -= (a: inout Money, b: Money) { a = a - b }
    public static prefix func - (a: Money) -> Money { Money.zero - a }
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
        Money(cents: Int64(clamping: Int128(cents) * Int128(rate.millionths) / Int128(Rate.scale)))
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
        // Written right to left into one buffer: ` €` (the euro sign's three bytes), the cents,
        // the comma, the euros by groups of three, the sign. 32 bytes hold the longest
        // (`-92 233 720 368 547 758,08 €`, 30 bytes).
        let magnitude = cents.magnitude
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var at = 32
            func put(_ byte: UInt8) {
                at -= 1
                buffer[at] = byte
            }
            put(0xAC)
            put(0x82)
            put(0xE2)
            put(0x20)
            put(UInt8(truncatingIfNeeded: magnitude % 10) + 0x30)
            put(UInt8(truncatingIfNeeded: magnitude / 10 % 10) + 0x30)
            put(UInt8(ascii: ","))
            var euros = magnitude / 100
            var digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 { put(0x20) }
                put(UInt8(truncatingIfNeeded: euros % 10) + 0x30)
                euros /= 10
                digits += 1
            } while euros > 0
            if cents < 0 { put(UInt8(ascii: "-")) }
            // Moved to the start of the buffer.
            let length = 32 - at
            for i in 0..<length { buffer[i] = buffer[at + i] }
            return length
        }
    }

    public var description: String { formatted }

    /// Splits the amount into parts proportional to `weights`; each part is rounded down to the
    /// cent and the cents left over go to the last part, so the parts always add up exactly.
    /// Weights that are all zero (or not all positive-summing) split the amount evenly: a line of
    /// 0 € split over three years, given 90 000 €, puts 30 000 € on each. No weights, no parts.
    public func split(proportionally weights: [Int64]) -> [Money] {
        var parts: [Money] = []
        parts.reserveCapacity(weights.count)
        splitting(weights.count, weight: { weights[$0] }) { _, part in parts.append(part) }
        return parts
    }

    /// ``split(proportionally:)`` with no array made: `body(i, part)` for each of the `count`
    /// parts in order, `weight(i)` giving the weight of part `i`.
    @inlinable
    public func splitting(_ count: Int, weight: (Int) -> Int64, _ body: (Int, Money) -> Void) {
        guard count > 0 else { return }
        var sum = Int128(0)
        for i in 0..<count { sum += Int128(max(0, weight(i))) }
        // Weights that add up to nothing split evenly.
        let total = sum > 0 ? sum : Int128(count)
        // Each part is at most the amount in magnitude and they add up to it within a cent per
        // part, so the remainder, the last part, is exact.
        var allotted = Int128(0)
        for i in 0..<count - 1 {
            let product = Int128(cents) * (sum > 0 ? Int128(max(0, weight(i))) : 1)
            // Most products and totals fit in 64 bits: one machine division (truncating toward
            // zero, as the 128-bit one).
            let quotient = Int64(exactly: product).flatMap { p in Int64(exactly: total).map { p / $0 } }
            let part = Money(cents: quotient ?? Int64(clamping: product / total))
            allotted += Int128(part.cents)
            body(i, part)
        }
        body(count - 1, Money(cents: Int64(clamping: Int128(cents) - allotted)))
    }
}
