import XCTest

@testable import MaquetteCore

/// Money, rates and days never trap, whatever the values; the plan bounds are worked out exactly.
final class TotalArithmeticTests: XCTestCase {
    func testMoneyOperatorsSaturateAndCheckedOnesReportTheOverflow() {
        let top = Money(cents: .max)
        XCTAssertEqual(top + Money(cents: 1), top)
        XCTAssertEqual(Money(cents: .min) - Money(cents: 1), Money(cents: .min))
        XCTAssertEqual(-Money(cents: .min), top)
        XCTAssertNil(top.adding(Money(cents: 1)))
        XCTAssertNil(Money(cents: .min).subtracting(Money(cents: 1)))
        XCTAssertEqual(Money(cents: 250).adding(Money(cents: -50)), Money(cents: 200))
        XCTAssertNil(Money(cents: 1 << 62).multiplied(by: 4))
        XCTAssertEqual(Money(euros: 40_000).saturatingMultiplied(by: 3), Money(euros: 120_000))
        XCTAssertEqual(Money(cents: 1 << 62).saturatingMultiplied(by: -4), Money(cents: .min))
        XCTAssertEqual(Money(euros: .max), top)
        XCTAssertEqual(Money.sum([top, top, Money(cents: -1)]), Money(cents: .max - 1))
    }

    func testApplyingAHugeRateSaturates() {
        // 9,2 × 10^16 € × 1 000 000 %: far beyond 64 bits ("Not enough bits" before).
        XCTAssertEqual(Money(cents: .max).applying(Rate(millionths: .max)), Money(cents: .max))
        XCTAssertEqual(Money(cents: .min).applyingRoundedDown(Rate(millionths: .max)), Money(cents: .min))
        XCTAssertEqual(Rate(percent: .max), Rate(millionths: .max))
        XCTAssertEqual(Rate(millionths: .max) + Rate(millionths: 1), Rate(millionths: .max))
        XCTAssertNil(Rate(millionths: .max).scaled(by: Rate(percent: 200)))
        // 25 % × 110 % = 27,5 %.
        XCTAssertEqual(Rate(percent: 25).scaled(by: Rate(percent: 110)), Rate(millionths: 275_000))
        XCTAssertEqual(Rate.ratio(Money(cents: 5), .zero), nil)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(7, 0), 0)
        // Halves go away from zero, in 64 bits (most products) as in 128.
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(5, 2), 3)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(-5, 2), -3)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(5, -2), -3)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(7, 3), 2)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(8, 3), 3)
        // 2^64 + 4 over 8: 2^61 and a half, rounded up (past 64 bits).
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(Int128(1) << 64 + 4, 8), 2_305_843_009_213_693_953)
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(-(Int128(1) << 64) - 4, 8), -2_305_843_009_213_693_953)
        // 2^64 + 3 over 8: 2^61 and 3/8, rounded down.
        XCTAssertEqual(Rate.divideRoundingHalfAwayFromZero(Int128(1) << 64 + 3, 8), 2_305_843_009_213_693_952)
        XCTAssertEqual(Rate(millionths: 164_040).formatted(decimals: 9), "16,404 %")
        XCTAssertEqual(Rate(millionths: 164_040).formatted(decimals: -3), "16 %")
    }

    func testSplittingOverZeroWeightsIsEven() {
        // 90 000 € over three years of 0: 30 000 each.
        XCTAssertEqual(Money(euros: 90_000).split(proportionally: [0, 0, 0]), [Money(euros: 30_000), Money(euros: 30_000), Money(euros: 30_000)])
        // 10 milliards € by weights of 100 and 300 millions: the products pass 64 bits (10^20),
        // the parts do not: 2,5 and 7,5 milliards.
        XCTAssertEqual(
            Money(euros: 10_000_000_000).split(proportionally: [100_000_000, 300_000_000]), [Money(euros: 2_500_000_000), Money(euros: 7_500_000_000)])
        // 1,00 € in three: 0,33 + 0,33 + 0,34.
        XCTAssertEqual(Money(cents: 100).split(proportionally: [0, 0, 0]).map(\.cents), [33, 33, 34])
        XCTAssertEqual(Money(cents: 100).split(proportionally: []), [])
        // Negative weights count as zero: 60 / 40 of 1 000 €.
        XCTAssertEqual(Money(euros: 1_000).split(proportionally: [60, -5, 40]).map(\.cents), [60_000, 0, 40_000])
        // The parts always add up, even at the bound.
        XCTAssertEqual(Money.sum(Money(cents: .max).split(proportionally: [1, 1, 1])), Money(cents: .max))
    }

    func testAddingMonthsIsTotal() throws {
        let day = try XCTUnwrap(Day(year: 2025, month: 3, day: 31))
        XCTAssertEqual(day.adding(months: -3).iso, "2024-12-31")
        XCTAssertEqual(day.adding(months: -1).iso, "2025-02-28")
        // Before year 0: floor division keeps the month in 1...12 (year −1, December).
        let early = day.adding(months: -(2025 * 12 + 3))
        XCTAssertEqual([early.year, early.month, early.day], [-1, 12, 31])
        // A count of months as large as an Int: limited to a million years, no overflow.
        XCTAssertEqual(day.adding(months: .max).year, 1_002_025)
        XCTAssertEqual(day.adding(months: .min).year, 2025 - 1_000_000)
    }

    /// A day and a place in a file are kept small: eight bytes for a day (an optional one too),
    /// 24 for a place, as a programme holds hundreds of thousands of them. Their values are the
    /// same as before: a year far outside any calendar is kept to 32 bits.
    func testDaysAndPlacesAreSmallAndKeepTheirValues() throws {
        XCTAssertEqual(MemoryLayout<Day>.stride, 8)
        XCTAssertEqual(MemoryLayout<Day?>.stride, 8)
        XCTAssertEqual(MemoryLayout<SourceLocation>.stride, 24)
        XCTAssertEqual(MemoryLayout<SourceLocation?>.stride, 24)
        let day = try XCTUnwrap(Day(year: 2200, month: 12, day: 31))
        XCTAssertEqual([day.year, day.month, day.day], [2200, 12, 31])
        XCTAssertLessThan(try XCTUnwrap(Day(year: 2199, month: 12, day: 31)), day)
        XCTAssertEqual(Day.january1(-1).iso, "-1-01-01")
        XCTAssertEqual(Day.january1(5_000_000_000).year, Int(Int32.max))
        let place = SourceLocation(file: "P/operations/halle.yaml", line: 4_194_304, column: 80)
        XCTAssertEqual([place.line, place.column], [4_194_304, 80])
        XCTAssertEqual(place.description, "P/operations/halle.yaml:4194304:80")
        XCTAssertEqual(SourceLocation(file: "f", line: .max, column: .min).line, Int(Int32.max))
    }
}
