@testable import MaquetteCore
import MaquettePlans
import XCTest

/// Issue 11, "the rules as the law reads them": each correction with a case worked by hand that
/// cites its article (shared/domain/financing-rules.md §7).
final class LawTests: XCTestCase {
    typealias F = PlanFixture

    // MARK: 1. Commencement d'exécution = the first legal act (R2334-24 I; décret 2018-514 art. 3)

    func testR2334_24_TheFirstLegalActBeforeTheRequestIsAnEarlyStart() {
        // Quote signed 15 March 2025, request received 2 April 2025: too early, although works
        // begin on site only in June.
        let funding = "  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2025-04-02 }\n  - autofinancement: solde"
        let early = F.check([F.operation(funding, extra: "calendrier: { premier_acte_juridique: 2025-03-15, debut_travaux: 2025-06 }")])
        let start = early.with(rule: .demarrageAnticipe)
        XCTAssertEqual(start.count, 1)
        XCTAssertTrue(
            start[0].message.hasPrefix(
                "DETR : le commencement d'exécution (premier acte juridique) est du 15/03/2025, avant la réception de la demande (accusé de réception) du 02/04/2025"),
            start[0].message)
        // Signed on 10 April, after the receipt: nothing to say, even with works earlier in the calendar.
        let inTime = F.check([F.operation(funding, extra: "calendrier: { premier_acte_juridique: 2025-04-10, debut_travaux: 2025-06 }")])
        XCTAssertEqual(inTime.with(rule: .demarrageAnticipe), [])
    }

    func testR2334_24_TheReceiptNotTheFilingCounts() {
        // Filed 1 March, receipt acknowledged 20 March, order signed 10 March: after the filing,
        // before the receipt, so too early (décret 2018-514 art. 3: date of receipt).
        let d = F.check([
            F.operation(
                "  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2025-03-01, accuse_reception: 2025-03-20 }\n  - autofinancement: solde",
                extra: "calendrier: { premier_acte_juridique: 2025-03-10 }")
        ])
        let start = d.with(rule: .demarrageAnticipe)
        XCTAssertEqual(start.count, 1)
        XCTAssertTrue(start[0].message.contains("du 10/03/2025, avant la réception de la demande (accusé de réception) du 20/03/2025"), start[0].message)
        XCTAssertEqual(start[0].location?.line, 8)
    }

    func testR2334_24_StudiesAreNotAStartForDotationsButAreForDecret2018() {
        // The studies were ordered on 4 November 2024, the works contract signed on 5 May 2025;
        // both requests received on 15 January 2025. DETR: studies do not count, the start is
        // 5 May 2025 (R2334-24 I). FNADT (décret 2018-514 art. 3): the studies' order is the start.
        let costs = """
              - { libelle: Études, nature: etudes, montant_ht: 50 000, premier_acte_juridique: 2024-11-04, annees: { 2024: 100 % } }
              - { libelle: Travaux, nature: travaux, montant_ht: 950 000, annees: { 2025: 100 % } }
            """
        let d = F.check([
            F.operation(
                "  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2025-01-15 }\n  - { dispositif: etat.fnadt, montant: 100 000, statut: sollicite, depot: 2025-01-15 }\n  - autofinancement: solde",
                costs: costs, extra: "calendrier: { premier_acte_juridique: 2025-05-05 }")
        ])
        let start = d.with(rule: .demarrageAnticipe)
        XCTAssertEqual(start.count, 1)
        XCTAssertTrue(start[0].message.hasPrefix("FNADT : le commencement d'exécution (premier acte juridique) est du 04/11/2024"), start[0].message)
    }

    func testRegionOccitanieWantsTheRequestFirst() {
        // Région Occitanie's rules: request before the start; its line is checked too.
        let d = F.check(
            [F.operation("  - { dispositif: region.bourgs-centres, montant: 100 000, statut: sollicite, depot: 2025-04-02 }\n  - autofinancement: solde", extra: "calendrier: { premier_acte_juridique: 2025-03-15 }")],
            funders: F.localRates)
        XCTAssertEqual(d.with(rule: .demarrageAnticipe).count, 1)
        XCTAssertTrue(d.with(rule: .demarrageAnticipe)[0].message.hasPrefix("Région – Bourgs-Centres :"))
        // The Département's are not known: not checked.
        let dep = F.check(
            [F.operation("  - { dispositif: departement.f2d, montant: 100 000, statut: sollicite, depot: 2025-04-02 }\n  - autofinancement: solde", extra: "calendrier: { premier_acte_juridique: 2025-03-15 }")],
            funders: F.localRates)
        XCTAssertEqual(dep.with(rule: .demarrageAnticipe), [])
    }

