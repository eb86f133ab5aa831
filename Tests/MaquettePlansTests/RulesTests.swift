import MaquetteCore
import MaquettePlans
import XCTest

/// Each rule with a passing and a failing case; the figures in comments are worked out by hand.
final class RulesTests: XCTestCase {
    typealias F = PlanFixture

    // MARK: equilibre

    /// A notified line still written as a range: the plan counts the lower bound (25 % of the
    /// 1 000 000 € of works = 250 000 €) and says the decision's figure should replace it.
    func testANotifiedLineWithARateRangeIsAWarning() {
        let funding = "  - { dispositif: etat.detr, taux: 25 % .. 35 %, statut: notifie, depot: 2024-10-01, notification: 2025-03-01 }\n  - autofinancement: solde"
        let found = F.check([F.operation(funding)]).with(rule: .statutCoherent)
        XCTAssertEqual(found.map(\.severity), [.avertissement])
        XCTAssertEqual(found.first?.message, "DETR est « notifié » avec une fourchette de taux (25 % .. 35 %) : le plan compte 25 %, soit 250 000,00 €")
        // Line 8 (the funding line), on the value of `taux`.
        XCTAssertEqual(found.first?.location?.line, 8)
        let requested = F.check([F.operation(funding.replacingOccurrences(of: "statut: notifie, depot: 2024-10-01, notification: 2025-03-01", with: "statut: sollicite, depot: 2024-10-01"))])
        XCTAssertEqual(requested.with(rule: .statutCoherent), [])
    }

    func testBalanceReportsTheGap() {
        // 300 000 + 650 000 = 950 000 for 1 000 000 of costs: 50 000 missing.
        let d = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: 650 000")])
        let balance = d.with(rule: .equilibre)
        XCTAssertEqual(balance.count, 1)
        XCTAssertTrue(balance[0].message.contains("ressources 950 000,00 €, dépenses 1 000 000,00 € HT (écart -50 000,00 €)"), balance[0].message)
        // Line 7 holds the `financements:` key.
        XCTAssertEqual(balance[0].location?.line, 7)
    }

    func testBalanceWithSoldePasses() {
        let d = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(d.errors, [])
    }

