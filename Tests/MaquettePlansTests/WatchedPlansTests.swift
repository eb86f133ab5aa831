import Foundation
import MaquetteCore
import MaquettePlans
import XCTest

/// `verifier --surveiller` re-reads and re-checks only what an edit touches: after each edit of a
/// series, what it says must be what a fresh load and a full check say, in the same order.
final class WatchedPlansTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("watched-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func copyPlans() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(at: root.appendingPathComponent("Plans"), to: folder)
    }

    private func writeSynthetic(_ operations: Int) throws {
        for (path, text) in SyntheticProgramme(operations: operations, seed: 7).files() {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent("operations/\(name)").path }
    private func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    private func write(_ name: String, _ text: String) throws { try text.write(toFile: path(name), atomically: false, encoding: .utf8) }

    /// What `verifier` says on the folder as it is on disk, read from scratch.
    private func fresh(scenario: String?) -> [Diagnostic] {
        let loaded = PlanLoader.load(folder: folder.path).applying(scenario: scenario)
        guard let plans = loaded.plans else { return loaded.diagnostics }
        return (loaded.diagnostics + Rules.check(plans)).sorted(by: Diagnostic.ordered)
    }

    /// Takes the edit of these files in, and compares with a fresh check.
    private func edited(_ watched: WatchedPlans, _ names: Set<String>, _ what: String, scenario: String? = nil, line: UInt = #line) {
        watched.update(operationFiles: Set(names.map(path)))
        let expected = fresh(scenario: scenario)
        XCTAssertEqual(watched.diagnostics.count, expected.count, what, line: line)
        XCTAssertEqual(watched.diagnostics, expected, what, line: line)
    }

    /// Writes `text` under `name` given as bytes, as they are (not normalised by Foundation).
    private func writeBytes(_ name: String, _ text: String) {
        let bytes = Array(path(name).utf8).map { CChar(bitPattern: $0) } + [0]
        let descriptor = bytes.withUnsafeBufferPointer { creat($0.baseAddress!, 0o644) }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        _ = Array(text.utf8).withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
        close(descriptor)
    }

    /// Two operation files whose names differ only in how their accents are written (`é` as one
    /// character, NFC, and as `e` with a combining accent, NFD, as macOS writes names) are two
    /// files on disk but one name for every message: the second is refused, said once, and the
    /// first read alone (its excerpts its own). An edit of either while watched says what a fresh
    /// check says.
    func testTwoNamesWrittenTwoWaysAreRefusedAndWatchedAsAFreshCheckWould() throws {
        try copyPlans()
        let composed = "caf\u{E9}.yaml", decomposed = "cafe\u{301}.yaml"
        XCTAssertEqual(composed, decomposed)
        XCTAssertFalse(composed.utf8.elementsEqual(decomposed.utf8))
        let blade = try text("ecole-blade.yaml")
        // Swift orders the two names as equal: of the two, the one whose bytes come first is read
        // (`e` 0x65 before the first byte of `é`, 0xC3: the decomposed one), whatever order the
        // folder lists them in. Its line 9 says `nature: etudesX`; the other file has no error.
        writeBytes(composed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-a"))
        writeBytes(decomposed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-b").replacingOccurrences(of: "nature: etudes\n", with: "nature: etudesX\n"))
        let loaded = PlanLoader.load(folder: folder.path)
        XCTAssertNil(loaded.plans)
        let refused = loaded.diagnostics.filter { $0.rule == .fichier }
        XCTAssertEqual(refused.count, 1, "\(loaded.diagnostics)")
        XCTAssertTrue(refused.first?.message.contains("a le même nom qu'un autre fichier du dossier, écrit autrement") ?? false, "\(refused)")
        XCTAssertFalse(loaded.diagnostics.contains { $0.rule == .identifiantEnDouble }, "\(loaded.diagnostics)")
        XCTAssertTrue(refused.first?.location?.file.utf8.elementsEqual(path(composed).utf8) ?? false, "\(refused)")
        // The decomposed one is read: its error once, with its own line as excerpt.
        let read = loaded.diagnostics.filter { $0.rule == .valeur }
        XCTAssertEqual(read.count, 1, "\(loaded.diagnostics)")
        XCTAssertEqual(read.first?.location?.line, 9)
        if let d = read.first, let location = d.location, let text = loaded.sources[location.file] {
            XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false)[8], "    nature: etudesX")
        } else {
            XCTFail("no excerpt for \(read)")
        }

        // Watched: an edit of either file, then the removal of the decomposed one.
        let watched = WatchedPlans(folder: folder.path)
        XCTAssertEqual(watched.diagnostics, fresh(scenario: nil))
        writeBytes(decomposed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-b").replacingOccurrences(of: "montant_ht: 35 000", with: "montant_ht: 35 00x"))
        edited(watched, [decomposed], "the decomposed name edited")
        writeBytes(composed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-a"))
        edited(watched, [composed], "the composed name edited")
        XCTAssertEqual(unlink(path(decomposed)), 0)
        edited(watched, [decomposed], "the decomposed name removed")
        // Left: Plans and a copy of ecole-blade (DETR 250 000 on 2026 twice: 1 280 000 asked of
        // 1 100 000, one error; its DETR above 100 000 one more warning than Plans' three).
        XCTAssertEqual(watched.diagnostics.count { $0.severity == .erreur }, 1)
        XCTAssertEqual(watched.diagnostics.count { $0.severity == .avertissement }, 4)
    }

    func testEditsOfPlansAreCheckedAsAFreshCheckWould() throws {
        try copyPlans()
        let watched = WatchedPlans(folder: folder.path)
        XCTAssertEqual(watched.diagnostics, fresh(scenario: nil))
        let halle = try text("halle-aux-grains.yaml")

        // Costs 40 000 + 130 000 + 1 150 000 + 180 000 = 1 500 000 HT; aid 450 000 + 300 000 +
        // 225 000 + 75 000 = 1 050 000; self-financing fixed at 400 000 instead of the balance:
        // resources 1 450 000, a gap of −50 000.
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 400 000"))
        edited(watched, ["halle-aux-grains.yaml"], "rule broken")
        XCTAssertEqual(watched.reparsed, 1)
        XCTAssertEqual(watched.rechecked, 1, "only the edited operation goes through the per-operation rules again")
        let balance = watched.diagnostics.filter { $0.rule == .equilibre && $0.operation == "halle-aux-grains" }
        XCTAssertEqual(balance.count, 1)
        XCTAssertTrue(balance.first?.message.contains("écart -\(Money(euros: 50_000))") ?? false, balance.first?.message ?? "none")

        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "rule fixed")
        XCTAssertTrue(watched.diagnostics.filter { $0.rule == .equilibre && $0.operation == "halle-aux-grains" }.isEmpty)

        // The Région's Bourgs-Centres from 225 000 to 250 000: the balance shrinks by 25 000.
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "montant: 225 000", with: "montant: 250 000"))
        edited(watched, ["halle-aux-grains.yaml"], "amount changed")
        XCTAssertTrue(watched.scenariosRevalidated, "the scenarios are checked on the edited operation alone")

        // The DETR of the halle from 300 000 to 900 000, requested in 2026: with the other
        // operations' DETR of 2026 it passes the envelope of 1 100 000 (financeurs.yaml).
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "montant: 300 000", with: "montant: 900 000"))
        edited(watched, ["halle-aux-grains.yaml"], "an envelope passed")
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .enveloppeAnnuelle && $0.message.contains("\(Money(euros: 1_100_000))") })
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "the envelope kept")
        XCTAssertFalse(watched.diagnostics.contains { $0.rule == .enveloppeAnnuelle })

        // The DSIL line the scenarios `dsil-refusee-halle` and `pire-cas` refuse, removed: they
        // name nothing, the plans cannot be read.
        let dsil = "  - dispositif: etat.dsil\n    montant: 450 000\n    assiette: 1 500 000\n    statut: sollicite\n    depot: 2026-02-20\n"
        XCTAssertTrue(halle.contains(dsil))
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: dsil, with: ""))
        edited(watched, ["halle-aux-grains.yaml"], "a line scenarios name removed")
        XCTAssertNil(watched.loaded.plans)
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "the line back")
        XCTAssertNotNil(watched.loaded.plans)
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "montant: 225 000", with: "montant: 250 000"))
        edited(watched, ["halle-aux-grains.yaml"], "amount changed")
        XCTAssertTrue(watched.scenariosRevalidated)

        // Works of 9 500 000 000 €, within a line's bound of 10 000 000 000 €: `travaux-decales`
        // adds 8 %, 10 260 000 000 €, past it.
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "montant_ht: 180 000", with: "montant_ht: 9 500 000 000"))
        edited(watched, ["halle-aux-grains.yaml"], "a scenario takes an expense past its bound")
        XCTAssertNil(watched.loaded.plans)
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .scenario && $0.message.contains("atteindrait \(Money(euros: 10_260_000_000)) HT") }, "\(watched.diagnostics.map(\.message))")
        XCTAssertFalse(watched.scenariosRevalidated)
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "the expense back")

        // (No scenario names it: removing an operation a scenario names makes the plans unreadable.)
        try FileManager.default.removeItem(atPath: path("etudes-convention.yaml"))
        edited(watched, ["etudes-convention.yaml"], "file deleted")
        XCTAssertEqual(watched.loaded.plans?.operations.count, 8)

        // A copy of the halle under another id draws a second time on the same envelopes.
        try write("halle-bis.yaml", halle.replacingOccurrences(of: "id: halle-aux-grains", with: "id: halle-bis"))
        edited(watched, ["halle-bis.yaml"], "file added")
        XCTAssertEqual(watched.loaded.plans?.operations.count, 9)
        XCTAssertEqual(watched.rechecked, 1)

        // Two files with one id, then the id renamed away.
        try write("halle-bis.yaml", halle)
        edited(watched, ["halle-bis.yaml"], "id in double")
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .identifiantEnDouble })
        try write("halle-bis.yaml", halle.replacingOccurrences(of: "id: halle-aux-grains", with: "id: halle-ter"))
        edited(watched, ["halle-bis.yaml"], "id renamed")

        // The scenario `dsil-refusee-halle` names the halle: renaming it makes the plans unreadable.
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "id: halle-aux-grains", with: "id: halle-renommee"))
        edited(watched, ["halle-aux-grains.yaml"], "id named by a scenario renamed")
        XCTAssertNil(watched.loaded.plans)
        // While the plans cannot be read, another edit; then the id back.
        let ecole = try text("halle-bis.yaml")
        try write("halle-bis.yaml", ecole.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 1 000"))
        edited(watched, ["halle-bis.yaml"], "edit while unreadable")
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "id back")
        XCTAssertNotNil(watched.loaded.plans)
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .equilibre && $0.operation == "halle-ter" })

        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "depenses:", with: "depenses: [\n"))
        edited(watched, ["halle-aux-grains.yaml"], "YAML broken")
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .syntaxeYAML })
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "YAML fixed")

        // A file renamed: one event for each name.
        try FileManager.default.moveItem(atPath: path("halle-bis.yaml"), toPath: path("aaa-halle.yaml"))
        edited(watched, ["halle-bis.yaml", "aaa-halle.yaml"], "file renamed")

        // Files that are not plans are not read; a sub-folder is said, by a full read.
        try write("notes.txt", "rien")
        edited(watched, ["notes.txt"], "not a plan file")
        try FileManager.default.createDirectory(atPath: path("archives"), withIntermediateDirectories: false)
        edited(watched, ["archives"], "sub-folder")
        XCTAssertTrue(watched.diagnostics.contains { $0.message.contains("sous-dossier") })
        try FileManager.default.removeItem(atPath: path("archives"))
        edited(watched, ["archives"], "sub-folder removed")
        XCTAssertFalse(watched.diagnostics.contains { $0.message.contains("sous-dossier") })

        // The programme changed: everything is read again.
        let programme = folder.appendingPathComponent("programme.yaml")
        try (String(contentsOf: programme, encoding: .utf8) + "\n# modifié\n").write(to: programme, atomically: false, encoding: .utf8)
        watched.reloadAll()
        XCTAssertEqual(watched.diagnostics, fresh(scenario: nil))
    }

    func testEditsUnderAScenarioAreCheckedAsAFreshCheckWould() throws {
        try copyPlans()
        let watched = WatchedPlans(folder: folder.path, scenario: "pire-cas")
        XCTAssertEqual(watched.diagnostics, fresh(scenario: "pire-cas"))
        let halle = try text("halle-aux-grains.yaml")
        try write("halle-aux-grains.yaml", halle.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 400 000"))
        edited(watched, ["halle-aux-grains.yaml"], "rule broken", scenario: "pire-cas")
        try write("halle-aux-grains.yaml", halle)
        edited(watched, ["halle-aux-grains.yaml"], "rule fixed", scenario: "pire-cas")
        try FileManager.default.removeItem(atPath: path("etude-opah-ru.yaml"))
        edited(watched, ["etude-opah-ru.yaml"], "file deleted", scenario: "pire-cas")
        try FileManager.default.removeItem(atPath: path("maison-roquelaure.yaml"))
        edited(watched, ["maison-roquelaure.yaml"], "an operation the scenario `optimise` names deleted", scenario: "pire-cas")
        XCTAssertNil(watched.loaded.plans)
    }

    func testEditsOfAGeneratedProgrammeAreCheckedAsAFreshCheckWould() throws {
        try writeSynthetic(300)
        let watched = WatchedPlans(folder: folder.path)
        XCTAssertEqual(watched.diagnostics, fresh(scenario: nil))
        XCTAssertFalse(watched.diagnostics.isEmpty, "the generated programme breaks rules on purpose")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("operations").path).sorted()
        XCTAssertEqual(names.count, 300)
        let (first, second) = (names[0], names[1])
        let original = try text(first)

        try write(first, original.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 1"))
        edited(watched, [first], "rule broken")
        XCTAssertEqual(watched.rechecked, 1)
        XCTAssertTrue(watched.scenariosRevalidated)
        XCTAssertTrue(watched.diagnostics.contains { $0.rule == .equilibre && $0.operation == "op-001" })
        try write(first, original)
        edited(watched, [first], "rule fixed")

        // Every funding amount of the operation multiplied by ten: caps and envelopes are passed.
        var inflated = original
        for line in original.split(separator: "\n") where line.contains("montant: ") {
            inflated = inflated.replacingOccurrences(of: String(line), with: line.replacingOccurrences(of: "montant: ", with: "montant: 9"))
        }
        try write(first, inflated)
        edited(watched, [first], "amounts changed")

        try FileManager.default.removeItem(atPath: path(second))
        edited(watched, [second], "file deleted")
        try write("op-999.yaml", original.replacingOccurrences(of: "id: op-001", with: "id: op-999"))
        edited(watched, ["op-999.yaml"], "file added")
        try write("op-999.yaml", original.replacingOccurrences(of: "id: op-001", with: "id: op-nouvelle"))
        edited(watched, ["op-999.yaml"], "id renamed")
        try write(first, original.replacingOccurrences(of: "financements:", with: "financements: {"))
        edited(watched, [first], "YAML broken")
        XCTAssertNil(watched.loaded.plans)
        try write(first, original)
        edited(watched, [first], "YAML fixed")
        XCTAssertEqual(watched.loaded.plans?.operations.count, 300)
    }

    /// Forty edits drawn from a seeded sequence on a generated programme (amounts, a broken and a
    /// mended balance, deletions, additions, identifiers renamed or put in double, syntax broken,
    /// several files at once), each compared with a fresh check.
    func testASeededSeriesOfEditsIsCheckedAsAFreshCheckWould() throws {
        try writeSynthetic(120)
        let watched = WatchedPlans(folder: folder.path)
        var g = SeededGenerator(seed: 15)
        var names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("operations").path).sorted()
        let originals = try Dictionary(uniqueKeysWithValues: names.map { ($0, try text($0)) })
        var added = 0
        var readable = 0
        var broken: [String] = []
        for step in 1...40 {
            var touched: Set<String> = []
            // A file left unreadable is mended half of the time at the next step.
            if let name = broken.first, g.next(below: 2) == 0 {
                try write(name, originals[name] ?? "")
                broken.removeFirst()
                touched.insert(name)
            }
            for _ in 0...Int(g.next(below: 2)) {
                // Not the first operation: the scenario `decalage` names it.
                let name = names[1 + Int(g.next(below: UInt64(names.count - 1)))]
                let current = (try? text(name)) ?? originals[name] ?? ""
                switch g.next(below: 10) {
                case 0: try write(name, current.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 1 000"))
                case 1: try write(name, originals[name] ?? current)
                case 2: try write(name, current.replacingOccurrences(of: "montant: 1 ", with: "montant: 2 "))
                case 3:
                    try FileManager.default.removeItem(atPath: path(name))
                    names.removeAll { $0 == name }
                case 4:
                    added += 1
                    let new = "op-new-\(added).yaml"
                    try write(new, current.replacingOccurrences(of: "id: op-", with: "id: nouvelle-\(added)-"))
                    names.append(new)
                    touched.insert(new)
                case 5: try write(name, current.replacingOccurrences(of: "id: op-", with: "id: op-0"))
                case 6:
                    try write(name, current.replacingOccurrences(of: "financements:", with: "financements: ["))
                    if originals[name] != nil { broken.append(name) }
                case 7:
                    // Another operation's identifier: one of the two is in double.
                    let other = names[Int(g.next(below: UInt64(names.count)))]
                    let id = (try? text(other))?.split(separator: "\n").first.map(String.init) ?? "id: op-001"
                    try write(name, current.replacingOccurrences(of: current.split(separator: "\n").first.map(String.init) ?? "", with: id))
                    if originals[name] != nil { broken.append(name) }
                default: try write(name, current + "# modifié\n")
                }
                touched.insert(name)
            }
            edited(watched, touched, "step \(step): \(touched.sorted())")
            if watched.loaded.plans != nil { readable += 1 }
        }
        // The series goes through readable and unreadable plans (a syntax error lasts until the
        // file is written back whole).
        XCTAssertGreaterThanOrEqual(readable, 10)
        XCTAssertLessThanOrEqual(readable, 35)
    }
    /// Two file names that are the same word, one written with `é` (U+00E9, NFC) and the other
    /// with `e` and a combining accent (NFD): Swift strings say they are equal, the file system
    /// keeps two files. The one whose bytes come first is read, the other refused (no message,
    /// excerpt or re-check could tell them apart), after each edit as on a first reading.
    func testNamesEqualInUnicodeButNotInBytesAreTwoFiles() throws {
        try copyPlans()
        let halle = try text("halle-aux-grains.yaml")
        let (composed, decomposed) = ("caf\u{E9}.yaml", "cafe\u{301}.yaml")
        XCTAssertEqual(composed, decomposed, "Swift compares them as equal")
        XCTAssertNotEqual(Array(composed.utf8), Array(decomposed.utf8))
        // `e` (0x65) comes before `é` (0xC3 0xA9): the decomposed name is the one read.
        XCTAssertTrue(decomposed.utf8.lexicographicallyPrecedes(composed.utf8))
        func operation(_ id: String) -> String { halle.replacingOccurrences(of: "id: halle-aux-grains", with: "id: \(id)") }
        func refusedComposed() -> Bool {
            watched.diagnostics.contains {
                $0.rule == .fichier && $0.message.contains("a le même nom qu'un autre fichier du dossier")
                    && $0.location?.file.utf8.elementsEqual(path(composed).utf8) == true
            }
        }
        try write(composed, operation("cafe-nfc"))
        let watched = WatchedPlans(folder: folder.path)
        XCTAssertEqual(watched.diagnostics, fresh(scenario: nil))
        // 9 operations in Plans/ and one more.
        XCTAssertEqual(watched.loaded.plans?.operations.count, 10)

        // The other spelling appears: it is read, the first one refused, as a fresh check says.
        try write(decomposed, operation("cafe-nfd"))
        edited(watched, [decomposed], "decomposed name added")
        XCTAssertNil(watched.loaded.plans)
        XCTAssertTrue(refusedComposed())

        // Each edited on its own: the same as a fresh check after each.
        try write(decomposed, operation("cafe-nfd-2"))
        edited(watched, [decomposed], "decomposed name edited")
        try write(composed, operation("cafe-nfc-2"))
        edited(watched, [composed], "composed name edited")
        XCTAssertTrue(refusedComposed())

        // One removed: the other is read.
        try FileManager.default.removeItem(atPath: path(decomposed))
        edited(watched, [decomposed], "decomposed name removed")
        XCTAssertEqual(watched.loaded.plans?.operations.map(\.id).filter { $0.hasPrefix("cafe-") }, ["cafe-nfc-2"])

        // Both gone, then both back at once: a set of the two names holds one of them only.
        try FileManager.default.removeItem(atPath: path(composed))
        edited(watched, [composed], "composed name removed")
        XCTAssertEqual(watched.loaded.plans?.operations.count, 9)
        try write(composed, operation("cafe-nfc-3"))
        try write(decomposed, operation("cafe-nfd-3"))
        XCTAssertEqual(Set([composed, decomposed]).count, 1)
        edited(watched, [composed, decomposed], "both names back")
        XCTAssertNil(watched.loaded.plans)
        XCTAssertTrue(refusedComposed())
    }
}
