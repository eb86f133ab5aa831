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

    /// The findings of the workbook's day join the rules' where the sheets show them, worked out
    /// operation by operation as the sheets need them: on 27/11/2026 the shipped plans lose two
    /// grants (FEDER of gersycoop-equipements, line 60; LEADER of maison-roquelaure, line 48),
    /// and the Halle's DETR, its request moved to 10/12/2026, is « sollicité » ahead of it (line 36).
    /// Three warnings more, one on each of those Synthèse rows and three Contrôles rows in file
    /// order; the same whether the sheets are built whole, streamed, or the Contrôles first.
    func testTheDaysFindingsJoinTheSynthesisAndTheChecks() throws {
        let loaded = PlanLoader.load(folder: ExportTests.root.appendingPathComponent("Plans").path)
        var plans = try XCTUnwrap(loaded.plans)
        let halle = try XCTUnwrap(plans.operations.firstIndex { $0.id == "halle-aux-grains" })
        let detr = try XCTUnwrap(plans.operations[halle].funding.firstIndex { $0.source == .dispositif("etat.detr") })
        plans.operations[halle].funding[detr].requestDay = Day(year: 2026, month: 12, day: 10)
        let figures = Financing.figures(of: plans)
        var plain = CommitteeWorkbook(plans: plans, figures: figures, diagnostics: Rules.check(plans), created: ExportTests.exportDay)
        plain.sheets = [.synthese, .controles]
        plain.plansFolder = ExportTests.root.appendingPathComponent("Plans").path
        var dated = plain
        dated.datedFindings = true
        func rows(_ model: WorkbookModel, _ name: String) throws -> [[Cell]] {
            var sheet = try XCTUnwrap(model.sheet(name))
            sheet.materialise()
            return sheet.rows
        }
        let before = try rows(plain.build(), CommitteeWorkbook.checksSheet)
        let whole = dated.build()
        let checks = try rows(whole, CommitteeWorkbook.checksSheet)
        XCTAssertEqual(checks.count, before.count + 3)
        let added = checks.filter { row in !before.contains(row) }
        XCTAssertEqual(added.map { $0[SynthesisChecks.line].value }, [.integer(60), .integer(36), .integer(48)])
        XCTAssertEqual(added.map { $0[0].value }, Array(repeating: .text("avertissement"), count: 3))
        XCTAssertEqual(
            added.map { $0[SynthesisChecks.file].value },
            [.text("operations/gersycoop-equipements.yaml"), .text("operations/halle-aux-grains.yaml"), .text("operations/maison-roquelaure.yaml")])
        // Each operation's row counts its own, and the grand total all three.
        let synthesis = try rows(whole, CommitteeWorkbook.synthesisSheet), plainSynthesis = try rows(plain.build(), CommitteeWorkbook.synthesisSheet)
        func number(_ row: [Cell]?) -> Int? {
            guard let row, row.count > SynthesisSheet.Column.warnings else { return nil }
            if case .integer(let n) = row[SynthesisSheet.Column.warnings].value { return n }
            if case .formula(_, .number(let n)) = row[SynthesisSheet.Column.warnings].value { return n }
            return nil
        }
        func warnings(_ rows: [[Cell]], _ id: String) -> Int? {
            // The grand total is the last row.
            number(id == "total" ? rows.last : rows.first { $0.count > SynthesisSheet.Column.operation && $0[SynthesisSheet.Column.operation].value == .text(id) })
        }
        for id in ["gersycoop-equipements", "halle-aux-grains", "maison-roquelaure"] {
            XCTAssertEqual(warnings(synthesis, id).map { $0 - (warnings(plainSynthesis, id) ?? 0) }, 1, id)
        }
        XCTAssertEqual(warnings(synthesis, "ecole-blade"), warnings(plainSynthesis, "ecole-blade"))
        XCTAssertEqual(warnings(synthesis, "total").map { $0 - (warnings(plainSynthesis, "total") ?? 0) }, 3)
        // Streamed: the same rows; and with the Contrôles built first (the findings then worked
        // out there, and reused by the Synthèse).
        let streamed = dated.build(streaming: true)
        XCTAssertEqual(try rows(streamed, CommitteeWorkbook.synthesisSheet), synthesis)
        XCTAssertEqual(try rows(streamed, CommitteeWorkbook.checksSheet), checks)
        let checksFirst = dated.build(streaming: true)
        XCTAssertEqual(try rows(checksFirst, CommitteeWorkbook.checksSheet), checks)
        XCTAssertEqual(try rows(checksFirst, CommitteeWorkbook.synthesisSheet), synthesis)
    }
}

/// The Contrôles columns the test reads.
private enum SynthesisChecks {
    static let file = 5, line = 6
}
