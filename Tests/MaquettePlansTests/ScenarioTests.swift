import MaquetteCore
import MaquettePlans
import XCTest

/// Scenario files through the real reader, each transformation pinned, the treasury of a small case
/// worked out by hand year by year, and the Monte-Carlo estimates.
final class ScenarioTests: XCTestCase {
    typealias F = PlanFixture

    /// Works of 1 000 000 HT split 600 000 / 400 000 over 2025-2026, DETR 300 000 and DSIL 200 000.
    static let operation = """
        id: op
        intitule: Opération d'essai
        maitre_ouvrage: commune
        calendrier: { debut_travaux: 2025-03, fin: 2026-10 }
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 600 000, 2026: 400 000 } }
          - { libelle: Études, nature: etudes, montant_ht: 50 000, annees: { 2024: 100 % } }
        financements:
          - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2024-11-02 }
          - { dispositif: etat.dsil, montant: 250 000, statut: sollicite, depot: 2024-11-02 }
          - autofinancement: solde
        """

    func scenario(_ changes: String, parent: String? = nil, id: String = "s") -> String {
        "id: \(id)\ntitre: Essai\n" + (parent.map { "parent: \($0)\n" } ?? "") + "changements:\n" + changes
    }

    func load(_ scenarios: [String], operations: [String] = [ScenarioTests.operation]) -> LoadResult {
        var files = [PlanFile(path: "P/programme.yaml", text: F.programme)]
        for (i, text) in operations.enumerated() { files.append(PlanFile(path: "P/operations/op\(i + 1).yaml", text: text)) }
        for (i, text) in scenarios.enumerated() { files.append(PlanFile(path: "P/scenarios/s\(i + 1).yaml", text: text)) }
        return PlanLoader.load(files: files, root: "P")
    }

