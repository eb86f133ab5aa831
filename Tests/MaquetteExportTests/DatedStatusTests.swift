import Foundation
@testable import MaquetteCore
import MaquettePlans
import XCTest

/// A status ahead of its dates on the workbook's day: the Halle's DETR « sollicité » with a request
/// dated after the export, as the shipped plans once had it.
final class DatedStatusTests: XCTestCase {
    func testARequestOrANotificationStillToComeIsAWarningOnTheWorkbooksDay() throws {
        let loaded = PlanLoader.load(folder: ExportTests.root.appendingPathComponent("Plans").path)
        var plans = try XCTUnwrap(loaded.plans)
        let today = ExportTests.exportDay
        // The shipped plans are coherent on 27/11/2026.
        XCTAssertEqual(StatusRule.datesToCome(Financing.figures(of: plans), today: today), [])
        let halle = try XCTUnwrap(plans.operations.firstIndex { $0.id == "halle-aux-grains" })
        let detr = try XCTUnwrap(plans.operations[halle].funding.firstIndex { $0.source == .dispositif("etat.detr") })
        plans.operations[halle].funding[detr].requestDay = Day(year: 2026, month: 12, day: 10)
        let found = StatusRule.datesToCome(Financing.figures(of: plans), today: today)
        XCTAssertEqual(found.map(\.message), ["DETR est « sollicité » mais sa demande est datée du 10/12/2026, après le 27/11/2026 (date du classeur)"])
        XCTAssertEqual(found.first?.severity, .avertissement)
        XCTAssertEqual(found.first?.rule, .statutCoherent)
        // The `depot` of the Halle's second line, line 36 of its file.
        XCTAssertEqual(found.first?.location?.line, 36)
        // The day itself is not to come; an « envisagé » line may carry a planned date.
        XCTAssertEqual(StatusRule.datesToCome(Financing.figures(of: plans), today: Day(year: 2026, month: 12, day: 10)!), [])
        plans.operations[halle].funding[detr].status = .envisage
        XCTAssertEqual(StatusRule.datesToCome(Financing.figures(of: plans), today: today), [])
        // A notification to come on a line « notifié ».
        plans.operations[halle].funding[detr].status = .notifie
        plans.operations[halle].funding[detr].requestDay = Day(year: 2026, month: 2, day: 20)
        plans.operations[halle].funding[detr].notificationDay = Day(year: 2027, month: 1, day: 15)
        XCTAssertEqual(
            StatusRule.datesToCome(Financing.figures(of: plans), today: today).map(\.message),
            ["DETR est « notifié » mais sa notification est datée du 15/01/2027, après le 27/11/2026 (date du classeur)"])
    }
}
