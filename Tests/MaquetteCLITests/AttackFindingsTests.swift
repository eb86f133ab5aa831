import Foundation
import MaquetteExport
import XCTest

/// What an attack on the new reader, printer and output paths found, each reproduced.
extension CLITests {
    func testAShiftOfIntMinMonthsIsAReadErrorNotATrap() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try "id: loin\ntitre: Loin\nchangements:\n  - decaler: { operation: toutes, mois: -9223372036854775808 }\n"
            .write(to: root.appendingPathComponent("scenarios/loin.yaml"), atomically: true, encoding: .utf8)
        // Even without `--scenario`: every scenario file of the folder is read and checked.
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("loin.yaml:4:41: erreur: [valeur] `mois` : décalage de « -9223372036854775808 » hors des bornes : 1 200 au plus, dans un sens ou dans l'autre"), r.stdout)
        XCTAssertFalse(r.stdout.contains("prend `mois` ou `annees`"), "a wrong value is not also a missing one")
    }

    /// A shift written as a whole number beyond the bound is said to be beyond it, not to be no
    /// whole number; one that is no number is said so; 1 200 and -1 200 are accepted.
    func testAShiftBeyondTheBoundIsSaidBeyondItNotNoNumber() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        let shifts = ["loin": "annees: 5000", "tot": "annees: -1201", "juste": "annees: 1200", "avant": "mois: -1200", "mot": "annees: deux"]
        for (id, shift) in shifts {
            try "id: \(id)\ntitre: T\nchangements:\n  - decaler: { operation: toutes, \(shift) }\n"
                .write(to: root.appendingPathComponent("scenarios/\(id).yaml"), atomically: true, encoding: .utf8)
        }
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("loin.yaml:4:43: erreur: [valeur] `annees` : décalage de « 5000 » hors des bornes : 1 200 au plus, dans un sens ou dans l'autre"), r.stdout)
        XCTAssertTrue(r.stdout.contains("tot.yaml:4:43: erreur: [valeur] `annees` : décalage de « -1201 » hors des bornes : 1 200 au plus, dans un sens ou dans l'autre"), r.stdout)
        XCTAssertTrue(r.stdout.contains("mot.yaml:4:43: erreur: [valeur] `annees` : nombre entier attendu, pas « deux »"), r.stdout)
        XCTAssertFalse(r.stdout.contains("juste.yaml:4:43: erreur: [valeur]"), r.stdout)
        XCTAssertFalse(r.stdout.contains("avant.yaml:4:41: erreur: [valeur]"), r.stdout)
    }

    /// A workbook dated 1970-01-01 (`--date`, or SOURCE_DATE_EPOCH=0 as some reproducible
    /// builds set it) is byte for byte the same from one run to the next: libxlsxwriter takes a
    /// creation instant of 0 for « none » and would write the time of the run. The instant written
    /// is one second later, the nearest it accepts.
    func testAWorkbookDatedAtTheEpochIsReproducible() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-epoch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.xlsx").path, b = folder.appendingPathComponent("b.xlsx").path
        XCTAssertEqual(try run(["export", "Plans", "-o", a], environment: ["SOURCE_DATE_EPOCH": "0"]).status, 0)
        XCTAssertEqual(try run(["export", "Plans", "-o", b, "--date", "1970-01-01"]).status, 0)
        for path in [a, b] {
            let core = try unzip(path, "docProps/core.xml")
            XCTAssertTrue(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">1970-01-01T00:00:01Z</dcterms:created>"), core)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testABrokenScenarioIsAReadErrorEvenWhenNotAskedFor() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try "id: boucle\ntitre: Boucle\nparent: boucle\nchangements: []\n".write(
            to: root.appendingPathComponent("scenarios/boucle.yaml"), atomically: true, encoding: .utf8)
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("[scenario] le scénario `boucle` dépend de lui-même (parent en boucle)"), r.stdout)
        let export = root.deletingLastPathComponent().appendingPathComponent("boucle-\(UUID().uuidString).xlsx")
        XCTAssertEqual(try run(["exporter", root.path, "-o", export.path]).status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: export.path))
    }

    func testReservedIdentifiersAreRefused() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken.replacingOccurrences(of: "id: op", with: "id: toutes")])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("op.yaml:1:5: erreur: [valeur] `id` : « toutes » est réservé"), r.stdout)
        let base = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: base.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try "id: base\ntitre: Ma base\nchangements: []\n".write(to: base.appendingPathComponent("scenarios/base.yaml"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try run(["verifier", base.path]).stdout.contains("base.yaml:1:5: erreur: [valeur] `id` : « base » est réservé"))
    }

    func testTheNumberOfDrawsIsBoundedEverywhere() throws {
        for draws in ["-5", "0", "999999999999", "1000001"] {
            let r = try run(["exporter", "Plans", "-o", "/tmp/never-\(UUID().uuidString).xlsx", "--tirages=\(draws)"])
            XCTAssertEqual(r.status, 64, "\(draws): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--tirages : entre 1 et 1 000 000"), r.stderr)
        }
    }

    func testExtremeSourceDateEpochsAreRefusedNotLoopedOn() throws {
        for value in ["-9223372036854775808", "9223372036854775807", "1000000000000000", "7289654400"] {
            for command in [["echeances", "Plans"], ["exporter", "Plans", "-o", "/tmp/never-\(UUID().uuidString).xlsx"]] {
                let r = try run(command, environment: ["SOURCE_DATE_EPOCH": value])
                XCTAssertEqual(r.status, 64, "\(command[0]) \(value): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("SOURCE_DATE_EPOCH vaut « \(value) »"), r.stderr)
            }
        }
    }

    func testAHugeFileIsRefusedWithoutBeingRead() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let huge = root.appendingPathComponent("operations/huge.yaml")
        // A sparse gigabyte: reading it would take seconds and gigabytes.
        XCTAssertTrue(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("huge.yaml:1:1: erreur: [syntaxe-yaml] fichier trop volumineux (1048576 Kio) : un fichier de plan fait au plus 4 Mio"), r.stdout)
    }

    func testOutputsThatWouldBreakThePlansAreRefused() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        // A hidden scenario would never be read.
        let hidden = try run(["optimiser", root.path, "-o", root.appendingPathComponent("scenarios/.essai.yaml").path])
        XCTAssertEqual(hidden.status, 64, hidden.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("scenarios/.essai.yaml").path))
        // The LP and the scenario cannot be one file.
        let same = root.deletingLastPathComponent().appendingPathComponent("same-\(UUID().uuidString).yaml").path
        let both = try run(["optimiser", root.path, "--lp", same, "-o", same])
        XCTAssertEqual(both.status, 64, both.stderr)
        XCTAssertTrue(both.stderr.contains("--lp et -o désignent le même fichier"), both.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: same))
    }

    func testAGeneratedProgrammeMayGoIntoAnEmptyFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-vide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let r = try run(["generer", "--operations", "3", "-o", folder.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("programme.yaml").path))
    }

    func testNoTerminalSequenceFromPathsOrCommitSubjects() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let evil = root.deletingLastPathComponent().appendingPathComponent("evil-\u{1B}]0;pwned\u{07}-\(UUID().uuidString)")
        let r = try run(["exporter", root.path, "-o", evil.appendingPathComponent("x.xlsx").path])
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("\u{1B}"), r.stderr)
        // A key with a line break cannot forge a diagnostic line of its own.
        let forged = try plans(["op.yaml": "id: op\n\"a\\nfaux.yaml:9:9: erreur: [cle-inconnue] pirate\": 1\n"])
        let f = try run(["verifier", forged.path])
        XCTAssertFalse(f.stdout.split(separator: "\n").contains { $0.hasPrefix("faux.yaml") }, f.stdout)
        XCTAssertTrue(f.stdout.contains("clé inconnue `a↵faux.yaml:9:9"), f.stdout)
    }

    func testTheCalendarEscapesEveryLineBreak() {
        XCTAssertEqual(ICalendar.escape("X\r\nEND:VEVENT\rUID:pirate\u{2028}"), "X\\nEND:VEVENTUID:pirate")
        XCTAssertEqual(ICalendar.escape("a;b,c\\d"), "a\\;b\\,c\\\\d")
    }
}

