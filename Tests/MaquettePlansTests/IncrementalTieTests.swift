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

    /// The rules run a block of 128 operations at a time (`Rules.figuresAndCheck`): 130 copies of
    /// the Halle, written nowhere, give 130 equal warnings, which must come in the operations'
    /// order across the blocks' edge (op-127, op-128), as the rules run one after the other give.
    func testEqualDiagnosticsKeepTheOperationsOrderAcrossBlocks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let plans = try XCTUnwrap(PlanLoader.load(folder: root.appendingPathComponent("Plans").path).plans)
        let halle = try XCTUnwrap(plans.operations.first { $0.id == "halle-aux-grains" })
        let ids = (0..<130).map { String(format: "op-%03d", $0) }
        let copies = ids.map { id -> MaquetteCore.Operation in
            var op = halle
            (op.id, op.file, op.location, op.keyLocations) = (id, "\(id).yaml", nil, KeyLocations())
            for i in op.costs.indices { op.costs[i].location = nil }
            for i in op.funding.indices { (op.funding[i].location, op.funding[i].keyLocations) = (nil, KeyLocations()) }
            return op
        }
        let many = Plans(programme: plans.programme, catalogue: plans.catalogue, operations: copies)
        let (found, figures) = Rules.figuresAndCheck(many)
        XCTAssertEqual(found.filter { $0.rule == .detrCommission }.compactMap(\.operation), ids)
        XCTAssertEqual(figures.map(\.id), ids)
        XCTAssertEqual(found, Rules.check(many))
    }

    /// Figures and rules by blocks give what the figures, then each rule over the whole
    /// programme, give: on a generated programme of 300 operations (blocks of 128, 128 and 44),
    /// all rules, and one rule alone.
    func testFiguresAndRulesByBlocksGiveWhatTheRulesInTurnGive() throws {
        let files = SyntheticProgramme(operations: 300, seed: 11).files().map { PlanFile(path: "/p/\($0.0)", text: $0.1) }
        let plans = try XCTUnwrap(PlanLoader.load(files: files, root: "/p").plans)
        let figures = Financing.figures(of: plans)
        let expected = Rules.check(plans, figures: figures)
        XCTAssertGreaterThan(expected.count, 20, "the generated programme breaks rules on purpose")
        let (found, blockFigures) = Rules.figuresAndCheck(plans)
        XCTAssertEqual(found, expected)
        XCTAssertEqual(blockFigures.map(\.id), figures.map(\.id))
        XCTAssertEqual(blockFigures.map(\.totalResources), figures.map(\.totalResources))
        XCTAssertEqual(blockFigures.map(\.publicAid), figures.map(\.publicAid))
        XCTAssertEqual(
            Rules.figuresAndCheck(plans, only: [.equilibre]).diagnostics, Rules.check(plans, figures: figures, only: [.equilibre]))
    }
}
