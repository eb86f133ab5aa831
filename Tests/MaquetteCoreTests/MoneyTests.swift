import Dispatch
import XCTest

@testable import MaquetteCore

final class MoneyTests: XCTestCase {
    func testFormatsInFrenchWithGroupedThousands() {
        XCTAssertEqual(Money(cents: 125_000_000).formatted, "1 250 000,00 €")
        XCTAssertEqual(Money(cents: 5).formatted, "0,05 €")
        XCTAssertEqual(Money(cents: -510).formatted, "-5,10 €")
        // Written on bytes since session 8; each counted by hand: groups of three from the right,
        // always two decimals, the largest magnitudes of 64-bit cents.
        XCTAssertEqual(Money.zero.formatted, "0,00 €")
        XCTAssertEqual(Money(cents: 99).formatted, "0,99 €")
        XCTAssertEqual(Money(cents: 100_000).formatted, "1 000,00 €")
        XCTAssertEqual(Money(cents: 99_999_999).formatted, "999 999,99 €")
        XCTAssertEqual(Money(cents: 10_000_000).formatted, "100 000,00 €")
        XCTAssertEqual(Money(cents: -26_862_000).formatted, "-268 620,00 €")
        XCTAssertEqual(Money(cents: Int64.max).formatted, "92 233 720 368 547 758,07 €")
        XCTAssertEqual(Money(cents: Int64.min).formatted, "-92 233 720 368 547 758,08 €")
        XCTAssertEqual(Money(cents: Int64.min).formatted.utf8.count, 30)
        XCTAssertEqual(Money(cents: 125_000_000).decimalString, "1250000.00")
        XCTAssertEqual(Money(cents: -7).decimalString, "-0.07")
    }

    func testApplyingARateRoundsHalfAwayFromZeroToTheCent() {
        // 1 000,00 € × 16,404 % = 164,04 € exactly.
        XCTAssertEqual(Money(cents: 100_000).applying(Rate(millionths: 164_040)), Money(cents: 16_404))
        // 333,33 € × 33,33 % = 111,098889 € -> 111,10 €.
        XCTAssertEqual(Money(cents: 33_333).applying(Rate(millionths: 333_300)), Money(cents: 11_110))
        // 0,05 € × 10 % = 0,005 € -> 0,01 € (half goes up).
        XCTAssertEqual(Money(cents: 5).applying(Rate(percent: 10)), Money(cents: 1))
        // 0,04 € × 10 % = 0,004 € -> 0,00 €.
        XCTAssertEqual(Money(cents: 4).applying(Rate(percent: 10)), Money(cents: 0))
        // Rounded down when a cap must not be exceeded: 0,09 € × 50 % = 0,045 € -> 0,04 €.
        XCTAssertEqual(Money(cents: 9).applyingRoundedDown(Rate(percent: 50)), Money(cents: 4))
        XCTAssertEqual(Money(cents: 9).applying(Rate(percent: 50)), Money(cents: 5))
    }

    func testComparisonsWithARateAreExact() {
        let base = Money(euros: 1_000_000)
        XCTAssertTrue(Money(euros: 800_000).isAtMost(Rate(percent: 80), of: base))
        XCTAssertFalse(Money(cents: 80_000_001).isAtMost(Rate(percent: 80), of: base))
        XCTAssertTrue(Money(euros: 200_000).isAtLeast(Rate(percent: 20), of: base))
        XCTAssertFalse(Money(cents: 19_999_999).isAtLeast(Rate(percent: 20), of: base))
        // Large amounts do not overflow: 10 milliards × 100 %.
        XCTAssertTrue(Money.maximumLineAmount.isAtMost(.hundredPercent, of: Money.maximumLineAmount))
    }

    func testSplitGivesTheLeftoverCentsToTheLastPart() {
        XCTAssertEqual(Money(euros: 100).split(proportionally: [1, 1, 1]), [Money(cents: 3333), Money(cents: 3333), Money(cents: 3334)])
        XCTAssertEqual(Money(euros: 91_000).split(proportionally: [500_000, 500_000]), [Money(euros: 45_500), Money(euros: 45_500)])
    }