extension CLITests {
    func testAProgrammeLinkedFromOutsideIsRefusedOnceNotAlsoMissing() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let outside = root.deletingLastPathComponent().appendingPathComponent("ailleurs-\(UUID().uuidString).yaml")
        try FileManager.default.moveItem(at: root.appendingPathComponent("programme.yaml"), to: outside)
        addTeardownBlock { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("programme.yaml").path, withDestinationPath: outside.path)
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        let errors = (r.stdout + r.stderr).components(separatedBy: "erreur: [").count - 1
        XCTAssertEqual(errors, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("programme.yaml:1:1: erreur: [fichier]") && r.stdout.contains("hors du dossier des plans : il n'est pas lu"), r.stdout)
    }
}

extension CLITests {
    /// `corriger --appliquer` on a file written on Windows (CRLF), with a `{ … }` entry over two
    /// lines, a comment after a tab, and a comment that quotes the old amount: only the two
    /// amounts change, at their own places, and the file still reads.
    func testCorrigerAppliquerKeepsEveryOtherByte() throws {
        let text = [
            "id: op", "intitule: Essai", "maitre_ouvrage: commune", "depenses:", "  - libelle: Travaux", "    nature: travaux",
            "    montant_ht: 1 000 000", "    annees: { 2025: 100 % }", "financements:",
            "  - { dispositif: etat.detr,", "      montant: 400 000, assiette: 1 000 000 }",
            "  - { dispositif: region.bourgs-centres, montant: 300 000, statut: envisage }",
            "  - { dispositif: departement.f2d, montant: 150 000 }", "  #        150 000 : voté", "  - autofinancement: 150 000\t# voté au budget", "",
        ].joined(separator: "\r\n")
        let root = try plans(["op.yaml": text])
        let r = try run(["corriger", root.path, "op", "--appliquer"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let after = try String(contentsOf: root.appendingPathComponent("operations/op.yaml"), encoding: .utf8)
        // DETR 400 000 → 350 000 and the autofinancement 150 000 → 200 000 (the 20 % share of
        // 1 000 000 of public financing), nothing else.
        let expected = text.replacingOccurrences(of: "montant: 400 000, assiette", with: "montant: 350 000, assiette")
            .replacingOccurrences(of: "autofinancement: 150 000\t#", with: "autofinancement: 200 000\t#")
        XCTAssertEqual(after, expected, r.stdout)
        XCTAssertTrue(r.stdout.contains("@@ ligne 11 @@\n-      montant: 400 000, assiette: 1 000 000 }\n+      montant: 350 000, assiette: 1 000 000 }\n"), r.stdout)
        XCTAssertEqual(try run(["verifier", root.path]).status, 0)
    }
}

extension CLITests {
    func testNouvelleRefusesReservedIdentifiers() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        for id in ["toutes", "operations", "scenarios", "base"] {
            let r = try run(["nouvelle", id, root.path, "--maitre-ouvrage", "commune"])
            XCTAssertEqual(r.status, 64, "\(id): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("« \(id) » est réservé"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("operations/\(id).yaml").path))
        }
    }
}

extension CLITests {
    func testAnOperationFileNamedFromInsideTheOperationsFolderMeansThatOperation() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken, "autre.yaml": Self.ownersShareBroken.replacingOccurrences(of: "id: op", with: "id: autre")])
        let inside = root.appendingPathComponent("operations")
        for written in ["op.yaml", "./op.yaml"] {
            let r = try run(["afficher", written], in: inside)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("Opération d'essai (op)"), "\(written): \(r.stdout.prefix(200))")
            XCTAssertFalse(r.stdout.contains("(autre)"), r.stdout)
        }
    }
}

