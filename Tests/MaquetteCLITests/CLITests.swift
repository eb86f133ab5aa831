import Foundation
import MaquetteTestSupport
import XCTest

/// The `maquette` executable end to end: output, exit codes and JSON.
final class CLITests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built executable, beside the test bundle (or MAQUETTE_UNDER_TEST, to see a test fail
    /// on an older build).
    var executable: URL {
        if let given = ProcessInfo.processInfo.environment["MAQUETTE_UNDER_TEST"] { return URL(fileURLWithPath: given) }
        var dir = Bundle(for: CLITests.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("maquette").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("maquette")
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    func run(_ arguments: [String], in directory: URL = CLITests.packageRoot, environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "SOURCE_DATE_EPOCH")
        // Tables fit COLUMNS when it is set: outputs compared with golden files get whole lines.
        environment.removeValue(forKey: "COLUMNS")
        environment.merge(extra) { $1 }
        process.environment = environment
        return try Self.collect(process)
    }

    /// Runs `process` to its end and returns its exit status, standard output and error.
    static func collect(_ process: Process) throws -> Run {
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A temporary plans folder with the given operation files.
    func plans(_ operations: [String: String], programme: String? = nil) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("operations"), withIntermediateDirectories: true)
        let defaultProgramme = """
            id: essai
            nom: Essai
            periode: { debut: 2025, fin: 2027 }
            maitres_ouvrage:
              - { id: commune, nom: Commune }
            """
        try (programme ?? defaultProgramme).write(to: root.appendingPathComponent("programme.yaml"), atomically: true, encoding: .utf8)
        try "dispositifs:\n  - { id: region.bourgs-centres, parametres: { taux-max: 30 % } }\n  - { id: departement.f2d, parametres: { taux-max: 20 % } }\n"
            .write(to: root.appendingPathComponent("financeurs.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in operations {
            try text.write(to: root.appendingPathComponent("operations/\(name)"), atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    static let ownersShareBroken = """
        id: op
        intitule: Opération d'essai
        maitre_ouvrage: commune
        depenses:
          - libelle: Travaux
            nature: travaux
            montant_ht: 1 000 000
            annees: { 2025: 100 % }
        financements:
          - { dispositif: etat.detr, montant: 400 000, assiette: 1 000 000 }
          - { dispositif: region.bourgs-centres, montant: 300 000 }
          - { dispositif: departement.f2d, montant: 150 000 }
          - autofinancement: 150 000

        """

    func testTheShippedProgrammePasses() throws {
        let r = try run(["verifier", "Plans"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("0 erreur, 3 avertissements dans 9 opérations.\n"), r.stdout)
        // The English alias runs the same command.
        XCTAssertEqual(try run(["check", "Plans"]).stdout, r.stdout)
    }

    func testABrokenRuleExitsOneWithTheLocatedMessage() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 1)
        let expected = """
            \(root.path)/operations/op.yaml:13:5: erreur: [part-maitre-ouvrage] la part du maître d'ouvrage est de 150 000,00 € soit 15 % des financements publics (1 000 000,00 €) ; le minimum est 20 %, soit 200 000,00 € (CGCT art. L1111-10 III, depuis le 1er janvier 2012)
             13 |   - autofinancement: 150 000
                |     ^
              = il manque 50 000,00 € : réduisez les aides publiques d'autant et portez l'autofinancement (reste à financer) à 200 000,00 €, ou déclarez la dérogation accordée par le préfet (`derogation_part_minimale`)
            """
        XCTAssertTrue(r.stdout.contains(expected), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("1 erreur, 1 avertissement dans 1 opération.\n"), r.stdout)
    }

    func testWarningsFailOnlyWhenStrict() throws {
        let text = Self.ownersShareBroken.replacingOccurrences(of: "autofinancement: 150 000", with: "autofinancement: solde")
            .replacingOccurrences(of: "departement.f2d, montant: 150 000", with: "departement.f2d, montant: 100 000")
        let root = try plans(["op.yaml": text])
        XCTAssertEqual(try run(["verifier", root.path]).status, 0)
        let strict = try run(["verifier", root.path, "--strict"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stdout.contains("[detr-commission]"))
        // Skipping the rule leaves nothing to fail on.
        XCTAssertEqual(try run(["verifier", root.path, "--strict", "--sauf", "detr-commission"]).status, 0)
    }

    func testUnreadablePlansExitTwo() throws {
        let root = try plans(["op.yaml": "id: op\nintitule: [\n"])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("\(root.path)/operations/op.yaml:3:1: erreur: [syntaxe-yaml] YAML invalide"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("Les plans ne peuvent pas être lus : corrigez les erreurs ci-dessus.\n"))
        let missing = try run(["verifier", "/nonexistent/plans"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stdout.contains("le dossier de plans « /nonexistent/plans » n'existe pas"))
    }

    func testMisuseExits64() throws {
        let r = try run(["verifier", "--format", "xml"])
        XCTAssertEqual(r.status, 64)
        let rule = try run(["verifier", "Plans", "--seulement", "equilibr"])
        XCTAssertEqual(rule.status, 64)
        XCTAssertTrue(rule.stderr.contains("règle inconnue « equilibr »"), rule.stderr)
        // A list with no rule in it (a comma, a space) is a mistake, not « every rule ».
        for (option, list) in [("--seulement", ","), ("--sauf", ","), ("--seulement", " , "), ("--sauf", "")] {
            let empty = try run(["verifier", "Plans", option, list])
            XCTAssertEqual(empty.status, 64, "\(option) '\(list)'")
            XCTAssertTrue(empty.stderr.contains("\(option) : liste vide ; donnez au moins une règle"), empty.stderr)
        }
    }

    func testJSONOutputKeepsAmountsAsDecimalStrings() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let r = try run(["verifier", root.path, "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(json["diagnostics"] as? [[String: Any]])
        let share = try XCTUnwrap(diagnostics.first { $0["rule"] as? String == "part-maitre-ouvrage" })
        XCTAssertEqual(share["severity"] as? String, "erreur")
        XCTAssertEqual(share["line"] as? Int, 13)
        XCTAssertEqual(share["column"] as? Int, 5)
        XCTAssertEqual(share["operation"] as? String, "op")
        let op = try XCTUnwrap((json["operations"] as? [[String: Any]])?.first)
        XCTAssertEqual(op["depenses_ht"] as? String, "1000000.00")
        XCTAssertEqual(op["depenses_ttc"] as? String, "1200000.00")
        XCTAssertEqual(op["aides_publiques"] as? String, "850000.00")
        XCTAssertEqual(op["part_maitre_ouvrage"] as? String, "150000.00")
        XCTAssertEqual(op["autofinancement"] as? String, "150000.00")
        // FCTVA: 1 200 000 TTC × 16,404 % = 196 848,00, received in 2027 (N+2 by default).
        XCTAssertEqual(op["fctva"] as? String, "196848.00")
    }

    func testShowPrintsTheFinancingPlan() throws {
        let r = try run(["afficher", "Plans", "ecole-blade"])
        XCTAssertEqual(r.status, 0)
        // Région 20 % of 1 000 000 = 200 000; balance 1 000 000 − 667 500 = 332 500.
        let region = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("Région Occitanie") })
        XCTAssertEqual(
            region.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "),
            "Région Occitanie Région – Bourgs-Centres 1 000 000,00 € 20 % 200 000,00 € sollicité 20/01/2025")
        XCTAssertTrue(r.stdout.contains("Part du maître d'ouvrage : 332 500,00 € (33,25 % des financements publics)"), r.stdout)
        let unknown = try run(["afficher", "Plans", "ecole"])
        XCTAssertEqual(unknown.status, 64)
    }

    func testSchemaIsJSON() throws {
        let r = try run(["schema", "operation"])
        XCTAssertEqual(r.status, 0)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["$schema"] as? String, "http://json-schema.org/draft-07/schema#")
        let required = try XCTUnwrap(json["required"] as? [String])
        XCTAssertEqual(required, ["id", "intitule", "maitre_ouvrage", "depenses", "financements"])
    }

    // MARK: exporter

    func unzip(_ path: String, _ part: String) throws -> String {
        try XlsxParts.read(path, part)
    }

    func testExportWritesADraftWhenRulesAreBroken() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let target = root.deletingLastPathComponent().appendingPathComponent("\(root.lastPathComponent).xlsx").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: target) }
        let r = try run(["exporter", root.path, "-o", target])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Classeur écrit : \(target) (1 opération, 11 feuilles).\n")
        XCTAssertEqual(r.stderr, "Attention : 1 erreur dans les plans ; le classeur est un projet (voir la feuille Contrôles, ou `maquette verifier`).\n")
        let checks = try unzip(target, "xl/worksheets/sheet8.xml")
        XCTAssertTrue(checks.contains("PROJET : 1 règle(s) enfreinte(s)"), checks)
        // The rule by its name, not its id.
        XCTAssertTrue(checks.contains("<t>Participation minimale du maître d'ouvrage (20 % ou 30 % des financements publics, ou la part abaissée par le préfet)</t>"), checks)
    }

    func testExportRefusesUnreadablePlansAndKeepsThePreviousWorkbook() throws {
        let root = try plans(["op.yaml": "id: op\nintitule: [\n"])
        let target = root.appendingPathComponent("../\(root.lastPathComponent)-ancien.xlsx").standardizedFileURL.path
        try Data("ancien".utf8).write(to: URL(fileURLWithPath: target))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: target) }
        let r = try run(["exporter", root.path, "-o", target])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasSuffix("Les plans ne peuvent pas être lus : aucun classeur n'a été écrit.\n"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "ancien")
    }

    func testExportNeverWritesInsideThePlansFolder() throws {
        let r = try run(["exporter", "Plans", "-o", "Plans/operations/classeur.xlsx"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("Maquette n'écrit jamais dans le dossier des plans"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: CLITests.packageRoot.appendingPathComponent("Plans/operations/classeur.xlsx").path))
    }

    func testExportIsReproducibleAndLocaleProof() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.xlsx").path
        let b = folder.appendingPathComponent("b.xlsx").path
        XCTAssertEqual(try run(["export", "Plans", "-o", a]).status, 0)
        // Under a French locale libxlsxwriter would write `667500,5`: the bytes must not change.
        XCTAssertEqual(try run(["export", "Plans", "-o", b], environment: ["LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        // SOURCE_DATE_EPOCH fixes the date and the creation instant: 1 700 000 000 s is 2023-11-14 22:13:20.
        let c = folder.appendingPathComponent("c.xlsx").path
        XCTAssertEqual(try run(["export", "Plans", "-o", c], environment: ["SOURCE_DATE_EPOCH": "1700000000"]).status, 0)
        XCTAssertTrue(try unzip(c, "docProps/core.xml").contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>"))
        // --date wins over it.
        XCTAssertEqual(try run(["export", "Plans", "-o", c, "--date", "16/03/2027"], environment: ["SOURCE_DATE_EPOCH": "1700000000"]).status, 0)
        XCTAssertTrue(try unzip(c, "docProps/core.xml").contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2027-03-16T00:00:00Z</dcterms:created>"))
        XCTAssertEqual(try run(["export", "Plans", "-o", c], environment: ["SOURCE_DATE_EPOCH": "demain"]).status, 64)
        // A folder as destination gets <programme>.xlsx.
        XCTAssertEqual(try run(["export", "Plans", "-o", folder.path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pvd-fleurance-lectoure.xlsx").path))
    }

    // MARK: scenarios, treasury, simulation, comparison

    func testVerifierWithAScenario() throws {
        let r = try run(["verifier", "Plans", "--scenario", "dsil-refusee-halle", "--format", "json"])
        XCTAssertEqual(r.status, 0)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let halle = try XCTUnwrap((json["operations"] as? [[String: Any]])?.first { $0["id"] as? String == "halle-aux-grains" })
        // Without the DSIL's 450 000: aid 1 050 000 − 450 000 = 600 000; balance 450 000 + 450 000.
        XCTAssertEqual(halle["aides_publiques"] as? String, "600000.00")
        XCTAssertEqual(halle["autofinancement"] as? String, "900000.00")
        let unknown = try run(["verifier", "Plans", "--scenario", "inconnu"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stdout.contains("scénario inconnu `inconnu`"), unknown.stdout)
    }

    func testTreasuryWarnsAboveTheCapacity() throws {
        // Lectoure's capacity accrues from its first year with spending, 2025: 2 × 350 000 € =
        // 700 000 € by the end of 2026, when its cumulated need is 178 634,27 + 588 237,80 =
        // 766 872,07 € (it was counted from the programme's 2021, lending it four years of savings).
        let base = try run(["tresorerie", "Plans"])
        XCTAssertEqual(base.status, 0)
        XCTAssertTrue(
            base.stdout.contains(
                "avertissement: [tresorerie-capacite] Commune de Lectoure : besoin de trésorerie cumulé de 766 872,07 € fin 2026, au-delà de son épargne nette disponible cumulée (350 000,00 € par an depuis 2025, première année de dépenses, soit 700 000,00 €)"),
            base.stdout)
        XCTAssertFalse(base.stdout.contains("[tresorerie-capacite] Commune de Fleurance"), base.stdout)
    }

    func testSimulationIsDeterministicAndEchoesItsSeed() throws {
        let a = try run(["simuler", "Plans", "--tirages", "300", "--graine", "7"])
        let b = try run(["simulate", "Plans", "--tirages", "300", "--graine", "7"])
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertTrue(a.stdout.contains("300 tirages, graine 7 ; 20 lignes incertaines."), a.stdout)
        XCTAssertEqual(a.stderr, "", "no progress bar when standard error is not a terminal")
        XCTAssertNotEqual(try run(["simuler", "Plans", "--tirages", "300", "--graine", "8"]).stdout, a.stdout)
        XCTAssertEqual(try run(["simuler", "Plans", "--tirages", "0"]).status, 64)
    }

    func testComparisonShowsTheDifferences() throws {
        let r = try run(["comparer", "base", "dsil-refusee-halle"])
        XCTAssertEqual(r.status, 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        XCTAssertTrue(lines.contains("halle-aux-grains 1 050 000,00 € 600 000,00 € -450 000,00 €"), r.stdout)
        XCTAssertTrue(lines.contains("halle-aux-grains 450 000,00 € 900 000,00 € +450 000,00 €"))
        XCTAssertEqual(try run(["comparer", "base"]).status, 64)
    }

    func testExportWithScenariosAndSimulation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-scenarios-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("s.xlsx").path
        let r = try run(["exporter", "Plans", "-o", target, "--scenario", "dsil-refusee-halle", "--scenario", "pire-cas", "--tirages", "200", "--graine", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(9 opérations, 21 feuilles)"), r.stdout)
        let workbook = try unzip(target, "xl/workbook.xml")
        XCTAssertTrue(workbook.contains("name=\"Scénarios\"") && workbook.contains("name=\"Simulation\""), workbook)
        XCTAssertTrue(try unzip(target, "xl/worksheets/sheet1.xml").contains("scénario : DSIL refusée pour la Halle aux grains (dsil-refusee-halle)"))
        XCTAssertTrue(try unzip(target, "xl/worksheets/sheet20.xml").contains("200 tirages sur le scénario DSIL refusée pour la Halle aux grains (dsil-refusee-halle), graine 3"))
    }

    // MARK: optimiser, corriger

    func testOptimiserWritesAScenarioThatPasses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-opt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("optimise.yaml").path
        let r = try run(["optimiser", "Plans", "-o", target])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Part des maîtres d'ouvrage : 3 416 900,00 € → 2 389 000,00 €"), r.stdout)
        XCTAssertTrue(r.stdout.contains("plafonné par l'enveloppe DETR 2026 (1 100 000,00 €), partagée par ecole-blade, gersycoop-equipements, halle-aux-grains, épuisée"))
        // The shipped Plans/scenarios/optimise.yaml is this proposal: it passes the rules.
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), try String(contentsOf: CLITests.packageRoot.appendingPathComponent("Plans/scenarios/optimise.yaml"), encoding: .utf8))
        XCTAssertEqual(try run(["verifier", "Plans", "--scenario", "optimise"]).status, 0)
        XCTAssertEqual(try run(["optimiser", "Plans", "-o", target, "--poids", "paris=2"]).status, 64)
    }

    func testCorrigerFixesTheOwnersShareExample() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        let target = root.appendingPathComponent("scenarios/correction.yaml").path
        let r = try run(["corriger", "--dossier", root.path, "op", "-o", target])
        XCTAssertEqual(r.status, 0, r.stderr)
        // 50 000 of aid go back to the owner: 100 000 moved in all.
        XCTAssertTrue(r.stdout.contains("Euros déplacés : 100 000,00 €"), r.stdout)
        let autofinancement = r.stdout.split(separator: "\n").first { $0.hasPrefix("op ") && $0.contains("autofinancement") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        XCTAssertEqual(autofinancement, "op autofinancement 150 000,00 € 200 000,00 € +50 000,00 €")
        XCTAssertEqual(try run(["verifier", root.path]).status, 1)
        XCTAssertEqual(try run(["verifier", root.path, "--scenario", "correction"]).status, 0)
    }

    /// The program does not load libquadmath (which CLP's dependencies bring): its printf hooks
    /// would slow every cell libxlsxwriter writes (see docs/benchmarks.md). CLP is opened only
    /// when the optimiser runs.
    func testTheProgramDoesNotLinkCLPNorLibquadmath() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [executable.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertTrue(text.contains("libxlsxwriter"), text)
        XCTAssertFalse(text.contains("libquadmath"), text)
        XCTAssertFalse(text.contains("libClp"), text)
    }

    /// ArgumentParser's own words (usage errors, help headings) reach the user in French, with
    /// the documented exit codes.
    func testUsageErrorsAndHelpAreInFrench() throws {
        let unknown = try run(["verifier", "--nope"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(
            unknown.stderr,
            "erreur : option inconnue « --nope »\nUtilisation : maquette verifier [<dossier>] [<operation>] [--scenario <scenario>] [--format <format>] [--strict] [--seulement <seulement> ...] [--sauf <sauf> ...] [--surveiller] [--sondage]\n  Aide : « maquette verifier --help ».\n"
        )
        let value = try run(["simuler", "Plans", "--tirages", "beaucoup"])
        XCTAssertEqual(value.status, 64)
        XCTAssertTrue(value.stderr.hasPrefix("erreur : la valeur « beaucoup » ne convient pas pour « --tirages <tirages> »\n"), value.stderr)
        // A misuse found while the command runs names the command.
        let sheets = try run(["exporter", "Plans", "--feuilles", "toto"])
        XCTAssertEqual(sheets.status, 64)
        XCTAssertEqual(
            sheets.stderr,
            "erreur : --feuilles : feuille inconnue « toto » ; feuilles : synthese, operations, financeurs, demandes, echeancier, calendrier, controles, graphiques, echeances\n  Aide : « maquette exporter --help ».\n"
        )
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("UTILISATION : maquette <sous-commande>\n"), help.stdout)
        XCTAssertTrue(help.stdout.contains("SOUS-COMMANDES :\n  verifier, check"), help.stdout)
        XCTAssertTrue(help.stdout.contains("-h, --help              Affiche cette aide."), help.stdout)
        let check = try run(["verifier", "--help"])
        XCTAssertTrue(check.stdout.contains("MAQUETTE_PLANS"), check.stdout)
        XCTAssertTrue(check.stdout.contains("(valeurs : texte,"), check.stdout)
        for english in ["USAGE", "OVERVIEW", "SUBCOMMANDS", "Show help", "default:", "values:", "See '"] {
            XCTAssertFalse(help.stdout.contains(english) || check.stdout.contains(english), english)
        }
    }
}
