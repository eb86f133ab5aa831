import MaquetteCore
import MaquettePlans
import XCTest

/// ``Deadlines``: a plan worked out by hand, date by date, on 15 January 2025.
final class DeadlinesTests: XCTestCase {
    static let today = Day(year: 2025, month: 1, day: 15)!

    /// The EPF buy-back shortened to one month, so that a portage agreed on 31 January ends on the
    /// last day of February (29th in 2024).
    static let funders = PlanFixture.localRates + """

        parametres:
          epf-portage-duree-max-mois:
            - { depuis: 2024-01-01, valeur: 1, reference: "Convention de portage d'essai" }
        """

    static let school = """
        id: ecole
        intitule: École
        maitre_ouvrage: commune
        calendrier: { debut_travaux: 2026-01-31, fin: 2027-06-30 }
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2026: 60 %, 2027: 40 % } }
        financements:
          - { dispositif: etat.detr, montant: 250 000, assiette: 1 000 000, statut: notifie, depot: 2023-11-15, notification: 2024-02-29 }
          - { dispositif: departement.f2d, montant: 100 000, statut: envisage }
          - { dispositif: region.bourgs-centres, montant: 150 000, statut: sollicite, depot: 2024-12-01 }
          - autofinancement: solde
        """

    static let wasteland = """
        id: friche
        intitule: Friche
        maitre_ouvrage: commune
        depenses:
          - { libelle: Acquisition, nature: acquisition, montant_ht: 300 000, tva: 0 %, annees: { 2024: 100 % } }
        financements:
          - { dispositif: epf.portage, montant: 300 000, statut: notifie, depot: 2023-12-01, notification: 2024-01-31 }
          - autofinancement: solde
        """

    static let animation = """
        id: animation
        intitule: Suivi-animation
        maitre_ouvrage: commune
        depenses:
          - { libelle: Animation, nature: animation, montant_ht: 100 000, annees: { 2025: 50 %, 2026: 50 % } }
        financements:
          - { dispositif: anah.suivi-animation, montant: 50 000, statut: notifie, depot: 2024-11-01, notification: 2024-12-15 }
          - autofinancement: solde
        """

    func deadlines() throws -> [Deadline] {
        let loaded = PlanFixture.load([Self.school, Self.wasteland, Self.animation], funders: Self.funders)
        let plans = try XCTUnwrap(loaded.plans, "\(loaded.diagnostics.map(\.message))")
        return Deadlines.of(plans, today: Self.today)
    }