    func applied(_ changes: String, file: StaticString = #filePath, line: UInt = #line) throws -> Plans {
        let result = load([scenario(changes)]).applying(scenario: "s")
        return try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))", file: file, line: line)
    }

    func figures(_ plans: Plans) -> OperationFigures { Financing.figures(of: plans)[0] }

    // MARK: Transformations

    func testRefuseKeepsTheLineButCountsNothing() throws {
        let plans = try applied("  - refuser: { operation: op, ligne: etat.dsil }")
        let f = figures(plans)
        XCTAssertEqual(plans.operations[0].funding[1].status, .refuse)
        XCTAssertEqual(f.publicAid, Money(euros: 300_000))
        // Solde = 1 050 000 − 300 000.
        XCTAssertEqual(f.selfFinancing, Money(euros: 750_000))
    }

    func testRemoveAndChangeFunding() throws {
        let removed = try applied("  - retirer: { operation: op, ligne: etat.dsil }")
        XCTAssertEqual(removed.operations[0].funding.count, 2)
        let changed = try applied("  - modifier_financement: { operation: op, ligne: etat.detr, taux: 25 %, statut: notifie }")
        // DETR on its base of 1 050 000 HT: 25 % = 262 500.
        XCTAssertEqual(figures(changed).funding[0].amount, Money(euros: 262_500))
        XCTAssertEqual(changed.operations[0].funding[0].status, .notifie)
    }

    func testDispositifCutAppliesToEveryLine() throws {
        // DETR −20 %: 300 000 → 240 000; a 25 % maximum rate is now broken by the DSIL (250 000 of
        // 1 050 000 is 23,81 %: not broken) but a 20 % maximum is.
        let plans = try applied("  - modifier_dispositif: { dispositif: etat.detr, variation: -20 % }\n  - modifier_dispositif: { dispositif: etat.dsil, taux-max: 20 % }")
        XCTAssertEqual(figures(plans).funding[0].amount, Money(euros: 240_000))
        let rate = Rules.check(plans).with(rule: .tauxDispositif)
        XCTAssertEqual(rate.count, 1)
        XCTAssertTrue(rate[0].message.hasPrefix("DSIL : 250 000,00 € soit 23,81 %"), rate[0].message)
    }

    func testCostIncreaseKeepsTheYearlySplit() throws {
        // +8 % on works: 1 080 000, split 648 000 / 432 000 like 600 000 / 400 000.
        let plans = try applied("  - modifier_depenses: { operation: toutes, nature: travaux, variation: +8 % }")
        let works = plans.operations[0].costs[0]
        XCTAssertEqual(works.amountHT, Money(euros: 1_080_000))
        XCTAssertEqual(works.years.map(\.amountHT), [Money(euros: 648_000), Money(euros: 432_000)])
        XCTAssertEqual(plans.operations[0].costs[1].amountHT, Money(euros: 50_000))
        XCTAssertEqual(figures(plans).selfFinancing, Money(euros: 580_000))
    }

    func testShiftMovesDatesAndSpendingYears() throws {
        let year = try applied("  - decaler: { operation: op, annees: 1 }")
        XCTAssertEqual(year.operations[0].worksStart, Day(year: 2026, month: 3, day: 1))
        // `fin: 2026-10` runs to 31 October, a year later 31 October 2027.
        XCTAssertEqual(year.operations[0].end, Day(year: 2027, month: 10, day: 31))
        XCTAssertEqual(year.operations[0].costs[0].years.map(\.year), [2026, 2027])
        // Six months round to a year of spending; five do not.
        XCTAssertEqual(try applied("  - decaler: { operation: op, mois: 6 }").operations[0].costs[0].years.map(\.year), [2026, 2027])
        let five = try applied("  - decaler: { operation: op, mois: 5 }")
        XCTAssertEqual(five.operations[0].costs[0].years.map(\.year), [2025, 2026])
        XCTAssertEqual(five.operations[0].worksStart, Day(year: 2025, month: 8, day: 1))
    }

    /// An end at the end of a month stays at the end of a month: 31 October 2026 eight months on
    /// is 30 June 2027, and one more month is 31 July, not 30 July (the works end with the month
    /// they end in, as `fin: AAAA-MM` says). A start keeps its day: 1 March 2025, nine months on 1 December.
    func testShiftKeepsAMonthEndAtTheEndOfTheMonth() throws {
        let twice = try applied("  - decaler: { operation: op, mois: 8 }\n  - decaler: { operation: op, mois: 1 }")
        XCTAssertEqual(twice.operations[0].end, Day(year: 2027, month: 7, day: 31))
        XCTAssertEqual(twice.operations[0].worksStart, Day(year: 2025, month: 12, day: 1))
        let back = try applied("  - decaler: { operation: op, mois: 8 }\n  - decaler: { operation: op, mois: -4 }")
        // 30 June 2027 four months back: 28 February 2027, the last day of February.
        XCTAssertEqual(back.operations[0].end, Day(year: 2027, month: 2, day: 28))
    }

    func testAddFundingAndOperation() throws {
        let plans = try applied(
            """
              - ajouter_financement: { operation: op, financement: { dispositif: region.espaces-publics, montant: 100 000 } }
              - ajouter_operation:
                  id: nouvelle
                  intitule: Nouvelle opération
                  maitre_ouvrage: commune
                  depenses: [{ libelle: Travaux, nature: travaux, montant_ht: 10 000, annees: { 2026: 100 % } }]
                  financements: [{ autofinancement: solde }]
            """)
        // The new line goes before the balance, which drops by 100 000.
        XCTAssertEqual(plans.operations[0].funding.map(\.dispositifID), ["etat.detr", "etat.dsil", "region.espaces-publics", nil])
        XCTAssertEqual(figures(plans).selfFinancing, Money(euros: 400_000))
        XCTAssertEqual(plans.operations.map(\.id), ["op", "nouvelle"])
    }

    func testAChangeThatPointsAtNothingIsLocated() {
        let result = load([scenario("  - refuser: { operation: op, ligne: etat.dpv }\n  - decaler: { operation: halle, annees: 1 }")]).applying(scenario: "s")
        XCTAssertNil(result.plans)
        XCTAssertEqual(
            result.diagnostics.map { "\($0.location!.line):\($0.location!.column) \($0.message)" },
            ["4:5 la ligne `etat.dpv` n'existe pas dans l'opération `op`", "5:5 l'opération `halle` n'existe pas"])
        XCTAssertEqual(result.diagnostics[0].location?.file, "P/scenarios/s1.yaml")
    }

    func testParentsApplyFirstAndCyclesAreRefused() throws {
        let parent = scenario("  - modifier_depenses: { operation: op, nature: travaux, montant_ht: 2 000 000 }", id: "parent")
        let child = scenario("  - modifier_depenses: { operation: op, nature: travaux, variation: +10 % }", parent: "parent", id: "enfant")
        let plans = try XCTUnwrap(load([parent, child]).applying(scenario: "enfant").plans)
        // 2 000 000 then +10 %: 2 200 000 (the other order would give 2 000 000).
        XCTAssertEqual(plans.operations[0].costs[0].amountHT, Money(euros: 2_200_000))
        let a = scenario("  - decaler: { operation: op, annees: 1 }", parent: "b", id: "a")
        let b = scenario("  - decaler: { operation: op, annees: 1 }", parent: "a", id: "b")
        let loop = load([a, b]).applying(scenario: "a")
        XCTAssertNil(loop.plans)
        XCTAssertTrue(loop.diagnostics.contains { $0.message.contains("dépend de lui-même") })
        let unknown = load([]).applying(scenario: "absent")
        XCTAssertEqual(unknown.diagnostics.map(\.message), ["scénario inconnu `absent`"])
    }

    func testScenarioFileErrorsAreLocated() {
        let bad = "id: s\ntitre: Essai\nchangements:\n  - refusr: { operation: op, ligne: etat.dsil }\n  - modifier_depenses: { operation: op, variation: -150 % }\n"
        let d = load([bad]).diagnostics
        XCTAssertEqual(d.map { "\($0.location!.line):\($0.location!.column)" }, ["4:5", "5:52"])
        XCTAssertEqual(d[0].notes, ["vouliez-vous dire `refuser` ?"])
        XCTAssertTrue(d[1].message.contains("une baisse de plus de 100 %"))
    }

    // MARK: Treasury

    /// 200 000 HT of works over 2025-2026, a DETR of 80 000 and a loan of 50 000.
    static let smallTreasuryCase = """
        id: op
        intitule: Essai
        maitre_ouvrage: commune
        calendrier: { debut_travaux: 2025-01 }
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 200 000, annees: { 2025: 50 %, 2026: 50 % } }
        financements:
          - { dispositif: etat.detr, montant: 80 000, statut: sollicite, depot: 2024-10-01 }
          - emprunt: 50 000
          - autofinancement: solde
        """

    func testTreasuryOfASmallCaseYearByYear() throws {
        // 200 000 HT of works (TTC 120 000 a year in 2025 and 2026), DETR 80 000, a loan of 50 000.
        // DETR: advance 30 % = 24 000 in 2025; paid by end of 2025 = 80 000 × 50 % = 40 000, so
        // 16 000 more; 2026: 80 000 × 100 % capped at 80 % = 64 000, so 24 000; balance 16 000 in
        // 2027. Loan drawn 25 000 a year. FCTVA (N+2): 120 000 × 16,404 % = 19 684,80 in 2027 and 2028.
        let op = Self.smallTreasuryCase
        let plans = try XCTUnwrap(F.load([op]).plans)
        let (owners, programme) = Treasury.tables(Financing.figures(of: plans), plans: plans)
        let t = try XCTUnwrap(owners.first)
        XCTAssertEqual(t.owner, "commune")
        XCTAssertEqual(t.years.map(\.year), [2025, 2026, 2027, 2028])
        XCTAssertEqual(t.years.map(\.spendingTTC), [Money(euros: 120_000), Money(euros: 120_000), .zero, .zero])
        XCTAssertEqual(t.years.map(\.subsidies), [Money(euros: 40_000), Money(euros: 24_000), Money(euros: 16_000), .zero])
        XCTAssertEqual(t.years.map(\.loans), [Money(euros: 25_000), Money(euros: 25_000), .zero, .zero])
        XCTAssertEqual(t.years.map(\.fctva), [.zero, .zero, Money(cents: 1_968_480), Money(cents: 1_968_480)])
        XCTAssertEqual(t.years.map(\.need), [Money(euros: 55_000), Money(euros: 71_000), Money(cents: -3_568_480), Money(cents: -1_968_480)])
        XCTAssertEqual(t.cumulatedNeed, [Money(euros: 55_000), Money(euros: 126_000), Money(cents: 9_031_520), Money(cents: 7_063_040)])
        XCTAssertEqual(t.peakNeed, Money(euros: 126_000))
        XCTAssertEqual(programme.cumulatedNeed, t.cumulatedNeed)
    }

    func testCapacityWarning() throws {
        // The capacity accrues from the first year with spending, 2025 (not the programme's 2024).
        // Needs: 55 000 by the end of 2025, 126 000 by the end of 2026. At 70 000 a year: 70 000 and
        // 140 000 available, no warning. At 60 000: 60 000 ≥ 55 000, then 120 000 < 126 000 in 2026.
        // At 40 000: 40 000 < 55 000 already in 2025.
        let op = Self.smallTreasuryCase
        func warnings(_ capacity: String) throws -> [Diagnostic] {
            let programme = F.programme.replacingOccurrences(of: "population: 3 000,", with: "population: 3 000, capacite_autofinancement: \(capacity),")
            let plans = try XCTUnwrap(F.load([op], programme: programme).plans)
            return Treasury.capacityWarnings(Treasury.tables(Financing.figures(of: plans), plans: plans).owners, plans: plans)
        }
        XCTAssertEqual(try warnings("70 000"), [])
        let w60 = try warnings("60 000")
        XCTAssertEqual(w60.count, 1)
        XCTAssertTrue(w60[0].message.contains("besoin de trésorerie cumulé de 126 000,00 € fin 2026"), w60[0].message)
        XCTAssertTrue(w60[0].message.contains("60 000,00 € par an depuis 2025, première année de dépenses, soit 120 000,00 €"), w60[0].message)
        let w40 = try warnings("40 000")
        XCTAssertTrue(w40.first?.message.contains("besoin de trésorerie cumulé de 55 000,00 € fin 2025") ?? false, "\(w40.map(\.message))")
        XCTAssertTrue(w40.first?.message.contains("soit 40 000,00 €") ?? false)
    }

    // MARK: Monte-Carlo

    static let uncertain = """
        id: op
        intitule: Essai
        maitre_ouvrage: commune
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 100 % } }
        financements:
          - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2024-10-01, probabilite: 60 % }
          - { dispositif: region.espaces-publics, montant: 200 000, statut: envisage, probabilite: 25 % }
          - autofinancement: solde
        """

    func testMeanOwnShareMatchesTheExpectation() throws {
        // E[own] = 1 000 000 − (0,6 × 300 000 + 0,25 × 200 000) = 770 000. Standard deviation per
        // draw √(0,24 × 300 000² + 0,1875 × 200 000²) ≈ 170 587; over 4 000 draws the standard
        // error is about 2 697: the estimate must be within 4 of them (10 800).
        let plans = try XCTUnwrap(F.load([Self.uncertain]).plans)
        let result = MonteCarlo(plans: plans).run(draws: 4_000, seed: 7)
        let mean = result.owners[0].ownersShare.mean
        XCTAssertLessThanOrEqual(abs(mean.cents - 77_000_000), 1_080_000, "\(mean)")
        // The own share takes only four values: 500 000, 700 000, 800 000, 1 000 000.
        let d = result.owners[0].ownersShare
        XCTAssertTrue([500_000, 700_000, 800_000, 1_000_000].map { Money(euros: $0) }.contains(d.p50))
        XCTAssertEqual(d.p90, Money(euros: 1_000_000))
        XCTAssertEqual(result.uncertain.map(\.dispositif), ["region.espaces-publics", "etat.detr"])
        // Expected shortfalls: 0,75 × 200 000 = 150 000 and 0,4 × 300 000 = 120 000.
        XCTAssertEqual(result.uncertain.map(\.expectedShortfall), [Money(euros: 150_000), Money(euros: 120_000)])
    }

    /// Each operation's draw has its own generator: however the owners are shared among the
    /// cores (one slice, or one per owner: asking for 3 or 8 gives 2 here), the result is the same, owner by owner.
    func testTheResultDoesNotDependOnHowTheWorkIsShared() throws {
        let second = Self.uncertain.replacingOccurrences(of: "id: op", with: "id: op-epci").replacingOccurrences(of: "maitre_ouvrage: commune", with: "maitre_ouvrage: epci")
        let plans = try XCTUnwrap(F.load([Self.uncertain, second]).plans)
        XCTAssertEqual(plans.operations.count, 2)
        let one = MonteCarlo(plans: plans).run(draws: 300, seed: 5, chunks: 1)
        for chunks in [3, 8] {
            let other = MonteCarlo(plans: plans).run(draws: 300, seed: 5, chunks: chunks)
            XCTAssertEqual(other.owners.map(\.ownersShare), one.owners.map(\.ownersShare))
            XCTAssertEqual(other.programme.ownersShare, one.programme.ownersShare)
            XCTAssertEqual(other.programme.capacityExceeded, one.programme.capacityExceeded)
        }
    }

    func testSameSeedSameResultAndRatesDrawnInTheirRange() throws {
        let plans = try XCTUnwrap(F.load([Self.uncertain]).plans)
        let a = MonteCarlo(plans: plans).run(draws: 500, seed: 42)
        let b = MonteCarlo(plans: plans).run(draws: 500, seed: 42)
        XCTAssertEqual(a.owners[0].ownersShare, b.owners[0].ownersShare)
        XCTAssertNotEqual(MonteCarlo(plans: plans).run(draws: 500, seed: 43).owners[0].ownersShare.mean, a.owners[0].ownersShare.mean)
        // A rate of 20 % .. 30 % of 1 000 000, always granted: the own share averages 750 000
        // (uniform: standard deviation 28 868, so about 913 over 1 000 draws) and stays in [700 000, 800 000].
        let ranged = Self.uncertain.replacingOccurrences(of: "montant: 300 000, statut: sollicite, depot: 2024-10-01, probabilite: 60 %", with: "taux: 20 % .. 30 %, statut: sollicite, depot: 2024-10-01, probabilite: 100 %")
            .replacingOccurrences(of: "probabilite: 25 %", with: "probabilite: 0 %")
        let r = MonteCarlo(plans: try XCTUnwrap(F.load([ranged]).plans)).run(draws: 1_000, seed: 1)
        let d = r.owners[0].ownersShare
        XCTAssertLessThanOrEqual(abs(d.mean.cents - 75_000_000), 370_000, "\(d.mean)")
        XCTAssertGreaterThanOrEqual(d.p10, Money(euros: 700_000))
        XCTAssertLessThanOrEqual(d.p90, Money(euros: 800_000))
        // The plan itself takes the lower bound: 20 % = 200 000.
        XCTAssertEqual(Financing.figures(of: try XCTUnwrap(F.load([ranged]).plans))[0].funding[0].amount, Money(euros: 200_000))
    }

    func testPercentilesByNearestRank() {
        let values = (1...10).map { Money(euros: Int64($0)) }
        XCTAssertEqual(MonteCarlo.percentile(values, 10), Money(euros: 1))
        XCTAssertEqual(MonteCarlo.percentile(values, 50), Money(euros: 5))
        XCTAssertEqual(MonteCarlo.percentile(values, 90), Money(euros: 9))
        XCTAssertEqual(MonteCarlo.percentile([Money(euros: 3)], 90), Money(euros: 3))
    }

    /// Draws taken in blocks of any size give the same result: each draw's generator depends on
    /// the seed, the operation and the draw's number only, and the sketches count exactly here.
    func testTheResultDoesNotDependOnTheBlocks() throws {
        let second = Self.uncertain.replacingOccurrences(of: "id: op", with: "id: op-epci").replacingOccurrences(of: "maitre_ouvrage: commune", with: "maitre_ouvrage: epci")
        let ranged = Self.uncertain.replacingOccurrences(of: "id: op", with: "id: op-fourchette")
            .replacingOccurrences(of: "montant: 300 000, statut: sollicite, depot: 2024-10-01, probabilite: 60 %", with: "taux: 20 % .. 30 %, statut: sollicite, depot: 2024-10-01, probabilite: 70 %")
        for files in [[Self.uncertain, second, ranged]] {
            let plans = try XCTUnwrap(F.load(files).plans)
            let whole = MonteCarlo(plans: plans).run(draws: 1_000, seed: 9, chunks: 2, blockSize: 4_096)
            for block in [1, 7, 333, 1_000] {
                let cut = MonteCarlo(plans: plans).run(draws: 1_000, seed: 9, chunks: 2, blockSize: block)
                XCTAssertEqual(cut.owners.map(\.ownersShare), whole.owners.map(\.ownersShare), "blocs de \(block)")
                XCTAssertEqual(cut.owners.map(\.anyRuleBreaks), whole.owners.map(\.anyRuleBreaks), "blocs de \(block)")
                XCTAssertEqual(cut.programme.ownersShare, whole.programme.ownersShare, "blocs de \(block)")
                XCTAssertEqual(cut.programme.anyRuleBreaks, whole.programme.anyRuleBreaks, "blocs de \(block)")
                XCTAssertEqual(cut.programme.capacityExceeded, whole.programme.capacityExceeded, "blocs de \(block)")
            }
            XCTAssertTrue(whole.programme.ownersShare.exact)
        }
    }

    /// On the shipped plans (three owners with capacities, shared envelopes, twenty uncertain
    /// lines), neither the blocks nor the slices of owners change a figure: every owner's and the
    /// programme's distribution, rule breaks and capacity overruns are the same.
    func testTheShippedPlansGiveTheSameResultHoweverCut() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var plans = try XCTUnwrap(PlanLoader.load(folder: root.appendingPathComponent("Plans").path).plans)
        // The DSIL 2026 envelope cut to 900 000 € (1 290 000 € requested): broken in the draws
        // that grant more than 900 000 € of it, summed across the slices of owners.
        let dsil = try XCTUnwrap(plans.catalogue.envelopes.firstIndex { $0.dispositif == "etat.dsil" && $0.year == 2026 })
        plans.catalogue.envelopes[dsil].amount = Money(euros: 900_000)
        let whole = MonteCarlo(plans: plans).run(draws: 600, seed: 3, chunks: 1, blockSize: 4_096)
        XCTAssertGreaterThan(whole.programme.capacityExceeded, 0)
        XCTAssertGreaterThan(whole.programme.anyRuleBreaks, whole.owners.map(\.anyRuleBreaks).max() ?? 0)
        XCTAssertLessThan(whole.programme.anyRuleBreaks, 600)
        for (chunks, block) in [(3, 1), (2, 64), (8, 599), (1, 600)] {
            let cut = MonteCarlo(plans: plans).run(draws: 600, seed: 3, chunks: chunks, blockSize: block)
            let what = "\(chunks) tranches, blocs de \(block)"
            XCTAssertEqual(cut.owners.map(\.ownersShare), whole.owners.map(\.ownersShare), what)
            XCTAssertEqual(cut.owners.map(\.ownersShareRuleBreaks), whole.owners.map(\.ownersShareRuleBreaks), what)
            XCTAssertEqual(cut.owners.map(\.anyRuleBreaks), whole.owners.map(\.anyRuleBreaks), what)
            XCTAssertEqual(cut.owners.map(\.capacityExceeded), whole.owners.map(\.capacityExceeded), what)
            XCTAssertEqual(cut.programme.ownersShare, whole.programme.ownersShare, what)
            XCTAssertEqual(cut.programme.ownersShareRuleBreaks, whole.programme.ownersShareRuleBreaks, what)
            XCTAssertEqual(cut.programme.anyRuleBreaks, whole.programme.anyRuleBreaks, what)
            XCTAssertEqual(cut.programme.capacityExceeded, whole.programme.capacityExceeded, what)
        }
    }

    /// While the values are few, the sketch counts them one by one: the percentiles are the exact
    /// nearest-rank ones.
    func testTheSketchIsExactWhileValuesAreFew() {
        var sketch = QuantileSketch()
        // 1 000 × 500 000,00 €, 3 000 × 700 000,00 €, 6 000 × 1 000 000,00 €: ranks 1 000, 5 000, 9 000.
        sketch.add(50_000_000, times: 1_000)
        sketch.add(ArraySlice([Int64](repeating: 70_000_000, count: 3_000)))
        sketch.add(100_000_000, times: 6_000)
        XCTAssertTrue(sketch.isExact)
        XCTAssertEqual(sketch.count, 10_000)
        XCTAssertEqual(sketch.percentile(10), 50_000_000)
        XCTAssertEqual(sketch.percentile(11), 70_000_000)
        XCTAssertEqual(sketch.percentile(40), 70_000_000)
        XCTAssertEqual(sketch.percentile(41), 100_000_000)
        // (1 000 × 500 000 + 3 000 × 700 000 + 6 000 × 1 000 000) / 10 000 = 860 000 €.
        XCTAssertEqual(sketch.mean, 86_000_000)
    }

    /// Past 4 096 distinct values, a percentile is the middle of its bucket, worked by hand here.
    func testTheSketchPastItsExactLimitStaysWithinItsBound() {
        var sketch = QuantileSketch()
        for v in Int64(1)...10_000 { sketch.add(v) }
        XCTAssertFalse(sketch.isExact)
        // Rank 1 000: 1 000 cents, below 2^10, a bucket of its own.
        XCTAssertEqual(sketch.percentile(10), 1_000)
        // Rank 5 000: 5 000 is in [4 096, 8 192), buckets of 4 (mantissa 1 250): [5 000, 5 003], middle 5 001.
        XCTAssertEqual(sketch.percentile(50), 5_001)
        // Rank 9 000: 9 000 is in [8 192, 16 384), buckets of 8 (mantissa 1 125): [9 000, 9 007], middle 9 003.
        XCTAssertEqual(sketch.percentile(90), 9_003)
        // The mean stays exact: 50 005 000 / 10 000 = 5 000,5 → 5 000 (toward zero).
        XCTAssertEqual(sketch.mean, 5_000)
        XCTAssertEqual(QuantileSketch.bucket(of: -5_000), -QuantileSketch.bucket(of: 5_000))
        XCTAssertEqual(QuantileSketch.middle(of: QuantileSketch.bucket(of: -5_000)), -5_001)
        XCTAssertEqual(QuantileSketch.relativeError, Rate(millionths: 489))
    }

    /// On values spread over every magnitude, with signs, every percentile is within the stated
    /// relative error of the exact nearest-rank percentile.
    func testTheSketchBoundHoldsOnSpreadValues() {
        var generator = SeededGenerator(seed: 2026)
        var values: [Int64] = []
        var sketch = QuantileSketch()
        for _ in 0..<30_000 {
            let magnitude = Int64(generator.next(below: 1 << (generator.next(below: 50) + 1)))
            let v = generator.next(below: 10) == 0 ? -magnitude : magnitude
            values.append(v)
            sketch.add(v)
        }
        values.sort()
        XCTAssertFalse(sketch.isExact)
        for q in [1, 10, 25, 50, 75, 90, 99, 100] {
            let exact = MonteCarlo.percentile(values.map { Money(cents: $0) }, q).cents
            let error = abs(sketch.percentile(q) - exact)
            XCTAssertLessThanOrEqual(Double(error), Double(abs(exact)) / 2_048, "P\(q): \(sketch.percentile(q)) pour \(exact)")
        }
    }

    /// A rate drawn in 20 % .. 30 % of 1 000 000 € takes 100 001 values: past 4 096 distinct
    /// amounts, the percentiles are counted by classes and the simulation says so.
    func testApproximatePercentilesAreStated() throws {
        let ranged = Self.uncertain.replacingOccurrences(of: "montant: 300 000, statut: sollicite, depot: 2024-10-01, probabilite: 60 %", with: "taux: 20 % .. 30 %, statut: sollicite, depot: 2024-10-01, probabilite: 100 %")
            .replacingOccurrences(of: "probabilite: 25 %", with: "probabilite: 0 %")
        let plans = try XCTUnwrap(F.load([ranged]).plans)
        let few = MonteCarlo(plans: plans).run(draws: 3_000, seed: 1)
        XCTAssertTrue(few.percentilesExact)
        XCTAssertNil(few.precisionNote { $0 })
        let many = MonteCarlo(plans: plans).run(draws: 20_000, seed: 1)
        XCTAssertFalse(many.owners[0].ownersShare.exact)
        XCTAssertEqual(
            many.precisionNote { plans.programme.maitreOuvrage($0)?.name ?? $0 },
            "P10, P50 et P90 à 0,05 % près pour Commune d'essai et l'ensemble du programme : plus de 4 096 montants distincts, comptés par classes (les moyennes restent exactes).")
        // Uniform over [700 000, 800 000]: P50 near 750 000 (20 000 draws: within 0,5 %).
        XCTAssertLessThanOrEqual(abs(many.owners[0].ownersShare.p50.cents - 75_000_000), 375_000)
    }

    /// One operation simulated alone draws on what the others leave of a shared envelope: DETR
    /// 2025 of 500 000 €, 300 000 € notified to `a`; `b` asks 300 000 € (always granted): every
    /// draw of `b` alone passes the 200 000 € left, as the whole programme's draws do.
    func testAnOperationAloneIsSimulatedAgainstWhatTheOthersLeave() throws {
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2025, montant: 500 000 }\n"
        let a = F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2024-10-01, notification: 2025-02-01 }\n  - autofinancement: solde", id: "a")
        let b = F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2025-01-15, probabilite: 100 % }\n  - autofinancement: solde", id: "b")
        let plans = try XCTUnwrap(F.load([a, b], funders: funders).plans)
        let whole = MonteCarlo(plans: plans).run(draws: 200, seed: 3)
        XCTAssertEqual(whole.programme.anyRuleBreaks, 200)
        let alone = plans.keepingOnly("b")
        XCTAssertEqual(alone.operations.map(\.id), ["b"])
        XCTAssertEqual(alone.catalogue.envelopes.map(\.amount), [Money(euros: 200_000)])
        XCTAssertEqual(MonteCarlo(plans: alone).run(draws: 200, seed: 3).programme.anyRuleBreaks, 200)
        // Without the others' share, `b` alone would have seemed to fit.
        var naive = plans
        naive.operations = naive.operations.filter { $0.id == "b" }
        XCTAssertEqual(MonteCarlo(plans: naive).run(draws: 200, seed: 3).programme.anyRuleBreaks, 0)
    }
}
