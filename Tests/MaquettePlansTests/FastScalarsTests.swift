import MaquetteCore
import XCTest

@testable import MaquettePlans

/// The byte readers the node reader tries first: what they take, they read as the general
/// parsers do; what they leave (nil), the general parsers read or explain.
final class FastScalarsTests: XCTestCase {
    private func bytes<T>(_ text: String, _ read: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        Array(text.utf8).withUnsafeBufferPointer { read($0) }
    }

    func testAmountsByHand() {
        // 1 250 000,50 € is 125 000 050 cents; one decimal is tens of cents.
        XCTAssertEqual(bytes("1 250 000,50", FastScalars.money(bytes:)), Money(cents: 125_000_050))
        XCTAssertEqual(bytes("450000.5", FastScalars.money(bytes:)), Money(cents: 45_000_050))
        // Left to the general parser: a badly grouped amount, a euro sign, nothing at all.
        XCTAssertNil(bytes("12 34", FastScalars.money(bytes:)))
        XCTAssertNil(bytes("450 000 €", FastScalars.money(bytes:)))
        XCTAssertNil(bytes("", FastScalars.money(bytes:)))
        for text in ["1 250 000,50", "450000.5", "12 34", "450 000 €", "0,05", "1234567,891"] {
            let general = try? ValueParsers.money(text).get()
            if let fast = bytes(text, FastScalars.money(bytes:)) { XCTAssertEqual(fast, general, text) }
        }
    }

    func testRatesDaysAndYearsByHand() {
        // 16,404 % is 164 040 millionths.
        XCTAssertEqual(bytes("16,404 %", FastScalars.rate(bytes:)), Rate(millionths: 164_040))
        XCTAssertNil(bytes("", FastScalars.rate(bytes:)))
        XCTAssertNil(bytes("20", FastScalars.rate(bytes:)))
        XCTAssertEqual(bytes("2028-06", FastScalars.day(bytes:)), Day(year: 2028, month: 6, day: 1))
        XCTAssertNil(bytes("2026-02-31", FastScalars.day(bytes:)))
        XCTAssertEqual(bytes("2026", FastScalars.year(bytes:)), 2026)
        XCTAssertNil(bytes("1899", FastScalars.year(bytes:)))
    }
}