extension CLITests {
    func testRulesOfUnreadablePlansSayWhyWithExitTwo() throws {
        let root = try plans(["op.yaml": "id: op\nintitule: [\n"])
        let r = try run(["regles", root.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("op.yaml:3:1: erreur: [syntaxe-yaml] YAML invalide : valeur attendue introuvable"), r.stderr)
    }
}

extension CLITests {
    /// The shipped programme's FEDER line (gersycoop-equipements) is still « envisagé » after its
    /// commencement d'exécution of 03/03/2025: on 27/11/2026 (SOURCE_DATE_EPOCH 1795737600) the
    /// grant is lost since 634 days, and the workbook says so in Contrôles, as a warning.
    /// The same when only the summary sheets are exported (the exporter then words only the
    /// deadlines that lose a grant).
    func testAGrantLostByItsDeadlineIsInTheChecksSheet() throws {
        try checkTheLostGrantIsInTheChecksSheet([])
        try checkTheLostGrantIsInTheChecksSheet(["--feuilles", "synthese,controles"])
    }

    func checkTheLostGrantIsInTheChecksSheet(_ options: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perdue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let dump = folder.appendingPathComponent("cells.txt")
        let r = try run(
            ["exporter", "Plans", "-o", folder.appendingPathComponent("c.xlsx").path] + options,
            environment: ["SOURCE_DATE_EPOCH": "1795737600", "MAQUETTE_DUMP_CELLS": dump.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        var sheet = ""
        var rows: [String: [String]] = [:]
        for line in try String(contentsOf: dump, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields[0] == "S" { sheet = fields[1] } else if sheet == "Contrôles", fields.count > 5 { rows[fields[1], default: []].append(fields[5]) }
        }
        let found = rows.values.filter { row in row.contains { $0.contains("dépôt de la demande dépassée de 634 jours (03/03/2025)") } }
        XCTAssertEqual(found.count, 1, "\(found)")
        // A warning, named in words, not by its id.
        XCTAssertEqual(found.first?.prefix(2), ["avertissement", "Échéance dépassée : aide perdue"])
    }
}

extension CLITests {
    /// With one sheet per operation, the writer holds a scratch file open per sheet: 250
    /// operations need some 260 files. Under a soft limit of 128 open files (a desktop's is often
    /// 1 024) the exporter raises its own limit up to the hard one, and the workbook is written;
    /// under a hard limit of 128 it says why in French, what to do, and writes nothing.
    func testManySheetsUnderALowLimitOfOpenFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("limite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let plans = folder.appendingPathComponent("plans")
        XCTAssertEqual(try run(["generer", "--operations", "250", "--graine", "1", "-o", plans.path]).status, 0)
        func export(_ limit: String, to name: String) throws -> Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(limit) && exec \"$0\" exporter \"$1\" -o \"$2\" --date 2026-11-27", executable.path, plans.path, folder.appendingPathComponent(name).path]
            return try Self.collect(process)
        }
        let soft = try export("ulimit -Sn 128", to: "souple.xlsx")
        XCTAssertEqual(soft.status, 0, soft.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("souple.xlsx").path))
        let hard = try export("ulimit -n 128", to: "dure.xlsx")
        XCTAssertEqual(hard.status, 73, hard.stderr)
        XCTAssertTrue(hard.stderr.contains("trop de fichiers ouverts à la fois"), hard.stderr)
        XCTAssertTrue(hard.stderr.contains("--feuilles synthese,financeurs,controles"), hard.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("dure.xlsx").path))
    }
}

