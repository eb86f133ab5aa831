import Foundation
import MaquetteCore
import XCTest

@testable import MaquetteCLI

/// `verifier --surveiller`: what a re-check prints, and the command itself following edits.
final class WatchCLITests: XCTestCase {
    private func d(_ rule: DiagnosticID, _ message: String, line: Int, severity: Severity = .erreur) -> Diagnostic {
        Diagnostic(severity, rule: rule, message, at: SourceLocation(file: "P/operations/a.yaml", line: line, column: 1), operation: "a")
    }

    func testOnlyWhatAppearedAndWhatWentAwayIsSaid() {
        let previous = [d(.equilibre, "écart -50 000,00 €", line: 26), d(.detrCommission, "DETR de 300 000,00 €", line: 33, severity: .avertissement)]
        // A line added above: the warning moves to line 34 and is not said again; the balance is
        // now off by 40 000, and a second, new, problem.
        let current = [
            d(.equilibre, "écart -40 000,00 €", line: 27), d(.detrCommission, "DETR de 300 000,00 €", line: 34, severity: .avertissement),
            d(.partMaitreOuvrage, "part de 10 %", line: 40),
        ]
        let report = WatchReport(previous: previous, current: current)
        XCTAssertEqual(report.appeared.map(\.message), ["écart -40 000,00 €", "part de 10 %"])
        XCTAssertEqual(report.gone.map(\.message), ["écart -50 000,00 €"])
        XCTAssertEqual(
            WatchReport.closing(report, totals: "0 erreur, 3 avertissements dans 9 opérations.", seconds: 0.042),
            "2 nouveaux problèmes, 1 corrigé — 0 erreur, 3 avertissements dans 9 opérations. Revérifié en 0,04 s")
        XCTAssertEqual(
            WatchReport.corrected(previous[0], colour: false), "P/operations/a.yaml:26:1: corrigé: [equilibre] écart -50 000,00 €\n")

        let same = WatchReport(previous: current, current: current)
        XCTAssertEqual(
            WatchReport.closing(same, totals: "Aucun problème dans 1 opération.", seconds: 0.005),
            "Aucun changement — aucun problème dans 1 opération. Revérifié en 0,01 s")
        // The same problem said twice, then once: one is corrected.
        let twice = WatchReport(previous: [previous[0], previous[0]], current: [previous[0]])
        XCTAssertEqual(twice.gone.count, 1)
        XCTAssertTrue(twice.appeared.isEmpty)
    }

    // MARK: the command

    /// The running command and what it has printed so far.
    private final class Watcher: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var output = ""

