/// A calendar day (proleptic Gregorian), without time or time zone: plan files speak in days
/// (`2024-03-15`) or months (`2025-03`, read as the first of the month).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Eight bytes in all, an optional day too (a funding line holds four of them, and a
    // programme tens of thousands of lines): the year as 32 bits (a scenario's shift may take it a
    // million years away, never further), the month and the day as 8.
    private let storedYear: Int32
    private let storedMonth: UInt8
    private let storedDay: UInt8

    public var year: Int { Int(storedYear) }
    public var month: Int { Int(storedMonth) }
    public var day: Int { Int(storedDay) }

    /// `nil` when the date does not exist (`2024-13-45`, `2023-02-29`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    /// 1 January of `year`, the year kept within the years a day may have (1900 to 2200).
    public init(january1 year: Int) {
        self.init(unchecked: min(max(year, 1900), 2200), 1, 1)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `month` in 1...12 and `day` in 1...31, as every caller gives them; the year as it is
    /// (clamped to 32 bits, far beyond any shift a scenario may ask).
    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        storedYear = Int32(clamping: year)
        storedMonth = UInt8(truncatingIfNeeded: month)
        storedDay = UInt8(truncatingIfNeeded: day)
    }

    /// Largest shift ``adding(months:)`` applies: a million years either way, so the arithmetic
    /// cannot overflow whatever count a parameter gives.
    static let maximumShiftInMonths = 12_000_000

    /// The same day `months` months later, clamped to the month's last day. Total: the shift is
    /// limited to ``maximumShiftInMonths``; the result may fall outside 1900-2200, and callers that
    /// keep it (scenarios) check it against ``Programme/acceptedYears``.
    public func adding(months: Int) -> Day {
        let shift = max(-Day.maximumShiftInMonths, min(Day.maximumShiftInMonths, months))
        let index = year * 12 + (month - 1) + shift
        // Floor division, so that a shift before year 0 still gives a month in 1...12.
        let y = index >= 0 ? index / 12 : -((-index + 11) / 12)
        let m = index - y * 12 + 1
        return Day(unchecked: y, m, min(day, Day.daysIn(month: m, year: y)))
    }

    /// `months` later, and the last day of that month when this is the last day of its own: how
    /// a scenario moves an end date (`fin: 2028-06`, 30 June, one month on is 31 July). Legal
    /// delays count from day to day instead (``adding(months:)``).
    public func adding(months: Int, keepingMonthEnd: Bool) -> Day {
        let shifted = adding(months: months)
        guard keepingMonthEnd, day == Day.daysIn(month: month, year: year) else { return shifted }
        return Day(unchecked: shifted.year, shifted.month, Day.daysIn(month: shifted.month, year: shifted.year))
    }

    /// 1 January of `year`, whatever the year (a parameter looked up for a shifted spending year).
    public static func january1(_ year: Int) -> Day { Day(unchecked: year, 1, 1) }

    /// ISO form: `2024-03-15`.
    public var iso: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    /// French form: `15/03/2024`.
    public var formatted: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(pad(day))/\(pad(month))/\(year)"
    }

    public var description: String { iso }

    /// Days since 1970-01-01 (used for reproducible timestamps).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01, when it lies in 1900-2200 (Howard Hinnant's civil_from_days).
    public init?(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// The day `days` later (earlier when negative); `nil` outside 1900-2200.
    public func adding(days: Int) -> Day? { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// Days from `self` to `other` (negative when `other` is earlier).
    public func days(to other: Day) -> Int { other.daysSinceEpoch - daysSinceEpoch }
}
