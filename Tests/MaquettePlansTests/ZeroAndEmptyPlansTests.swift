@testable import MaquetteCore
import MaquettePlans
import XCTest

/// Every rule, the figures, the treasury, the Monte-Carlo and the optimiser's problem on plans with
/// nothing in them: no operation, an operation without expense or without funding, zero amounts and
/// zero bases. Nothing may trap, and each rule says exactly what is written here (worked out by hand).
final class ZeroAndEmptyPlansTests: XCTestCase {
    typealias F = PlanFixture

    /// A fonds de concours, Région and Département rates, and a DETR envelope of 0 € for 2025.
    static let funders = """
        financeurs: [{ id: cc, nom: CC, categorie: intercommunalite }]
        dispositifs:
          - { id: cc.fdc, financeur: cc, nom: Fonds de concours, nature: fonds-de-concours, regime: collectivite }
          - id: region.bourgs-centres
            parametres: { taux-max: 30 % }
          - id: departement.f2d
            parametres: { taux-max: 20 % }
        enveloppes:
          - { dispositif: etat.detr, annee: 2025, montant: 0 }
        """

    /// One line for each role a rule looks at, on lines 10 to 22 of the operation file, then the
    /// balance on line 23.
    static let dispositifs = [
        "etat.detr", "etat.dsil", "etat.fnadt", "etat.drac-fip", "etat.drac-monuments-historiques", "etat.pvd-chef-de-projet",
        "anah.pvd-chef-de-projet", "anah.chef-de-projet-opah-ru", "etat.fonds-vert-friches", "europe.leader", "cc.fdc",
        "region.bourgs-centres", "departement.f2d",
    ]

    static func funding(amount: String, base: String?) -> String {
        let b = base.map { ", assiette: \($0)" } ?? ""
        return dispositifs.map { "  - { dispositif: \($0), montant: \(amount)\(b), statut: notifie, depot: 2025-01-10, notification: 2025-02-01 }" }
            .joined(separator: "\n") + "\n  - autofinancement: solde"
    }

    static let zeroCost = "  - { libelle: Travaux, nature: travaux, montant_ht: 0, annees: { 2025: 100 % } }"
    /// Inscrit (DRAC, FIP), chef de file (Région + Département), a calendar (deadlines, early start).
    static let extra = "protection: inscrit\nchef_de_file: oui\ncalendrier: { debut_travaux: 2025-03, fin: 2026-10 }"