    func testSplitWithoutPositiveWeights() {
        // No weight above zero: evenly (90 000 € over three years of 0 €: 30 000 € each).
        XCTAssertEqual(Money(euros: 90_000).split(proportionally: [0, 0, 0]), [Money(euros: 30_000), Money(euros: 30_000), Money(euros: 30_000)])
        // A negative weight counts as zero: 1,00 € by 0 / 3 / 1 is 0 / 0,75 / 0,25.
        XCTAssertEqual(Money(cents: 100).split(proportionally: [-5, 3, 1]), [.zero, Money(cents: 75), Money(cents: 25)])
        XCTAssertEqual(Money(euros: 5).split(proportionally: []), [])
        // A negative amount is split toward zero, the rest to the last part: -1,00 € in three.
        XCTAssertEqual(Money(cents: -100).split(proportionally: [1, 1, 1]), [Money(cents: -33), Money(cents: -33), Money(cents: -34)])
    }

    func testYearlyTTCAddsUpToTheLineTTC() {
        // 100,00 € HT at 20 % over three years of 33,33 / 33,33 / 33,34: VAT 20,00 € split
        // 6,66 / 6,66 / 6,68 (each rounded down, the rest to the last year).
        let line = CostLine(
            label: "x", nature: .travaux, amountHT: Money(euros: 100), vatRate: Rate(percent: 20),
            years: [(2025, Money(cents: 3333)), (2026, Money(cents: 3333)), (2027, Money(cents: 3334))])
        XCTAssertEqual(line.amountTTC, Money(euros: 120))
        XCTAssertEqual(line.yearsTTC.map(\.amountTTC), [Money(cents: 3999), Money(cents: 3999), Money(cents: 4002)])
    }
}

final class RateAndDayTests: XCTestCase {
    func testRatesDisplayWithoutTrailingZeros() {
        XCTAssertEqual(Rate(millionths: 164_040).formatted, "16,4 %")
        XCTAssertEqual(Rate(millionths: 164_040).formatted(decimals: 4), "16,404 %")
        XCTAssertEqual(Rate(percent: 20).formatted, "20 %")
        XCTAssertEqual(Rate.ratio(Money(euros: 1), Money(euros: 3))?.millionths, 333_333)
        XCTAssertEqual(Rate.ratio(Money(euros: 1), Money(euros: 3))?.formatted, "33,33 %")
        XCTAssertEqual(Rate(millionths: 164_040).percentString, "16.404")
        XCTAssertNil(Rate.ratio(Money(euros: 1), .zero))
    }

    func testDaysAreValidated() {
        XCTAssertNotNil(Day(year: 2024, month: 2, day: 29))
        XCTAssertNil(Day(year: 2023, month: 2, day: 29))
        XCTAssertNil(Day(year: 2024, month: 13, day: 1))
        XCTAssertEqual(Day(year: 2024, month: 1, day: 31)!.adding(months: 1), Day(year: 2024, month: 2, day: 29))
        XCTAssertEqual(Day(year: 2023, month: 3, day: 10)!.adding(months: 24).iso, "2025-03-10")
        // Adding months past the readable range does not fail: 2200-12-01 + 24 months.
        XCTAssertEqual(Day(year: 2200, month: 12, day: 1)!.adding(months: 24).iso, "2202-12-01")
        XCTAssertEqual(Day(year: 1970, month: 1, day: 2)!.daysSinceEpoch, 1)
        XCTAssertEqual(Day(year: 2025, month: 1, day: 1)!.daysSinceEpoch, 20_089)
    }

    func testParametersAreLookedUpByDate() {
        let p = Parameter(
            name: "fctva-taux",
            values: [
                DatedValue(since: Day(year: 2015, month: 1, day: 1)!, value: .rate(Rate(millionths: 164_040)), reference: "L1615-6"),
                DatedValue(since: Day(year: 2026, month: 1, day: 1)!, value: .rate(Rate(millionths: 148_500)), reference: "hypothèse"),
            ])
        XCTAssertEqual(p.value(at: Day(year: 2025, month: 12, day: 31)!)?.value, .rate(Rate(millionths: 164_040)))
        XCTAssertEqual(p.value(at: Day(year: 2026, month: 1, day: 1)!)?.value, .rate(Rate(millionths: 148_500)))
        XCTAssertNil(p.value(at: Day(year: 2014, month: 12, day: 31)!))
    }
}

