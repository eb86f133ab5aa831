import Foundation
import XCTest

/// Issue 10's reading findings end to end: what the real executable says and writes.
extension CLITests {
    func testAMissingOperationsFolderIsAnErrorEvenWithoutStrict() throws {
        let root = try plans([:])
        try FileManager.default.removeItem(at: root.appendingPathComponent("operations"))
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(
            (r.stdout + r.stderr).contains("erreur: [fichier] le dossier « \(root.path)/operations » est introuvable : aucune opération ne serait vérifiée"),
            r.stdout + r.stderr)
        // A file in its place is no better.
        try "x".write(to: root.appendingPathComponent("operations"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["verifier", root.path]).status, 2)
        let export = root.appendingPathComponent("classeur.xlsx")
        XCTAssertEqual(try run(["exporter", root.path, "-o", export.path]).status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: export.path))
    }

    func testAnEmptyOperationsFolderIsAWarningThatStrictRefuses() throws {
        let root = try plans([:])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("avertissement: [fichier] aucune opération dans « \(root.path)/operations »"), r.stdout)
        XCTAssertEqual(try run(["verifier", "--strict", root.path]).status, 1)
    }

    func testAYearSplitOfNinetyPercentStopsEveryCommand() throws {
        let text = Self.ownersShareBroken.replacingOccurrences(of: "annees: { 2025: 100 % }", with: "annees: { 2025: 60 %, 2026: 30 % }")
        let root = try plans(["op.yaml": text])
        for command in ["verifier", "afficher", "tresorerie"] {
            let r = try run([command, root.path])
            XCTAssertEqual(r.status, 2, "\(command): \(r.stdout)\(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).contains("op.yaml:8:13: erreur: [repartition-annuelle]"), command + r.stdout + r.stderr)
        }
        let export = root.appendingPathComponent("classeur.xlsx")
        XCTAssertEqual(try run(["exporter", root.path, "-o", export.path]).status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: export.path))
    }

    func testFileNamesAreReadConsistently() throws {
        let op = Self.ownersShareBroken.replacingOccurrences(of: "autofinancement: 150 000", with: "autofinancement: 200 000")
            .replacingOccurrences(of: "departement.f2d, montant: 150 000", with: "departement.f2d, montant: 100 000")
        let root = try plans(["OP.YAML": op, "._op.yaml": "\u{0}\u{5}binaire", ".cache.yaml": "x: [", "notes.txt": "rien"])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("operations/anciens"), withIntermediateDirectories: true)
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("avertissement: [fichier] le sous-dossier « \(root.path)/operations/anciens » n'est pas lu"), r.stdout)
        // The other warning: the DETR line of 400 000 € goes before the élus' commission.
        XCTAssertTrue(r.stdout.hasSuffix("0 erreur, 2 avertissements dans 1 opération.\n"), r.stdout)
    }

    func testALinkOutOfThePlansFolderIsNotRead() throws {
        let root = try plans([:])
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString).yaml")
        try "mot-de-passe-tres-secret: 1\n".write(to: secret, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: secret) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("operations/lien.yaml").path, withDestinationPath: secret.path)
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("lien.yaml:1:1: erreur: [fichier]") || r.stdout.contains("lien.yaml:1:1: erreur: [fichier]"), r.stdout + r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("mot-de-passe"), "the linked file was quoted")
    }

    func testInvalidUTF8IsLocatedAtItsFirstBadByte() throws {
        let root = try plans([:])
        var bytes = Array("id: op\nintitule: Halle é\n".utf8)
        bytes += [0x6D, 0x61, 0xE9, 0x74, 0x72, 0x65, 0x0A]  // "ma\xE9tre": Latin-1 é
        try Data(bytes).write(to: root.appendingPathComponent("operations/latin1.yaml"))
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(
            (r.stdout + r.stderr).contains("latin1.yaml:3:3: erreur: [fichier] « \(root.path)/operations/latin1.yaml » n'est pas un texte UTF-8 (premier octet invalide à la ligne 3, colonne 3)"),
            r.stdout + r.stderr)
    }

    func testAHugeOneLineListGivesShortExcerpts() throws {
        // 20 000 numbers on one line where cost lines are expected: each is a problem, but the
        // excerpts are cut around their column and the text output stops at 200 per file.
        let list = (1...20_000).map(String.init).joined(separator: ", ")
        let text = "id: op\nintitule: Essai\nmaitre_ouvrage: commune\ndepenses: [\(list)]\nfinancements: []\n"
        let root = try plans(["op.yaml": text])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        let output = r.stdout + r.stderr
        XCTAssertLessThan(output.utf8.count, 200_000, "output of \(output.utf8.count) bytes")
        XCTAssertTrue(output.contains("19800 autres problèmes non affichés (les 200 premiers le sont)"), String(output.suffix(500)))
        // The 200th number stands at column 12 + 9 × 3 + 90 × 4 + 100 × 5 = 899 (each number and its
        // ", "); the excerpt starts 50 characters before it (column 849, the number 190) after an
        // ellipsis, and the caret stands under the 2 of 200, 52 columns into the excerpt.
        XCTAssertTrue(output.contains("op.yaml:4:899: erreur: [type]"), String(output.prefix(2000)))
        XCTAssertTrue(output.contains(" 4 | …190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, …\n   | " + String(repeating: " ", count: 51) + "^"), "")
    }

    func testControlCharactersNeverReachTheTerminal() throws {
        // libyaml refuses the raw escape; the excerpt shows the line without driving the terminal.
        let root = try plans(["op.yaml": "id: op\n\u{1B}[2Jcle: 1\nintitule: x\n", "op2.yaml": "id: op2\nintitule: \"\\e[2J\"\n"])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        let output = r.stdout + r.stderr
        XCTAssertFalse(output.contains("\u{1B}"), "an escape sequence was printed")
        XCTAssertTrue(output.contains("op.yaml:2:1: erreur: [syntaxe-yaml] YAML invalide : caractère de contrôle interdit"), output)
        XCTAssertTrue(output.contains(" 2 | \u{FFFD}[2Jcle: 1\n"), output)
        XCTAssertTrue(output.contains("op2.yaml:2:11: erreur: [valeur] `intitule` : caractère invisible ou interdit (U+001B) dans le texte"), output)
    }

    /// A file whose name is not UTF-8 (`halle-\xE9.yaml`, an é saved in Latin-1 by an old tool)
    /// is listed with U+FFFD in its name, under which it cannot be opened: it is said to be its
    /// name, not that the file is no regular file, which it is.
    func testAFileNameThatIsNotUTF8IsSaidSo() throws {
        let root = try plans([:])
        let name = Array("\(root.path)/operations/halle-".utf8) + [0xE9] + Array(".yaml".utf8)
        let descriptor = (name.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { creat($0.baseAddress!, 0o644) }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        XCTAssertEqual(Self.ownersShareBroken.utf8.withContiguousStorageIfAvailable { write(descriptor, $0.baseAddress, $0.count) }, Self.ownersShareBroken.utf8.count)
        close(descriptor)
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        let shown = "\(root.path)/operations/halle-\u{FFFD}.yaml"
        XCTAssertTrue(
            (r.stdout + r.stderr).contains("\(shown):1:1: erreur: [fichier] le nom du fichier « \(shown) » n'est pas écrit en UTF-8 : il ne peut pas être ouvert"),
            r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("= renommez le fichier (ses lettres accentuées ont été enregistrées dans un autre codage)"), r.stdout + r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("n'est pas un fichier ordinaire"), r.stdout + r.stderr)
    }
}
