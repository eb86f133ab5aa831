import Foundation
import XCTest

/// Issue 13: one way to name the plans and the command, scenario files written for the user,
/// French to the last word.
extension CLITests {
    // MARK: naming the command

    func testAccentedCommandNamesAreAccepted() throws {
        for (accented, plain) in [("vérifier", "verifier"), ("trésorerie", "tresorerie"), ("règles", "regles")] {
            let a = try run([accented])
            let b = try run([plain])
            XCTAssertEqual(a.status, b.status, accented)
            XCTAssertEqual(a.stdout, b.stdout, accented)
        }
        XCTAssertEqual(try run(["générer", "--help"]).status, 0)
    }

    func testAMisspeltCommandGetsTheNearestName() throws {
        let r = try run(["verifer"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "erreur : commande inconnue « verifer » ; vouliez-vous dire « verifier » ?\n")
        let other = try run(["blabla"])
        XCTAssertEqual(other.status, 64)
        XCTAssertTrue(other.stderr.hasPrefix("erreur : commande inconnue « blabla » ; commandes : verifier, afficher,"), other.stderr)
    }

    // MARK: finding the plans

    func testThePlansAreFoundAsGitFindsItsRepository() throws {
        let shipped = try run(["verifier", "Plans"])
        // From inside the plans folder, and from one of its sub-folders.
        for sub in ["Plans", "Plans/operations"] {
            let r = try run(["verifier"], in: CLITests.packageRoot.appendingPathComponent(sub))
            XCTAssertEqual(r.status, shipped.status, sub)
            XCTAssertEqual(r.stdout.split(separator: "\n").last, shipped.stdout.split(separator: "\n").last, sub)
        }
        // The environment variable, when no folder is given.
        let elsewhere = FileManager.default.temporaryDirectory
        let r = try run(["verifier"], in: elsewhere, environment: ["MAQUETTE_PLANS": CLITests.packageRoot.appendingPathComponent("Plans").path])
        XCTAssertEqual(r.stdout.split(separator: "\n").last, shipped.stdout.split(separator: "\n").last)
        // Else ./Plans, and the loader says it is missing.
        let none = try run(["verifier"], in: elsewhere, environment: ["MAQUETTE_PLANS": ""])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("« Plans » n'existe pas") || none.stdout.contains("« Plans » n'existe pas"), none.stdout + none.stderr)
    }

