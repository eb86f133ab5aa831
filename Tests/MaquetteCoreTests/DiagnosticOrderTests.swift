import XCTest

@testable import MaquetteCore

final class DiagnosticOrderTests: XCTestCase {
    private func d(_ file: String?, _ line: Int = 0, _ column: Int = 0, _ rule: DiagnosticID, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.erreur, rule: rule, message, at: file.map { SourceLocation(file: $0, line: line, column: column) }, notes: notes)
    }

    /// Worked by hand: no location first (then by rule id, `equilibre` < `type`); files by name
    /// (`a-b.yaml` < `a.yaml`, '-' before '.'); lines as numbers (2 before 10); equal places by
    /// message; equal diagnostics kept in their order (told apart by their notes).
    func testOrdersByFileLineColumnThenRuleAndMessageAndKeepsTies() {
        let list = [
            d("b.yaml", 3, 1, .equilibre, "z", notes: ["premier"]),
            d(nil, 0, 0, .type, "b"),
            d("a.yaml", 10, 2, .equilibre, "x"),
            d("a.yaml", 2, 5, .equilibre, "x"),
            d("a.yaml", 10, 2, .equilibre, "a"),
            d(nil, 0, 0, .equilibre, "b"),
            d("b.yaml", 3, 1, .equilibre, "z", notes: ["second"]),
            d("a-b.yaml", 1, 1, .type, "m"),
        ]
        let sorted = Diagnostic.inOrder(list)
        XCTAssertEqual(
            sorted.map { "\($0.location?.description ?? "-") \($0.rule.rawValue) \($0.message) \($0.notes.joined())" },
            [
                "- equilibre b ", "- type b ", "a-b.yaml:1:1 type m ", "a.yaml:2:5 equilibre x ", "a.yaml:10:2 equilibre a ",
                "a.yaml:10:2 equilibre x ", "b.yaml:3:1 equilibre z premier", "b.yaml:3:1 equilibre z second",
            ])
        XCTAssertEqual(sorted, list.sorted(by: Diagnostic.ordered))
        // A list already in order is kept as it is, ties in their order.
        XCTAssertEqual(Diagnostic.inOrder(sorted), sorted)
    }

    /// The same order as the comparison it stands for, on a seeded jumble with many ties.
    func testAgreesWithTheComparisonOnManyDiagnostics() {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let rules: [DiagnosticID] = [.equilibre, .type, .valeur]
        let list = (0..<2_000).map { i in
            d(next(5) == 0 ? nil : "operations/op-\(next(30)).yaml", next(6), next(3), rules[next(3)], "m\(next(4))", notes: ["\(i)"])
        }
        XCTAssertEqual(Diagnostic.inOrder(list), list.sorted(by: Diagnostic.ordered))
        XCTAssertEqual(Diagnostic.inOrder([]), [])
    }

    /// Two sorted lists merged: by place first; on a tie (same place, rule and words), the first
    /// list's before the second's, unless the tie-break given says otherwise. Worked by hand:
    /// `a.yaml:1:1` from both lists tie; by default the first list's (`gauche`) comes first, with
    /// a tie-break preferring the second (`droite`) it comes first; the rest is in place order.
    func testMergesTwoSortedListsWithTheTieBreakGiven() {
        let left = [d("a.yaml", 1, 1, .equilibre, "x", notes: ["gauche"]), d("b.yaml", 5, 1, .type, "y")]
        let right = [d(nil, 0, 0, .valeur, "z"), d("a.yaml", 1, 1, .equilibre, "x", notes: ["droite"]), d("a.yaml", 2, 1, .type, "w")]
        func described(_ list: [Diagnostic]) -> [String] { list.map { "\($0.location?.description ?? "-") \($0.notes.joined())" } }
        XCTAssertEqual(described(Diagnostic.merged(left, right)), ["- ", "a.yaml:1:1 gauche", "a.yaml:1:1 droite", "a.yaml:2:1 ", "b.yaml:5:1 "])
        XCTAssertEqual(Diagnostic.merged(left, right), (left + right).sorted(by: Diagnostic.ordered))
        let preferRight = Diagnostic.merged(left, right, onTie: { b, _ in b.notes == ["droite"] })
        XCTAssertEqual(described(preferRight), ["- ", "a.yaml:1:1 droite", "a.yaml:1:1 gauche", "a.yaml:2:1 ", "b.yaml:5:1 "])
        // The tie-break is asked only on ties (here one: `a.yaml:1:1`), and an answer of always
        // « the right-hand one first » moves no other.
        var asked = 0
        let always = Diagnostic.merged(left, right, onTie: { _, _ in
            asked += 1
            return true
        })
        XCTAssertEqual(described(always), described(preferRight))
        XCTAssertEqual(asked, 1)
    }

    /// A diagnostic is a value: a changed copy (a note added, the operation named) leaves the
    /// original as it was; two are equal by their fields, shared or built apart.
    func testADiagnosticChangedIsACopyTheOriginalUnchanged() {
        let original = d("a.yaml", 3, 7, .equilibre, "déséquilibre de 50 000,00 €", notes: ["vérifiez"])
        var changed = original
        XCTAssertEqual(changed, original)
        changed.notes.append("second conseil")
        changed.operation = "halle"
        XCTAssertEqual(original.notes, ["vérifiez"])
        XCTAssertNil(original.operation)
        XCTAssertEqual(changed.notes, ["vérifiez", "second conseil"])
        XCTAssertEqual(changed.operation, "halle")
        XCTAssertNotEqual(changed, original)
        XCTAssertEqual(d("a.yaml", 3, 7, .equilibre, "déséquilibre de 50 000,00 €", notes: ["vérifiez"]), original)
        XCTAssertEqual(original.stage, .regle)
    }

    /// An operation is a value too: a scenario's change to a copy (a cost line's amount, a date)
    /// leaves the programme's operation as it was, including a change inside one of its lines.
    func testAnOperationChangedIsACopyTheOriginalUnchanged() {
        let cost = CostLine(label: "Travaux", nature: .travaux, amountHT: Money(cents: 100_000_000), vatRate: Rate(percent: 20), years: [(2026, Money(cents: 100_000_000))])
        let original = Operation(
            id: "halle", title: "Halle aux grains", maitreOuvrage: "lectoure", costs: [cost], funding: [], file: "operations/halle.yaml",
            location: SourceLocation(file: "operations/halle.yaml", line: 1, column: 1))
        // Each kind of change first made on a copy still shared with the original.
        var moved = original
        moved.location = nil
        XCTAssertEqual(original.location?.description, "operations/halle.yaml:1:1")
        XCTAssertNil(moved.location)
        var changed = original
        changed.costs[0].amountHT = Money(cents: 150_000_000)
        changed.end = Day(year: 2027, month: 12, day: 31)
        changed.location = nil
        XCTAssertEqual(original.costs[0].amountHT, Money(cents: 100_000_000))
        XCTAssertNil(original.end)
        XCTAssertEqual(original.location(of: "id")?.description, "operations/halle.yaml:1:1")
        XCTAssertEqual(changed.costs[0].amountHT, Money(cents: 150_000_000))
        XCTAssertEqual(changed.end, Day(year: 2027, month: 12, day: 31))
        XCTAssertNil(changed.location)
        XCTAssertNotEqual(changed, original)
        changed.costs[0].amountHT = Money(cents: 100_000_000)
        changed.end = nil
        changed.location = original.location
        XCTAssertEqual(changed, original, "equal by fields once changed back")
    }

    /// A funding line too: a scenario refusing a copy of it (its status, its amount) and moving
    /// it leaves the operation's line as it was; equal by fields.
    func testAFundingLineChangedIsACopyTheOriginalUnchanged() {
        let original = FundingLine(
            source: .dispositif("etat.detr"), amount: .fixed(Money(cents: 30_000_000)), status: .sollicite,
            location: SourceLocation(file: "operations/halle.yaml", line: 31, column: 7))
        var moved = original
        moved.location = nil
        XCTAssertEqual(original.location(of: "montant")?.description, "operations/halle.yaml:31:7")
        XCTAssertNil(moved.location(of: "montant"))
        var refused = original
        refused.status = .refuse
        refused.amount = .rate(Rate(percent: 25))
        XCTAssertEqual(original.status, .sollicite)
        XCTAssertEqual(original.amount, .fixed(Money(cents: 30_000_000)))
        XCTAssertEqual(refused.status, .refuse)
        XCTAssertEqual(refused.dispositifID, "etat.detr")
        XCTAssertNotEqual(refused, original)
        refused.status = .sollicite
        refused.amount = .fixed(Money(cents: 30_000_000))
        XCTAssertEqual(refused, original, "equal by fields once changed back")
    }
}
