import Foundation
import MaquetteCore
import XCTest

@testable import MaquettePlans

/// A seeded structural fuzzer over the shipped plans: each case mutates plan files at the node
/// level (types, zeros, empties, missing and extra keys, extreme values, deep scenarios), writes
/// them back as YAML, and runs the reader, the figures, the rules, the treasury, a short
/// simulation and the workbook model on the result, base and every scenario.
///
/// It holds when nothing traps (a trap ends the test process: the case that did it is left in
/// `.build/fuzz-last/`), every read error is located in a file, and what reads is a plan the
/// rest of Maquette accepts. `MAQUETTE_FUZZ_CASES` and `MAQUETTE_FUZZ_SEED` change the run
/// (`scripts/fuzz-long.sh` runs many more cases before a release).
final class StructuralFuzzTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Values that have broken or could break something: zeros, empties, signs, overflows, far
    /// dates, vocabulary out of place, huge and strange texts.
    static let extremes = [
        "0", "0 %", "0,00", "", "~", "-1", "-0", "1", "99 999 999 999", "999999999999999999999", "100000000000", "1e308", "0.001", "100 %",
        "1000 %", "99999 %", "-5 %", "100.0001 %", "99999999999999999999999 %", "1,99999999999999999999 %", "2025-02-30", "2024-02-29", "1900-01-01", "2200-12-31", "0000-01-01", "9999-12",
        "2025-13", "1900", "2200", "42021", "a-fournir", "solde", "toutes", "N+2", "N", "refuse", "verse", "notifie", "envisage", "oui", "non",
        "etat.detr", "etat.dsil", "drac.monuments-historiques", "drac.fip", "europe.leader", "anah.chef-de-projet", "epf.occitanie",
        "commune", "lectoure", "fleurance", "cc-lomagne-gersoise", "classe", "inscrit", "travaux", "etudes", "acquisition", "fonctionnement",
        "25 % .. 35 %", "35 % .. 25 %", "+1000 %", "-100 %", "+12 mois", "-400 ans", "480", "x", "é", "\u{FEFF}", "Voirie & réseaux",
        String(repeating: "a", count: 40_000),
    ]

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    /// A node tree that can be changed and written back.
    indirect enum Tree {
        case scalar(String)
        case map([(String, Tree)])
        case list([Tree])

        init(_ node: Node) {
            switch node.kind {
            case .scalar: self = .scalar(node.scalarText)
            case .mapping:
                self = .map(node.pairs.map { key, value in
                    if key.isScalar { return (key.scalarText, Tree(value)) }
                    return ("?", Tree(value))
                })
            case .sequence: self = .list(node.items.map(Tree.init))
            }
        }

        /// Flow YAML: every scalar double-quoted unless it is plainly safe, so that what is
        /// read back is the text chosen.
        var yaml: String {
            switch self {
            case .scalar(let s): return Self.quoted(s)
            case .map(let entries): return "{" + entries.map { "\(Self.quoted($0.0)): \($0.1.yaml)" }.joined(separator: ", ") + "}"
            case .list(let items): return "[" + items.map(\.yaml).joined(separator: ", ") + "]"
            }
        }

        static func quoted(_ s: String) -> String {
            if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || " -.%+".contains($0) }), s.first != " ", s.last != " ", s.first != "-" {
                return s
            }
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default:
                    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                        out += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }

        /// How many nodes the tree has (to pick one at random).
        var count: Int {
            switch self {
            case .scalar: return 1
            case .map(let e): return 1 + e.reduce(0) { $0 + $1.1.count }
            case .list(let i): return 1 + i.reduce(0) { $0 + $1.count }
            }
        }

        /// The tree with node number `target` (pre-order) replaced by `change(node)`.
        func replacing(_ target: Int, _ change: (Tree) -> Tree) -> Tree {
            var index = 0
            return replacing(target, &index, change)
        }

        private func replacing(_ target: Int, _ index: inout Int, _ change: (Tree) -> Tree) -> Tree {
            if index == target {
                index += 1
                return change(self)
            }
            index += 1
            switch self {
            case .scalar: return self
            case .map(let entries): return .map(entries.map { ($0.0, $0.1.replacing(target, &index, change)) })
            case .list(let items): return .list(items.map { $0.replacing(target, &index, change) })
            }
        }

        var keys: [String] {
            switch self {
            case .scalar: return []
            case .map(let e): return e.map(\.0) + e.flatMap { $0.1.keys }
            case .list(let i): return i.flatMap(\.keys)
            }
        }
    }

    /// An extreme value of the same kind as `text` (amount, rate, date, year), if it has one.
    static func sameKind(as text: String, _ g: inout Generator) -> String? {
        let amounts = ["0", "0,01", "1", "99 999 999 999", "100 000 000 000", "50 000 000 000", "1 000 000 000"]
        let rates = ["0 %", "0,0001 %", "100 %", "99,9999 %", "20 %", "80 %"]
        let dates = ["1900-01-01", "2200-12-31", "2024-02-29", "2020-01-01", "2035-12-31", "2025-12", "2100-06-30"]
        let years = ["1900", "2200", "2020", "2040", "2100"]
        if text.hasSuffix("%") { return g.pick(rates) }
        if text.count == 4, Int(text) != nil { return g.pick(years) }
        if text.count >= 7, text.dropFirst(4).first == "-", Int(text.prefix(4)) != nil { return g.pick(dates) }
        if let first = text.first, first.isNumber { return g.pick(amounts) }
        return nil
    }

    func mutate(_ tree: Tree, _ g: inout Generator, knownKeys: [String]) -> Tree {
        let target = g.below(tree.count)
        let kind = g.below(16)
        let extreme = g.pick(Self.extremes)
        let key = g.pick(knownKeys + ["inconnue", "id", "montant", "taux", "annees", "parent", "changements"])
        return tree.replacing(target) { node in
            switch (kind, node) {
            case (0...8, .scalar(let text)): return .scalar(Self.sameKind(as: text, &g) ?? text)
            case (0...3, _): return node
            case (9...10, _): return .scalar(extreme)
            case (11, _): return g.below(2) == 0 ? .map([]) : .list([])
            case (12, .map(var entries)) where !entries.isEmpty:
                entries.remove(at: g.below(entries.count))
                return .map(entries)
            case (13, .map(var entries)):
                entries.append((key, .scalar(extreme)))
                return .map(entries)
            case (14, .list(var items)) where !items.isEmpty:
                items.append(items[g.below(items.count)])
                return .list(items)
            case (14, .map(var entries)) where !entries.isEmpty:
                entries.append(entries[g.below(entries.count)])
                return .map(entries)
            case (15, _): return .list([node, node])
            default: return .map([(key, node)])
            }
        }
    }

    /// A scenario of random changes with extreme values, sometimes with a parent.
    func scenario(_ n: Int, _ g: inout Generator, operations: [String]) -> String {
        let kinds = ["refuser", "retirer", "modifier_financement", "modifier_dispositif", "modifier_depenses", "decaler", "ajouter_financement"]
        var changes: [String] = []
        for _ in 0..<(1 + g.below(12)) {
            let op = g.below(4) == 0 ? "toutes" : g.pick(operations)
            let value = Tree.quoted(g.below(2) == 0 ? g.pick(["+1000 %", "-100 %", "+99999 %", "12", "-12", "480", "-400", "100", "10 000 000 000"]) : g.pick(Self.extremes))
            let line = g.pick(["etat.dsil", "etat.detr", "region.bourgs-centres", "autofinancement"])
            switch g.pick(kinds) {
            case "refuser": changes.append("{ refuser: { operation: \(op), ligne: \(line) } }")
            case "retirer": changes.append("{ retirer: { operation: \(op), ligne: \(line) } }")
            case "modifier_financement":
                changes.append("{ modifier_financement: { operation: \(op), ligne: \(line), \(g.pick(["montant", "taux", "statut"])): \(value) } }")
            case "modifier_dispositif":
                changes.append("{ modifier_dispositif: { dispositif: \(line), \(g.pick(["variation", "taux-max", "plafond"])): \(value) } }")
            case "modifier_depenses": changes.append("{ modifier_depenses: { operation: \(op), \(g.pick(["variation", "montant_ht"])): \(value) } }")
            case "decaler": changes.append("{ decaler: { operation: \(op), \(g.pick(["mois", "annees"])): \(value) } }")
            default: changes.append("{ ajouter_financement: { operation: \(op), financement: { dispositif: etat.fonds-vert, montant: \(value) } } }")
            }
        }
        let parent = n > 0 && g.below(2) == 0 ? "parent: fuzz-\(g.below(n))\n" : ""
        return "id: fuzz-\(n)\ntitre: Essai \(n)\n\(parent)changements: [\(changes.joined(separator: ", "))]\n"
    }

    func testMutatedPlansNeverTrapAndEveryReadErrorIsLocated() throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = Int(environment["MAQUETTE_FUZZ_CASES"] ?? "") ?? 300
        let seed = UInt64(environment["MAQUETTE_FUZZ_SEED"] ?? "") ?? 20_261_127
        let plansFolder = Self.packageRoot.appendingPathComponent("Plans")
        let base = PlanLoader.load(folder: plansFolder.path)
        XCTAssertNotNil(base.plans)
        // Paths as the loader gives them, texts as they are on disk.
        let originals = base.sources.sorted { $0.key < $1.key }.map { PlanFile(path: $0.key, text: $0.value) }
        let trees: [String: Tree] = Dictionary(
            uniqueKeysWithValues: originals.compactMap { file in
                guard case .success(let document) = YAMLComposer(file: file.path, maximumDepth: 40).compose(file.text) else { return nil }
                return document.withRoot { $0.map { (file.path, Tree($0)) } }
            })
        let knownKeys = Array(Set(trees.values.flatMap(\.keys))).sorted()
        let operations = base.plans?.operations.map(\.id) ?? []
        let root = plansFolder.path
        let last = Self.packageRoot.appendingPathComponent(".build/fuzz-last")
        var g = Generator(state: seed)
        var outcomes: [String: Int] = [:]
        for n in 0..<cases {
            var files = originals
            for _ in 0..<(g.below(4) == 0 ? 2 : 1) {
                let i = g.below(files.count)
                guard let tree = trees[files[i].path] else { continue }
                files[i] = PlanFile(path: files[i].path, text: mutate(tree, &g, knownKeys: knownKeys).yaml + "\n")
            }
            if g.below(3) == 0 {
                for k in 0..<(1 + g.below(3)) {
                    files.append(PlanFile(path: "\(root)/scenarios/fuzz-\(k).yaml", text: scenario(k, &g, operations: operations)))
                }
            }
            // Kept on disk before running, so that a trap leaves the case that caused it.
            try? FileManager.default.removeItem(at: last)
            for file in files {
                let url = last.appendingPathComponent(String(file.path.dropFirst(root.count + 1)))
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? file.text.write(to: url, atomically: false, encoding: .utf8)
            }
            let loaded = PlanLoader.load(files: files, root: root)
            let outcome = run(loaded, case: n)
            outcomes[outcome, default: 0] += 1
            for scenario in loaded.scenarios where outcome == "lu" {
                outcomes["scénario " + run(loaded.applying(scenario: scenario.id), case: n), default: 0] += 1
            }
        }
        // The mutations reach every outcome (else the fuzzer tests nothing).
        XCTAssertGreaterThan(outcomes["lecture", default: 0], cases / 10, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["lu", default: 0], cases / 10, "\(outcomes)")
        print("fuzz: \(cases) cases, seed \(seed): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Runs everything on one loaded case; returns "lecture" (exit 2) or "lu".
    func run(_ loaded: LoadResult, case n: Int) -> String {
        for d in loaded.diagnostics where d.stage == .lecture && d.severity == .erreur {
            XCTAssertNotNil(d.location, "case \(n): read error without a place: \(d.message)")
            if let l = d.location { XCTAssertTrue(l.line >= 1 && l.column >= 1, "case \(n): \(l) \(d.message)") }
            XCTAssertFalse(d.message.isEmpty, "case \(n)")
        }
        guard let plans = loaded.plans, !loaded.hasReadErrors else {
            if ProcessInfo.processInfo.environment["MAQUETTE_FUZZ_DEBUG"] != nil { print("case \(n):", loaded.diagnostics.filter { $0.severity == .erreur }.prefix(2).map { "\($0.location?.description ?? "") \($0.message)" }) }
            return "lecture"
        }
        let figures = Financing.figures(of: plans)
        let diagnostics = Rules.check(plans, figures: figures)
        for d in diagnostics { XCTAssertEqual(d.stage, .regle, "case \(n): \(d.rule)") }
        let tables = Treasury.tables(figures, plans: plans)
        _ = Treasury.capacityWarnings(tables.owners, plans: plans)
        let simulation = MonteCarlo(plans: plans).run(draws: 8, seed: UInt64(n), chunks: 2)
        var book = CommitteeWorkbook(plans: plans, figures: figures, diagnostics: loaded.diagnostics + diagnostics, created: Day(year: 2026, month: 11, day: 27)!)
        book.simulation = simulation
        _ = book.build()
        return "lu"
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension StructuralFuzzTests {
    func testTheWrittenBackPlansReadAsTheOriginals() throws {
        let plansFolder = Self.packageRoot.appendingPathComponent("Plans")
        let base = PlanLoader.load(folder: plansFolder.path)
        let files = base.sources.sorted { $0.key < $1.key }.map { file -> PlanFile in
            guard case .success(let document) = YAMLComposer(file: file.key, maximumDepth: 40).compose(file.value),
                let yaml = document.withRoot({ $0.map { Tree($0).yaml } })
            else {
                return PlanFile(path: file.key, text: file.value)
            }
            return PlanFile(path: file.key, text: yaml + "\n")
        }
        let again = PlanLoader.load(files: files, root: plansFolder.path)
        XCTAssertEqual(again.diagnostics.filter { $0.severity == .erreur }.map(\.message), [])
        XCTAssertEqual(again.plans.map { Financing.figures(of: $0).map(\.ownersShare) }, base.plans.map { Financing.figures(of: $0).map(\.ownersShare) })
    }
}
