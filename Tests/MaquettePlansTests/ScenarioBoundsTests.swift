import MaquetteCore
import MaquettePlans
import XCTest

/// Scenario changes whose result would leave the bounds of a plan (amounts, rates, years) are read
/// errors located on the change, never a trap; a line of 0 € given an amount keeps its split.
final class ScenarioBoundsTests: XCTestCase {
    typealias F = PlanFixture

    /// Works of 1 000 000 HT split 600 000 / 400 000 over 2025-2026, studies of 50 000 in 2024,
    /// DETR 300 000 fixed, DSIL 25 % of its base.
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
          - { dispositif: etat.dsil, taux: 25 %, statut: sollicite, depot: 2024-11-02 }
          - autofinancement: solde
        """

    /// Loads the scenario `s` made of `changes` (one per line, from line 4 of its file) and applies it.
    func apply(_ changes: [String], operations: [String] = [ScenarioBoundsTests.operation]) -> LoadResult {
        var files = [PlanFile(path: "P/programme.yaml", text: F.programme)]
        for (i, text) in operations.enumerated() { files.append(PlanFile(path: "P/operations/op\(i + 1).yaml", text: text)) }
        let scenario = "id: s\ntitre: Essai\nchangements:\n" + changes.map { "  - \($0)\n" }.joined()
        files.append(PlanFile(path: "P/scenarios/s.yaml", text: scenario))
        return PlanLoader.load(files: files, root: "P").applying(scenario: "s")
    }

    func errors(_ result: LoadResult) -> [String] {
        result.diagnostics.filter { $0.severity == .erreur }.map { d in
            "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.rule) \(d.stage == .lecture ? "lecture" : "regle") \(d.message)"
        }
    }

    // MARK: Amounts and rates

    func testTwelveTimesAThousandPercentIsALocatedReadError() {
        // The issue's case ("Not enough bits", exit 132). ×11 each time: 1 000 000 → 11 000 000 →
        // 121 000 000 → 1 331 000 000 → 14 641 000 000, beyond 10 000 000 000 at the 4th change
        // (line 7 of the scenario); every later one would go as far, and is refused too.
        let result = apply(Array(repeating: "modifier_depenses: { operation: toutes, variation: +1000 % }", count: 12))
        XCTAssertNil(result.plans)
        XCTAssertTrue(result.hasReadErrors)
        let errors = errors(result)
        XCTAssertEqual(errors.count, 9)
        XCTAssertEqual(
            errors.first,
            "7:5 scenario lecture la dépense « Travaux » de l'opération `op` atteindrait 14 641 000 000,00 € HT, au-delà de 10 000 000 000,00 € par ligne")
        XCTAssertEqual(errors.last?.prefix(5), "15:5 ")
    }

    func testTheLargestExpenseCannotGrow() {
        // 10 000 000 000 € is the largest line; +1 000 % of it is refused at once (line 4).
        let big = Self.operation.replacingOccurrences(of: "montant_ht: 1 000 000, annees: { 2025: 600 000, 2026: 400 000 }", with: "montant_ht: 10 000 000 000, annees: { 2025: 100 % }")
        let result = apply(Array(repeating: "modifier_depenses: { operation: op, libelle: Travaux, variation: +1000 % }", count: 6), operations: [big])
        XCTAssertEqual(errors(result).count, 6)
        XCTAssertEqual(
            errors(result).first,
            "4:5 scenario lecture la dépense « Travaux » de l'opération `op` atteindrait 110 000 000 000,00 € HT, au-delà de 10 000 000 000,00 € par ligne")
    }

    func testADispositifVariationBoundsFixedAmountsAndRates() {
        // DETR 300 000 × 11^k: 3 300 000, 36 300 000, 399 300 000, 4 392 300 000, then
        // 48 315 300 000 at the 5th change (line 8). DSIL's 25 % becomes 275 %, then 3 025 % at the
        // 2nd change, beyond 1 000 %.
        let detr = apply(Array(repeating: "modifier_dispositif: { dispositif: etat.detr, variation: +1000 % }", count: 5))
        XCTAssertEqual(
            errors(detr),
            ["8:5 scenario lecture `etat.detr` de l'opération `op` : 4 392 300 000,00 € avec la variation de 1000 % dépasserait 10 000 000 000,00 €"])
        let dsil = apply(Array(repeating: "modifier_dispositif: { dispositif: etat.dsil, variation: +1000 % }", count: 2))
        XCTAssertEqual(
            errors(dsil),
            ["5:5 scenario lecture `etat.dsil` de l'opération `op` : le taux de 275 % avec la variation de 1000 % dépasserait 1000 %"])
        // Within the bounds the change applies: 25 % × 1,2 = 30 % of 1 050 000 = 315 000.
        let fine = apply(["modifier_dispositif: { dispositif: etat.dsil, variation: +20 % }"])
        let plans = try? XCTUnwrap(fine.plans)
        XCTAssertEqual(plans.map { Financing.figures(of: $0)[0].funding[1].amount }, Money(euros: 315_000))
    }

    // MARK: Years

    func testAShiftStaysWithinTheProgrammeYearsAndItsMargin() throws {
        // Programme 2024-2028: years 2014 to 2038 are accepted. Twelve years later the works end in
        // October 2038: accepted; thirteen, 2039: refused, on the change (line 4).
        let twelve = apply(["decaler: { operation: op, annees: 12 }"])
        let plans = try XCTUnwrap(twelve.plans, "\(errors(twelve))")
        XCTAssertEqual(plans.operations[0].end?.iso, "2038-10-31")
        XCTAssertEqual(plans.operations[0].costs[1].years.map(\.year), [2036])
        XCTAssertEqual(
            errors(apply(["decaler: { operation: op, annees: 13 }"])),
            ["4:5 scenario lecture `decaler` porterait l'opération `op` en 2039, hors des années admises : 2014 à 2038 (période 2024-2028 ± 10 ans)"])
        // Eleven years earlier the studies (2024) fall in 2013.
        XCTAssertEqual(
            errors(apply(["decaler: { operation: toutes, annees: -11 }"])),
            ["4:5 scenario lecture `decaler` porterait l'opération `op` en 2013, hors des années admises : 2014 à 2038 (période 2024-2028 ± 10 ans)"])
        // The issue's case: 1 200 years later, the treasury printed 303 years and the workbook was
        // dated 3227. The start, March 2025, comes first: 3225.
        XCTAssertEqual(
            errors(apply(["decaler: { operation: op, annees: 1200 }"])),
            ["4:5 scenario lecture `decaler` porterait l'opération `op` en 3225, hors des années admises : 2014 à 2038 (période 2024-2028 ± 10 ans)"])
        // Shifts add up: two of six years each go to 2038 (the end); a third is refused (line 6).
        XCTAssertEqual(
            errors(apply(Array(repeating: "decaler: { operation: op, annees: 6 }", count: 3))),
            ["6:5 scenario lecture `decaler` porterait l'opération `op` en 2043, hors des années admises : 2014 à 2038 (période 2024-2028 ± 10 ans)"])
    }

    func testAnEnvelopeYearStaysWithinTheAcceptedYears() {
        XCTAssertEqual(
            errors(apply(["modifier_dispositif: { dispositif: etat.detr, enveloppes: [{ annee: 2039, montant: 1 000 }] }"])),
            // The reader refuses the year where it is written (column 73 of the change's line).
            ["4:73 valeur lecture `annee` : l'année 2039 est hors des années admises, 2014 à 2038 (période 2024-2028 ± 10 ans)"])
        let fine = apply(["modifier_dispositif: { dispositif: etat.detr, enveloppes: [{ annee: 2038, montant: 1 000 }] }"])
        XCTAssertEqual(fine.plans?.catalogue.envelopes.map(\.year), [2038])
    }

    func testAcceptedYearsAreTheProgrammePeriodWithItsMargin() throws {
        let plans = try XCTUnwrap(F.load([Self.operation]).plans)
        XCTAssertEqual(Programme.yearMargin, 10)
        XCTAssertEqual(plans.programme.acceptedYears, 2014...2038)
    }

    // MARK: A line of 0 € given an amount

    func zeroLine(_ years: String?) -> String {
        let split = years.map { ", annees: \($0)" } ?? ""
        return """
            id: op
            intitule: Opération d'essai
            maitre_ouvrage: commune
            calendrier: { debut_travaux: 2026-03 }
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: 0\(split) }
            financements:
              - autofinancement: solde
            """
    }

    func years(_ result: LoadResult) -> [String] {
        (result.plans?.operations[0].costs[0].years ?? []).map { "\($0.year): \($0.amountHT)" }
    }

    func testAZeroLineSplitInPercentagesKeepsItsProportions() throws {
        // 60 % / 40 % of 100 000.
        let result = apply(["modifier_depenses: { operation: op, libelle: Travaux, montant_ht: 100 000 }"], operations: [zeroLine("{ 2025: 60 %, 2026: 40 % }")])
        XCTAssertEqual(years(result), ["2025: 60 000,00 €", "2026: 40 000,00 €"])
        // The treasury spends it: 72 000 TTC in 2025 and 48 000 in 2026.
        let plans = try XCTUnwrap(result.plans)
        let table = Treasury.tables(Financing.figures(of: plans), plans: plans).programme
        XCTAssertEqual(table.years.prefix(2).map(\.spendingTTC), [Money(euros: 72_000), Money(euros: 48_000)])
    }

    func testAZeroLineSplitInAmountsIsSpreadEvenly() {
        // 0 and 0: no proportion written, so evenly: 100 000,01 / 3 = 33 333,33 twice, the last
        // year taking the cent left, 33 333,35.
        let result = apply(["modifier_depenses: { operation: op, libelle: Travaux, montant_ht: \"100 000,01\" }"], operations: [zeroLine("{ 2025: 0, 2026: 0, 2027: 0 }")])
        XCTAssertEqual(years(result), ["2025: 33 333,33 €", "2026: 33 333,33 €", "2027: 33 333,35 €"])
    }

    func testAZeroLineWithoutSplitTakesTheWorksStartYear() {
        let result = apply(["modifier_depenses: { operation: op, libelle: Travaux, montant_ht: 100 000 }"], operations: [zeroLine(nil)])
        XCTAssertEqual(years(result), ["2026: 100 000,00 €"])
        // A variation of 0 € stays 0 €, and its years still add up to it.
        let varied = apply(["modifier_depenses: { operation: op, variation: +20 % }"], operations: [zeroLine("{ 2025: 60 %, 2026: 40 % }")])
        XCTAssertEqual(years(varied), ["2025: 0,00 €", "2026: 0,00 €"])
    }

    // MARK: Several operations (each change checked on the operations it reaches)

    /// One line of works, with DETR when `detr` is given.
    func works(_ id: String, _ amount: String, detr: String? = nil) -> String {
        let line = detr.map { "\n  - { dispositif: etat.detr, montant: \($0), statut: sollicite, depot: 2024-11-02 }" } ?? ""
        return """
            id: \(id)
            intitule: Opération \(id)
            maitre_ouvrage: commune
            calendrier: { debut_travaux: 2025-03, fin: 2026-10 }
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: \(amount) }
            financements:\(line)
              - autofinancement: solde
            """
    }

    func testTheFirstOperationPastABoundIsNamed() {
        // +1000 %: 1 000 000 → 11 000 000 (a), 950 000 000 → 10 450 000 000 (b, past
        // 10 000 000 000, named), 2 000 000 000 → 22 000 000 000 (c, past too, but after b).
        let operations = [works("a", "1 000 000"), works("b", "950 000 000", detr: "1 000 000 000"), works("c", "2 000 000 000")]
        XCTAssertEqual(
            errors(apply(["modifier_depenses: { operation: toutes, nature: travaux, variation: +1000 % }"], operations: operations)),
            ["4:5 scenario lecture la dépense « Travaux » de l'opération `b` atteindrait 10 450 000 000,00 € HT, au-delà de 10 000 000 000,00 € par ligne"])
        // +900 % alone leaves b at 9 500 000 000; after +8 % on every operation (1 026 000 000)
        // it gives 10 260 000 000: the second change sees what the first did.
        XCTAssertEqual(errors(apply(["modifier_depenses: { operation: b, libelle: Travaux, variation: +900 % }"], operations: operations)), [])
        XCTAssertEqual(
            errors(apply(["modifier_depenses: { operation: toutes, variation: +8 % }", "modifier_depenses: { operation: b, libelle: Travaux, variation: +900 % }"], operations: operations)),
            ["5:5 scenario lecture la dépense « Travaux » de l'opération `b` atteindrait 10 260 000 000,00 € HT, au-delà de 10 000 000 000,00 € par ligne"])
    }

    func testADispositifVariationReachesItsLinesAlone() throws {
        // Only b draws on DETR: 1 000 000 000 × 11 = 11 000 000 000, past the bound.
        let operations = [works("a", "1 000 000"), works("b", "950 000 000", detr: "1 000 000 000"), works("c", "2 000 000 000")]
        XCTAssertEqual(
            errors(apply(["modifier_dispositif: { dispositif: etat.detr, variation: +1000 % }"], operations: operations)),
            ["4:5 scenario lecture `etat.detr` de l'opération `b` : 1 000 000 000,00 € avec la variation de 1000 % dépasserait 10 000 000 000,00 €"])
        // × 6 then × 1,5: 9 000 000 000, accepted; a and c unchanged.
        let fine = apply(["modifier_dispositif: { dispositif: etat.detr, variation: +500 % }", "modifier_dispositif: { dispositif: etat.detr, variation: +50 % }"], operations: operations)
        let plans = try XCTUnwrap(fine.plans, "\(errors(fine))")
        XCTAssertEqual(plans.operations.map { $0.funding[0].amount }, [.balance, .fixed(Money(euros: 9_000_000_000)), .balance])
        // A change of works after them still finds no DETR line past its bound.
        XCTAssertEqual(errors(apply(["modifier_dispositif: { dispositif: etat.detr, variation: +500 % }", "modifier_depenses: { operation: toutes, variation: +5 % }"], operations: operations)), [])
    }
}
