import XCTest

@testable import MaquetteCore

/// The run of printable ASCII a text begins with, taken eight bytes at a time (session 8): the
/// readers and the printer skip it before looking at bytes one by one.
final class TextSafetyTests: XCTestCase {
    private func prefix(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBufferPointer { TextSafety.printableASCIIPrefix($0) } }

    /// Each length worked out by hand: whole words of printable ASCII only, from the start.
    func testThePrefixIsWholeWordsOfPrintableASCII() {
        XCTAssertEqual(prefix([]), 0)
        XCTAssertEqual(prefix(Array("abcdefg".utf8)), 0)
        XCTAssertEqual(prefix(Array("abcdefgh".utf8)), 8)
        XCTAssertEqual(prefix(Array("abcdefgh~".utf8)), 8)
        XCTAssertEqual(prefix(Array("abcdefghijklmnop".utf8)), 16)
        XCTAssertEqual(prefix(Array(" ~ ~ ~ ~ ~ ~ ~ ~".utf8)), 16)
        XCTAssertEqual(prefix(Array("abcdefgh\tijklmno".utf8)), 8)
        XCTAssertEqual(prefix(Array("Études préalables".utf8)), 0)
        XCTAssertEqual(prefix(Array("libelle: Études".utf8)), 8)
    }

    /// Every byte value at every place of a word of `a`: the word passes exactly when the byte
    /// is printable ASCII, 0x20 to 0x7E.
    func testAWordPassesExactlyWhenEveryByteIsPrintable() {
        for value in 0...255 {
            for place in 0..<8 {
                var word = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                word[place] = UInt8(value)
                XCTAssertEqual(prefix(word), (0x20...0x7E).contains(value) ? 8 : 0, "\(value) at \(place)")
            }
        }
    }
}
