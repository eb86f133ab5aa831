import Foundation
import MaquetteCore
import MaquettePlans
import XCTest

/// After an edit, `verifier --surveiller` puts the re-checked operation's diagnostics back among
/// the others by merging, not by sorting everything again: two diagnostics that tie (the same
/// place, rule and words, for two operations) must stay in the operations' order, as a full
/// check gives them.
final class IncrementalTieTests: XCTestCase {
    /// Three copies of the Halle aux grains (its DETR of 300 000 €, above the commission's
    /// threshold of 100 000 €), named a, b, c and written nowhere: each gives the same
    /// `detr-commission` warning, with no place, « DETR de 300 000,00 €, au-delà de 100 000,00 € ».
    /// Re-checking b alone must leave the three in the order a, b, c.
    func testARecheckedOperationKeepsItsPlaceAmongEqualDiagnostics() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let plans = try XCTUnwrap(PlanLoader.load(folder: root.appendingPathComponent("Plans").path).plans)
        let halle = try XCTUnwrap(plans.operations.first { $0.id == "halle-aux-grains" })
        func unplaced(_ id: String) -> MaquetteCore.Operation {
            var op = halle
            (op.id, op.file, op.location, op.keyLocations) = (id, "\(id).yaml", nil, KeyLocations())
            for i in op.costs.indices { op.costs[i].location = nil }
            for i in op.funding.indices { (op.funding[i].location, op.funding[i].keyLocations) = (nil, KeyLocations()) }
            return op
        }
        let three = Plans(programme: plans.programme, catalogue: plans.catalogue, operations: ["a", "b", "c"].map(unplaced))
        let full = Rules.check(three)
        let commission = full.filter { $0.rule == .detrCommission }
        XCTAssertEqual(commission.map(\.operation), ["a", "b", "c"])
        XCTAssertEqual(Set(commission.map(\.message)).count, 1)
        XCTAssertTrue(commission.allSatisfy { $0.location == nil && $0.message.hasPrefix("DETR de 300 000,00 €, au-delà de 100 000,00 €") })

        var check = IncrementalCheck()
        XCTAssertEqual(check.check(three, changedFiles: nil).diagnostics, full)
        for edited in ["b.yaml", "a.yaml", "c.yaml"] {
            let again = check.check(three, changedFiles: [edited]).diagnostics
            XCTAssertEqual(check.lastRechecked, 1, edited)
            XCTAssertEqual(again.filter { $0.rule == .detrCommission }.map(\.operation), ["a", "b", "c"], edited)
            XCTAssertEqual(again, full, edited)
        }
    }
}