    /// The folder, then the operation: `verifier Plans halle-aux-grains` as `afficher` and `corriger` take them.
    func testTheOperationMayFollowTheFolder() throws {
        let both = try run(["verifier", "Plans", "halle-aux-grains"])
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(both.stdout, try run(["verifier", "halle-aux-grains"]).stdout)
        XCTAssertTrue(both.stdout.hasSuffix("0 erreur, 1 avertissement dans 1 opération.\n"), both.stdout)
        let file = try run(["tresorerie", "Plans", "Plans/operations/halle-aux-grains.yaml"])
        XCTAssertEqual(file.stdout, try run(["tresorerie", "halle-aux-grains"]).stdout)
        let typo = try run(["verifier", "Plans", "halle-aux-grain"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertEqual(typo.stderr, "erreur : opération inconnue « halle-aux-grain » ; vouliez-vous dire « halle-aux-grains » ?\n  Aide : « maquette verifier --help ».\n")
        let two = try run(["verifier", "halle-aux-grains", "gersycoop"])
        XCTAssertEqual(two.status, 64)
        XCTAssertTrue(two.stderr.hasPrefix("erreur : deux opérations données, « halle-aux-grains » et « gersycoop » : une seule à la fois\n"), two.stderr)
    }

    /// After the folder, the operation's file may be named as it stands in the folder
    /// (`halle-aux-grains.yaml`, `operations/halle-aux-grains.yaml`), not only from the current
    /// folder; a file found nowhere is said not to exist (it was said to describe no operation).
    func testAnOperationFileAfterTheFolderIsLookedForInIt() throws {
        let alone = try run(["verifier", "halle-aux-grains"])
        for word in ["halle-aux-grains.yaml", "operations/halle-aux-grains.yaml"] {
            let r = try run(["verifier", "Plans", word])
            XCTAssertEqual(r.status, 0, word + " : " + r.stderr)
            XCTAssertEqual(r.stdout, alone.stdout, word)
        }
        let absent = try run(["verifier", "Plans", "halle.yaml"])
        XCTAssertEqual(absent.status, 64)
        XCTAssertTrue(absent.stderr.hasPrefix("erreur : le fichier d'opération « halle.yaml » n'existe pas (ni depuis le dossier courant, ni dans « Plans », ni dans « Plans/operations »)\n"), absent.stderr)
    }

    /// An operation of 1 000 000 € of works in 2025, one funding line and the owner's balance.
    static func worksOfAMillion(funding line: String) -> String {
        """
        id: op
        intitule: Essai
        maitre_ouvrage: commune
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 100 % } }
        financements:
          - \(line)
          - autofinancement: solde
        """
    }

    /// Percentiles counted by classes are said so in JSON too (`remarques`, and
    /// `centiles_exacts` in the details), not only in the text: a rate drawn in 10 % .. 30 % of
    /// 1 000 000 € takes 200 001 values, so 6 000 draws give more than 4 096 distinct shares.
    func testApproximatePercentilesAreSaidInJSON() throws {
        let ranged = Self.worksOfAMillion(funding: "{ dispositif: region.bourgs-centres, taux: 10 % .. 30 %, statut: envisage, probabilite: 100 % }")
        let root = try plans(["op.yaml": ranged])
        let many = try run(["simuler", root.path, "--tirages", "6000", "--format", "json"])
        XCTAssertEqual(many.status, 0, many.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["remarques"] as? [String], [
            "P10, P50 et P90 à 0,05 % près pour Commune et l'ensemble du programme : plus de 4 096 montants distincts, comptés par classes (les moyennes restent exactes).",
        ])
        XCTAssertEqual((report["details"] as? [String: String])?["centiles_exacts"], "non")
        // 1 000 draws: at most 1 000 distinct shares, every percentile exact.
        let few = try run(["simuler", root.path, "--tirages", "1000", "--format", "json"])
        let exact = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(few.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(exact["remarques"] as? [String], [])
        XCTAssertEqual((exact["details"] as? [String: String])?["centiles_exacts"], "oui")
    }

    /// A scenario's file where the plans are expected was read as the whole programme, base plan,
    /// without a word: `verifier Plans/scenarios/pire-cas.yaml` said « 0 erreur » of plans the
    /// scenario had not touched. It is refused, with the option that applies it.
    func testAScenarioFileIsNotTakenForThePlans() throws {
        let r = try run(["verifier", "Plans/scenarios/pire-cas.yaml"])
        XCTAssertEqual(r.status, 64, r.stdout)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(
            r.stderr.hasPrefix("erreur : « Plans/scenarios/pire-cas.yaml » est un scénario, pas des plans : donnez le dossier des plans et appliquez-le avec `--scenario pire-cas`\n"),
            r.stderr)
        let elsewhere = FileManager.default.temporaryDirectory
        let scenario = CLITests.packageRoot.appendingPathComponent("Plans/scenarios/pire-cas.yaml").path
        let variable = try run(["tresorerie"], in: elsewhere, environment: ["MAQUETTE_PLANS": scenario])
        XCTAssertEqual(variable.status, 64, variable.stdout)
        XCTAssertTrue(variable.stderr.hasPrefix("erreur : MAQUETTE_PLANS : « \(scenario) » est un scénario, pas des plans"), variable.stderr)
    }

    /// `echeances` takes the operation as every command does (alone, or after the folder): it
    /// showed the whole programme's deadlines whatever operation was named.
    func testEcheancesKeepsToTheOperationNamed() throws {
        func operations(_ arguments: [String]) throws -> [String] {
            let r = try run(["echeances"] + arguments + ["--date", "2026-11-27", "--format", "json"])
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stderr)
            return try XCTUnwrap(report["echeances"] as? [[String: Any]]).map { ($0["operation"] as? String) ?? "" }
        }
        let all = try operations(["Plans"])
        XCTAssertTrue(Set(all).count > 1)
        // The Halle's own deadlines, and the programme's end (no operation), in the same order.
        let halle = all.filter { $0 == "halle-aux-grains" || $0 == "" }
        XCTAssertGreaterThan(halle.count, 1)
        XCTAssertEqual(halle.filter(\.isEmpty).count, 1)
        for arguments in [["halle-aux-grains"], ["Plans", "halle-aux-grains"], ["Plans/operations/halle-aux-grains.yaml"]] {
            XCTAssertEqual(try operations(arguments), halle, arguments.joined(separator: " "))
        }
    }

    /// `exporter` given an operation and `--operations` kept the list and dropped the operation,
    /// without a word: two ways of choosing are refused.
    func testExporterRefusesAnOperationAndAListTogether() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-\(UUID().uuidString).xlsx").path
        let r = try run(["exporter", "Plans", "halle-aux-grains", "--operations", "gersycoop-equipements", "-o", target])
        XCTAssertEqual(r.status, 64, r.stdout)
        XCTAssertTrue(
            r.stderr.hasPrefix("erreur : l'opération « halle-aux-grains » et --operations choisissent chacune les opérations : donnez l'une ou l'autre\n"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    /// Operations `a` and `b` asking 300 000 € of DETR each in 2025 from an envelope of
    /// 500 000 €, `c` asking none.
    func exceededDETREnvelope() throws -> URL {
        func op(_ id: String, _ detr: Bool) -> String {
            """
            id: \(id)
            intitule: Opération \(id)
            maitre_ouvrage: commune
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 100 % } }
            financements:
            \(detr ? "  - { dispositif: etat.detr, montant: 300 000, assiette: 1 000 000, statut: sollicite, depot: 2025-01-10 }\n" : "")  - autofinancement: solde
            """
        }
        let root = try plans(["a.yaml": op("a", true), "b.yaml": op("b", true), "c.yaml": op("c", false)])
        let funders = root.appendingPathComponent("financeurs.yaml")
        try (try String(contentsOf: funders, encoding: .utf8) + "enveloppes:\n  - { dispositif: etat.detr, annee: 2025, montant: 500 000 }\n")
            .write(to: funders, atomically: true, encoding: .utf8)
        return root
    }

    /// `verifier PLANS OPERATION` shows what concerns the operation: an envelope it draws on and
    /// that is exceeded (a diagnostic of the programme, written in financeurs.yaml) was left out,
    /// and the operation said « 0 erreur ». An operation that does not draw on it does not see it.
    func testAnOperationSeesTheEnvelopeItDrawsOn() throws {
        let root = try exceededDETREnvelope()
        let whole = try run(["verifier", root.path])
        XCTAssertEqual(whole.status, 1, whole.stdout)
        let envelope = "erreur: [enveloppe-annuelle] l'enveloppe DETR 2025 (500 000,00 €) est dépassée : les opérations en demandent 600 000,00 € (dépassement 100 000,00 €)"
        XCTAssertTrue(whole.stdout.contains(envelope), whole.stdout)
        let a = try run(["verifier", root.path, "a"])
        XCTAssertEqual(a.status, 1, a.stdout)
        XCTAssertTrue(a.stdout.contains(envelope), a.stdout)
        let c = try run(["verifier", root.path, "c"])
        XCTAssertFalse(c.stdout.contains("enveloppe"), c.stdout)
    }

    /// A plan file its reader may not read was reported without a place (« impossible de lire »
    /// alone, out of the list of located problems). Run as an unprivileged user (root reads
    /// everything), it is located at the file's first line, as every other file problem.
    func testAFileThatMayNotBeReadIsALocatedProblem() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to read as another user")
        }
        let root = try plans(["a.yaml": Self.worksOfAMillion(funding: "{ dispositif: etat.detr, montant: 300 000, assiette: 1 000 000, statut: envisage }")])
        let file = root.appendingPathComponent("operations/a.yaml").path
        XCTAssertEqual(chmod(file, 0), 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        // The executable is copied where any user may run it (the build folder may not be).
        let copy = root.appendingPathComponent("maquette").path
        try FileManager.default.copyItem(atPath: executable.path, toPath: copy)
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "verifier", root.path]
        process.environment = ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"]
        let r = try Self.collect(process)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(
            (r.stdout + r.stderr).contains("\(file):1:1: erreur: [fichier] impossible de lire « \(file) »\n  = vérifiez les droits du fichier\n"), r.stdout + r.stderr)
    }

    /// A negative number after an option was taken for an option of its own: `--graine -1` said
    /// « valeur manquante ». The value is read as given and refused for what it is.
    func testANegativeValueIsReadAsTheOptionsValue() throws {
        let seed = try run(["simuler", "Plans", "--graine", "-1", "--tirages", "10"])
        XCTAssertEqual(seed.status, 64)
        XCTAssertTrue(seed.stderr.hasPrefix("erreur : la valeur « -1 » ne convient pas pour « --graine <graine> »\n"), seed.stderr)
        let draws = try run(["simuler", "Plans", "--tirages", "-5"])
        XCTAssertEqual(draws.status, 64)
        XCTAssertTrue(draws.stderr.hasPrefix("erreur : --tirages : entre 1 et 1 000 000\n"), draws.stderr)
        // After `--`, nothing is an option: the words stay as they are.
        let after = try run(["verifier", "--", "-1"])
        XCTAssertEqual(after.status, 64)
        XCTAssertFalse(after.stderr.contains("="), after.stderr)
    }

    /// A workbook restricted to one operation showed every diagnostic of the programme: the
    /// envelope exceeded by two other operations was in its Contrôles and made its « erreurs »
    /// count. It shows what `verifier PLANS OPERATION` shows, no more.
    func testARestrictedWorkbookShowsTheEnvelopeOnlyToTheOperationsDrawingOnIt() throws {
        let root = try exceededDETREnvelope()
        func controls(_ restriction: [String]) throws -> (sheet: String, stderr: String) {
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-\(UUID().uuidString).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: target) }
            let r = try run(["exporter", root.path] + restriction + ["--feuilles", "controles", "--date", "2025-03-01", "-o", target])
            XCTAssertEqual(r.status, 0, r.stderr)
            return (try unzip(target, "xl/worksheets/sheet1.xml"), r.stderr)
        }
        let envelope = "l'enveloppe DETR 2025 (500 000,00 €) est dépassée"
        let a = try controls(["a"])
        XCTAssertTrue(a.sheet.contains(envelope), a.sheet)
        XCTAssertTrue(a.stderr.hasPrefix("Attention : 1 erreur dans les plans"), a.stderr)
        for restriction in [["c"], ["--operations", "c"]] {
            let c = try controls(restriction)
            XCTAssertFalse(c.sheet.contains("enveloppe"), restriction.joined(separator: " ") + " : " + c.sheet)
            XCTAssertFalse(c.stderr.contains("erreur"), c.stderr)
        }
        XCTAssertTrue(try controls(["--operations", "b,c"]).sheet.contains(envelope))
    }