extension CLITests {
    /// A plans folder of one letter (`P`, `P/`) or the current one (`.`, from the plans or from
    /// their operations/ folder) is read like any other: Foundation's `deletingLastPathComponent`
    /// traps on a path of one character, and took the command down with it.
    func testAPlansFolderOfOneCharacterIsRead() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-court-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let plans = parent.appendingPathComponent("P")
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("Plans"), to: plans)
        let cases: [(String, URL)] = [("P", parent), ("P/", parent), (".", plans), (".", plans.appendingPathComponent("operations")), ("./", plans)]
        for (written, folder) in cases {
            let r = try run(["verifier", written], in: folder)
            XCTAssertEqual(r.status, 0, "\(written) in \(folder.lastPathComponent): \(r.stderr.prefix(300))")
            XCTAssertTrue(r.stdout.hasSuffix("0 erreur, 3 avertissements dans 9 opérations.\n"), "\(written): \(r.stdout.suffix(200))")
        }
        // Slashes typed twice at the end name the same folder, and the places said keep one.
        let doubled = try run(["verifier", "P//"], in: parent)
        XCTAssertEqual(doubled.status, 0, doubled.stderr)
        XCTAssertTrue(doubled.stdout.hasPrefix("P/operations/ecole-blade.yaml:28:14: avertissement"), String(doubled.stdout.prefix(200)))
        XCTAssertFalse(doubled.stdout.contains("P//"), String(doubled.stdout.prefix(200)))
    }
}