final class SheetModelTests: XCTestCase {
    func testMoneyWidthIsTheLengthOfItsFrenchText() {
        for cents: Int64 in [0, 5, 99_99, 1_000_00, 12_345_67, 123_456_789_00, -5_10, -1_250_000_00] {
            XCTAssertEqual(SheetModel.moneyLength(Money(cents: cents)), Money(cents: cents).formatted.count, "\(cents)")
        }
    }

    /// Wrapped text: lines counted per paragraph at so many characters a line, a combining
    /// accent no character of its own; heights of 15 points a line, none for one line.
    func testWrappedTextHeights() {
        XCTAssertEqual(SheetModel.lineCount("", perLine: 10), 1)
        XCTAssertEqual(SheetModel.lineCount("abcdefghij", perLine: 10), 1)
        XCTAssertEqual(SheetModel.lineCount("abcdefghijk", perLine: 10), 2)
        XCTAssertEqual(SheetModel.lineCount("abc\n\nabcdefghijklmnopqrstu", perLine: 10), 1 + 1 + 3)
        XCTAssertEqual(SheetModel.lineCount("e\u{301}te\u{301}", perLine: 2), 2)
        // Precomposed accents are one character each (2 bytes): « été » is 3, « ÉÉÉÉÉ » 5, « œuvre » 5;
        // « € » (3 bytes, beyond U+0300) one too.
        XCTAssertEqual(SheetModel.lineCount("été", perLine: 2), 2)
        XCTAssertEqual(SheetModel.lineCount("été", perLine: 3), 1)
        XCTAssertEqual(SheetModel.lineCount("ÉÉÉÉÉ", perLine: 5), 1)
        XCTAssertEqual(SheetModel.lineCount("œuvre\nÉÉÉÉÉÉ", perLine: 5), 1 + 2)
        XCTAssertEqual(SheetModel.lineCount("€€€", perLine: 2), 2)
        XCTAssertEqual(SheetModel.lineCount("12 500 € à régler", perLine: 17), 1)
        XCTAssertEqual(SheetModel.lineCount("12 500 € à régler", perLine: 16), 2)
        // Dashes and quotes (U+2000–U+20BF) are one character each; a combining mark for symbols
        // (U+20D7) none, nor a combining accent after a euro sign.
        XCTAssertEqual(SheetModel.lineCount("l’État – 40 % « DETR »", perLine: 22), 1)
        XCTAssertEqual(SheetModel.lineCount("l’État – 40 % « DETR »", perLine: 21), 2)
        XCTAssertEqual(SheetModel.lineCount("ab\u{20D7}c", perLine: 3), 1)
        XCTAssertEqual(SheetModel.lineCount("€e\u{301}", perLine: 2), 1)
        // Counted on bytes or on scalars, the same: every scalar from U+0000 to U+20FF, each
        // alone, after a letter, and in a line of 40 of them.
        for value in 0...0x20FF {
            guard let scalar = Unicode.Scalar(value), value != 0x0A else { continue }
            for text in [String(Character(scalar)), "a" + String(scalar), String(repeating: String(scalar), count: 40) + "\nx"] {
                XCTAssertEqual(SheetModel.lineCount(text, perLine: 7), SheetModel.lineCountOnScalars(text, perLine: 7), "U+\(String(value, radix: 16))")
            }
        }
        var sheet = SheetModel(name: "f")
        sheet.columnWidths = [0: 10, 1: 10]
        sheet.merges = [CellRange(0, 0, 0, 1)]
        // Width 10 holds 11 characters a line; merged over two columns, 22.
        let text = String(repeating: "a", count: 30)
        XCTAssertEqual(sheet.fittedHeight([.text(text, .textWrap)], row: 1), 45)
        XCTAssertEqual(sheet.fittedHeight([.text(text, .textWrap)], row: 0), 30)
        XCTAssertNil(sheet.fittedHeight([.text(text, .text)], row: 1), "text that does not wrap")
        XCTAssertNil(sheet.fittedHeight([.text("court", .textWrap)], row: 1))
    }

