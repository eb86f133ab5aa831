import XCTest

@testable import MaquetteCore
@testable import MaquettePlans

/// The rules' findings, sorted block by block then merged, are the list sorting them all at once
/// gave: the programme's rules' findings then the blocks' (``Rules/check``), or the blocks' then
/// the programme's (``Rules/figuresAndCheck``), in one stable sort.
final class RuleMergeOracleTests: XCTestCase {
    /// The stable sort of `list` by `Diagnostic.ordered`, ties kept in the order given.
    private func stablySorted(_ list: [Diagnostic]) -> [Diagnostic] {
        list.indices.sorted { i, j in
            Diagnostic.ordered(list[i], list[j]) || (!Diagnostic.ordered(list[j], list[i]) && i < j)
        }.map { list[$0] }
    }

    func testMergedFindingsAreTheWholeSortOnAProgrammeOfManyBlocks() throws {
        // 300 operations (three blocks of 128 at most, more than 256 so that they run on every
        // core): one in three short of 50 000 €, one in three notified with a range of rates,
        // one in five with a dated line left unnamed. File names op1 … op300 do not sort as
        // numbers: op10 comes before op2.
        let operations = (1...300).map { i -> String in
            var funding = i % 3 == 0 ? "  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: 650 000"
                : i % 3 == 1 ? "  - { dispositif: etat.detr, taux: 25 % .. 35 %, statut: notifie, depot: 2024-10-01, notification: 2025-03-01 }\n  - autofinancement: solde"
                : "  - { dispositif: etat.detr, montant: 300 000 }\n  - autofinancement: solde"
            if i % 5 == 0 { funding = funding.replacingOccurrences(of: "montant: 300 000", with: "montant: 300 000, statut: sollicite") }
            return PlanFixture.operation(funding, id: "op\(i)")
        }
        let plans = try XCTUnwrap(PlanFixture.load(operations).plans)
        let rules = Rules.selected(only: [], skip: [])
        let figures = Financing.figures(of: plans)
        let context = RuleContext(plans: plans, figures: figures)
        let programmeFound = rules.programme.flatMap { $0.check(context) }
        let blocksFound = stride(from: 0, to: figures.count, by: Rules.blockSize).flatMap { start in
            let block = RuleContext(plans: plans, figures: Array(figures[start..<min(start + Rules.blockSize, figures.count)]))
            return rules.operation.flatMap { $0.check(block) }
        }
        XCTAssertGreaterThan(blocksFound.count, 200)
        XCTAssertEqual(Rules.check(plans, figures: figures), stablySorted(programmeFound + blocksFound))
        let (diagnostics, checkedFigures) = Rules.figuresAndCheck(plans)
        XCTAssertEqual(checkedFigures.count, 300)
        XCTAssertEqual(diagnostics, stablySorted(blocksFound + programmeFound))
    }
}
