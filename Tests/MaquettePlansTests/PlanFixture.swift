import MaquetteCore
import MaquettePlans
import XCTest

/// Plans written inline, loaded through the real reader.
enum PlanFixture {
    static let programme = """
        id: essai
        nom: Programme d'essai
        periode: { debut: 2024, fin: 2028 }
        date_reference: 2025-01-01
        maitres_ouvrage:
          - { id: commune, nom: Commune d'essai, population: 3 000, regime_fctva: N+2 }
          - { id: epci, nom: Communauté d'essai, regime_fctva: N }
        """

    static func load(_ operations: [String], funders: String? = nil, programme: String = programme) -> LoadResult {
        var files = [PlanFile(path: "P/programme.yaml", text: programme)]
        if let funders { files.append(PlanFile(path: "P/financeurs.yaml", text: funders)) }
        for (i, text) in operations.enumerated() { files.append(PlanFile(path: "P/operations/op\(i + 1).yaml", text: text)) }
        return PlanLoader.load(files: files, root: "P")
    }

    /// Loads, fails the test on read errors, and runs every rule.
    static func check(
        _ operations: [String], funders: String? = nil, file: StaticString = #filePath, line: UInt = #line
    ) -> [Diagnostic] {
        let result = load(operations, funders: funders)
        guard let plans = result.plans else {
            XCTFail("plans unreadable: \(result.diagnostics.map(\.message))", file: file, line: line)
            return []
        }
        return Rules.check(plans)
    }

    /// An operation with one 1 000 000 € HT works line in 2025 and the given funding lines.
    static func operation(
        _ funding: String, costs: String? = nil, extra: String = "", id: String = "op"
    ) -> String {
        """
        id: \(id)
        intitule: Opération d'essai
        maitre_ouvrage: commune
        \(extra)
        depenses:
        \(costs ?? "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 100 % } }")
        financements:
        \(funding)
        """
    }

    /// Funders file giving the Région and Département rates the catalogue leaves to the programme.
    static let localRates = """
        dispositifs:
          - id: region.bourgs-centres
            parametres: { taux-max: 30 % }
          - id: departement.f2d
            parametres: { taux-max: 20 % }
        """
}

extension Array where Element == Diagnostic {
    func with(rule: DiagnosticID) -> [Diagnostic] { filter { $0.rule == rule } }
    var errors: [Diagnostic] { filter { $0.severity == .erreur } }
}