    /// Deferred rows come after the fixed ones, with their heights, whether the sheet is
    /// materialised or asked for a block; a pending sheet is built by `resolved()`.
    func testDeferredAndPendingSheets() {
        var sheet = SheetModel(name: "f")
        sheet.columnWidths = [0: 10]
        sheet.append([.text("titre", .title)])
        sheet.deferred = DeferredRows(count: 3) { range in range.map { [.text(String(repeating: "x", count: 12 * ($0 + 1)), .textWrap)] } }
        XCTAssertEqual(sheet.nextRow, 4)
        // 11 characters a line: 24 characters take 3 lines, 36 take 4.
        XCTAssertEqual(sheet.deferredBlock(1..<3).heights, [45, 60])
        let built = sheet
        var pending = SheetModel.pending("f") { built }
        XCTAssertEqual(pending.rowCount, 0)
        pending.materialise()
        XCTAssertNil(pending.pending)
        XCTAssertNil(pending.deferred)
        XCTAssertEqual(pending.rows.count, 4)
        XCTAssertEqual(pending.rows[3], [.text(String(repeating: "x", count: 36), .textWrap)])
        XCTAssertEqual(pending.rowHeights, [1: 30, 2: 45, 3: 60])
    }

    /// Work shared among the cores comes back in the order of its inputs, whatever the chunks.
    func testConcurrentMapKeepsTheOrder() {
        let items = Array(0..<10_007)
        XCTAssertEqual(Concurrent.map(items) { $0 * 3 }, items.map { $0 * 3 })
        XCTAssertEqual(Concurrent.map(items, minimumChunk: 1) { String($0) }, items.map { String($0) })
        XCTAssertEqual(Concurrent.map([Int](), minimumChunk: 1) { $0 }, [])
        XCTAssertEqual(Concurrent.map([7], minimumChunk: 1) { $0 + 1 }, [8])
        // Progress: one call at a time, rising to every element (10 007 = 156 × 64 + 23, in 64 chunks).
        final class Calls: @unchecked Sendable {
            // Written by one thread at a time: Concurrent.map tells progress under its lock.
            var reported: [Int] = []
            var totals: Set<Int> = []
        }
        let calls = Calls()
        _ = Concurrent.map(items, minimumChunk: 1, progress: { done, total in
            calls.totals.insert(total)
            calls.reported.append(done)
        }) { $0 }
        XCTAssertEqual(calls.totals, [10_007])
        XCTAssertEqual(calls.reported.last, 10_007)
        XCTAssertEqual(calls.reported, calls.reported.sorted())
    }

    /// A count that several threads add to.
    final class Runs: @unchecked Sendable {
        let lock = DispatchSemaphore(value: 1)
        var count = 0
        func add() {
            lock.wait()
            count += 1
            lock.signal()
        }
    }

    /// A value worked out beside the rest is worked out once, whoever asks first and however many
    /// ask at once — also from every thread of a busy pool, which may not wait for the task queued
    /// behind them (each would then work it out itself, once between them).
    func testALaterValueIsWorkedOutOnceForEveryoneWhoAsks() {
        for round in 0..<200 {
            let runs = Runs()
            let later = Later { () -> [Int] in
                runs.add()
                return (1...100).map { $0 * round }
            }
            // 5 050 × round, from 16 threads of the pool at once.
            let sums = Concurrent.map(Array(0..<16), minimumChunk: 1) { _ in later.value.reduce(0, +) }
            XCTAssertEqual(sums, Array(repeating: 5_050 * round, count: 16))
            XCTAssertEqual(later.value.count, 100)
            XCTAssertEqual(runs.count, 1)
        }
    }

    /// Not started now, a later value is worked out by `start()` or by the first to ask, once,
    /// even when both come at the same time.
    func testALaterValueNotStartedNowWaitsForStartOrTheFirstAsker() {
        let idle = Runs()
        _ = Later(startingNow: false) { idle.add() }
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(idle.count, 0)
        for round in 0..<100 {
            let runs = Runs()
            let later = Later(startingNow: false) { () -> Int in
                runs.add()
                return 7 * round
            }
            let starter = Thread { later.start() }
            starter.start()
            XCTAssertEqual(later.value, 7 * round)
            later.start()
            XCTAssertEqual(runs.count, 1)
        }
    }
}

extension MoneyTests {
    func testFrenchOrderIgnoresAccentsAndCase() {
        let funders = ["Union européenne", "État", "Région Occitanie", "Département du Gers", "Banque des Territoires"]
        XCTAssertEqual(
            funders.sorted { FrenchOrder.key($0) < FrenchOrder.key($1) },
            ["Banque des Territoires", "Département du Gers", "État", "Région Occitanie", "Union européenne"])
    }
}
