import Foundation
import MaquetteCore
import XCTest

@testable import MaquettePlans

/// What the faster reading of issue 15 must keep: the same answers as before, found by hand.
final class ReadingSpeedTests: XCTestCase {
    /// Identifiers are checked on bytes now; each answer here is the rule read by hand: lowercase
    /// ASCII letters and digits, words joined by a single `-` or `.`, at most 80 characters.
    func testIdentifiersAreCheckedAsBefore() {
        let accepted = ["friche-gersycoop", "etat.detr", "a", "7", "1a", "op-00001", "cc-0123", "region.occitanie.pvd", String(repeating: "a", count: 80)]
        let refused = [
            "", "A", "Halle", "halle_grains", "-halle", ".halle", "halle-", "halle.", "halle--grains", "etat..detr", "etat.-detr",
            "é", "halle aux grains", "halle\r\n", "halle\u{0}", String(repeating: "a", count: 81), "ｈalle", "halle\u{301}",
        ]
        for id in accepted { XCTAssertTrue(ValueParsers.isSlug(id), id) }
        for id in refused { XCTAssertFalse(ValueParsers.isSlug(id), id.debugDescription) }
    }

    /// Owners are checked for duplicates through a set now: the second and third declarations of
    /// `commune` are each reported where they are written (programme lines 8 and 10, column 5),
    /// the first is kept.
    func testAnOwnerDeclaredTwiceIsReportedAtEachRepetition() {
        let programme = PlanFixture.programme + """

              - { id: commune, nom: Commune répétée, regime_fctva: N+2 }
              - { id: autre, nom: Autre commune, regime_fctva: N+1 }
              - { id: commune, nom: Commune encore, regime_fctva: N+1 }
            """
        let loaded = PlanFixture.load([], programme: programme)
        let twice = loaded.diagnostics.filter { $0.rule == .identifiantEnDouble }
        XCTAssertEqual(twice.map(\.message), Array(repeating: "maître d'ouvrage `commune` déclaré deux fois", count: 2))
        XCTAssertEqual(twice.map { $0.location?.line }, [8, 10])
        XCTAssertEqual(twice.map { $0.location?.column }, [5, 5])
    }
}

