import XCTest

@testable import MaquetteCore

final class KeyLocationsTests: XCTestCase {
    func testFirstPositionOfAKeyWithTheFileNamedOnce() {
        var locations = KeyLocations(file: "operations/halle.yaml", capacity: 3)
        locations.append("montant", line: 12, column: 7)
        locations.append("taux", line: 13, column: 5)
        locations.append("montant", line: 40, column: 1)
        XCTAssertEqual(locations.count, 3)
        XCTAssertEqual(locations["montant"], SourceLocation(file: "operations/halle.yaml", line: 12, column: 7))
        XCTAssertEqual(locations["taux"], SourceLocation(file: "operations/halle.yaml", line: 13, column: 5))
        XCTAssertNil(locations["statut"])
        XCTAssertNil(KeyLocations()["montant"])
    }
}
