import XCTest

@testable import MaquetteCore

final class DispositifRoleTests: XCTestCase {
    /// Each role its own bit: a line with the DETR role is not taken for a DRAC one.
    func testEveryRoleHasItsOwnBit() {
        let bits = DispositifRole.allCases.map(\.bit)
        XCTAssertEqual(Set(bits).count, DispositifRole.allCases.count)
        XCTAssertTrue(bits.allSatisfy { $0 != 0 && $0 & ($0 - 1) == 0 }, "\(bits)")
        XCTAssertEqual(bits.reduce(0, |), 0b1_1111_1111)
    }
}
