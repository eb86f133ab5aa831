import MaquetteCore
import MaquettePlans
import XCTest

@testable import MaquetteSolver

/// The solvers on small problems, and the optimiser on cases whose optimum is worked out by hand.
final class OptimizerTests: XCTestCase {
    static let programme = """
        id: essai
        nom: Essai
        periode: { debut: 2025, fin: 2028 }
        maitres_ouvrage:
          - { id: a, nom: Commune A }
          - { id: b, nom: Commune B }
        """

    func load(_ operations: [String], funders: String? = nil) throws -> Plans {
        var files = [PlanFile(path: "P/programme.yaml", text: Self.programme)]
        if let funders { files.append(PlanFile(path: "P/financeurs.yaml", text: funders)) }
        for (i, text) in operations.enumerated() { files.append(PlanFile(path: "P/operations/op\(i + 1).yaml", text: text)) }
        let result = PlanLoader.load(files: files, root: "P")
        return try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))")
    }

    func operation(_ id: String, owner: String = "a", _ funding: String, extra: String = "") -> String {
        """
        id: \(id)
        intitule: Essai
        maitre_ouvrage: \(owner)
        \(extra)
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2026: 100 % } }
        financements:
        \(funding)
        """
    }

    let solvers: [(String, LinearSolver)] = [("GLPK", GLPKSolver()), ("CLP", CLPSolver())]

    func testBothSolversOnASmallProgramme() {
        // min x + 2y, x + y ≥ 3, x ≤ 2: x = 2, y = 1.
        var lp = LinearProgram()
        let x = lp.addVariable("x", upper: 2, objective: 1)
        let y = lp.addVariable("y", objective: 2)
        lp.addConstraint("c", [(x, 1), (y, 1)], lower: 3)
        var infeasible = LinearProgram()
        let z = infeasible.addVariable("z", upper: 3)
        infeasible.addConstraint("c", [(z, 1)], lower: 5)
        for (name, solver) in solvers {
            let s = solver.solve(lp)
            XCTAssertEqual(s.status, .optimal, name)
            XCTAssertEqual(s.values[0], 2, accuracy: 1e-9, name)
            XCTAssertEqual(s.values[1], 1, accuracy: 1e-9, name)
            XCTAssertEqual(s.activities[0], 3, accuracy: 1e-9, name)
            XCTAssertEqual(solver.solve(infeasible).status, .infeasible, name)
        }
    }

    func proposal(_ outcome: FundingOptimizer.Outcome, file: StaticString = #filePath, line: UInt = #line) throws -> FundingOptimizer.Proposal {
        guard case .proposal(let p) = outcome else {
            XCTFail("no proposal: \(outcome)", file: file, line: line)
            throw XCTSkip()
        }
        return p
    }

    func testOneOperationUpToTheEightyPercentCap() throws {
        // 1 000 000 HT; DETR and DSIL asked for 200 000 each. DETR + DSIL ≤ 80 % = 800 000, and the
        // owner keeps 20 % = 200 000: the optimum is 800 000 of dotations and 200 000 of own funds.
        let plans = try load([
            operation(
                "op",
                "  - { dispositif: etat.detr, montant: 200 000, statut: sollicite, depot: 2025-10-01 }\n  - { dispositif: etat.dsil, montant: 200 000, statut: sollicite, depot: 2025-10-01 }\n  - autofinancement: solde")
        ])
        for (name, solver) in solvers {
            let p = try proposal(FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:])).solve(with: solver))
            let f = Financing.figures(of: p.plans)[0]
            XCTAssertEqual(f.publicAid, Money(euros: 800_000), name)
            XCTAssertEqual(f.ownersShare, Money(euros: 200_000), name)
            XCTAssertEqual(p.remainingErrors, [], name)
            XCTAssertEqual(Rules.check(p.plans).errors, [], name)
            XCTAssertTrue(p.explanations["op"]!.contains { $0.contains("plafond de 80 % des dotations") || $0.contains("part minimale") }, "\(p.explanations)")
            XCTAssertTrue(p.explanations["op"]!.contains("part du maître d'ouvrage : 600 000,00 € → 200 000,00 € (gain de 400 000,00 €)"), "\(p.explanations)")
        }
    }

    func testTwoOperationsShareAnEnvelope() throws {
        // Each could take 800 000 of DETR, but the 2026 envelope is 900 000 for both: own funds
        // 2 000 000 − 900 000 = 1 100 000.
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2026, montant: 900 000 }"
        let line = "  - { dispositif: etat.detr, montant: 200 000, statut: sollicite, depot: 2026-01-05 }\n  - autofinancement: solde"
        let plans = try load([operation("un", line), operation("deux", owner: "b", line)], funders: funders)
        let p = try proposal(FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:])).solve(with: CLPSolver()))
        let figures = Financing.figures(of: p.plans)
        XCTAssertEqual(Money.sum(figures.map(\.publicAid)), Money(euros: 900_000))
        XCTAssertEqual(Money.sum(figures.map(\.ownersShare)), Money(euros: 1_100_000))
        XCTAssertTrue(p.explanations["un"]!.contains { $0.hasPrefix("plafonné par l'enveloppe DETR 2026 (900 000,00 €), partagée par deux, un") }, "\(p.explanations)")
        XCTAssertEqual(Rules.check(p.plans).errors, [])
        // Weighting B's share double gives B all it can take: A keeps its DETR floor (20 % of
        // 1 000 000 = 200 000) and B gets the remaining 700 000 of the envelope.
        let weighted = try proposal(FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: ["b": 2])).solve(with: CLPSolver()))
        XCTAssertEqual(Financing.figures(of: weighted.plans).map(\.publicAid), [Money(euros: 200_000), Money(euros: 700_000)])
    }

    func testAnInfeasibleProblemNamesTheConflict() throws {
        // A notified DETR of 850 000 on 1 000 000: above the 80 % cap whatever the other lines do
        // (the DSIL's floor is 20 % of its 500 000 base, so it could go down to 100 000).
        let plans = try load([
            operation(
                "op",
                "  - { dispositif: etat.detr, montant: 850 000, statut: notifie, depot: 2025-10-01, notification: 2025-12-01 }\n  - { dispositif: etat.dsil, montant: 100 000, assiette: 500 000, statut: sollicite, depot: 2025-10-01 }\n  - autofinancement: solde",
                extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-11-02 }")
        ])
        guard case .infeasible(let conflicts) = FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:])).solve(with: GLPKSolver()) else {
            return XCTFail("expected an infeasible problem")
        }
        XCTAssertEqual(conflicts, ["plafond de 80 % des dotations de l'État"])
    }

    func testSmallestFixOfTheOwnersShareExample() throws {
        // The error catalogue's case: 1 000 000 HT, DETR 400 000, Région 300 000, Département
        // 150 000, autofinancement 150 000 (15 %). The smallest fix moves 50 000 of aid to the owner.
        let funders = "dispositifs:\n  - { id: region.bourgs-centres, parametres: { taux-max: 30 % } }\n  - { id: departement.f2d, parametres: { taux-max: 20 % } }"
        let plans = try load([
            operation(
                "op",
                "  - { dispositif: etat.detr, montant: 400 000, statut: sollicite, depot: 2025-10-01 }\n  - { dispositif: region.bourgs-centres, montant: 300 000, statut: sollicite, depot: 2025-10-01 }\n  - { dispositif: departement.f2d, montant: 150 000, statut: sollicite, depot: 2025-10-01 }\n  - autofinancement: 150 000")
        ], funders: funders)
        XCTAssertEqual(Rules.check(plans).errors.map(\.rule.rawValue), ["part-maitre-ouvrage"])
        let p = try proposal(FundingOptimizer(plans: plans, goal: .smallestFix).solve(with: CLPSolver()))
        let moved = p.changes.reduce(Money.zero) { $0 + Money(cents: abs(($1.after - $1.before).cents)) }
        XCTAssertEqual(moved, Money(euros: 100_000))
        XCTAssertTrue(p.changes.contains(FundingOptimizer.Change(operation: "op", line: .own(.autofinancement), before: Money(euros: 150_000), after: Money(euros: 200_000))))
        XCTAssertEqual(Financing.figures(of: p.plans)[0].publicAid, Money(euros: 800_000))
        XCTAssertEqual(Rules.check(p.plans).errors, [])
    }

    func testTheShippedProgrammeImprovesAndStaysLegal() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let plans = try XCTUnwrap(PlanLoader.load(folder: root.appendingPathComponent("Plans").path).plans)
        let before = Money.sum(Financing.figures(of: plans).map(\.ownersShare))
        for (name, solver) in solvers {
            let p = try proposal(FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:])).solve(with: solver))
            let after = Money.sum(Financing.figures(of: p.plans).map(\.ownersShare))
            XCTAssertLessThanOrEqual(after, before, name)
            XCTAssertEqual(Rules.check(p.plans).errors, [], name)
            // Notified and paid lines never move.
            XCTAssertFalse(p.changes.contains { c in
                plans.operations.first { $0.id == c.operation }!.funding.contains { c.line.matches($0) && ($0.status == .notifie || $0.status == .verse) }
            }, name)
            // The scenario file it writes reads back to the same plans.
            let text = FundingOptimizer.scenarioText(p, id: "optimise", title: "Essai", parent: nil, comment: "essai")
            var files = [PlanFile(path: "P/programme.yaml", text: try String(contentsOf: root.appendingPathComponent("Plans/programme.yaml"), encoding: .utf8))]
            files.append(PlanFile(path: "P/financeurs.yaml", text: try String(contentsOf: root.appendingPathComponent("Plans/financeurs.yaml"), encoding: .utf8)))
            for op in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Plans/operations").path).sorted() {
                files.append(PlanFile(path: "P/operations/\(op)", text: try String(contentsOf: root.appendingPathComponent("Plans/operations/\(op)"), encoding: .utf8)))
            }
            files.append(PlanFile(path: "P/scenarios/optimise.yaml", text: text))
            let reread = try XCTUnwrap(PlanLoader.load(files: files, root: "P").applying(scenario: "optimise").plans)
            XCTAssertEqual(Money.sum(Financing.figures(of: reread).map(\.ownersShare)), after, name)
        }
    }

    /// A property over synthetic variations of one operation: every proposal passes the rules and
    /// never makes the owner's share worse.
    func testEveryProposalPassesTheRules() throws {
        var generator = SeededGenerator(seed: 2026)
        let funders = "dispositifs:\n  - { id: region.bourgs-centres, parametres: { taux-max: 30 % } }\n  - { id: departement.f2d, parametres: { taux-max: 20 % } }"
        for _ in 0..<40 {
            func amount(_ max: UInt64) -> String { String(generator.next(below: max / 1_000) * 1_000) }
            let detr = 200_000 + Int(amount(400_000))!
            let text = operation(
                "op",
                """
                  - { dispositif: etat.detr, montant: \(detr), statut: sollicite, depot: 2025-10-01 }
                  - { dispositif: region.bourgs-centres, montant: \(amount(300_000)), statut: \(generator.next(below: 2) == 0 ? "envisage" : "sollicite"), depot: 2025-10-01 }
                  - { dispositif: departement.f2d, montant: \(amount(200_000)), statut: sollicite, depot: 2025-10-01 }
                  - autofinancement: solde
                """)
            let plans = try load([text], funders: funders)
            let before = Financing.figures(of: plans)[0].ownersShare
            guard Rules.check(plans).errors.isEmpty else { continue }
            let p = try proposal(FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:])).solve(with: CLPSolver()))
            XCTAssertEqual(Rules.check(p.plans).errors, [], text)
            XCTAssertLessThanOrEqual(Financing.figures(of: p.plans)[0].ownersShare, before, text)
        }
    }
}

extension Array where Element == Diagnostic {
    var errors: [Diagnostic] { filter { $0.severity == .erreur } }

    /// CLP is opened when the optimiser first runs; a missing library is a French message naming
    /// the Debian package and the other solver, not a crash.
    func testAMissingCLPLibraryIsExplained() throws {
        guard case .failure(let error) = ClpLibrary.load(["libClp-absente.so.9"]) else { return XCTFail("loaded a library that does not exist") }
        XCTAssertTrue(error.message.hasPrefix("bibliothèque CLP introuvable (paquet Debian coinor-libclp1 ; `make setup` l'installe, ou choisissez --solveur glpk) : libClp-absente.so.9"), error.message)
        XCTAssertNoThrow(try ClpLibrary.shared.get())
    }
}
