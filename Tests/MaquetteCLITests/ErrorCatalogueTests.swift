import Foundation
import MaquetteCore
import XCTest

/// The runnable error catalogue (`Tests/Catalogue/ID/`): for every diagnostic id, a minimal plans
/// folder and what `maquette` says of it, as hledger keeps one runnable file per error. Run with
/// `MAQUETTE_BLESS=1` to write the outputs anew after a deliberate change of wording, then read
/// the diff.
extension CLITests {
    static let catalogue = packageRoot.appendingPathComponent("Tests/Catalogue")

    func testEveryDiagnosticIdHasARunnableCaseWithItsExpectedOutput() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.catalogue.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(names, DiagnosticID.allCases.map(\.rawValue).sorted(), "Tests/Catalogue and DiagnosticID drift")
        let bless = ProcessInfo.processInfo.environment["MAQUETTE_BLESS"] != nil
        for id in DiagnosticID.allCases {
            let folder = Self.catalogue.appendingPathComponent(id.rawValue)
            let expectedURL = folder.appendingPathComponent("attendu.txt")
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            let command = expected.prefix { $0 != "\n" }
            guard command.hasPrefix("$ maquette ") else {
                XCTFail("\(id): attendu.txt starts with `$ maquette …`")
                continue
            }
            let arguments = command.dropFirst("$ maquette ".count).split(separator: " ").map(String.init)
            let r = try run(arguments, in: folder, environment: ["COLUMNS": "100"])
            let actual = "\(command)\n\(r.stdout)\(r.stderr)(code de sortie : \(r.status))\n"
            if bless {
                try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
                continue
            }
            XCTAssertEqual(actual, expected, "Tests/Catalogue/\(id.rawValue)/attendu.txt")
            // The case shows its own id, with the exit code of its stage.
            XCTAssertTrue(r.stdout.contains("[\(id.rawValue)]") || r.stderr.contains("[\(id.rawValue)]"), "\(id) not shown by its own case")
            // A warning alone exits 0: the reading ids that are only ever warnings, and analyses.
            let warningOnly: Set<DiagnosticID> = [.parametreAFournir]
            switch id.stage {
            case .lecture: XCTAssertEqual(r.status, warningOnly.contains(id) ? 0 : 2, id.rawValue)
            case .regle: XCTAssertEqual(r.status, 1, id.rawValue)
            case .analyse: XCTAssertEqual(r.status, id == .echeanceDepassee ? 1 : 0, id.rawValue)
            }
        }
    }

    /// docs/erreurs.md lists each reading and analysis id, docs/regles.md each rule id, in a table
    /// row of its own; `maquette regles` lists the rules, and no doc names an id that is not one.
    func testTheDocsAndTheRulesCommandListTheSameIds() throws {
        func ids(inTableOf file: String) throws -> Set<String> {
            let text = try String(contentsOf: Self.packageRoot.appendingPathComponent(file), encoding: .utf8)
            // Rows of the tables headed `| identifiant |` (not the dispositifs' table).
            var found: Set<String> = []
            var inTable = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("| identifiant |") { inTable = true }
                if line.isEmpty { inTable = false }
                guard inTable, line.hasPrefix("| `") else { continue }
                found.insert(String(line.dropFirst(3).prefix { $0 != "`" }))
            }
            return found
        }
        let errors = try ids(inTableOf: "docs/erreurs.md")
        let rules = try ids(inTableOf: "docs/regles.md")
        XCTAssertEqual(errors, Set(DiagnosticID.allCases.filter { $0.stage != .regle }.map(\.rawValue)), "docs/erreurs.md")
        XCTAssertEqual(rules, Set(DiagnosticID.of(.regle).map(\.rawValue)), "docs/regles.md")
        XCTAssertEqual(Rules.all.map(\.id), DiagnosticID.of(.regle), "Rules.all and the rule ids, in order")
        let listed = try run(["regles"])
        for id in DiagnosticID.of(.regle) { XCTAssertTrue(listed.stdout.contains(id.rawValue), "regles does not list \(id)") }
        // Every id the catalogue's examples in docs/erreurs.md show exists.
        let text = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/erreurs.md"), encoding: .utf8)
        var rest = Substring(text)
        while let open = rest.range(of: ": [") {
            let id = rest[open.upperBound...].prefix { $0 != "]" }
            if id != "identifiant", id.allSatisfy({ $0.isLowercase || $0 == "-" }) { XCTAssertNotNil(DiagnosticID(rawValue: String(id)), "docs/erreurs.md shows [\(id)]") }
            rest = rest[open.upperBound...]
        }
    }
}
