import MaquetteCore
import XCTest

/// The rules that read a line's dispositif in place (its parameters, its name) say what they said
/// when they took a copy of it: the cases no other test or catalogue entry shows.
final class RuleCopiesTests: XCTestCase {
    typealias F = PlanFixture

    func testAMaximumRateLeftToSupplyIsSaidOnTheLine() throws {
        // Bourgs-Centres' maximum rate is « à fournir » in the built-in catalogue: without a
        // funders file the line is not checked, and the warning names the dispositif by its usual
        // name and its id, on the line (line 8 of the file, after the fixture's empty line 4: the
        // first funding line, whose table opens at column 5).
        let funding = "  - { dispositif: region.bourgs-centres, montant: 200 000, statut: sollicite, depot: 2024-11-02 }\n  - autofinancement: solde"
        let said = F.check([F.operation(funding)]).with(rule: .tauxDispositif)
        XCTAssertEqual(said.map(\.severity), [.avertissement])
        XCTAssertEqual(
            said.first?.message,
            "le paramètre `taux-max` du dispositif Région – Bourgs-Centres (`region.bourgs-centres`) n'est pas connu en général (grille locale) : la ligne n'est pas contrôlée")
        XCTAssertEqual(said.first?.notes, ["déclarez-le dans Plans/financeurs.yaml sous `dispositifs: - id: region.bourgs-centres`"])
        XCTAssertEqual(said.first?.location.map { "\($0.file):\($0.line):\($0.column)" }, "P/operations/op1.yaml:8:5")
        // With the funders' 30 %, 200 000 of 1 000 000 (20 %) is within it: nothing to say.
        XCTAssertEqual(F.check([F.operation(funding)], funders: F.localRates).with(rule: .tauxDispositif), [])
    }

    func testADispositifCeilingNamesTheDispositifByItsUsualName() throws {
        // A ceiling of 100 000 € for DETR set in the funders file; 150 000 asked: past it by 50 000,
        // said where the amount is written (line 8, column 39).
        let funders = "dispositifs:\n  - id: etat.detr\n    parametres: { plafond: 100 000 }\n"
        let funding = "  - { dispositif: etat.detr, montant: 150 000, statut: sollicite, depot: 2024-11-02 }\n  - autofinancement: solde"
        let said = F.check([F.operation(funding)], funders: funders).with(rule: .plafondDispositif)
        XCTAssertEqual(said.count, 1)
        XCTAssertTrue(said.first?.message.hasPrefix("DETR : 150 000,00 € dépasse le plafond du dispositif, 100 000,00 € (") ?? false, said.first?.message ?? "none")
        XCTAssertEqual(said.first?.notes, ["ramenez la ligne à 100 000,00 € et financez les 50 000,00 € restants autrement"])
        XCTAssertEqual(said.first?.location.map { "\($0.line):\($0.column)" }, "8:39")
    }
}