    func testAHandWorkedPlanDateByDate() throws {
        let all = try deadlines()
        func one(_ kind: Deadline.Kind, _ operation: String?, key: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> Deadline? {
            let found = all.filter { d in d.kind == kind && d.operation == operation && (key.map { d.key.hasSuffix($0) } ?? true) }
            XCTAssertEqual(found.count, 1, "\(kind) \(operation ?? "")", file: file, line: line)
            return found.first
        }
        // DETR notified on 29 February 2024 (leap day): 24 months later is 28 February 2026.
        let start = try XCTUnwrap(one(.commencement, "ecole"))
        XCTAssertEqual(start.day.iso, "2026-02-28")
        XCTAssertEqual(start.daysLeft, 409)
        XCTAssertTrue(start.losesGrant)
        XCTAssertEqual(start.urgency, .aVenir)
        XCTAssertEqual(start.funder, "État")
        XCTAssertEqual(start.dispositif, "DETR")
        XCTAssertTrue(start.title.contains("prorogation possible jusqu'au 28/02/2027"), start.title)
        XCTAssertTrue(start.reference.contains("2 ans"), start.reference)
        // The extension is asked for two months ahead.
        let extensionRequest = try XCTUnwrap(one(.prorogationCommencement, "ecole"))
        XCTAssertEqual(extensionRequest.day.iso, "2025-12-28")
        XCTAssertEqual(extensionRequest.daysLeft, 347)
        XCTAssertFalse(extensionRequest.losesGrant)
        XCTAssertTrue(extensionRequest.reference.contains("R2334-28"))
        // Completion: 48 months after the planned start of 31 January 2026.
        let completion = try XCTUnwrap(one(.achevement, "ecole"))
        XCTAssertEqual(completion.day.iso, "2030-01-31")
        XCTAssertEqual(completion.daysLeft, 1842)
        XCTAssertTrue(completion.title.contains("prorogation exceptionnelle jusqu'au 31/01/2032"), completion.title)
        // The advance at the start, 30 % of 250 000 €; one instalment at the end of 2026.
        let advance = try XCTUnwrap(one(.demandeAvance, "ecole"))
        XCTAssertEqual(advance.day.iso, "2026-01-31")
        XCTAssertTrue(advance.title.contains("75 000,00 €"), advance.title)
        let instalment = try XCTUnwrap(one(.demandeAcompte, "ecole"))
        XCTAssertEqual(instalment.day.iso, "2026-12-31")
        XCTAssertEqual(instalment.daysLeft, 715)
        // F2D: filed before 31 January of the year the works start.
        let f2d = try XCTUnwrap(one(.depotDemande, "ecole"))
        XCTAssertEqual(f2d.day.iso, "2026-01-31")
        XCTAssertEqual(f2d.daysLeft, 381)
        XCTAssertEqual(f2d.funder, "Département du Gers")
        XCTAssertTrue(f2d.reference.contains("31 janvier"))
        XCTAssertEqual(f2d.location?.line, 9)
        // The Région's answer is awaited since 1 December 2024.
        let awaited = try XCTUnwrap(one(.decisionAttendue, "ecole"))
        XCTAssertEqual(awaited.day.iso, "2024-12-01")
        XCTAssertEqual(awaited.daysLeft, -45)
        XCTAssertEqual(awaited.urgency, .enAttente)

        // EPF portage agreed on 31 January 2024, one month: 29 February 2024 (leap year), past.
        let buyBack = try XCTUnwrap(one(.rachatPortage, "friche"))
        XCTAssertEqual(buyBack.day.iso, "2024-02-29")
        XCTAssertEqual(buyBack.daysLeft, -321)
        XCTAssertEqual(buyBack.urgency, .depassee)
        XCTAssertEqual(buyBack.reference, "Convention de portage d'essai")

        // ANAH: the 2026 period needs its own request before 1 January 2026; no advance outside the State.
        let renewal = try XCTUnwrap(one(.renouvellement, "animation"))
        XCTAssertEqual(renewal.day.iso, "2026-01-01")
        XCTAssertEqual(renewal.daysLeft, 351)
        XCTAssertTrue(renewal.losesGrant)
        XCTAssertNil(all.first { $0.kind == .demandeAvance && $0.operation == "animation" })
        XCTAssertEqual(one(.demandeAcompte, "animation")?.day.iso, "2025-12-31")
        XCTAssertEqual(one(.demandeSolde, "animation")?.day.iso, "2026-12-31")

        // The end of the programme's period.
        XCTAssertEqual(one(.finProgramme, nil)?.day.iso, "2028-12-31")
        XCTAssertEqual(all.count, 12, all.map { "\($0.kind) \($0.operation ?? "")" }.joined(separator: ", "))

        // Past first, then awaited decisions, then by day.
        XCTAssertEqual(all.first?.kind, .rachatPortage)
        XCTAssertEqual(all[1].kind, .decisionAttendue)
        XCTAssertEqual(all.dropFirst(2).map(\.day), all.dropFirst(2).map(\.day).sorted())
    }

    func testOverdueStartLosesTheGrant() throws {
        let loaded = PlanFixture.load([Self.school], funders: Self.funders)
        let plans = try XCTUnwrap(loaded.plans)
        let later = Deadlines.of(plans, today: Day(year: 2026, month: 1, day: 30)!)
        // Before the planned start, past the extension request: not lost, to catch up.
        XCTAssertEqual(later.first { $0.kind == .prorogationCommencement }?.urgency, .depassee)
        XCTAssertEqual(later.first { $0.kind == .depotDemande }?.urgency, .aVenir)
        XCTAssertEqual(later.first { $0.kind == .depotDemande }?.daysLeft, 1)
        // Once started (the planned start has passed), no commencement deadline is left.
        let started = Deadlines.of(plans, today: Day(year: 2026, month: 3, day: 1)!)
        XCTAssertNil(started.first { $0.kind == .commencement })
        // An F2D line still envisaged after 31 January: past, not lost (the next campaign).
        XCTAssertEqual(started.first { $0.kind == .depotDemande }?.urgency, .depassee)
    }

    /// A DETR request still « envisagé » when the works started on 1 June 2024: no start may
    /// precede the request's receipt (CGCT R2334-24), so on 15 January 2025 the grant is lost.
    /// The restricted list (what the workbook needs without its Échéances sheet) holds that
    /// deadline alone, as the whole list's lost ones.
    func testTheGrantsLostOnADayAloneAsTheWholeListHasThem() throws {
        let hall = """
            id: halle
            intitule: Halle
            maitre_ouvrage: commune
            calendrier: { debut_travaux: 2024-06-01, fin: 2025-12-31 }
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: 200 000, annees: { 2024: 50 %, 2025: 50 % } }
            financements:
              - { dispositif: etat.detr, montant: 40 000, assiette: 200 000, statut: envisage }
              - autofinancement: solde
            """
        let loaded = PlanFixture.load([Self.school, Self.wasteland, Self.animation, hall], funders: Self.funders)
        let plans = try XCTUnwrap(loaded.plans, "\(loaded.diagnostics.map(\.message))")
        let all = Deadlines.of(plans, today: Self.today)
        let lost = Deadlines.of(plans, today: Self.today, selection: .lostBefore(Self.today))
        XCTAssertEqual(lost.map { "\($0.kind) \($0.operation ?? "") \($0.day.iso) \($0.urgency)" }, ["depotDemande halle 2024-06-01 perdue"])
        XCTAssertEqual(lost.map(\.key), all.filter { $0.urgency == .perdue }.map(\.key))
        XCTAssertEqual(lost.first?.title, all.first { $0.urgency == .perdue }?.title)
        // The whole list: the twelve of the hand-worked plan above, and this one.
        XCTAssertEqual(all.count, 13, all.map { "\($0.kind) \($0.operation ?? "")" }.joined(separator: ", "))
    }

    func testDaysAcrossLeapYearsAndMonthEnds() {
        let jan31 = Day(year: 2025, month: 1, day: 31)!
        XCTAssertEqual(jan31.adding(months: 1).iso, "2025-02-28")
        XCTAssertEqual(Day(year: 2024, month: 1, day: 31)!.adding(months: 1).iso, "2024-02-29")
        XCTAssertEqual(Day(year: 2024, month: 2, day: 29)!.adding(months: 12).iso, "2025-02-28")
        XCTAssertEqual(Day(year: 2024, month: 2, day: 28)!.adding(days: 1)?.iso, "2024-02-29")
        XCTAssertEqual(Day(year: 2024, month: 12, day: 31)!.adding(days: 1)?.iso, "2025-01-01")
        XCTAssertEqual(Day(year: 2024, month: 1, day: 1)!.days(to: Day(year: 2025, month: 1, day: 1)!), 366)
        XCTAssertEqual(Day(daysSinceEpoch: 0)?.iso, "1970-01-01")
        XCTAssertEqual(Day(daysSinceEpoch: 20_513)?.iso, "2026-03-01")
    }
}