        init(_ executable: URL, _ arguments: [String]) throws {
            process.executableURL = executable
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var text: String { lock.withLock { output } }

        /// Waits until the output holds `count` lines containing `marker` (a minute at most: the
        /// machine may be busy; the test asserts what is printed, never how fast).
        func wait(for marker: String, count: Int) -> String {
            for _ in 0..<600 {
                let text = self.text
                if text.components(separatedBy: "\n").filter({ $0.contains(marker) }).count >= count { return text }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return text
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private var executable: URL {
        var dir = Bundle(for: WatchCLITests.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("maquette").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("maquette")
    }

    /// A copy of Plans/ in a temporary folder named after `prefix` (as `inside` in it, when
    /// given), removed once the test is over; returns the copy.
    private func copyOfPlans(_ prefix: String, inside name: String? = nil) throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        let folder = name.map { base.appendingPathComponent($0) } ?? base
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLITests.packageRoot.appendingPathComponent("Plans"), to: folder)
        addTeardownBlock { try? FileManager.default.removeItem(at: base) }
        return folder
    }

    /// `verifier --surveiller` on `folder` (by polling with `polling`), stopped once the test is
    /// over (before its folder is removed: teardown blocks run last registered first).
    private func watching(_ folder: URL, polling: Bool) throws -> Watcher {
        let watcher = try Watcher(executable, ["verifier", folder.path, "--surveiller"] + (polling ? ["--sondage"] : []))
        addTeardownBlock { watcher.stop() }
        return watcher
    }

    private func followEdits(polling: Bool) throws {
        let folder = try copyOfPlans("watch")
        let halle = folder.appendingPathComponent("operations/halle-aux-grains.yaml")
        let original = try String(contentsOf: halle, encoding: .utf8)
        let watcher = try watching(folder, polling: polling)
        XCTAssertTrue(watcher.wait(for: "En attente de modifications", count: 1).contains("0 erreur, 3 avertissements dans 9 opérations."))

        // Saved as editors do, through a temporary file renamed over the plan. Costs 1 500 000 HT;
        // aid 1 050 000; self-financing fixed at 400 000: resources 1 450 000, 50 000 short.
        try original.replacingOccurrences(of: "autofinancement: solde", with: "autofinancement: 400 000")
            .write(to: halle, atomically: true, encoding: .utf8)
        var text = watcher.wait(for: "Revérifié en", count: 1)
        XCTAssertTrue(text.contains("halle-aux-grains.yaml:26:1: erreur: [equilibre] le plan est déséquilibré : ressources 1 450 000,00 €, dépenses 1 500 000,00 € HT (écart -50 000,00 €)"), text)
        XCTAssertTrue(text.contains("1 nouveau problème — 1 erreur, 3 avertissements dans 9 opérations. Revérifié en "), text)

        // Written in place.
        try original.write(to: halle, atomically: false, encoding: .utf8)
        text = watcher.wait(for: "Revérifié en", count: 2)
        XCTAssertTrue(text.contains("halle-aux-grains.yaml:26:1: corrigé: [equilibre] le plan est déséquilibré"), text)
        XCTAssertTrue(text.contains("1 corrigé — 0 erreur, 3 avertissements dans 9 opérations. Revérifié en "), text)

        // A syntax error: the plans cannot be read, the rules do not run; their warnings are not
        // said corrected, nor new once the file is mended.
        try original.replacingOccurrences(of: "financements:", with: "financements: [").write(to: halle, atomically: false, encoding: .utf8)
        text = watcher.wait(for: "Revérifié en", count: 3)
        XCTAssertTrue(text.contains("erreur: [syntaxe-yaml]"), text)
        XCTAssertTrue(text.contains("1 nouveau problème — les plans ne peuvent pas être lus"), text)
        XCTAssertFalse(text.contains("corrigé: [detr-commission]"), text)
        try original.write(to: halle, atomically: false, encoding: .utf8)
        text = watcher.wait(for: "Revérifié en", count: 4)
        XCTAssertTrue(text.contains("1 corrigé — 0 erreur, 3 avertissements dans 9 opérations. Revérifié en "), text)
        XCTAssertEqual(text.components(separatedBy: "avertissement: [detr-commission]").count - 1, 3, "said once, at the first check")

        // The programme: the whole folder is read again, and nothing changes.
        let programme = folder.appendingPathComponent("programme.yaml")
        try (String(contentsOf: programme, encoding: .utf8) + "# modifié\n").write(to: programme, atomically: false, encoding: .utf8)
        text = watcher.wait(for: "Revérifié en", count: 5)
        XCTAssertTrue(text.contains("Aucun changement — 0 erreur, 3 avertissements dans 9 opérations. Revérifié en "), text)

        // An operation file deleted.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("operations/etudes-convention.yaml"))
        text = watcher.wait(for: "Revérifié en", count: 6)
        XCTAssertTrue(text.contains("dans 8 opérations. Revérifié en "), text)
    }

    func testTheCommandFollowsEditsThroughTheSystemsNotifications() throws {
        try followEdits(polling: false)
    }

    func testTheCommandFollowsEditsByPolling() throws {
        try followEdits(polling: true)
    }

    /// A plan replaced by a link to the same file moved out of the plans folder keeps the same
    /// date, size and inode through the link: the check that follows the link must still see the
    /// change, since a fresh check refuses the link. The file is first hard-linked outside, then
    /// a link to it is renamed over the plan, so that no poll can fall on a moment without it.
    private func seeAPlanTurnedIntoALink(polling: Bool) throws {
        let folder = try copyOfPlans("watch-link", inside: "plans")
        let halle = folder.appendingPathComponent("operations/halle-aux-grains.yaml")
        let outside = folder.deletingLastPathComponent().appendingPathComponent("halle.yaml")
        let watcher = try watching(folder, polling: polling)
        XCTAssertTrue(watcher.wait(for: "En attente de modifications", count: 1).contains("0 erreur, 3 avertissements dans 9 opérations."))

        try FileManager.default.linkItem(at: halle, to: outside)
        let hidden = folder.appendingPathComponent("operations/.lien.yaml")
        try FileManager.default.createSymbolicLink(atPath: hidden.path, withDestinationPath: outside.path)
        XCTAssertEqual(rename(hidden.path, halle.path), 0)
        let text = watcher.wait(for: "Revérifié en", count: 1)
        XCTAssertTrue(
            text.contains(
                "halle-aux-grains.yaml:1:1: erreur: [fichier] « \(halle.path) » est un lien vers « \(outside.path) », hors du dossier des plans : il n'est pas lu"),
            text)
        XCTAssertTrue(text.contains("4 nouveaux problèmes — les plans ne peuvent pas être lus"), text)

        // A link that leads nowhere is no file to follow, but a fresh check says it all the same.
        let dangling = folder.appendingPathComponent("operations/pendant.yaml")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "nulle-part.yaml")
        let next = watcher.wait(for: "Revérifié en", count: 2)
        XCTAssertTrue(next.contains("pendant.yaml:1:1: erreur: [fichier] « \(dangling.path) » n'est pas un fichier ordinaire"), next)
        XCTAssertTrue(next.contains("1 nouveau problème — les plans ne peuvent pas être lus"), next)
    }

    func testAPlanTurnedIntoALinkOutIsSeenThroughNotifications() throws {
        try seeAPlanTurnedIntoALink(polling: false)
    }

    func testAPlanTurnedIntoALinkOutIsSeenByPolling() throws {
        try seeAPlanTurnedIntoALink(polling: true)
    }

    /// A file whose name is not UTF-8 appearing while watched is said as a fresh check says it:
    /// its name, listed with U+FFFD, opens nothing, which is no reason to take it for gone.
    private func seeANameThatIsNotUTF8(polling: Bool) throws {
        let folder = try copyOfPlans("watch-name")
        let watcher = try watching(folder, polling: polling)
        XCTAssertTrue(watcher.wait(for: "En attente de modifications", count: 1).contains("0 erreur, 3 avertissements dans 9 opérations."))

        let name = Array("\(folder.path)/operations/halle-".utf8) + [0xE9] + Array(".yaml".utf8)
        let descriptor = (name.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { creat($0.baseAddress!, 0o644) }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)
        let text = watcher.wait(for: "Revérifié en", count: 1)
        let shown = "\(folder.path)/operations/halle-\u{FFFD}.yaml"
        XCTAssertTrue(text.contains("\(shown):1:1: erreur: [fichier] le nom du fichier « \(shown) » n'est pas écrit en UTF-8 : il ne peut pas être ouvert"), text)
        XCTAssertTrue(text.contains("1 nouveau problème — les plans ne peuvent pas être lus"), text)
    }

    func testANameThatIsNotUTF8IsSeenThroughNotifications() throws {
        try seeANameThatIsNotUTF8(polling: false)
    }

    func testANameThatIsNotUTF8IsSeenByPolling() throws {
        try seeANameThatIsNotUTF8(polling: true)
    }

    /// Two operation files whose names differ only in how `é` is written (one character, NFC, or
    /// `e` and a combining accent, NFD) are said as a fresh check says them, and the edits of the
    /// one read, and the removal of the one refused, are seen — by notifications and by polling
    /// alike (for both, the two names are one).
    private func seeTwoNamesWrittenTwoWays(polling: Bool) throws {
        let folder = try copyOfPlans("watch-nfd")
        let blade = try String(contentsOf: folder.appendingPathComponent("operations/ecole-blade.yaml"), encoding: .utf8)
        let composed = "\(folder.path)/operations/caf\u{E9}.yaml", decomposed = "\(folder.path)/operations/cafe\u{301}.yaml"
        func write(_ path: String, _ text: String) {
            let descriptor = (Array(path.utf8).map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { creat($0.baseAddress!, 0o644) }
            XCTAssertGreaterThanOrEqual(descriptor, 0)
            _ = Array(text.utf8).withUnsafeBufferPointer { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
            close(descriptor)
        }
        write(composed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-a"))
        write(decomposed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-b"))
        let watcher = try watching(folder, polling: polling)
        let first = watcher.wait(for: "En attente de modifications", count: 1)
        XCTAssertTrue(first.contains("a le même nom qu'un autre fichier du dossier, écrit autrement"), first)
        XCTAssertFalse(first.contains("identifiant-en-double"), first)

        // The decomposed name, whose bytes come first, is the one read: its edits are seen.
        write(decomposed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-b").replacingOccurrences(of: "montant_ht: 35 000", with: "montant_ht: 35 00x"))
        let edited = watcher.wait(for: "montant illisible « 35 00x »", count: 1)
        XCTAssertTrue(edited.contains("erreur: [valeur] `montant_ht` : montant illisible « 35 00x »"), edited)
        write(decomposed, blade.replacingOccurrences(of: "id: ecole-blade", with: "id: cafe-b"))
        let mended = watcher.wait(for: "corrigé: [valeur] `montant_ht`", count: 1)
        XCTAssertTrue(mended.contains("corrigé: [valeur] `montant_ht` : montant illisible « 35 00x »"), mended)

        // The composed one removed: the other is read alone. Plans and a copy of ecole-blade:
        // DETR 2026 asked twice 250 000 (1 280 000 of 1 100 000), one error; one more DETR above
        // 100 000 than Plans' three warnings.
        XCTAssertEqual(unlink(composed), 0)
        let alone = watcher.wait(for: "dans 10 opérations.", count: 1)
        XCTAssertTrue(alone.contains("1 erreur, 4 avertissements dans 10 opérations."), alone)
    }

    func testTwoNamesWrittenTwoWaysAreSeenThroughNotifications() throws {
        try seeTwoNamesWrittenTwoWays(polling: false)
    }

    func testTwoNamesWrittenTwoWaysAreSeenByPolling() throws {
        try seeTwoNamesWrittenTwoWays(polling: true)
    }
}