    func testNegativeSoldeIsAnError() {
        // 300 000 + 800 000 = 1 100 000 > 1 000 000: the balance would be -100 000.
        let d = F.check(
            [F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - { dispositif: region.bourgs-centres, montant: 800 000 }\n  - autofinancement: solde")],
            funders: F.localRates)
        let balance = d.with(rule: .equilibre)
        XCTAssertEqual(balance.count, 1)
        XCTAssertTrue(balance[0].message.contains("-100 000,00 €"), balance[0].message)
        XCTAssertEqual(balance[0].location?.line, 10)
    }

    // MARK: part-maitre-ouvrage

    func testOwnersShareBelowTwentyPercent() {
        // The case: 1 000 000 HT, DETR 400 000, Région 300 000, Département 150 000,
        // autofinancement 150 000: 150 000 < 20 % × 1 000 000 = 200 000.
        let d = F.check([
            F.operation(
                """
                  - { dispositif: etat.detr, montant: 400 000 }
                  - { dispositif: region.bourgs-centres, montant: 300 000 }
                  - { dispositif: departement.f2d, montant: 150 000 }
                  - autofinancement: 150 000
                """)
        ], funders: F.localRates)
        let share = d.with(rule: .partMaitreOuvrage)
        XCTAssertEqual(share.count, 1)
        XCTAssertEqual(share[0].location?.file, "P/operations/op1.yaml")
        // Line 11 is `  - autofinancement: 150 000`; the line's mapping starts at its key, column 5.
        XCTAssertEqual(share[0].location?.line, 11)
        XCTAssertEqual(share[0].location?.column, 5)
        XCTAssertTrue(share[0].message.contains("150 000,00 € soit 15 % des financements publics (1 000 000,00 €)"), share[0].message)
        XCTAssertTrue(share[0].message.contains("le minimum est 20 %, soit 200 000,00 €"))
        XCTAssertTrue(share[0].notes[0].contains("il manque 50 000,00 €"))
        XCTAssertEqual(d.errors.count, 1)
    }

    func testOwnersShareAtExactlyTwentyPercentPasses() {
        let d = F.check([
            F.operation("  - { dispositif: etat.detr, montant: 400 000 }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - { dispositif: departement.f2d, montant: 100 000 }\n  - autofinancement: solde")
        ], funders: F.localRates)
        XCTAssertEqual(d.with(rule: .partMaitreOuvrage), [])
    }

    func testChefDeFileNeedsThirtyPercent() {
        // Own 250 000 of 1 000 000: enough for 20 %, not for 30 % (300 000).
        let d = F.check([
            F.operation("  - { dispositif: etat.detr, montant: 450 000 }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - autofinancement: solde", extra: "chef_de_file: oui")
        ], funders: F.localRates)
        let share = d.with(rule: .partMaitreOuvrage)
        XCTAssertEqual(share.count, 1)
        XCTAssertTrue(share[0].message.contains("le minimum est 30 %, soit 300 000,00 €"), share[0].message)
    }

    func testDerogationNeedsTheDecisionDate() {
        let funding = "  - { dispositif: etat.detr, montant: 400 000 }\n  - { dispositif: region.bourgs-centres, montant: 300 000 }\n  - { dispositif: departement.f2d, montant: 150 000 }\n  - autofinancement: solde"
        let granted = F.check([F.operation(funding, extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-02-03 }")], funders: F.localRates)
        XCTAssertEqual(granted.with(rule: .partMaitreOuvrage), [])
        let undated = F.check([F.operation(funding, extra: "derogation_part_minimale: { motif: calamite }")], funders: F.localRates)
        // Without a decision the derogation is reported and the 20 % rule still applies.
        XCTAssertEqual(undated.with(rule: .partMaitreOuvrage).count, 2)
        XCTAssertEqual(undated.with(rule: .partMaitreOuvrage).filter { $0.message.contains("sans date de décision du préfet") }.count, 1)
    }

    // MARK: taux-dispositif, plafond-dispositif, natures-eligibles

    func testDETRBelowTheTwentyPercentFloor() {
        // 150 000 on 1 000 000 = 15 % < 20 %: the floor is 200 000.
        let d = F.check([F.operation("  - { dispositif: etat.detr, montant: 150 000 }\n  - autofinancement: solde")])
        let rate = d.with(rule: .tauxDispositif)
        XCTAssertEqual(rate.count, 1)
        XCTAssertTrue(rate[0].message.contains("soit 15 % de l'assiette éligible 1 000 000,00 €, en dessous du taux minimal de 20 % (200 000,00 €)"), rate[0].message)
        // `  - { dispositif: etat.detr, montant: 150 000 }`: the amount starts at column 39 of line 8.
        XCTAssertEqual(rate[0].location?.line, 8)
        XCTAssertEqual(rate[0].location?.column, 39)
    }

    func testRegionRateCapFromTheProgrammesFunders() {
        let over = F.check([F.operation("  - { dispositif: region.bourgs-centres, montant: 300 000.01 }\n  - autofinancement: solde")], funders: F.localRates)
        XCTAssertEqual(over.with(rule: .tauxDispositif).count, 1)
        XCTAssertTrue(over.with(rule: .tauxDispositif)[0].message.contains("au-delà du taux maximal de 30 % (300 000,00 €)"))
        let at = F.check([F.operation("  - { dispositif: region.bourgs-centres, taux: 30 % }\n  - autofinancement: solde")], funders: F.localRates)
        XCTAssertEqual(at.with(rule: .tauxDispositif), [])
        // Without the programme's rate the catalogue says it must be supplied: a warning.
        let unknown = F.check([F.operation("  - { dispositif: region.bourgs-centres, montant: 100 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(unknown.with(rule: .tauxDispositif).map(\.severity), [.avertissement])
    }

    func testCeilingAndFloorAmounts() {
        // ANAH study: 50 % of 250 000 would be 125 000, but the ceiling is 100 000.
        let study = "  - { libelle: Étude, nature: etudes, montant_ht: 250 000, annees: { 2025: 100 % } }"
        let d = F.check([F.operation("  - { dispositif: anah.etude-pre-operationnelle, montant: 110 000 }\n  - autofinancement: solde", costs: study)])
        XCTAssertEqual(d.with(rule: .plafondDispositif).count, 1)
        XCTAssertTrue(d.with(rule: .plafondDispositif)[0].message.contains("dépasse le plafond du dispositif, 100 000,00 €"))
        let ok = F.check([F.operation("  - { dispositif: anah.etude-pre-operationnelle, montant: 100 000 }\n  - autofinancement: solde", costs: study)])
        XCTAssertEqual(ok.errors, [])
        // Région public spaces: 1 000 € minimum.
        let small = F.check([F.operation("  - { dispositif: region.espaces-publics, montant: 900 }\n  - autofinancement: solde")])
        XCTAssertTrue(small.with(rule: .plafondDispositif)[0].message.contains("en dessous du montant minimal de subvention, 1 000,00 €"))
    }

    func testEligibleNatures() {
        // ADEME pays studies and remediation; an operation of works only has none.
        let d = F.check([F.operation("  - { dispositif: ademe.friches-polluees, montant: 100 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(d.with(rule: .naturesEligibles).count, 1)
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 800 000, annees: { 2025: 100 % } }\n  - { libelle: Dépollution, nature: depollution, montant_ht: 200 000, annees: { 2025: 100 % } }"
        let ok = F.check([F.operation("  - { dispositif: ademe.friches-polluees, taux: 50 % }\n  - autofinancement: solde", costs: costs)])
        XCTAssertEqual(ok.errors, [])
        // Its base is the 200 000 of dépollution: 50 % is 100 000.
        let plans = F.load([F.operation("  - { dispositif: ademe.friches-polluees, taux: 50 % }\n  - autofinancement: solde", costs: costs)]).plans!
        let f = Financing.figures(of: plans)[0]
        XCTAssertEqual(f.funding[0].base, Money(euros: 200_000))
        XCTAssertEqual(f.funding[0].amount, Money(euros: 100_000))
        XCTAssertEqual(f.funding[1].amount, Money(euros: 900_000))
    }

    // MARK: State dotations, 2018-514, start of works, deadlines, commission

    func testStateDotationsCappedTogetherAtEightyPercent() {
        // 500 000 + 310 000 = 810 000 > 80 % × 1 000 000 = 800 000.
        let over = F.check([F.operation("  - { dispositif: etat.detr, montant: 500 000 }\n  - { dispositif: etat.dsil, montant: 310 000 }\n  - autofinancement: solde")])
        let cap = over.with(rule: .dotationsPlafond)
        XCTAssertEqual(cap.count, 1)
        XCTAssertTrue(cap[0].message.contains("totalisent 810 000,00 €, soit 81 %"), cap[0].message)
        XCTAssertTrue(cap[0].notes[0].contains("10 000,00 €"))
        let at = F.check([F.operation("  - { dispositif: etat.detr, montant: 500 000 }\n  - { dispositif: etat.dsil, montant: 300 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(at.with(rule: .dotationsPlafond), [])
    }

    func testPublicAidCappedAtTheSubsidisableExpenseForDecret2018() {
        // FNADT on a base of 900 000: FNADT 500 000 + Région 410 000 = 910 000 > 900 000.
        let over = F.check([F.operation("  - { dispositif: etat.fnadt, montant: 500 000, assiette: 900 000 }\n  - { dispositif: region.espaces-publics, montant: 410 000 }\n  - autofinancement: solde", extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-01-10 }")])
        XCTAssertEqual(over.with(rule: .aidesPubliquesPlafond).count, 1)
        XCTAssertTrue(over.with(rule: .aidesPubliquesPlafond)[0].notes[0].contains("10 000,00 €"))
        let at = F.check([F.operation("  - { dispositif: etat.fnadt, montant: 500 000, assiette: 900 000 }\n  - { dispositif: region.espaces-publics, montant: 400 000 }\n  - autofinancement: solde", extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-01-10 }")])
        XCTAssertEqual(at.with(rule: .aidesPubliquesPlafond), [])
    }

    func testNoStartOfWorksBeforeTheRequest() {
        // CGCT R2334-24 I: without a first legal act written, works on site on 1 March 2025 prove
        // a commencement before the request received on 2 April 2025.
        let early = F.check([
            F.operation("  - dispositif: etat.detr\n    montant: 300 000\n    statut: sollicite\n    depot: 2025-04-02\n  - autofinancement: solde", extra: "calendrier: { debut_travaux: 2025-03 }")
        ])
        let start = early.with(rule: .demarrageAnticipe)
        XCTAssertEqual(start.count, 1)
        XCTAssertTrue(start[0].message.contains("DETR : les travaux commencent le 01/03/2025, et le premier acte juridique (non déclaré) les précède, avant la réception de la demande (accusé de réception) du 02/04/2025"), start[0].message)
        // `    depot: 2025-04-02` is line 11; its value starts at column 12.
        XCTAssertEqual(start[0].location?.line, 11)
        XCTAssertEqual(start[0].location?.column, 12)
        let derogated = F.check([
            F.operation("  - dispositif: etat.detr\n    montant: 300 000\n    statut: sollicite\n    depot: 2025-04-02\n    derogation_demarrage: 2025-02-01\n  - autofinancement: solde", extra: "calendrier: { debut_travaux: 2025-03 }")
        ])
        XCTAssertEqual(derogated.with(rule: .demarrageAnticipe), [])
    }

    func testDotationLapsesTwoYearsAfterNotification() {
        // Notified 2023-01-10: the works must start by 2025-01-10; 2025-03-01 is too late.
        let funding = "  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2022-10-01, notification: 2023-01-10 }\n  - autofinancement: solde"
        let late = F.check([F.operation(funding, extra: "calendrier: { debut_travaux: 2025-03, fin: 2026-12 }")])
        XCTAssertEqual(late.with(rule: .dotationsDelais).count, 1)
        XCTAssertTrue(late.with(rule: .dotationsDelais)[0].message.contains("(10/01/2025)"))
        let inTime = F.check([F.operation(funding, extra: "calendrier: { debut_travaux: 2025-01, fin: 2028-12 }")])
        XCTAssertEqual(inTime.with(rule: .dotationsDelais), [])
        // Completion more than 48 months after the start: a warning.
        let long = F.check([F.operation(funding, extra: "calendrier: { debut_travaux: 2024-06, fin: 2028-07 }")])
        XCTAssertEqual(long.with(rule: .dotationsDelais).map(\.severity), [.avertissement])
    }

    func testDETRCommissionAboveOneHundredThousand() {
        let at = F.check([F.operation("  - { dispositif: etat.detr, montant: 200 000, assiette: 500 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(at.with(rule: .detrCommission).count, 1)
        let below = F.check([F.operation("  - { dispositif: etat.detr, montant: 100 000, assiette: 500 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(below.with(rule: .detrCommission), [])
    }

    // MARK: fonds de concours, heritage, PVD and ANAH posts, Fonds vert, LEADER, Région/Département

    func testFondsDeConcoursAtMostTheNetShare() {
        // Net share = 1 000 000 − 300 000 − fdc; fdc ≤ that means fdc ≤ 350 000.
        let funders = """
            financeurs: [{ id: cc, nom: CC, categorie: intercommunalite }]
            dispositifs:
              - { id: cc.fdc, financeur: cc, nom: Fonds de concours, nature: fonds-de-concours, regime: collectivite }
            """
        let over = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - { dispositif: cc.fdc, montant: 400 000 }\n  - autofinancement: solde")], funders: funders)
        let fdc = over.with(rule: .fondsDeConcours)
        XCTAssertEqual(fdc.count, 1)
        XCTAssertTrue(fdc[0].message.contains("part financée par la commune hors subventions (300 000,00 €) ; au plus 350 000,00 €"), fdc[0].message)
        let at = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - { dispositif: cc.fdc, montant: 350 000 }\n  - autofinancement: solde")], funders: funders)
        XCTAssertEqual(at.with(rule: .fondsDeConcours), [])
    }

    func testDRACOnInscritAtMostFortyPercent() {
        let over = F.check([F.operation("  - { dispositif: etat.drac-monuments-historiques, montant: 400 000.01 }\n  - autofinancement: solde", extra: "protection: inscrit")])
        XCTAssertEqual(over.with(rule: .dracMonuments).count, 1)
        let at = F.check([F.operation("  - { dispositif: etat.drac-monuments-historiques, taux: 40 % }\n  - autofinancement: solde", extra: "protection: inscrit")])
        XCTAssertEqual(at.with(rule: .dracMonuments), [])
        let unprotected = F.check([F.operation("  - { dispositif: etat.drac-monuments-historiques, montant: 100 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(unprotected.with(rule: .dracMonuments).count, 1)
    }

    func testFIPNeedsTheRegionAndASmallCommune() {
        let extra = "protection: classe\nderogation_part_minimale: { motif: monument-protege, decision_prefet: 2025-01-15 }"
        let ok = F.check([F.operation("  - { dispositif: etat.drac-fip, taux: 80 % }\n  - { dispositif: region.bourgs-centres, montant: 150 000 }\n  - autofinancement: solde", extra: extra)], funders: F.localRates)
        XCTAssertEqual(ok.errors, [])
        // 149 999,99 < 15 % × 1 000 000.
        let region = F.check([F.operation("  - { dispositif: etat.drac-fip, taux: 80 % }\n  - { dispositif: region.bourgs-centres, montant: 149 999.99 }\n  - autofinancement: solde", extra: extra)], funders: F.localRates)
        XCTAssertEqual(region.with(rule: .dracFIP).count, 1)
        XCTAssertTrue(region.with(rule: .dracFIP)[0].message.contains("soit 150 000,00 € ; elle est de 149 999,99 €"))
        let inscrit = F.check([F.operation("  - { dispositif: etat.drac-fip, taux: 50 % }\n  - { dispositif: region.bourgs-centres, montant: 150 000 }\n  - autofinancement: solde", extra: "protection: inscrit")], funders: F.localRates)
        XCTAssertEqual(inscrit.with(rule: .dracFIP).count, 1)
    }

    func testPVDProjectManagerCaps() {
        // 80 000 a year for two years = 160 000. Without ANAH: min(75 % = 120 000, 2 × 45 000)
        // = 90 000. With ANAH: min(120 000, 2 × 55 000) = 110 000; ANAH ≤ min(80 000, 80 000).
        let post = "  - { libelle: Poste, nature: remuneration, montant_ht: 160 000, tva: 0 %, quotite: 100 %, annees: { 2025: 80 000, 2026: 80 000 } }"
        let withoutANAH = F.check([F.operation("  - { dispositif: etat.pvd-chef-de-projet, montant: 60 000 }\n  - { dispositif: bdt.pvd-chef-de-projet, montant: 40 000 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        let rule = withoutANAH.with(rule: .pvdChefDeProjet)
        XCTAssertEqual(rule.count, 1)
        XCTAssertTrue(rule[0].message.contains("atteint 100 000,00 € ; le maximum est 90 000,00 €"), rule[0].message)
        let withANAH = F.check([F.operation("  - { dispositif: etat.pvd-chef-de-projet, montant: 50 000 }\n  - { dispositif: anah.pvd-chef-de-projet, montant: 50 000 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        XCTAssertEqual(withANAH.with(rule: .pvdChefDeProjet), [])
        let tooMuchANAH = F.check([F.operation("  - { dispositif: anah.pvd-chef-de-projet, montant: 80 000.01 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        XCTAssertEqual(tooMuchANAH.with(rule: .pvdChefDeProjet).count, 1)
        XCTAssertTrue(tooMuchANAH.with(rule: .pvdChefDeProjet)[0].message.contains("le maximum est 80 000,00 €"))
    }

    func testANAHOPAHRUProjectManager() {
        // 100 000 HT for one year: base capped at 80 000, 50 % = 40 000.
        let post = "  - { libelle: Chef de projet OPAH-RU, nature: remuneration, montant_ht: 100 000, tva: 0 %, annees: { 2025: 100 % } }"
        let over = F.check([F.operation("  - { dispositif: anah.chef-de-projet-opah-ru, montant: 40 000.01 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        XCTAssertEqual(over.with(rule: .anahChefDeProjet).count, 1)
        let at = F.check([F.operation("  - { dispositif: anah.chef-de-projet-opah-ru, montant: 40 000 }\n  - autofinancement: solde", costs: post, extra: "section: fonctionnement")])
        XCTAssertEqual(at.with(rule: .anahChefDeProjet), [])
    }

    func testFondsVertFrichesAtMostTheDeficit() {
        // Deficit = 1 000 000 − receipts 300 000 − Région 200 000 = 500 000.
        let funding = { (fv: String) in
            "  - { dispositif: etat.fonds-vert-friches, montant: \(fv) }\n  - { dispositif: region.bourgs-centres, montant: 200 000 }\n  - { recette: 300 000, libelle: Cession de lots }\n  - autofinancement: solde"
        }
        let over = F.check([F.operation(funding("550 000"), extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-01-10 }")], funders: F.localRates)
        XCTAssertEqual(over.with(rule: .fondsVertDeficit).count, 1)
        XCTAssertTrue(over.with(rule: .fondsVertDeficit)[0].message.contains("= 500 000,00 €"))
        let at = F.check([F.operation(funding("500 000"), extra: "derogation_part_minimale: { motif: calamite, decision_prefet: 2025-01-10 }")], funders: F.localRates)
        XCTAssertEqual(at.with(rule: .fondsVertDeficit), [])
    }

    func testLEADERNeedsANationalCounterpart() {
        // 80 000 with 20 000 of Région and no own share is exactly 80 %; with 19 999 of Région and
        // nothing else, LEADER may be at most 19 999 × 0,8 / 0,2 = 79 996 (the balance is then 1 000 000
        // − 99 999 = 900 001 of own funds, which count: see LawTests for the owner's counterpart).
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2025: 100 % } }"
        let ok = F.check([F.operation("  - { dispositif: europe.leader, montant: 80 000 }\n  - { dispositif: region.espaces-publics, montant: 20 000 }\n  - autofinancement: solde", costs: costs, extra: "derogation_part_minimale: { motif: anru }")])
        XCTAssertEqual(ok.with(rule: .leaderContrepartie), [])
        let over = F.check([F.operation("  - { dispositif: europe.leader, montant: 80 000 }\n  - { dispositif: region.espaces-publics, montant: 19 999 }\n  - autofinancement: 1", costs: costs, extra: "derogation_part_minimale: { motif: anru }")])
        // Counterpart 19 999 + 1 = 20 000: LEADER at most 20 000 × 4 = 80 000, met; with no own
        // funds and 19 999 of Région it is 79 996.
        XCTAssertEqual(over.with(rule: .leaderContrepartie), [])
        let short = F.check([F.operation("  - { dispositif: europe.leader, montant: 80 000 }\n  - { dispositif: region.espaces-publics, montant: 19 999 }\n  - { recette: 1 }", costs: costs, extra: "derogation_part_minimale: { motif: anru }")])
        XCTAssertTrue(short.with(rule: .leaderContrepartie)[0].message.contains("il est au plus 79 996,00 €"), "\(short.with(rule: .leaderContrepartie))")
        let alone = F.check([F.operation("  - { dispositif: europe.leader, montant: 80 000 }\n  - { recette: 20 000 }", costs: costs)])
        XCTAssertTrue(alone.with(rule: .leaderContrepartie)[0].message.contains("aucune"))
    }

    func testRegionAndDepartementNotBothInAChefDeFileCompetence() {
        let funding = "  - { dispositif: region.bourgs-centres, montant: 200 000 }\n  - { dispositif: departement.f2d, montant: 100 000 }\n  - autofinancement: solde"
        let both = F.check([F.operation(funding, extra: "chef_de_file: oui")], funders: F.localRates)
        XCTAssertEqual(both.with(rule: .cumulRegionDepartement).count, 1)
        let cper = F.check([F.operation(funding, extra: "chef_de_file: oui\ncper_ou_ctec: oui")], funders: F.localRates)
        XCTAssertEqual(cper.with(rule: .cumulRegionDepartement), [])
    }

    // MARK: envelopes and statuses

    func testYearlyEnvelopeSharedByOperations() {
        // Two operations each asking 300 000 of DETR in 2026, for an envelope of 500 000.
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2026, montant: 500 000 }"
        let line = "  - { dispositif: etat.detr, montant: 300 000, statut: sollicite, depot: 2026-01-15 }\n  - autofinancement: solde"
        let d = F.check([F.operation(line, id: "a"), F.operation(line, id: "b")], funders: funders)
        let envelope = d.with(rule: .enveloppeAnnuelle)
        XCTAssertEqual(envelope.count, 1)
        XCTAssertTrue(envelope[0].message.contains("les opérations en demandent 600 000,00 € (dépassement 100 000,00 €)"), envelope[0].message)
        XCTAssertEqual(envelope[0].location, SourceLocation(file: "P/financeurs.yaml", line: 2, column: 5))
        // A refused line draws nothing.
        let refused = "  - { dispositif: etat.detr, montant: 300 000, statut: refuse, depot: 2026-01-15 }\n  - autofinancement: solde"
        XCTAssertEqual(F.check([F.operation(line, id: "a"), F.operation(refused, id: "b")], funders: funders).with(rule: .enveloppeAnnuelle), [])
    }

    func testStatusConsistency() {
        let requested = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: sollicité }\n  - autofinancement: solde")])
        XCTAssertTrue(requested.with(rule: .statutCoherent)[0].message.contains("sans date de dépôt"))
        let notified = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2024-05-01 }\n  - autofinancement: solde")])
        XCTAssertTrue(notified.with(rule: .statutCoherent)[0].message.contains("sans date de notification"))
        let reversed = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: notifie, depot: 2024-05-01, notification: 2024-04-01 }\n  - autofinancement: solde")])
        XCTAssertTrue(reversed.with(rule: .statutCoherent)[0].message.contains("avant le dépôt"))
        let overpaid = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: verse, depot: 2024-05-01, notification: 2024-06-01, verse: 300 000.01 }\n  - autofinancement: solde")])
        XCTAssertEqual(overpaid.with(rule: .statutCoherent).count, 1)
        let fine = F.check([F.operation("  - { dispositif: etat.detr, montant: 300 000, statut: verse, depot: 2024-05-01, notification: 2024-06-01, verse: 90 000 }\n  - autofinancement: solde")])
        XCTAssertEqual(fine.with(rule: .statutCoherent), [])
    }

    func testRefusedLinesCountForNothing() {
        // DSIL refused: the balance takes its 200 000.
        let plans = F.load([F.operation("  - { dispositif: etat.detr, montant: 300 000 }\n  - { dispositif: etat.dsil, montant: 200 000, statut: refuse }\n  - autofinancement: solde")]).plans!
        let f = Financing.figures(of: plans)[0]
        XCTAssertEqual(f.publicAid, Money(euros: 300_000))
        XCTAssertEqual(f.selfFinancing, Money(euros: 700_000))
    }

    // MARK: FCTVA and the figures

    func testFCTVAByRegime() {
        // 100 000 HT at 20 % in 2025: TTC 120 000 × 16,404 % = 19 684,80, received in 2027 (N+2);
        // the land line has no VAT and gives none.
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2025: 100 % } }\n  - { libelle: Terrain, nature: acquisition, montant_ht: 50 000, tva: 0 %, annees: { 2025: 100 % } }"
        let plans = F.load([F.operation("  - autofinancement: solde", costs: costs)]).plans!
        let f = Financing.figures(of: plans)[0]
        XCTAssertEqual(f.fctva, [FCTVAInstalment(spendingYear: 2025, receiptYear: 2027, amount: Money(cents: 1_968_480))])
        XCTAssertEqual(f.costTTC, Money(euros: 170_000))
    }

    func testTheShippedProgrammeHasNoError() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = PlanLoader.load(folder: root.appendingPathComponent("Plans").path)
        let plans = try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(Rules.check(plans).errors, [])
        XCTAssertEqual(plans.operations.count, 9)
        // gersycoop-equipements: 2 400 000 HT; public aid 480 000 + 500 000 + 360 000 + 150 000
        // + 40 % × 249 000 = 1 589 600; balance 2 400 000 − 300 000 (loan) − 1 589 600 = 510 400.
        let f = Financing.figures(of: plans).first { $0.operation.id == "gersycoop-equipements" }!
        XCTAssertEqual(f.costHT, Money(euros: 2_400_000))
        XCTAssertEqual(f.publicAid, Money(euros: 1_589_600))
        XCTAssertEqual(f.selfFinancing, Money(euros: 510_400))
        XCTAssertEqual(f.ownersShare, Money(euros: 810_400))
    }
}
