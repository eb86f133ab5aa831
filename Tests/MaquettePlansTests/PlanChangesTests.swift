import MaquetteCore
import MaquettePlans
import XCTest

/// ``PlanChanges``: the comparison of two versions of the plans, on the model.
final class PlanChangesTests: XCTestCase {
    func plans(_ operations: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Plans {
        let loaded = PlanFixture.load(operations, funders: PlanFixture.localRates)
        return try XCTUnwrap(loaded.plans, "\(loaded.diagnostics.map(\.message))", file: file, line: line)
    }

    func testSamePlansGiveNoChange() throws {
        let p = try plans([PlanFixture.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(PlanChanges.between(p, p), [])
    }

    func testACostMovedToAnotherYearIsTwoChangesByNatureAndYear() throws {
        let funding = "  - autofinancement: solde"
        let before = try plans([PlanFixture.operation(funding)])
        let after = try plans([
            PlanFixture.operation(funding, costs: "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 40 %, 2026: 60 % } }")
        ])
        let costs = PlanChanges.between(before, after).filter { $0.kind == .depense }
        XCTAssertEqual(costs.map(\.subject), ["Travaux 2025", "Travaux 2026"])
        XCTAssertEqual(costs.map(\.delta), [Money(euros: -600_000), Money(euros: 600_000)])
        XCTAssertEqual(costs[1].location?.file, "P/operations/op1.yaml")
        XCTAssertEqual(costs[1].location?.line, 6)
    }

    func testACalendarChange() throws {
        let funding = "  - autofinancement: solde"
        let before = try plans([PlanFixture.operation(funding, extra: "calendrier: { debut_travaux: 2025-03, fin: 2026-06-30 }")])
        let after = try plans([PlanFixture.operation(funding, extra: "calendrier: { debut_travaux: 2025-09, fin: 2026-06-30 }")])
        let changes = PlanChanges.between(before, after)
        XCTAssertEqual(changes.count, 1, "\(changes)")
        XCTAssertEqual(changes.first?.kind, .calendrier)
        XCTAssertEqual(changes.first?.field, "début des travaux")
        XCTAssertEqual(changes.first?.before, "01/03/2025")
        XCTAssertEqual(changes.first?.after, "01/09/2025")
        XCTAssertEqual(changes.first?.location?.line, 4)
    }

    func testARenamedOperationIsNotARemovalAndAnAddition() throws {
        let funding = "  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: solde"
        let before = try plans([PlanFixture.operation(funding, id: "halle")])
        let after = try plans([PlanFixture.operation(funding, id: "halle-aux-grains")])
        let changes = PlanChanges.between(before, after)
        XCTAssertEqual(changes.count, 1, "\(changes)")
        XCTAssertEqual(changes.first?.kind, .operationRenommee)
        XCTAssertEqual(changes.first?.before, "halle")
        XCTAssertEqual(changes.first?.after, "halle-aux-grains")
    }

    func testRulesNewlyBrokenAndNewlySatisfied() throws {
        // 90 % of public aid leaves the owner 10 %: the 20 % minimum share is broken.
        let fine = try plans([PlanFixture.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: solde")])
        let broken = try plans([
            PlanFixture.operation("  - { dispositif: etat.detr, montant: 600 000 }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - autofinancement: solde")
        ])
        let forward = PlanChanges.between(fine, broken)
        XCTAssertTrue(forward.contains { $0.kind == .regleEnfreinte && $0.subject == "part-maitre-ouvrage" && $0.operation == "op" }, "\(forward)")
        XCTAssertFalse(forward.contains { $0.kind == .regleRespectee })
        let backward = PlanChanges.between(broken, fine)
        XCTAssertTrue(backward.contains { $0.kind == .regleRespectee && $0.subject == "part-maitre-ouvrage" })
        // The largest euro change first.
        XCTAssertEqual(forward.first?.weight, Money(euros: 600_000))
    }
}