    func plans(_ operation: String, file: StaticString = #filePath, line: UInt = #line) throws -> Plans {
        let result = F.load([operation], funders: Self.funders)
        return try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))", file: file, line: line)
    }

    /// `file:line:column message` of each diagnostic of one rule, in order.
    func said(by rule: DiagnosticID, on plans: Plans) -> [String] {
        Rules.check(plans, only: [rule]).map { d in
            "\(d.location.map { "\($0.file):\($0.line):\($0.column)" } ?? "-") \(d.message)"
        }
    }

    /// Each subsidy asks 1 000 € on an eligible base of 0 (declared, or computed from no expense):
    /// 13 lines of public aid, 13 000 €, and a balance of 0 − 13 000 = −13 000 €.
    static let onAZeroBase: [String: [String]] = {
        let op = "P/operations/op1.yaml"
        return [
            "equilibre": ["\(op):23:5 l'autofinancement (reste à financer) est négatif : -13 000,00 € ; les autres ressources dépassent les dépenses HT (0,00 €) de 13 000,00 €"],
            // Own share = the balance −13 000, public financing −13 000 + 13 000 = 0: no share to compute.
            "part-maitre-ouvrage": [],
            // Any amount is above a maximum rate of a zero base: the local rates. DETR and DSIL have
            // no rate cap of their own (R2334-27 caps them together), and 1 000 is above 20 % of 0.
            "taux-dispositif": [
                "\(op):21:51 Région – Bourgs-Centres : 1 000,00 € pour une assiette éligible nulle, au-delà du taux maximal de 30 % (0,00 €) (Région Occitanie, contrats Bourgs-Centres 2022-2028 ; règlement des aides : demande avant le commencement)",
                "\(op):22:45 Département – F2D : 1 000,00 € pour une assiette éligible nulle, au-delà du taux maximal de 20 % (0,00 €) (Département du Gers, contrats-cadres 2021-2027 (dépôt avant le 31 janvier))",
            ],
            "plafond-dispositif": [],
            "natures-eligibles": [
                "\(op):13:5 DRAC – FIP ne finance que les dépenses de nature controles, etudes, maitrise-oeuvre, travaux, et l'opération n'en a aucune",
                "\(op):14:5 DRAC – monuments historiques ne finance que les dépenses de nature controles, etudes, maitrise-oeuvre, travaux, et l'opération n'en a aucune",
                "\(op):15:5 ANCT – chef de projet PVD ne finance que les dépenses de nature remuneration, et l'opération n'en a aucune",
                "\(op):16:5 ANAH – chef de projet PVD ne finance que les dépenses de nature remuneration, et l'opération n'en a aucune",
                "\(op):17:5 ANAH – chef de projet OPAH-RU ne finance que les dépenses de nature animation, remuneration, et l'opération n'en a aucune",
                "\(op):18:5 Fonds vert – friches ne finance que les dépenses de nature acquisition, amo, controles, demolition, depollution, etudes, frais-acquisition, maitrise-oeuvre, travaux, et l'opération n'en a aucune",
            ],
            "dotations-plafond": [
                "\(op):11:39 les dotations de l'État (DETR + DSIL) totalisent 2 000,00 €, pour une dépense subventionnable nulle ; le plafond est 80 %, soit 0,00 € (CGCT art. R2334-27, décret n° 2021-1291 du 6 octobre 2021)"
            ],
            // Each of the four décret 2018-514 lines has a base of 0; with no expense to share by,
            // every aid counts whole on it: 13 000.
            "aides-publiques-plafond": [
                "\(op):12:5 les aides publiques sur la dépense subventionnable de FNADT (0,00 €) totalisent 13 000,00 €, au-delà de 100 %, soit 0,00 € (Décret n° 2018-514 du 25 juin 2018, art. 10)",
                "\(op):13:5 les aides publiques sur la dépense subventionnable de DRAC – FIP (0,00 €) totalisent 13 000,00 €, au-delà de 100 %, soit 0,00 € (Décret n° 2018-514 du 25 juin 2018, art. 10)",
                "\(op):14:5 les aides publiques sur la dépense subventionnable de DRAC – monuments historiques (0,00 €) totalisent 13 000,00 €, au-delà de 100 %, soit 0,00 € (Décret n° 2018-514 du 25 juin 2018, art. 10)",
                "\(op):18:5 les aides publiques sur la dépense subventionnable de Fonds vert – friches (0,00 €) totalisent 13 000,00 €, au-delà de 100 %, soit 0,00 € (Décret n° 2018-514 du 25 juin 2018, art. 10)",
            ],
            // Requested on 10 January 2025, works from March 2025.
            "demarrage-anticipe": [],
            // Notified 1 February 2025: start within 24 months, end (October 2026) within 48.
            "dotations-delais": [],
            "detr-commission": [],
            // fdc ≤ 0 − 12 000 − fdc: at most max(0, (0 − 12 000) / 2) = 0.
            "fonds-de-concours": [
                "\(op):20:36 le fonds de concours (1 000,00 €) dépasse la part financée par la commune hors subventions (-13 000,00 €) ; au plus 0,00 €"
            ],
            "drac-monuments": [
                "\(op):14:61 DRAC – monuments historiques : 1 000,00 € pour une assiette nulle (travaux de restauration et de réparation d'un immeuble inscrit, hors extension et aménagements neufs) ; le maximum est 40 %, soit 0,00 € (Code du patrimoine art. L621-29 (travaux de restauration et de réparation))"
            ],
            // The Région gives 1 000 ≥ 15 % of 0; the commune has 3 000 inhabitants.
            "drac-fip": [
                "\(op):13:43 DRAC – FIP : 1 000,00 € pour une assiette nulle ; le maximum pour un immeuble inscrit est 40 % (Ministère de la Culture, fonds incitatif et partenarial)"
            ],
            // 2 000 with ANAH: at most min(75 % of 0, 55 000 × 1 year) = 0; ANAH min(50 % of 0, 40 000) = 0.
            // No expense line of nature rémunération, so no post whose share to check.
            "pvd-chef-de-projet": [
                "\(op):16:53 la part de l'ANAH dans le poste atteint 1 000,00 € ; le maximum est 0,00 € (50 %, 40 000,00 € par an) (ANCT, co-financement du poste de chef de projet PVD)",
                "\(op):16:53 le co-financement du poste atteint 2 000,00 € ; le maximum est 0,00 € (75 % de 0,00 €, et 55 000,00 € par an sur 1 an(s)) (ANCT, co-financement du poste de chef de projet PVD)",
            ],
            "anah-chef-de-projet": [
                "\(op):17:57 ANAH – chef de projet OPAH-RU : 1 000,00 € ; le maximum est 50 % de 0,00 € (coût HT plafonné à 80 000,00 € par an sur 1 an(s)), soit 0,00 € (ANAH, chef de projet OPAH-RU)"
            ],
            // Deficit 0 − 0 − (13 000 − 1 000) = −12 000.
            "fonds-vert-deficit": [
                "\(op):18:53 le Fonds vert friches (1 000,00 €) dépasse le déficit de l'opération après les autres aides et les recettes (0,00 € − recettes 0,00 € − autres aides 12 000,00 € = -12 000,00 €)"
            ],
            // No ADEME line, no demolition.
            "fonds-vert-friches-conditions": [],
            // Counterpart: other public aid 12 000 + own share −13 000 = −1 000: none.
            "leader-contrepartie": [
                "\(op):19:5 LEADER (1 000,00 €) demande une contrepartie publique nationale, et l'opération n'en a aucune, ni aide nationale ni autofinancement (LEADER 2023-2027 : taux d'aide de la fiche-action du GAL (80 % par défaut, à remplacer par celui de la fiche))"
            ],
            "cumul-region-departement": [
                "\(op):22:5 compétence exercée en chef de file : l'opération ne peut pas cumuler la Région (1 000,00 €) et le Département (1 000,00 €) (CGCT art. L1111-9 I)"
            ],
            // The DETR line draws 1 000 on the 2025 envelope of 0 (financeurs.yaml line 9).
            "enveloppe-annuelle": [
                "P/financeurs.yaml:9:5 l'enveloppe DETR 2025 (0,00 €) est dépassée : les opérations en demandent 1 000,00 € (dépassement 1 000,00 €)"
            ],
            "statut-coherent": [],
            // Nothing paid; no portage line.
            "versements-plafond": [],
            "portage-foncier-rachat": [],
        ]
    }()

    func testEveryRuleIsCovered() {
        XCTAssertEqual(Set(Self.onAZeroBase.keys), Set(Rules.all.map(\.id.rawValue)))
    }

    func testEveryRuleOnADeclaredBaseOfZero() throws {
        // The issue's crash: `assiette: 0` on the DRAC and FIP lines ("Unexpectedly found nil").
        let plans = try plans(F.operation(Self.funding(amount: "1 000", base: "0"), costs: Self.zeroCost, extra: Self.extra))
        for rule in Rules.all {
            XCTAssertEqual(said(by: rule.id, on: plans), Self.onAZeroBase[rule.id.rawValue] ?? ["?"], rule.id.rawValue)
        }
    }

    func testEveryRuleOnAnOperationWithoutEligibleExpense() throws {
        // No base declared: each base is computed from expenses of 0 €, so the same diagnostics.
        let plans = try plans(F.operation(Self.funding(amount: "1 000", base: nil), costs: Self.zeroCost, extra: Self.extra))
        for rule in Rules.all {
            XCTAssertEqual(said(by: rule.id, on: plans), Self.onAZeroBase[rule.id.rawValue] ?? ["?"], rule.id.rawValue)
        }
    }

    func testEveryRuleOnAnOperationWithoutExpenseLine() throws {
        var plans = try plans(F.operation(Self.funding(amount: "1 000", base: nil), costs: Self.zeroCost, extra: Self.extra))
        plans.operations[0].costs = []
        for rule in Rules.all {
            XCTAssertEqual(said(by: rule.id, on: plans), Self.onAZeroBase[rule.id.rawValue] ?? ["?"], rule.id.rawValue)
        }
    }

    func testEveryRuleOnZeroAmountsAndZeroBases() throws {
        // Lines of 0 € count for nothing, expenses of 0 € need nothing: nothing to say.
        let plans = try plans(F.operation(Self.funding(amount: "0", base: "0"), costs: Self.zeroCost, extra: Self.extra))
        for rule in Rules.all { XCTAssertEqual(said(by: rule.id, on: plans), [], rule.id.rawValue) }
        let figures = Financing.figures(of: plans)[0]
        XCTAssertEqual(figures.totalResources, .zero)
        XCTAssertEqual(figures.selfFinancing, .zero)
        XCTAssertNil(figures.publicAidRate)
        XCTAssertNil(figures.funding[3].effectiveRate)
        XCTAssertEqual(figures.funding[3].share(of: .zero), "pour une assiette nulle")
    }

    func testEveryRuleOnAnOperationWithoutFundingLine() throws {
        // 1 000 000 € HT of works and no resource: only the balance speaks, on `financements:` (line 7).
        var plans = try plans(F.operation("  - autofinancement: solde"))
        plans.operations[0].funding = []
        for rule in Rules.all {
            let expected =
                rule.id == .equilibre
                ? ["P/operations/op1.yaml:7:1 le plan est déséquilibré : ressources 0,00 €, dépenses 1 000 000,00 € HT (écart -1 000 000,00 €)"]
                : []
            XCTAssertEqual(said(by: rule.id, on: plans), expected, rule.id.rawValue)
        }
    }

    func testEveryRuleOnAProgrammeWithoutOperation() throws {
        // The envelope of 0 € is drawn by nobody.
        var plans = try plans(F.operation(Self.funding(amount: "1 000", base: "0"), costs: Self.zeroCost, extra: Self.extra))
        plans.operations = []
        for rule in Rules.all { XCTAssertEqual(said(by: rule.id, on: plans), [], rule.id.rawValue) }
    }

    // MARK: Figures, treasury, simulation, optimiser

    func emptyAndZeroPlans() throws -> [(String, Plans)] {
        let zeroBase = try plans(F.operation(Self.funding(amount: "1 000", base: "0"), costs: Self.zeroCost, extra: Self.extra))
        let zeros = try plans(F.operation(Self.funding(amount: "0", base: "0"), costs: Self.zeroCost, extra: Self.extra))
        var noOperation = zeroBase
        noOperation.operations = []
        var noCost = zeroBase
        noCost.operations[0].costs = []
        var noFunding = try plans(F.operation("  - autofinancement: solde"))
        noFunding.operations[0].funding = []
        return [("base nulle", zeroBase), ("montants nuls", zeros), ("sans opération", noOperation), ("sans dépense", noCost), ("sans financement", noFunding)]
    }

    func testTreasuryOnEmptyAndZeroPlans() throws {
        for (name, plans) in try emptyAndZeroPlans() {
            let figures = Financing.figures(of: plans)
            let (owners, programme) = Treasury.tables(figures, plans: plans)
            switch name {
            case "sans opération", "sans dépense":
                // No spending year: no year at all.
                XCTAssertEqual(programme.years, [], name)
                XCTAssertEqual(owners.count, 0, name)
            case "base nulle":
                // Nothing spent, the 13 subsidies of 1 000 all received whatever their schedule:
                // the cumulated need ends at −13 000.
                XCTAssertEqual(programme.cumulatedNeed.last, Money(euros: -13_000), name)
            case "sans financement":
                // 1 000 000 HT + 20 % = 1 200 000 TTC spent in 2025; FCTVA 16,404 % of it,
                // 196 848, received in 2027 (N+2).
                XCTAssertEqual(programme.years.map(\.year), [2025, 2027], name)
                XCTAssertEqual(programme.years[0].spendingTTC, Money(euros: 1_200_000), name)
                XCTAssertEqual(programme.years[1].fctva, Money(euros: 196_848), name)
                XCTAssertEqual(programme.peakNeed, Money(euros: 1_200_000), name)
            default:
                XCTAssertEqual(programme.peakNeed, .zero, name)
            }
        }
    }

    func testMonteCarloOnEmptyAndZeroPlans() throws {
        for (name, plans) in try emptyAndZeroPlans() {
            let result = MonteCarlo(plans: plans).run(draws: 5, seed: 7, chunks: 2)
            XCTAssertEqual(result.draws, 5, name)
            // Every line is notified: nothing is uncertain, every draw is the plan itself.
            XCTAssertEqual(result.uncertain.count, 0, name)
            let own = result.programme.ownersShare
            XCTAssertEqual(own.p10, own.p90, name)
            if name == "base nulle" || name == "sans dépense" { XCTAssertEqual(own.mean, Money(euros: -13_000), name) }
        }
    }

    func testOptimiserProblemOnEmptyAndZeroPlans() throws {
        for (name, plans) in try emptyAndZeroPlans() {
            let optimiser = FundingOptimizer(plans: plans, goal: .leastOwnShare(weights: [:]))
            let model = optimiser.build(figures: Financing.figures(of: plans))
            // Notified lines are fixed: an operation's variables are its own funding and that
            // amount's movement up and down from the plan's.
            XCTAssertEqual(model.program.variables.count, 3 * plans.operations.count, name)
            XCTAssertEqual(model.program.variables.first?.name, plans.operations.isEmpty ? nil : "op/autofinancement", name)
            XCTAssertEqual(model.infeasibleLines, [], name)
        }
    }
}
