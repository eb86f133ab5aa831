/// Percentiles of many draws in memory that does not grow with their number.
///
/// Values (amounts in cents) are counted exactly, value by value, as long as they take at most
/// ``exactLimit`` distinct values — the case of an owner whose operations have a few uncertain lines
/// each: its share is a sum of a few outcomes. Past that, they are counted in buckets of a
/// logarithmic histogram: every value below 2^``mantissaBits`` cents has a bucket of its own, and
/// above, a bucket covers 2^``mantissaBits`` consecutive mantissas of one binary exponent, so its
/// width is at most |v| / 2^``mantissaBits`` for every value v it holds. A percentile read from a
/// bucket is the bucket's middle: within |p| / 2^(``mantissaBits`` + 1) of the exact nearest-rank
/// percentile p (``relativeError``, 0,05 %). Memory: at most ``exactLimit`` values, then at most
/// one counter per bucket reached (at most 2 × 55 × 2^``mantissaBits``, whatever the number of draws).
/// The mean is always exact.
public struct QuantileSketch: Sendable {
    /// Distinct values counted exactly before the sketch turns to buckets.
    public static let exactLimit = 4_096
    /// Bits of mantissa kept in a bucket.
    public static let mantissaBits = 10
    /// The bound of a percentile's error relative to its value once the sketch has buckets:
    /// 1/2048, rounded up to the millionth (0,0489 %).
    public static let relativeError = Rate(millionths: (Rate.scale + (Int64(1) << Int64(mantissaBits + 1)) - 1) >> Int64(mantissaBits + 1))

    private var exact: [Int64: Int] = [:]
    private var buckets: [Int64: Int] = [:]
    /// True as long as every value is counted exactly.
    public private(set) var isExact = true
    public private(set) var count = 0
    private var sum = Int128(0)

    public init() {}

    public mutating func add(_ value: Int64, times: Int = 1) {
        guard times > 0 else { return }
        count += times
        sum += Int128(value) * Int128(times)
        if isExact {
            exact[value, default: 0] += times
            if exact.count > Self.exactLimit {
                isExact = false
                for (v, n) in exact { buckets[Self.bucket(of: v), default: 0] += n }
                exact = [:]
            }
        } else {
            buckets[Self.bucket(of: value), default: 0] += times
        }
    }

    /// Adds `values`, sorted first so that equal values are counted at once.
    public mutating func add(_ values: ArraySlice<Int64>) {
        let sorted = values.sorted()
        var i = sorted.startIndex
        while i < sorted.endIndex {
            var j = i + 1
            while j < sorted.endIndex && sorted[j] == sorted[i] { j += 1 }
            add(sorted[i], times: j - i)
            i = j
        }
    }

    /// The mean, rounded toward zero to the cent (exact sum, whatever the sketch holds).
    public var mean: Int64 { count == 0 ? 0 : Int64(clamping: sum / Int128(count)) }

    /// The nearest-rank percentile `q` (in whole percent): the value at rank ⌈q × n / 100⌉ of the
    /// sorted values; exact while ``isExact``, else within ``relativeError`` of it.
    public func percentile(_ q: Int) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = min(count, max(1, (q * count + 99) / 100))
        var seen = 0
        if isExact {
            for v in exact.keys.sorted() {
                seen += exact[v] ?? 0
                if seen >= rank { return v }
            }
            return 0
        }
        for b in buckets.keys.sorted() {
            seen += buckets[b] ?? 0
            if seen >= rank { return Self.middle(of: b) }
        }
        return 0
    }

    /// The bucket of `value`: increasing with the value; equal to it below 2^mantissaBits in magnitude.
    public static func bucket(of value: Int64) -> Int64 {
        let magnitude = value.magnitude
        let m = UInt64(1) << UInt64(mantissaBits)
        let key: Int64
        if magnitude < m {
            key = Int64(magnitude)
        } else {
            let shift = (63 - magnitude.leadingZeroBitCount) - mantissaBits
            key = Int64(shift) << Int64(mantissaBits) + Int64(magnitude >> UInt64(shift))
        }
        return value < 0 ? -key : key
    }

    /// The middle of bucket `key`'s values (rounded toward zero).
    public static func middle(of key: Int64) -> Int64 {
        let m = Int64(1) << Int64(mantissaBits)
        let k = key.magnitude
        let magnitude: UInt64
        if k < UInt64(m) {
            magnitude = k
        } else {
            // Keys of shift s run over [(s + 1)·m, (s + 2)·m): the mantissa is k − s·m.
            let shift = UInt64(k / UInt64(m)) - 1
            let mantissa = k - shift * UInt64(m)
            let low = mantissa << shift
            let width = UInt64(1) << shift
            magnitude = low.addingReportingOverflow((width - 1) / 2).partialValue
        }
        let v = Int64(clamping: magnitude)
        return key < 0 ? -v : v
    }
}