    func testR2334_28_29_DeadlinesCountFromTheFirstLegalAct() {
        // Arrêté of 10 January 2023: commencement by 10 January 2025, or 10 January 2026 with the
        // préfet's extension of one year (R2334-28).
        let funding = "  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2022-10-01, notification: 2023-01-10 }\n  - autofinancement: solde"
        func said(_ calendar: String) -> [Diagnostic] { F.check([F.operation(funding, extra: "calendrier: \(calendar)")]).with(rule: .dotationsDelais) }
        // Contract signed 2 December 2024, works on site in June 2025: in time, the act counts.
        XCTAssertEqual(said("{ premier_acte_juridique: 2024-12-02, debut_travaux: 2025-06, fin: 2028-06 }"), [])
        // 1 March 2025: past 24 months, within the extension: a warning.
        let extended = said("{ premier_acte_juridique: 2025-03-01, fin: 2028-06 }")
        XCTAssertEqual(extended.map(\.severity), [.avertissement])
        XCTAssertTrue(extended[0].message.contains("sans prorogation, le préfet constate la caducité de l'arrêté attributif"), extended[0].message)
        // 1 February 2026: past the extension (10/01/2026): the arrêté lapses.
        let lapsed = said("{ premier_acte_juridique: 2026-02-01, fin: 2028-06 }")
        XCTAssertEqual(lapsed.map(\.severity), [.erreur])
        XCTAssertTrue(lapsed[0].message.contains("prorogé de 12 (10/01/2026) ; le préfet constate la caducité de l'arrêté attributif"), lapsed[0].message)
        // R2334-29: completion within 48 months of 2 December 2024 (2 December 2028), 72 with the
        // extension (2 December 2030).
        XCTAssertEqual(said("{ premier_acte_juridique: 2024-12-02, fin: 2029-06 }").map(\.severity), [.avertissement])
        XCTAssertEqual(said("{ premier_acte_juridique: 2024-12-02, fin: 2031-01 }").map(\.severity), [.erreur])
        // `fin: 2028-12` is December 2028, to its 31st: past 2 December 2028 (it was read as the
        // 1st of December, and said in time).
        let december = said("{ premier_acte_juridique: 2024-12-02, fin: 2028-12 }")
        XCTAssertEqual(december.map(\.severity), [.avertissement])
        XCTAssertTrue(december.first?.message.contains("l'achèvement prévu le 31/12/2028 dépasse 48 mois après le commencement d'exécution (02/12/2028)") ?? false, "\(december.map(\.message))")
        XCTAssertEqual(said("{ premier_acte_juridique: 2024-12-02, fin: 2028-11 }"), [])
    }

    // MARK: 2. FCTVA base (CGCT L1615-1 and following; arrêté du 30 décembre 2020 art. 2)

