import XCTest

@testable import MaquetteCore

/// The bounds that keep every sum of a plan within 64 bits, and the years a plan may use.
final class PlanBoundsTests: XCTestCase {
    func testAcceptedYearsOfAProgramme() throws {
        let reference = try XCTUnwrap(Day(year: 2024, month: 1, day: 1))
        var programme = Programme(id: "p", name: "P", firstYear: 2024, lastYear: 2028, referenceDay: reference, maitresOuvrage: [])
        XCTAssertEqual(programme.acceptedYears, 2014...2038)
        XCTAssertEqual(programme.acceptedYearsText, "2014 à 2038 (période 2024-2028 ± 10 ans)")
        // A period written backwards still gives a range (no trap building it).
        programme.lastYear = 2020
        XCTAssertEqual(programme.acceptedYears, 2010...2034)
        programme.firstYear = .max
        XCTAssertEqual(programme.acceptedYears.upperBound, .max)
    }

    func plans(lines: Int, eachHT: Money, funding: [FundingLine] = []) throws -> Plans {
        let reference = try XCTUnwrap(Day(year: 2025, month: 1, day: 1))
        let costs = (0..<lines).map { i in
            CostLine(label: "L\(i)", nature: .travaux, amountHT: eachHT, vatRate: .zero, years: [(2025, eachHT)])
        }
        let operation = Operation(id: "op", title: "Op", maitreOuvrage: "c", costs: costs, funding: funding)
        let programme = Programme(
            id: "p", name: "P", firstYear: 2024, lastYear: 2028, referenceDay: reference,
            maitresOuvrage: [MaitreOuvrage(id: "c", name: "C", selfFinancingCapacity: Money(euros: 7))])
        return Plans(programme: programme, catalogue: Catalogue(envelopes: [Envelope(dispositif: "x", year: 2025, amount: Money(euros: 3))]), operations: [operation])
    }

    func testProgrammeTotalCountsEveryAmountOnce() throws {
        // One line of 1 000 € HT at 20 %: HT 1 000 + TTC 1 200 = 2 200; a fixed 300 €; 50 % of
        // the largest base (2 200) = 1 100; a balance counted as the costs, 2 200; a declared base
        // of 400 and 100 paid; the envelope of 3 € and the capacity of 7 €:
        // 2 200 + 300 + 1 100 + 2 200 + 400 + 100 + 3 + 7 = 6 310 € in all.
        let line = CostLine(label: "T", nature: .travaux, amountHT: Money(euros: 1_000), vatRate: Rate(percent: 20), years: [(2025, Money(euros: 1_000))])
        let funding = [
            FundingLine(source: .dispositif("a"), amount: .fixed(Money(euros: 300))),
            FundingLine(source: .dispositif("b"), amount: .rate(Rate(percent: 50)), declaredBase: Money(euros: 400), paid: Money(euros: 100)),
            FundingLine(source: .own(.autofinancement), amount: .balance),
        ]
        var plans = try plans(lines: 0, eachHT: .zero)
        plans.operations[0].costs = [line]
        plans.operations[0].funding = funding
        XCTAssertEqual(AmountBounds.programmeTotal(plans), Int128(Money(euros: 6_310).cents))
        XCTAssertTrue(AmountBounds.fits(plans))
    }

    func testAScenarioMayNotTakeTheProgrammeBeyondItsTotal() throws {
        // 900 lines of 5 000 000 000 € HT without VAT: 900 × (5 + 5) × 10^9 € = 9 × 10^12 €, under
        // the 10^13 € of a programme. +20 % gives 6 × 10^9 € a line (under the 10^10 € of a line)
        // but 1,08 × 10^13 € in all: refused, located on the change, the plans left as they were.
        let base = try plans(lines: 900, eachHT: Money(euros: 5_000_000_000))
        XCTAssertTrue(AmountBounds.fits(base))
        let at = SourceLocation(file: "P/scenarios/s.yaml", line: 4, column: 5)
        let change = ScenarioChange(.changeCost(operation: .all, nature: nil, label: nil, amount: nil, variation: Rate(percent: 20)), at: at)
        let (plans, diagnostics) = ScenarioEngine.apply([Scenario(id: "s", title: "S", changes: [change])], to: base)
        XCTAssertEqual(diagnostics.map(\.location), [at])
        XCTAssertEqual(diagnostics.map(\.stage), [.lecture])
        XCTAssertEqual(diagnostics.map(\.rule.rawValue), ["scenario"])
        XCTAssertEqual(diagnostics.first?.message, "ce changement porterait les montants du programme au-delà de 10 000 000 000 000,00 € au total")
        XCTAssertEqual(plans.operations[0].costs[0].amountHT, Money(euros: 5_000_000_000))
        // +10 %: 9,9 × 10^12 €, accepted.
        let smaller = ScenarioChange(.changeCost(operation: .all, nature: nil, label: nil, amount: nil, variation: Rate(percent: 10)), at: at)
        let (grown, none) = ScenarioEngine.apply([Scenario(id: "s", title: "S", changes: [smaller])], to: base)
        XCTAssertEqual(none, [])
        XCTAssertEqual(grown.operations[0].costs[899].amountHT, Money(euros: 5_500_000_000))
    }

    /// The 900 lines of 5 × 10^9 € HT above, as three operations of 300 lines each.
    func threeOperations() throws -> Plans {
        var plans = try plans(lines: 300, eachHT: Money(euros: 5_000_000_000))
        let operation = plans.operations[0]
        plans.operations = (1...3).map { n in
            var copy = operation
            copy.id = "op\(n)"
            return copy
        }
        return plans
    }