extension CLITests {
    /// A plan of 4 Mio exactly (4 194 304 bytes: the plan and a comment to fill it) is read and
    /// checked; one byte more is refused, and its size is said rounded up (4097 Kio), not down to
    /// 4096 Kio, which would read as no more than the 4 Mio allowed.
    func testAFileOfFourMebibytesIsReadAndOneByteMoreIsRefused() throws {
        let limit = 4 * 1024 * 1024
        let plan = Self.ownersShareBroken + "# "
        let exact = plan + String(repeating: "a", count: limit - plan.utf8.count - 1) + "\n"
        XCTAssertEqual(exact.utf8.count, limit)
        let root = try plans(["op.yaml": exact])
        var r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("op.yaml:13:5: erreur: [part-maitre-ouvrage] la part du maître d'ouvrage est de 150 000,00 €"), String(r.stdout.prefix(500)))
        XCTAssertFalse(r.stdout.contains("trop volumineux"))

        try (exact + "\n").write(to: root.appendingPathComponent("operations/op.yaml"), atomically: false, encoding: .utf8)
        r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("op.yaml:1:1: erreur: [syntaxe-yaml] fichier trop volumineux (4097 Kio) : un fichier de plan fait au plus 4 Mio"), r.stdout)
    }
}

extension CLITests {
    /// An operation file that is not there (a typo in its name) is said to be a missing file,
    /// not a missing plans folder, with how to see the files there are.
    func testAMissingOperationFileIsNotCalledAFolder() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let missing = root.appendingPathComponent("operations/absent.yaml").path
        let r = try run(["verifier", missing])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("erreur: [fichier] le fichier « \(missing) » n'existe pas"), r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("= vérifiez son nom : `maquette verifier` sans fichier vérifie toutes les opérations du dossier"), r.stdout + r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("dossier de plans"), r.stdout + r.stderr)
    }
}

extension CLITests {
    /// A plans folder that exists but cannot be entered (no `x` right: `chmod 644`) is said to be
    /// so, once, not to lack its programme and its operations/ folder, which are there. Root
    /// enters any folder: as root the command is run as `nobody` (setpriv).
    func testAPlansFolderThatCannotBeEnteredIsSaidSo() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        XCTAssertEqual(chmod(root.path, 0o644), 0)
        defer { chmod(root.path, 0o755) }
        let r = try runWithoutPrivileges(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        let said = r.stdout + r.stderr
        XCTAssertTrue(said.contains("erreur: [fichier] impossible d'ouvrir le dossier de plans « \(root.path) »"), said)
        XCTAssertTrue(said.contains("= vérifiez ses droits : le dossier doit pouvoir être lu et parcouru (chmod u+rx)"), said)
        XCTAssertFalse(said.contains("introuvable"), said)
    }

    /// An operations/ folder that can be listed but not entered (`chmod 644`): its files cannot
    /// be opened, which is said once, of the folder, not of each file with a note on the file's
    /// own rights.
    func testAnOperationsFolderThatCannotBeEnteredIsSaidOnce() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken, "autre.yaml": Self.ownersShareBroken.replacingOccurrences(of: "id: op", with: "id: autre")])
        let operations = root.appendingPathComponent("operations")
        XCTAssertEqual(chmod(operations.path, 0o644), 0)
        defer { chmod(operations.path, 0o755) }
        let r = try runWithoutPrivileges(["verifier", root.path])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        let said = r.stdout + r.stderr
        XCTAssertTrue(said.contains("erreur: [fichier] impossible de lire le dossier « \(operations.path) »"), said)
        XCTAssertFalse(said.contains("op.yaml"), said)
        XCTAssertEqual(said.components(separatedBy: "erreur: [").count - 1, 1, said)
    }

    /// Runs the command as `nobody` when run as root (whom no right stops), else as is.
    func runWithoutPrivileges(_ arguments: [String]) throws -> Run {
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        if getuid() == 0 {
            let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
            try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: setpriv.path), "setpriv is needed to run as nobody")
            process.executableURL = setpriv
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        return try Self.collect(process)
    }
}