    func testFCTVAStudiesFollowedByWorksCountInTheWorksYear() throws {
        // Studies 50 000 HT in 2024 (TTC 60 000), works 100 000 HT in 2025 (TTC 120 000), solar
        // carports 100 000 HT in 2025 selling their power (VAT-liable: out). Works start in
        // September 2025: 2025 base 60 000 + 120 000 = 180 000 × 16,404 % = 29 527,20, received
        // in 2027 (N+2). Nothing for 2024.
        let costs = """
              - { libelle: Études, nature: etudes, montant_ht: 50 000, annees: { 2024: 100 % } }
              - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2025: 100 % } }
              - { libelle: Ombrières, nature: equipement, montant_ht: 100 000, affectation: activite-assujettie, annees: { 2025: 100 % } }
            """
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs, extra: "calendrier: { debut_travaux: 2025-09 }")]).plans)
        XCTAssertEqual(Financing.figures(of: plans)[0].fctva, [FCTVAInstalment(spendingYear: 2025, receiptYear: 2027, amount: Money(cents: 2_952_720))])
    }

    func testFCTVAOfSeveralLinesAndYearsInOrderOfYears() throws {
        // Works 100 000 HT at 20 % over 2027 (60 %) and 2028 (40 %): TTC 72 000 and 48 000.
        // Equipment 10 000 HT at 5,5 % over 2026 and 2027 (50 % each): VAT 550 split 275 / 275,
        // TTC 5 275 each year. Each line's year × 16,404 %, rounded to the cent, then added:
        // 2026: 5 275 → 865,31 (865,311); 2027: 72 000 → 11 810,88, plus 865,31 = 12 676,19;
        // 2028: 48 000 → 7 873,92. Received in N+2; the later line's earlier year comes first.
        let costs = """
              - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2027: 60 %, 2028: 40 % } }
              - { libelle: Équipement, nature: equipement, montant_ht: 10 000, tva: "5,5 %", annees: { 2026: 50 %, 2027: 50 % } }
            """
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs)]).plans)
        XCTAssertEqual(
            Financing.figures(of: plans)[0].fctva,
            [
                FCTVAInstalment(spendingYear: 2026, receiptYear: 2028, amount: Money(cents: 86_531)),
                FCTVAInstalment(spendingYear: 2027, receiptYear: 2029, amount: Money(cents: 1_267_619)),
                FCTVAInstalment(spendingYear: 2028, receiptYear: 2030, amount: Money(cents: 787_392)),
            ])
        XCTAssertEqual(Financing.figures(of: plans)[0].fctvaTotal, Money(cents: 2_141_542))
    }

    func testFCTVAStudiesCountInTheFirstWorksYearWhenNoStartIsWritten() throws {
        // No `debut_travaux`: the works' first spending year, 2026. Studies 10 000 HT in 2025
        // (TTC 12 000) + works 50 000 HT in 2026 (TTC 60 000) = 72 000 × 16,404 % = 11 810,88,
        // received in 2028 (N+2).
        let costs = """
              - { libelle: Études, nature: etudes, montant_ht: 10 000, annees: { 2025: 100 % } }
              - { libelle: Travaux, nature: travaux, montant_ht: 50 000, annees: { 2026: 100 % } }
            """
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs)]).plans)
        XCTAssertEqual(Financing.figures(of: plans)[0].fctva, [FCTVAInstalment(spendingYear: 2026, receiptYear: 2028, amount: Money(cents: 1_181_088))])
    }

    func testAShiftMovesTheFirstLegalActsToo() throws {
        // `decaler` by 12 months: the operation's act 2025-02-03 → 2026-02-03, the lot's 2024-11-04 → 2025-11-04.
        let costs = "  - { libelle: Études, nature: etudes, montant_ht: 50 000, premier_acte_juridique: 2024-11-04, annees: { 2025: 100 % } }"
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs, extra: "calendrier: { premier_acte_juridique: 2025-02-03 }")]).plans)
        let scenario = Scenario(id: "s", title: "s", changes: [ScenarioChange(.shift(operation: .one("op"), months: 12), at: nil)])
        let (shifted, diagnostics) = ScenarioEngine.apply([scenario], to: plans)
        XCTAssertTrue(diagnostics.isEmpty)
        XCTAssertEqual(shifted.operations[0].firstLegalAct, Day(year: 2026, month: 2, day: 3))
        XCTAssertEqual(shifted.operations[0].costs[0].firstLegalAct, Day(year: 2025, month: 11, day: 4))
    }

    func testFCTVAStudiesNotFollowedByWorksAreNotEligible() throws {
        // A study alone (account 2031, never transferred to 21/23): no FCTVA. An asset lent to a
        // third party not eligible: none either.
        let study = "  - { libelle: Étude, nature: etudes, montant_ht: 50 000, annees: { 2024: 100 % } }"
        let alone = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: study)]).plans)
        XCTAssertEqual(Financing.figures(of: alone)[0].fctva, [])
        let lent = "  - { libelle: Local, nature: travaux, montant_ht: 50 000, affectation: tiers-non-eligible, annees: { 2025: 100 % } }"
        let third = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: lent)]).plans)
        XCTAssertEqual(Financing.figures(of: third)[0].fctva, [])
    }

    func testFCTVARegimeIsDatedPerOwner() throws {
        // An EPCI paid in N until 2026, in N+1 from 2027 (as the 2026 finance bill proposed):
        // works 100 000 HT split 2026/2027, 60 000 TTC each × 16,404 % = 9 842,40, received in
        // 2026 and 2028.
        let programme = """
            id: essai
            nom: Programme d'essai
            periode: { debut: 2024, fin: 2028 }
            maitres_ouvrage:
              - id: epci
                nom: Communauté d'essai
                regime_fctva:
                  - { depuis: 2017-01-01, valeur: N }
                  - { depuis: 2027-01-01, valeur: N+1, reference: "hypothèse : PLF 2026 art. 32" }
            """
        let op = """
            id: op
            intitule: Essai
            maitre_ouvrage: epci
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2026: 50 %, 2027: 50 % } }
            financements:
              - autofinancement: solde
            """
        let plans = try XCTUnwrap(F.load([op], programme: programme).plans)
        XCTAssertEqual(
            Financing.figures(of: plans)[0].fctva,
            [
                FCTVAInstalment(spendingYear: 2026, receiptYear: 2026, amount: Money(cents: 984_240)),
                FCTVAInstalment(spendingYear: 2027, receiptYear: 2028, amount: Money(cents: 984_240)),
            ])
    }

    // MARK: 3. EPF land carrying: buy-back year and amount

    func testPortageFoncierIsBoughtBackNotBorrowed() throws {
        // The EPF buys the land (400 000, no VAT) in 2025; the commune buys it back in 2030 for
        // 430 000. Works 100 000 HT in 2026 (TTC 120 000). 2025: spending 400 000, carried
        // 400 000, need 0; 2026: need 120 000; 2030: buy-back 430 000, need 430 000.
        let costs = """
              - { libelle: Terrain, nature: acquisition, montant_ht: 400 000, tva: 0 %, annees: { 2025: 100 % } }
              - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2026: 100 % } }
            """
        let funding = "  - { dispositif: epf.portage, montant: 400 000, statut: notifie, depot: 2024-03-01, notification: 2024-06-01, rachat: { annee: 2030, montant: 430 000 } }\n  - autofinancement: solde"
        let plans = try XCTUnwrap(F.load([F.operation(funding, costs: costs)]).plans)
        let years = Treasury.years(of: Financing.figures(of: plans)[0], in: plans)
        let y2025 = try XCTUnwrap(years.first { $0.year == 2025 })
        XCTAssertEqual(y2025.landCarrying, Money(euros: 400_000))
        XCTAssertEqual(y2025.loans, .zero)
        XCTAssertEqual(y2025.need, .zero)
        let y2030 = try XCTUnwrap(years.first { $0.year == 2030 })
        XCTAssertEqual(y2030.landBuyBack, Money(euros: 430_000))
        XCTAssertEqual(y2030.need, Money(euros: 430_000))
        XCTAssertEqual(Rules.check(plans).with(rule: .portageRachat), [])
        // Without a buy-back year: a warning, and the label is "portage", never "emprunt".
        let undated = F.check([F.operation("  - { dispositif: epf.portage, montant: 400 000 }\n  - autofinancement: solde", costs: costs)])
        XCTAssertEqual(undated.with(rule: .portageRachat).map(\.severity), [.avertissement])
        XCTAssertTrue(undated.with(rule: .portageRachat)[0].message.hasPrefix("Portage foncier de l'EPF (400 000,00 €) sans année de rachat"))
    }

    /// A buy-back written on a line that is not the EPF's carrying would be silently ignored by
    /// the treasury: it is an error, located on `rachat`.
    func testABuyBackOnAnotherLineIsAnError() throws {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2026: 100 % } }"
        let funding = "  - { dispositif: etat.detr, montant: 30 000, statut: sollicite, depot: 2025-10-01, rachat: { annee: 2030 } }\n  - autofinancement: solde"
        let found = F.check([F.operation(funding, costs: costs)]).with(rule: .portageRachat)
        XCTAssertEqual(found.map(\.severity), [.erreur])
        XCTAssertEqual(found.first?.message, "DETR : `rachat` ne vaut que pour un portage foncier de l'EPF, or cette ligne est « Subvention »")
        // Line 8 of the fixture (the first funding line), column 93: the value of `rachat` (the key at 85, plus "rachat: ").
        XCTAssertEqual(found.first.flatMap { $0.location.map { "\($0.line):\($0.column)" } }, "8:93")
    }

    // MARK: 4. LEADER: the owner's self-financing is the counterpart; the fiche-action's rate

    func testLEADERCounterpartIsTheOwnersSelfFinancingAndTheCapTheFicheAction() {
        // 100 000 HT, LEADER 60 000, own funds 40 000 and no other aid: the counterpart is the
        // 40 000 of the public owner. With the fiche-action at 50 %: LEADER ≤ 40 000 × 0,5 / 0,5
        // = 40 000.
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2025: 100 % } }"
        let funding = "  - { dispositif: europe.leader, montant: 60 000 }\n  - autofinancement: solde"
        let defaultRate = F.check([F.operation(funding, costs: costs)])
        // 80 % by default: 60 000 ≤ 40 000 × 4 = 160 000.
        XCTAssertEqual(defaultRate.with(rule: .leaderContrepartie), [])
        let fiche = "parametres:\n  leader-taux-max: [{ depuis: 2023-01-01, valeur: 50 %, reference: \"GAL, fiche-action 3\" }]"
        let d = F.check([F.operation(funding, costs: costs)], funders: fiche)
        XCTAssertEqual(d.with(rule: .leaderContrepartie).count, 1)
        XCTAssertTrue(d.with(rule: .leaderContrepartie)[0].message.contains("il est au plus 40 000,00 € (GAL, fiche-action 3)"), d.with(rule: .leaderContrepartie)[0].message)
    }

    // MARK: 5. DRAC on an inscrit building: restoration and repair only (C. patr. L621-29); FIP

    func testL621_29_ExtensionIsOutsideTheDRACBase() throws {
        // Restoration 600 000 + extension 400 000 on an inscrit building: the base is 600 000,
        // 40 % = 240 000.
        let costs = """
              - { libelle: Restauration, nature: travaux, montant_ht: 600 000, travaux_monument: restauration, annees: { 2025: 100 % } }
              - { libelle: Extension, nature: travaux, montant_ht: 400 000, travaux_monument: extension, annees: { 2025: 100 % } }
            """
        let at = try XCTUnwrap(F.load([F.operation("  - { dispositif: etat.drac-monuments-historiques, taux: 40 % }\n  - autofinancement: solde", costs: costs, extra: "protection: inscrit")]).plans)
        XCTAssertEqual(Financing.figures(of: at)[0].funding[0].amount, Money(euros: 240_000))
        XCTAssertEqual(Rules.check(at).with(rule: .dracMonuments), [])
        let over = F.check([F.operation("  - { dispositif: etat.drac-monuments-historiques, montant: 240 000.01 }\n  - autofinancement: solde", costs: costs, extra: "protection: inscrit")])
        XCTAssertEqual(over.with(rule: .dracMonuments).count, 1)
        XCTAssertTrue(over.with(rule: .dracMonuments)[0].message.contains("soit 40 % de 600 000,00 €"), over.with(rule: .dracMonuments)[0].message)
    }

    func testFIPWantsALowResourceCommuneOwningTheBuilding() {
        let programme = PlanFixture.programme.replacingOccurrences(of: "population: 3 000,", with: "population: 3 000, faibles_ressources: non,")
        let op = F.operation(
            "  - { dispositif: etat.drac-fip, taux: 80 % }\n  - { dispositif: region.bourgs-centres, montant: 150 000 }\n  - autofinancement: solde",
            extra: "protection: classe\nbatiment_communal: non\nderogation_part_minimale: { motif: monument-protege, decision_prefet: 2025-01-15 }")
        let result = F.load([op], funders: F.localRates, programme: programme)
        let d = Rules.check(result.plans!).with(rule: .dracFIP)
        XCTAssertEqual(d.count, 2)
        XCTAssertTrue(d.contains { $0.message.contains("réservé aux communes à faibles ressources") })
        XCTAssertTrue(d.contains { $0.message.contains("appartenant à la commune") })
    }

    // MARK: 6. Décret 2018-514 art. 10 on the same subsidisable expense

    func testArt10ComparesAidOnTheSameExpense() {
        // Inscrit building: restoration 400 000 (the DRAC's base), extension 600 000. DRAC 160 000
        // (40 %), DSIL 300 000 on the whole 1 000 000, Région 300 000 on the whole. On the DRAC's
        // expense: 160 000 + 300 000 × 0,4 + 300 000 × 0,4 = 400 000 = 100 %: allowed. Comparing
        // all aid (760 000) with 400 000, as before, was a false alarm.
        let costs = """
              - { libelle: Restauration, nature: travaux, montant_ht: 400 000, travaux_monument: restauration, annees: { 2025: 100 % } }
              - { libelle: Extension, nature: travaux, montant_ht: 600 000, travaux_monument: extension, annees: { 2025: 100 % } }
            """
        func said(_ region: String) -> [Diagnostic] {
            F.check(
                [F.operation(
                    "  - { dispositif: etat.drac-monuments-historiques, montant: 160 000 }\n  - { dispositif: etat.dsil, montant: 300 000, assiette: 1 000 000 }\n  - { dispositif: region.bourgs-centres, montant: \(region) }\n  - autofinancement: solde",
                    costs: costs, extra: "protection: inscrit\nderogation_part_minimale: { motif: monument-protege, decision_prefet: 2025-01-15 }")],
                funders: F.localRates
            ).with(rule: .aidesPubliquesPlafond)
        }
        XCTAssertEqual(said("300 000"), [])
        // 300 000,05 × 0,4 = 120 000,02: 400 000,02 on the DRAC's 400 000.
        let over = said("300 000.05")
        XCTAssertEqual(over.count, 1)
        XCTAssertTrue(over[0].message.contains("de DRAC – monuments historiques (400 000,00 €) totalisent 400 000,02 €"), over[0].message)
    }

    // MARK: 7. Owner's minimum share: derogations that lower it (L1111-10 III; loi 2024-279)

    func testL1111_10_SchoolEnergyRenovationLowersTheShareToTenPercent() {
        // DETR 400 000 + DSIL 200 000 + Région 300 000 = 900 000; own 100 000 = 10 % of 1 000 000.
        let funding = { (dsil: String) in
            "  - { dispositif: etat.detr, montant: 400 000 }\n  - { dispositif: etat.dsil, montant: \(dsil) }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - autofinancement: solde"
        }
        let schools = "derogation_part_minimale: { motif: renovation-energetique-ecoles, decision_prefet: 2025-02-03 }"
        XCTAssertEqual(F.check([F.operation(funding("200 000"), extra: schools)], funders: F.localRates).with(rule: .partMaitreOuvrage), [])
        // DSIL 200 000,01: own 99 999,99 < 10 % (a lowered share, not a waiver).
        let below = F.check([F.operation(funding("200 000.01"), extra: schools)], funders: F.localRates).with(rule: .partMaitreOuvrage)
        XCTAssertEqual(below.count, 1)
        XCTAssertTrue(below[0].message.contains("le minimum est 10 %, soit 100 000,00 € (CGCT art. L1111-10 III, dernier alinéa (loi n° 2024-279"), below[0].message)
        // A préfet's decision that sets 15 %: 100 000 < 150 000.
        let set = F.check([F.operation(funding("200 000"), extra: "derogation_part_minimale: { motif: monument-protege, decision_prefet: 2025-01-15, part_minimale: 15 % }")], funders: F.localRates)
        XCTAssertTrue(set.with(rule: .partMaitreOuvrage)[0].message.contains("le minimum est 15 %, soit 150 000,00 € (part fixée par le préfet le 15/01/2025)"))
        // ANRU: a general exception, no decision needed.
        XCTAssertEqual(F.check([F.operation(funding("200 000"), extra: "derogation_part_minimale: { motif: anru }")], funders: F.localRates).with(rule: .partMaitreOuvrage), [])        // A decision that "sets" 25 %, above the law's 20 %: a typing error, and the law's 20 %
        // applies (own 100 000 < 20 % of 1 000 000 = 200 000: the share is broken too).
        let raised = F.check([F.operation(funding("200 000"), extra: "derogation_part_minimale: { motif: monument-protege, decision_prefet: 2025-01-15, part_minimale: 25 % }")], funders: F.localRates)
            .with(rule: .partMaitreOuvrage)
        XCTAssertEqual(raised.count, 2)
        XCTAssertTrue(raised[0].message.hasPrefix("la part minimale fixée par dérogation (25 %) dépasse le minimum de la loi (20 %, "), raised[0].message)
        XCTAssertTrue(raised[1].message.contains("le minimum est 20 %, soit 200 000,00 €"), raised[1].message)
        // Line 4 of the fixture (the `extra` line).
        XCTAssertEqual(raised[0].location?.line, 4)
        // Column 98: the value of `part_minimale`, the figure to check against the decision.
        XCTAssertEqual(raised[0].location?.column, 98)
    }

    func testANegativeOwnersShareIsNeverAPercentage() {
        // DETR 500 000 + DSIL 300 000 + Région 300 000 = 1 100 000 on 1 000 000: own −100 000.
        let d = F.check(
            [F.operation("  - { dispositif: etat.detr, montant: 500 000 }\n  - { dispositif: etat.dsil, montant: 300 000 }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - autofinancement: solde")],
            funders: F.localRates
        ).with(rule: .partMaitreOuvrage)
        XCTAssertEqual(d.count, 1)
        XCTAssertTrue(d[0].message.hasPrefix("la part du maître d'ouvrage est négative : les aides publiques (1 100 000,00 €) dépassent le coût"), d[0].message)
        XCTAssertFalse(d[0].message.contains(" -"), d[0].message)
    }

    // MARK: 8. Dated histories: each line's parameters as in force at its request date

    func testL2334_37_CommissionThresholdWas150000Before2018() {
        // DETR 120 000: under 150 000 for a request of September 2017, over 100 000 in 2018.
        let line = { (day: String) in "  - { dispositif: etat.detr, montant: 120 000, assiette: 500 000, statut: sollicite, depot: \(day) }\n  - autofinancement: solde" }
        XCTAssertEqual(F.check([F.operation(line("2017-09-01"))]).with(rule: .detrCommission), [])
        let since2018 = F.check([F.operation(line("2018-02-01"))]).with(rule: .detrCommission)
        XCTAssertEqual(since2018.count, 1)
        XCTAssertTrue(since2018[0].message.contains("DETR de 120 000,00 €, au-delà de 100 000,00 €"))
    }

    func testR2334_27_OldWordingCapsPublicAidWithTheDETR() {
        // Request of 1 June 2020 (before décret 2021-1291): the DETR may not bring direct public
        // aid above 80 % of its 1 000 000: DETR 300 000 + Région 300 000 + FNADT 250 000 = 850 000
        // > 800 000. The same plan requested in 2022 meets the new wording (dotations 300 000 ≤ 800 000).
        let funding = { (day: String) in
            "  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: \(day) }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - { dispositif: etat.fnadt, montant: 250 000 }\n  - autofinancement: solde"
        }
        let old = F.check([F.operation(funding("2020-06-01"))], funders: F.localRates).with(rule: .dotationsPlafond)
        XCTAssertEqual(old.count, 1)
        XCTAssertTrue(old[0].message.contains("DETR demandée le 01/06/2020 : les aides publiques directes totalisent 850 000,00 €, au-delà de 80 % de la dépense subventionnable 1 000 000,00 € HT, soit 800 000,00 €"), old[0].message)
        XCTAssertEqual(F.check([F.operation(funding("2022-01-10"))], funders: F.localRates).with(rule: .dotationsPlafond), [])
    }

    func testR2334_27_TwentyPercentFloorBindsSince2021ForAllFourDotations() {
        // 150 000 of 1 000 000 = 15 % < 20 %: before 6 October 2021 the préfet could set a lower
        // rate (a warning); since, an error, for the DPV too.
        let line = { (d: String, day: String) in "  - { dispositif: \(d), montant: 150 000, statut: sollicite, depot: \(day) }\n  - autofinancement: solde" }
        XCTAssertEqual(F.check([F.operation(line("etat.detr", "2020-06-01"))]).with(rule: .tauxDispositif).map(\.severity), [.avertissement])
        XCTAssertEqual(F.check([F.operation(line("etat.detr", "2022-01-10"))]).with(rule: .tauxDispositif).map(\.severity), [.erreur])
        let dpv = F.check([F.operation(line("etat.dpv", "2022-01-10"))]).with(rule: .tauxDispositif)
        XCTAssertEqual(dpv.map(\.severity), [.erreur])
        XCTAssertTrue(dpv[0].message.hasPrefix("DPV : 150 000,00 € soit 15 %"), dpv[0].message)
    }

    func testTheCatalogueKeepsEachValueWithItsDate() {
        // What `maquette regles --date` shows.
        let catalogue = PlanLoader.builtinCatalogue()
        func value(_ name: String, _ day: String) -> ParameterValue? {
            guard case .success(let d) = ValueParsers.day(day) else { return nil }
            return catalogue.parameters[name]?.value(at: d)?.value
        }
        XCTAssertEqual(value(ParameterName.detrSeuilCommission, "2017-06-01"), .amount(Money(euros: 150_000)))
        XCTAssertEqual(value(ParameterName.detrSeuilCommission, "2020-06-01"), .amount(Money(euros: 100_000)))
        XCTAssertNil(value(ParameterName.dotationsPlafond, "2020-06-01"))
        XCTAssertEqual(value(ParameterName.dotationsPlafond, "2021-10-06"), .rate(Rate(percent: 80)))
        XCTAssertEqual(value(ParameterName.detrAidesPubliquesPlafond, "2021-10-06"), .repealed)
        // L1111-10 III in force from 1 January 2012.
        XCTAssertNil(value(ParameterName.partMaitreOuvrageMin, "2011-06-01"))
        XCTAssertEqual(value(ParameterName.partMaitreOuvrageMin, "2012-01-01"), .rate(Rate(percent: 20)))
    }

    // MARK: 9. Fonds vert – friches: ADEME inside since 2023; demolition justified since 2025

    func testFondsVertFrichesAndADEMEOnTheSameExpenseCountTwice() {
        let costs = """
              - { libelle: Dépollution, nature: depollution, montant_ht: 200 000, annees: { 2025: 100 % } }
              - { libelle: Travaux, nature: travaux, montant_ht: 800 000, annees: { 2025: 100 % } }
            """
        let funding = { (day: String) in
            "  - { dispositif: etat.fonds-vert-friches, montant: 300 000, statut: sollicite, depot: \(day) }\n  - { dispositif: ademe.friches-polluees, montant: 100 000 }\n  - autofinancement: solde"
        }
        let twice = F.check([F.operation(funding("2024-03-15"), costs: costs)]).with(rule: .fondsVertFrichesConditions)
        XCTAssertEqual(twice.map(\.severity), [.avertissement])
        XCTAssertTrue(twice[0].message.hasPrefix("ADEME – friches polluées (100 000,00 €) et Fonds vert – friches (300 000,00 €) financent les mêmes dépenses (« Dépollution »)"))
        XCTAssertEqual(F.check([F.operation(funding("2022-06-01"), costs: costs)]).with(rule: .fondsVertFrichesConditions), [])
    }

    func testFondsVertDemolitionNeedsItsNoteSince2025() {
        let costs = { (note: String) in
            "  - { libelle: Démolition, nature: demolition, montant_ht: 200 000\(note), annees: { 2025: 100 % } }\n  - { libelle: Travaux, nature: travaux, montant_ht: 800 000, annees: { 2025: 100 % } }"
        }
        let line = { (day: String) in "  - { dispositif: etat.fonds-vert-friches, montant: 300 000, statut: sollicite, depot: \(day) }\n  - autofinancement: solde" }
        XCTAssertEqual(F.check([F.operation(line("2025-02-01"), costs: costs(""))]).with(rule: .fondsVertFrichesConditions).count, 1)
        XCTAssertEqual(F.check([F.operation(line("2025-02-01"), costs: costs(", justification: Note du 12/01/2025"))]).with(rule: .fondsVertFrichesConditions), [])
        XCTAssertEqual(F.check([F.operation(line("2024-06-01"), costs: costs(""))]).with(rule: .fondsVertFrichesConditions), [])
    }

    // MARK: 10. PVD project manager (convention, annex 1); ANAH OPAH-RU: a request each year

    func testPVDPostOfAtLeastEightyPercent() {
        let post = "  - { libelle: Poste, nature: remuneration, montant_ht: 60 000, tva: 0 %, quotite: 70 %, annees: { 2025: 100 % } }"
        let d = F.check([F.operation("  - { dispositif: etat.pvd-chef-de-projet, montant: 20 000 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        let rule = d.with(rule: .pvdChefDeProjet)
        XCTAssertEqual(rule.count, 1)
        XCTAssertTrue(rule[0].message.contains("poste à 70 % d'un temps plein ; le co-financement exige au moins 80 %"), rule[0].message)
    }

    func testANAHProjectManagerNeedsARequestEachYear() {
        // Two years of post (2025, 2026), one request: a warning.
        let post = "  - { libelle: Chef de projet OPAH-RU, nature: remuneration, montant_ht: 100 000, tva: 0 %, annees: { 2025: 50 000, 2026: 50 000 } }"
        let one = F.check([F.operation("  - { dispositif: anah.chef-de-projet-opah-ru, montant: 50 000, statut: sollicite, depot: 2024-11-10 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        XCTAssertTrue(one.with(rule: .anahChefDeProjet).contains { $0.message.contains("le poste court sur 2 ans (2025, 2026) pour 1 demande(s)") })
        let yearly = F.check([
            F.operation(
                "  - { dispositif: anah.chef-de-projet-opah-ru, montant: 25 000, statut: sollicite, depot: 2024-11-10, annee_enveloppe: 2025 }\n  - { dispositif: anah.chef-de-projet-opah-ru, montant: 25 000, statut: sollicite, depot: 2025-11-10, annee_enveloppe: 2026 }\n  - autofinancement: solde",
                costs: post, extra: "section: fonctionnement")
        ])
        XCTAssertEqual(yearly.with(rule: .anahChefDeProjet), [])
    }

    // MARK: 11. Payments (décret 2018-514 art. 12; R2334-30)

    func testArt12_InstalmentsUpToEightySixtyOrNinetyPercent() {
        // DETR 300 000 notified: before the final payment at most 80 % = 240 000; 60 % = 180 000
        // with a first-demand guarantee; 90 % = 270 000 for a project over 48 months.
        let line = { (paid: String, extra: String) in
            "  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2024-05-01, notification: 2024-06-01, verse: \(paid)\(extra) }\n  - autofinancement: solde"
        }
        func said(_ paid: String, _ extra: String = "", calendar: String = "") -> [Diagnostic] {
            F.check([F.operation(line(paid, extra), extra: calendar)]).with(rule: .versements)
        }
        XCTAssertEqual(said("240 000"), [])
        XCTAssertEqual(said("240 000.01").count, 1)
        XCTAssertTrue(said("240 000.01")[0].message.contains("au-delà de 80 % de la subvention (300 000,00 €), soit 240 000,00 €"))
        XCTAssertEqual(said("180 000.01", ", garantie_premiere_demande: oui").count, 1)
        // 1 July 2024 to 1 September 2028: 50 months > 48.
        let long = "calendrier: { premier_acte_juridique: 2024-07-01, fin: 2028-09 }"
        XCTAssertEqual(said("270 000", calendar: long), [])
        XCTAssertEqual(said("270 000.01", calendar: long).count, 1)
        // Paid in full once the final payment is made (status `verse`).
        XCTAssertEqual(F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: verse, depot: 2024-05-01, notification: 2024-06-01, verse: 300 000 }\n  - autofinancement: solde")]).with(rule: .versements), [])
    }

    // MARK: The préfecture's words

    func testMessagesNameDispositifsAsPeopleSayThem() {
        let d = F.check([F.operation("  - { dispositif: etat.detr, montant: 500 000 }\n  - { dispositif: etat.dsil, montant: 310 000 }\n  - autofinancement: solde")])
        XCTAssertFalse(d.isEmpty)
        for diagnostic in d { XCTAssertFalse((diagnostic.message + diagnostic.notes.joined()).contains("etat."), diagnostic.message) }
        XCTAssertTrue(d.with(rule: .dotationsPlafond)[0].message.contains("(DETR + DSIL)"))
    }

    // MARK: Documentation in step

    func testEveryRuleHasItsRowInTheRulesDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/regles.md"), encoding: .utf8)
        for id in DiagnosticID.of(.regle) { XCTAssertTrue(text.contains("| `\(id.rawValue)` |"), id.rawValue) }
        for name in ParameterName.all { XCTAssertTrue(text.contains("`\(name)`"), name) }
    }
}
