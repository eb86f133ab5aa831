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
        XCTAssertEqual(treasury.stdout.components(separatedBy: "Pointe du besoin cumulé").count - 1, 2, treasury.stdout)
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
