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

    /// What the operations draw on the envelopes is gathered block by block, then added up: the
    /// same finding, with the operations in their order, as one pass over the whole programme.
    func testEnvelopeDrawsGatheredByBlocksAreTheWholeProgrammes() throws {
        // 300 operations over three blocks: the odd ones ask 10 000 € of DETR filed in 2026, the
        // even ones 20 000 € filed in 2027; every third one is refused and draws nothing.
        let funders = """
            enveloppes:
              - { dispositif: etat.detr, annee: 2026, montant: 1 000 000 }
              - { dispositif: etat.detr, annee: 2027, montant: 2 000 000 }
            """
        let operations = (1...300).map { i -> String in
            let status = i % 3 == 0 ? "refuse" : "sollicite"
            let line = i % 2 == 1
                ? "  - { dispositif: etat.detr, montant: 10 000, statut: \(status), depot: 2026-01-15 }"
                : "  - { dispositif: etat.detr, montant: 20 000, statut: \(status), depot: 2027-01-15 }"
            return PlanFixture.operation(line + "\n  - autofinancement: solde", id: "op\(i)")
        }
        let plans = try XCTUnwrap(PlanFixture.load(operations, funders: funders).plans)
        let (diagnostics, _) = Rules.figuresAndCheck(plans)
        let found = diagnostics.with(rule: .enveloppeAnnuelle)
        // 2026: 150 odd operations, 100 of them not refused (odd and not a multiple of 3), 10 000 €
        // each: 1 000 000 €, not past the envelope. 2027: 150 even ones, 100 not refused, 20 000 €
        // each: 2 000 000 €, not past it either.
        XCTAssertEqual(found, [])
        XCTAssertEqual(found, Rules.check(plans).with(rule: .enveloppeAnnuelle))

        let tighter = funders.replacingOccurrences(of: "montant: 2 000 000", with: "montant: 1 500 000")
        let tight = try XCTUnwrap(PlanFixture.load(operations, funders: tighter).plans)
        let exceeded = Rules.figuresAndCheck(tight).diagnostics.with(rule: .enveloppeAnnuelle)
        XCTAssertEqual(exceeded.count, 1)
        XCTAssertTrue(exceeded[0].message.contains("les opérations en demandent 2 000 000,00 € (dépassement 500 000,00 €)"), exceeded[0].message)
        // Every operation drawing, in the programme's order: op2, op4, op8, op10, … op298.
        let drawing = (1...300).filter { $0 % 2 == 0 && $0 % 3 != 0 }.map { "op\($0)" }
        XCTAssertEqual(drawing.count, 100)
        XCTAssertEqual(exceeded[0].concerns, drawing)
        XCTAssertEqual(exceeded[0].notes.first, "op2 : 20 000,00 €")
        XCTAssertEqual(exceeded[0].notes[99], "op298 : 20 000,00 €")
        XCTAssertEqual(exceeded, Rules.check(tight).with(rule: .enveloppeAnnuelle))
    }
    /// Plans put together in code may hold one identifier twice (the loader keeps the first): two
    /// operations of the same identifier, the last of one block and the first of the next, draw
    /// on the envelope as one, as a single pass over the programme adds them.
    func testEnvelopeDrawsOfOneIdentifierAcrossTwoBlocksAreAddedUp() throws {
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2026, montant: 1 000 000 }"
        // 256 operations of 5 000 € of DETR filed in 2026: 1 280 000 €, 280 000 € past the envelope.
        let operations = (1...256).map { i in
            PlanFixture.operation("  - { dispositif: etat.detr, montant: 5 000, statut: sollicite, depot: 2026-01-15 }\n  - autofinancement: solde", id: "op\(i)")
        }
        var plans = try XCTUnwrap(PlanFixture.load(operations, funders: funders).plans)
        // The 129th (first of the second block) takes the 128th's identifier.
        plans.operations[Rules.blockSize].id = plans.operations[Rules.blockSize - 1].id
        let whole = Rules.check(plans).with(rule: .enveloppeAnnuelle)
        XCTAssertEqual(whole.count, 1)
        XCTAssertTrue(whole[0].message.contains("les opérations en demandent 1 280 000,00 € (dépassement 280 000,00 €)"), whole[0].message)
        // 255 identifiers, op128 drawing 10 000 €.
        XCTAssertEqual(whole[0].notes.count, 255 + 1)
        XCTAssertTrue(whole[0].notes.contains("op128 : 10 000,00 €"), "\(whole[0].notes)")
        XCTAssertEqual(Rules.figuresAndCheck(plans).diagnostics.with(rule: .enveloppeAnnuelle), whole)
    }
}