    func costChange(_ percent: Int64, line: Int) -> ScenarioChange {
        ScenarioChange(
            .changeCost(operation: .all, nature: nil, label: nil, amount: nil, variation: Rate(percent: percent)),
            at: SourceLocation(file: "P/scenarios/s.yaml", line: line, column: 5))
    }

    func testTheValidationKeepsEachChangeForTheNext() throws {
        // +10 % then −50 % over the three operations: 900 × 5,5 × 10^9 € × 2 (HT, and TTC without
        // VAT) = 9,9 × 10^12 €, then 900 × 2,75 × 10^9 € × 2 = 4,95 × 10^12 €; each with the
        // envelope's 3 € and the capacity's 7 €, in cents.
        let base = try threeOperations()
        let (none, validation) = ScenarioEngine.validate([Scenario(id: "s", title: "S", changes: [costChange(10, line: 4), costChange(-50, line: 5)])], on: base)
        XCTAssertEqual(none, [])
        XCTAssertEqual(validation?.totals, [990_000_000_001_000, 495_000_000_001_000])
        // Twice +10 %: the second takes each line to 6,05 × 10^9 €, 1,089 × 10^13 € in all, past
        // the programme's bound: refused on its own line; the first stands.
        let (refused, _) = ScenarioEngine.validate([Scenario(id: "s", title: "S", changes: [costChange(10, line: 4), costChange(10, line: 5)])], on: base)
        XCTAssertEqual(refused.map { $0.location?.line }, [5])
        XCTAssertEqual(refused.map(\.message), ["ce changement porterait les montants du programme au-delà de 10 000 000 000 000,00 € au total"])
    }

    func testTheValidationNamesTheFirstOperationPastALineBound() throws {
        // The second operation's first line set to 10 000 000 000,01 €, one cent past a line's bound.
        var base = try threeOperations()
        let at = SourceLocation(file: "P/scenarios/s.yaml", line: 4, column: 5)
        let one = ScenarioChange(.changeCost(operation: .one("op2"), nature: nil, label: "L0", amount: Money(cents: 1_000_000_000_001), variation: nil), at: at)
        let (problems, validation) = ScenarioEngine.validate([Scenario(id: "s", title: "S", changes: [one])], on: base)
        XCTAssertNil(validation)
        XCTAssertEqual(problems.map(\.message), ["la dépense « L0 » de l'opération `op2` atteindrait 10 000 000 000,01 € HT, au-delà de 10 000 000 000,00 € par ligne"])
        // With the first line of the second and third operations at 6 × 10^9 € (9,004 × 10^12 € in
        // all), +100 % over the whole programme takes the first operation's lines to 10^10 €, the
        // bound, accepted, and breaks the second operation's first line, named before the third's.
        base.operations[1].costs[0].amountHT = Money(euros: 6_000_000_000)
        base.operations[2].costs[0].amountHT = Money(euros: 6_000_000_000)
        let (lines, _) = ScenarioEngine.validate([Scenario(id: "s", title: "S", changes: [costChange(100, line: 4)])], on: base)
        XCTAssertEqual(lines.map(\.message), ["la dépense « L0 » de l'opération `op2` atteindrait 12 000 000 000,00 € HT, au-delà de 10 000 000 000,00 € par ligne"])
    }

    func testAnEligibleBaseSumsTheEligibleLinesOnItsBasis() {
        // Works 100 000 HT at 20 % (restoration), works 40 000 HT at 20 % (an extension), studies
        // 10 000 HT at 20 %, land 30 000 without VAT.
        func line(_ nature: CostNature, _ euros: Int64, _ vat: Int64, _ work: HeritageWork? = nil) -> CostLine {
            var line = CostLine(label: "\(nature)", nature: nature, amountHT: Money(euros: euros), vatRate: Rate(percent: vat), years: [(2025, Money(euros: euros))])
            line.heritageWork = work
            return line
        }
        let operation = Operation(
            id: "op", title: "Op", maitreOuvrage: "c",
            costs: [line(.travaux, 100_000, 20, .restauration), line(.travaux, 40_000, 20, .extension), line(.etudes, 10_000, 20), line(.acquisition, 30_000, 0)],
            funding: [])
        // Works and studies, HT: 150 000; TTC: 180 000.
        let ht = Dispositif(id: "a", funder: "f", name: "A", nature: .subvention, regime: .decret2018514, eligibleNatures: [.travaux, .etudes])
        XCTAssertEqual(Financing.eligibleCosts(of: ht, in: operation), Money(euros: 150_000))
        var ttc = ht
        ttc.basis = .ttc
        XCTAssertEqual(Financing.eligibleCosts(of: ttc, in: operation), Money(euros: 180_000))
        // Every nature: 180 000 HT. The DRAC leaves the extension out: 140 000 HT.
        let all = Dispositif(id: "b", funder: "f", name: "B", nature: .subvention, regime: .decret2018514)
        XCTAssertEqual(Financing.eligibleCosts(of: all, in: operation), Money(euros: 180_000))
        let drac = Dispositif(id: "c", funder: "f", name: "C", nature: .subvention, regime: .decret2018514, roles: [.dracMonuments])
        XCTAssertEqual(Financing.eligibleCosts(of: drac, in: operation), Money(euros: 140_000))
    }
}
