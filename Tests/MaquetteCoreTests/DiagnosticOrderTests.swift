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
}
