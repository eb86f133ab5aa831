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

    /// A dispositif is a value: a copy changed (a scenario cutting a rate, the reader adding a
    /// parameter) leaves the one it was copied from as it was, and two dispositifs are equal by
    /// their fields, shared or not.
    func testADispositifChangedIsACopyTheOriginalUnchanged() {
        let day = Day(year: 2024, month: 1, day: 1)!
        let rate40 = Parameter(name: Dispositif.tauxMax, values: [DatedValue(since: day, value: .rate(Rate(percent: 40)), reference: "circulaire")])
        let original = Dispositif(id: "etat.detr", funder: "etat", name: "DETR", nature: .subvention, regime: .dotationCGCT, roles: [.detr], parameters: [Dispositif.tauxMax: rate40])
        var cut = original
        XCTAssertEqual(cut, original)
        cut.parameters[Dispositif.tauxMax] = Parameter(name: Dispositif.tauxMax, values: [DatedValue(since: day, value: .rate(Rate(percent: 30)), reference: "scénario")])
        cut.shortName = "DETR 2025"
        XCTAssertNotEqual(cut, original)
        XCTAssertEqual(original.parameters[Dispositif.tauxMax]?.value(at: day)?.value, .rate(Rate(percent: 40)))
        XCTAssertEqual(cut.parameters[Dispositif.tauxMax]?.value(at: day)?.value, .rate(Rate(percent: 30)))
        XCTAssertEqual(original.usualName, "DETR")
        XCTAssertEqual(cut.usualName, "DETR 2025")
        // Built apart with the same fields: equal.
        let twin = Dispositif(id: "etat.detr", funder: "etat", name: "DETR", nature: .subvention, regime: .dotationCGCT, roles: [.detr], parameters: [Dispositif.tauxMax: rate40])
        XCTAssertEqual(twin, original)
    }
}