    /// A workbook restricted to one operation compares the scenarios on that operation (and its
    /// owner) only: its Scénarios sheet listed every operation of the programme, the others by id.
    func testARestrictedWorkbookComparesItsOwnOperation() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-\(UUID().uuidString).xlsx").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: target) }
        let r = try run(["exporter", "Plans", "halle-aux-grains", "--scenario", "pire-cas", "-o", target])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Synthèse, the Halle, Financeurs, Demandes, Échéancier, Versements, Calendrier, Contrôles,
        // Graphiques, Paramètres, then Scénarios: the 11th sheet.
        let scenarios = try unzip(target, "xl/worksheets/sheet11.xml")
        XCTAssertTrue(scenarios.contains("Comparaison des scénarios"), scenarios)
        XCTAssertTrue(scenarios.contains("Restructuration de la Halle aux grains"))
        XCTAssertTrue(scenarios.contains("Commune de Lectoure"))
        for other in ["ecole-blade", "gersycoop-equipements", "Commune de Fleurance"] {
            XCTAssertFalse(scenarios.contains(other), other)
        }
    }

    /// The plans' `operations/` (or `scenarios/`) folder given as the plans is read as the plans
    /// folder above it, as working from inside it does: it was looked for `operations/operations`.
    func testTheOperationsFolderGivenAsThePlansMeansThePlansAboveIt() throws {
        let whole = try run(["verifier", "Plans"])
        for folder in ["Plans/operations", "Plans/scenarios", "Plans/operations/"] {
            let r = try run(["verifier", folder])
            XCTAssertEqual(r.status, whole.status, folder + " : " + r.stdout)
            XCTAssertTrue(r.stdout.hasSuffix("0 erreur, 3 avertissements dans 9 opérations.\n"), folder + " : " + r.stdout)
        }
        let halle = try run(["verifier", "Plans/operations", "halle-aux-grains"])
        XCTAssertEqual(halle.stdout, try run(["verifier", "halle-aux-grains"]).stdout)
    }

    /// Plans without an uncertain line: the simulation says there is nothing to draw, instead of
    /// the headings of an empty table of the lines that weigh most.
    func testASimulationWithoutUncertainLinesSaysSo() throws {
        let certain = Self.worksOfAMillion(funding: "{ dispositif: region.bourgs-centres, montant: 300 000, statut: notifie, depot: 2024-10-01, notification: 2025-01-15 }")
        let root = try plans(["op.yaml": certain])
        let r = try run(["simuler", root.path, "--tirages", "10"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("10 tirages, graine 42 ; 0 ligne incertaine.\n"), r.stdout)
        XCTAssertTrue(
            r.stdout.hasSuffix("\nAucune ligne envisagée ni sollicitée : chaque tirage donne le plan tel quel.\n"), r.stdout)
        XCTAssertFalse(r.stdout.contains("Lignes qui pèsent le plus"), r.stdout)
    }

    /// MAQUETTE_PLANS may name programme.yaml or an operation file, as the argument may.
    func testTheEnvironmentVariableMayNameAFile() throws {
        let elsewhere = FileManager.default.temporaryDirectory
        let plans = CLITests.packageRoot.appendingPathComponent("Plans")
        let programme = try run(["verifier"], in: elsewhere, environment: ["MAQUETTE_PLANS": plans.appendingPathComponent("programme.yaml").path])
        XCTAssertTrue(programme.stdout.hasSuffix("0 erreur, 3 avertissements dans 9 opérations.\n"), programme.stdout + programme.stderr)
        let operation = try run(["verifier"], in: elsewhere, environment: ["MAQUETTE_PLANS": plans.appendingPathComponent("operations/halle-aux-grains.yaml").path])
        XCTAssertTrue(operation.stdout.hasSuffix("dans 1 opération.\n"), operation.stdout + operation.stderr)
        let readme = try run(["verifier"], in: CLITests.packageRoot, environment: ["MAQUETTE_PLANS": "README.md"])
        XCTAssertEqual(readme.status, 64)
        XCTAssertTrue(readme.stderr.hasPrefix("erreur : MAQUETTE_PLANS : « README.md » n'est ni un dossier de plans ni un fichier .yaml\n"), readme.stderr)
    }

    func testAnOperationFileOrIdRestrictsTheCommandToIt() throws {
        let file = try run(["verifier", "Plans/operations/halle-aux-grains.yaml"])
        XCTAssertTrue(file.stdout.hasSuffix("dans 1 opération.\n"), file.stdout)
        XCTAssertFalse(file.stdout.contains("gersycoop"), file.stdout)
        let shown = try run(["afficher", "halle-aux-grains"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.hasPrefix("Restructuration de la Halle aux grains (halle-aux-grains)\n"), shown.stdout)
        XCTAssertEqual(shown.stdout, try run(["afficher", "Plans", "halle-aux-grains"]).stdout)
        XCTAssertEqual(shown.stdout, try run(["afficher", "Plans/operations/halle-aux-grains.yaml"]).stdout)
        let typo = try run(["afficher", "halle-aux-grain"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.stderr.contains("vouliez-vous dire « halle-aux-grains » ?"), typo.stderr)
        let treasury = try run(["tresorerie", "halle-aux-grains"])
        XCTAssertEqual(treasury.status, 0, treasury.stderr)
        // Lectoure's table and the programme's: the other owners have no operation left.
        XCTAssertEqual(treasury.stdout.components(separatedBy: "Pointe du besoin de trésorerie cumulé").count - 1, 2, treasury.stdout)
    }

    func testEveryCommandTakesThePlansFolderAsItsFirstArgument() throws {
        let positional = try run(["comparer", "Plans", "base", "dsil-refusee-halle"])
        XCTAssertEqual(positional.status, 0, positional.stderr)
        XCTAssertEqual(positional.stdout, try run(["comparer", "base", "dsil-refusee-halle"]).stdout)
        // The former option still works.
        XCTAssertEqual(positional.stdout, try run(["comparer", "--dossier", "Plans", "base", "dsil-refusee-halle"]).stdout)
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let fix = try run(["corriger", root.path, "op"])
        XCTAssertEqual(fix.status, 0, fix.stderr)
        XCTAssertTrue(fix.stdout.contains("Euros déplacés : 100 000,00 €"), fix.stdout)
        XCTAssertEqual(fix.stdout, try run(["corriger", "--dossier", root.path, "op"]).stdout)
        XCTAssertEqual(fix.stdout, try run(["corriger", "op"], in: root).stdout)
    }

    // MARK: French to the last word

    func testSummariesUseFrenchPluralsAndSayWhatStrictMeans() throws {
        let r = try run(["verifier", "Plans", "--strict"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.hasSuffix("0 erreur, 3 avertissements dans 9 opérations. Mode strict : les avertissements comptent comme des erreurs.\n"), r.stdout)
        let simulated = try run(["simuler", "Plans", "--tirages", "10000"])
        XCTAssertTrue(simulated.stdout.contains("10 000 tirages, graine 42"), simulated.stdout)
        let shown = try run(["afficher", "Plans"])
        XCTAssertFalse(shown.stdout.contains("(s)"), shown.stdout)
    }

    func testAfficherNamesTheScenario() throws {
        let r = try run(["afficher", "halle-aux-grains", "--scenario", "dsil-refusee-halle"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Scénario dsil-refusee-halle : DSIL refusée pour la Halle aux grains"), r.stdout)
    }
}

/// Issue 13, point 2: scenario files written for the user, edits applied for them.
extension CLITests {
    /// A copy of the shipped plans, in a temporary folder.
    func shippedCopy() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-copy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CLITests.packageRoot.appendingPathComponent("Plans"), to: root)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    func testAScenarioIsNamedAfterItsFileAndNeverCollides() throws {
        let root = try shippedCopy()
        let mine = root.appendingPathComponent("scenarios/mon-essai.yaml")
        let r = try run(["optimiser", root.path, "-o", mine.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOf: mine, encoding: .utf8).contains("\nid: mon-essai\n"))
        XCTAssertTrue(r.stdout.contains("(`maquette verifier --scenario mon-essai`)"), r.stdout)
        XCTAssertEqual(try run(["verifier", root.path]).status, 0, "no duplicate id")
        XCTAssertEqual(try run(["verifier", root.path, "--scenario", "mon-essai"]).status, 0)
        // Not replaced without --remplacer; replaced with it.
        try "# mes notes\n".appending(try String(contentsOf: mine, encoding: .utf8)).write(to: mine, atomically: true, encoding: .utf8)
        let again = try run(["optimiser", root.path, "-o", mine.path])
        XCTAssertEqual(again.status, 64)
        XCTAssertTrue(again.stderr.contains("`--remplacer` le remplace"), again.stderr)
        XCTAssertTrue(try String(contentsOf: mine, encoding: .utf8).hasPrefix("# mes notes\n"))
        XCTAssertEqual(try run(["optimiser", root.path, "-o", mine.path, "--remplacer"]).status, 0)
        XCTAssertFalse(try String(contentsOf: mine, encoding: .utf8).hasPrefix("# mes notes\n"))
        // A file whose name is another scenario's id is refused before anything is written:
        // `pire.yaml` holding `id: pire-cas` makes `pire-cas.yaml`'s id taken.
        try FileManager.default.moveItem(at: root.appendingPathComponent("scenarios/pire-cas.yaml"), to: root.appendingPathComponent("scenarios/pire.yaml"))
        let taken = try run(["optimiser", root.path, "-o", root.appendingPathComponent("scenarios/pire-cas.yaml").path])
        XCTAssertEqual(taken.status, 64)
        XCTAssertTrue(taken.stderr.contains("le scénario « pire-cas » existe déjà"), taken.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("scenarios/pire-cas.yaml").path))
        // corriger -o names its scenario after the file too.
        let fix = try run(["corriger", root.path, "-o", root.appendingPathComponent("scenarios/ma-correction.yaml").path])
        XCTAssertEqual(fix.status, 0, fix.stderr)
    }

    func testPoidsSaysOnlyWholeNumbersAreAllowed() throws {
        let r = try run(["optimiser", "Plans", "-o", "/tmp/x.yaml", "--poids", "lectoure=2,5"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("le poids est un nombre entier"), r.stderr)
    }

    func testCorrigerAppliquerEditsTheAmountInPlace() throws {
        let text = Self.ownersShareBroken.replacingOccurrences(
            of: "  - autofinancement: 150 000\n", with: "  # la part de la commune\n  - autofinancement: 150 000   # voté au budget\n")
        let root = try plans(["op.yaml": text])
        let r = try run(["corriger", root.path, "op", "--appliquer"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("-  - autofinancement: 150 000   # voté au budget\n+  - autofinancement: 200 000   # voté au budget\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("dans 1 opération.\n"), r.stdout)
        let after = try String(contentsOf: root.appendingPathComponent("operations/op.yaml"), encoding: .utf8)
        // Only the amounts changed: every other line, comments included, is as it was.
        let before = text.split(separator: "\n", omittingEmptySubsequences: false)
        let now = after.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(before.count, now.count)
        let changed = zip(before, now).filter { $0 != $1 }
        XCTAssertTrue(changed.allSatisfy { $0.0.contains("montant") || $0.0.contains("autofinancement") }, "\(changed)")
        XCTAssertTrue(after.contains("  # la part de la commune\n"))
        XCTAssertEqual(try run(["verifier", root.path]).status, 0)
    }

    /// A plan file made read-only is left alone, even when Maquette runs as root (whom the
    /// system would let write): exit 64, and not a byte changed.
    func testCorrigerAppliquerLeavesAReadOnlyFileAlone() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let file = root.appendingPathComponent("operations/op.yaml")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file.path)
        let r = try run(["corriger", root.path, "op", "--appliquer"])
        XCTAssertEqual(r.status, 64, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("est en lecture seule : Maquette ne le modifie pas"), r.stderr)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), Self.ownersShareBroken)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
    }

    func testNouvelleWritesACommentedOperationThatReads() throws {
        let root = try shippedCopy()
        let r = try run(["nouvelle", "salle-des-fetes", root.path, "--maitre-ouvrage", "lectoure"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let file = root.appendingPathComponent("operations/salle-des-fetes.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# yaml-language-server: $schema="), text)
        XCTAssertEqual(try run(["verifier", file.path]).status, 0)
        XCTAssertEqual(try run(["nouvelle", "salle-des-fetes", "--maitre-ouvrage", "lectoure", "--dossier", root.path]).status, 64)
        let unknown = try run(["nouvelle", "autre", "--maitre-ouvrage", "lectour", "--dossier", root.path])
        XCTAssertTrue(unknown.stderr.contains("vouliez-vous dire « lectoure » ?"), unknown.stderr)
    }

    func testTheShippedSchemasAreThoseMaquetteWrites() throws {
        for kind in ["operation", "programme", "financeurs", "scenario"] {
            let shipped = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("docs/schemas/\(kind).schema.json"), encoding: .utf8)
            XCTAssertEqual(try run(["schema", kind]).stdout, shipped, "docs/schemas/\(kind).schema.json: regenerate it with `maquette schema \(kind)`")
        }
        let settings = try String(contentsOf: CLITests.packageRoot.appendingPathComponent(".vscode/settings.json"), encoding: .utf8)
        XCTAssertTrue(settings.contains("docs/schemas/operation.schema.json"))
    }
}

/// Issue 13, point 3: French to the last word.
extension CLITests {
    static let subcommands = [
        "verifier", "afficher", "exporter", "tresorerie", "simuler", "comparer", "echeances", "optimiser", "corriger", "nouvelle", "generer", "schema",
        "regles",
    ]

    /// English words ArgumentParser writes, looked for word by word in what the user reads
    /// (option names, placeholders and quoted code left out).
    func englishWords(in text: String) -> [String] {
        let english: Set<String> = [
            "the", "of", "or", "and", "for", "default", "values", "please", "provide", "one", "error", "missing", "unexpected", "unknown",
            "see", "information", "usage", "overview", "subcommand", "subcommands", "invalid", "value", "expected", "mean", "did", "you",
            "must", "should", "cannot", "not", "is", "are", "with", "without", "print", "prints", "display", "shows",
        ]
        var cleaned = text.replacingOccurrences(of: #"--?[a-zA-Z][a-zA-Z-]*"#, with: " ", options: .regularExpression)
        cleaned = cleaned.replacingOccurrences(of: #"<[^>]*>|`[^`]*`|'[^']*'"#, with: " ", options: .regularExpression)
        let words = cleaned.lowercased().split { !$0.isLetter }.map(String.init)
        return words.filter { english.contains($0) }
    }

    func testEveryHelpAndUsageErrorIsInFrench() throws {
        var runs: [(String, Run)] = [("--help", try run(["--help"])), ("nope", try run(["nope"]))]
        for name in Self.subcommands {
            runs.append(("\(name) --help", try run([name, "--help"])))
            runs.append(("\(name) --nope", try run([name, "--nope"])))
        }
        runs.append(("schema toto", try run(["schema", "toto"])))
        runs.append(("optimiser --solveur x", try run(["optimiser", "--solveur", "x"])))
        runs.append(("verifier --format x", try run(["verifier", "--format", "x"])))
        runs.append(("simuler --tirages", try run(["simuler", "--tirages"])))
        runs.append(("generer", try run(["generer"])))
        for (what, r) in runs {
            let text = r.stdout + r.stderr
            XCTAssertEqual(englishWords(in: text), [], "\(what):\n\(text)")
        }
        let schema = try run(["schema", "toto"])
        XCTAssertTrue(schema.stderr.contains("valeurs permises : operation, programme, financeurs, scenario."), schema.stderr)
        XCTAssertTrue(try run(["simuler", "--help"]).stdout.contains("(par défaut : 10 000)"))
    }

    func testTheRootHelpListsEveryCommandOnOneLineWithExamples() throws {
        let help = try run(["--help"]).stdout
        let section = help.components(separatedBy: "SOUS-COMMANDES :\n")[1].components(separatedBy: "\n\n")[0]
        let lines = section.split(separator: "\n")
        XCTAssertEqual(lines.count, Self.subcommands.count, section)
        for (line, name) in zip(lines, Self.subcommands) {
            XCTAssertTrue(line.hasPrefix("  \(name)"), String(line))
        }
        XCTAssertTrue(help.contains("Exemples :\n  maquette verifier"), help)
    }
}

/// Issue 13, point 3: output people can read and reuse.
extension CLITests {
    func testTablesFitTheTerminalWidth() throws {
        for arguments in [["afficher"], ["afficher", "halle-aux-grains"], ["tresorerie"], ["simuler", "--tirages", "200"], ["regles"], ["comparer", "base", "pire-cas"]] {
            let r = try run(arguments, environment: ["COLUMNS": "80"])
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            // Table lines (those under or beside a rule) fit; prose lines may not.
            let lines = r.stdout.split(separator: "\n")
            for (i, line) in lines.enumerated() where line.contains("──") || (i > 0 && lines[i - 1].contains("──")) {
                XCTAssertLessThanOrEqual(line.count, 80, "\(arguments): \(line)")
            }
        }
        // Ids are never cut: they wrap or move to another block of columns.
        let shown = try run(["afficher"], environment: ["COLUMNS": "80"]).stdout
        XCTAssertTrue(shown.contains("suivi-animation-opah-ru"), shown)
        XCTAssertFalse(shown.contains("…"), shown)
        // Without COLUMNS and on a pipe, lines are whole.
        XCTAssertTrue(try run(["regles"]).stdout.contains("Participation minimale du maître d'ouvrage (20 % ou 30 % des financements publics, ou la part abaissée par le préfet)"))
    }

    func testTreasuryHidesYearsWithoutMovementInTheTerminalOnly() throws {
        let text = try run(["tresorerie"]).stdout
        let silent = text.split(separator: "\n").filter { $0.range(of: #"^[0-9]{4}(\s+0,00 €)+$"#, options: .regularExpression) != nil }
        XCTAssertEqual(silent, [], text)
        XCTAssertTrue(text.contains("\n2021 "), "a year with movements is shown")
        let json = try run(["tresorerie", "--format", "json"]).stdout
        XCTAssertTrue(json.contains("\"annee\" : 2021"), json)
    }

    func testCSVOpensInFrenchExcel() throws {
        let r = try run(["tresorerie", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("\u{FEFF}tresorerie-fleurance\r\nAnnée;Dépenses TTC;Subventions reçues;"), r.stdout)
        // Fleurance's 2025: 1 131 000 € of spending, 671 870,70 € of subsidies, the EPF's portage of 248 194,10 €.
        XCTAssertTrue(r.stdout.contains("\r\n2025;1131000,00;671870,70;0,00;14625,00;248194,10;"), r.stdout)
        let rules = try run(["regles", "--format", "csv"]).stdout
        // Two tables, each named: the rules, then the dated legal parameters.
        XCTAssertTrue(rules.hasPrefix("\u{FEFF}regles\r\nIdentifiant;Règle;Référence\r\n"), rules)
        XCTAssertTrue(rules.contains("\r\nparametres\r\nParamètre;Depuis;Valeur;Référence\r\n"), rules)
        XCTAssertTrue(rules.contains("\r\npart-maitre-ouvrage;"), rules)
        let shown = try run(["afficher", "halle-aux-grains", "--format", "csv"]).stdout
        XCTAssertTrue(shown.contains(";20 %;"), shown)
    }

    func testJSONOutputsCarryAVersionAndDecimalStrings() throws {
        for arguments in [["afficher"], ["afficher", "halle-aux-grains"], ["tresorerie"], ["simuler", "--tirages", "100"], ["regles"], ["comparer", "base", "pire-cas"]] {
            let r = try run(arguments + ["--format", "json"])
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(arguments)")
            XCTAssertEqual(object["format"] as? String, "maquette-rapport")
            XCTAssertEqual(object["version"] as? Int, 1)
            XCTAssertEqual(object["commande"] as? String, arguments[0])
            // Every key the schema requires, and no other.
            let schema = try JSONSerialization.jsonObject(
                with: Data(contentsOf: CLITests.packageRoot.appendingPathComponent("docs/schemas/rapport.schema.json"))) as? [String: Any]
            XCTAssertEqual(Set(object.keys), Set(schema?["required"] as? [String] ?? []), "\(arguments)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(try run(["afficher", "--format", "json"]).stdout.utf8)) as? [String: Any]
        let table = (summary?["tableaux"] as? [[String: Any]])?.first
        let halle = (table?["lignes"] as? [[String: Any]])?.first { $0["operation"] as? String == "halle-aux-grains" }
        XCTAssertEqual(halle?["cout_ht"] as? String, "1500000.00")
        XCTAssertEqual(halle?["taux"] as? String, "70")
        let scenario = try JSONSerialization.jsonObject(with: Data(try run(["tresorerie", "--scenario", "pire-cas", "--format", "json"]).stdout.utf8)) as? [String: Any]
        XCTAssertEqual(scenario?["scenario"] as? String, "pire-cas")
    }
}

extension CLITests {
    /// A list of allowed values is never cut: `travaux`, the commonest nature, is in it.
    func testAllowedValuesAreListedWhole() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken.replacingOccurrences(of: "nature: travaux", with: "nature: voirie")])
        let r = try run(["verifier", root.path])
        XCTAssertEqual(r.status, 2)
        let text = r.stdout + r.stderr
        XCTAssertTrue(text.contains("`travaux`"), text)
        XCTAssertFalse(text.contains(", …"), text)
    }
}

extension CLITests {
    /// `calendrier: { debut_travaux: 2027-02, fin: 2028-06 }` is shown in months.
    func testCalendarMonthsAreShownAsMonths() throws {
        let r = try run(["afficher", "halle-aux-grains"])
        XCTAssertTrue(r.stdout.contains("\nDébut des travaux : 02/2027 · fin : 06/2028\n"), r.stdout)
    }
}

extension CLITests {
    /// From inside the plans folder, the workbook goes to Exports/ beside it, never into it.
    func testExportFromInsideThePlansGoesBesideThem() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let r = try run(["exporter"], in: root)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Classeur écrit : ../Exports/essai.xlsx"), r.stdout)
        let exports = root.deletingLastPathComponent().appendingPathComponent("Exports")
        addTeardownBlock { try? FileManager.default.removeItem(at: exports.appendingPathComponent("essai.xlsx")) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: exports.appendingPathComponent("essai.xlsx").path))
    }
}
