import Foundation
import XCTest

/// `comparer --depuis`: a temporary git repository of plans, two commits, every figure checked.
extension CLITests {
    /// Runs git in `folder`, with an identity so that commits work on any machine.
    @discardableResult
    func git(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Essai", "-c", "user.email=essai@example.invalid", "-c", "commit.gpgsign=false"] + arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "git \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    static let committeeHalle = """
        id: halle
        intitule: Halle
        maitre_ouvrage: commune
        depenses:
          - libelle: Travaux
            nature: travaux
            montant_ht: 1 000 000
            annees: { 2025: 100 % }
        financements:
          - { dispositif: etat.detr, montant: 300 000, assiette: 1 000 000, statut: sollicite, depot: 2024-12-10 }
          - { dispositif: region.bourgs-centres, montant: 200 000, statut: envisage }
          - { dispositif: departement.f2d, montant: 100 000, statut: envisage }
          - autofinancement: solde
        """

    static let committeeEcole = """
        id: ecole
        intitule: École
        maitre_ouvrage: commune
        depenses:
          - libelle: Études
            nature: etudes
            montant_ht: 50 000
            annees: { 2025: 100 % }
        financements:
          - autofinancement: solde
        """

    /// Plans committed, then edited (an amount, a status, an operation added, a line removed) and
    /// committed again: `comparer --depuis HEAD~1` reports each change with its figures.
    /// A plans repository with two commits: the committee's plans (tagged `comite-2026-06`), then
    /// an amount raised, a status and a date changed, an operation added and a line removed.
    func committeeRepository() throws -> URL {
        let root = try plans(["halle.yaml": Self.committeeHalle])
        try git(["init", "-q"], in: root)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "Comité de juin"], in: root)
        try git(["tag", "comite-2026-06"], in: root)
        let edited = Self.committeeHalle
            .replacingOccurrences(of: "montant: 300 000, assiette: 1 000 000, statut: sollicite", with: "montant: 350 000, assiette: 1 000 000, statut: notifie, notification: 2025-03-01")
            .replacingOccurrences(of: "  - { dispositif: departement.f2d, montant: 100 000, statut: envisage }\n", with: "")
        try edited.write(to: root.appendingPathComponent("operations/halle.yaml"), atomically: true, encoding: .utf8)
        try Self.committeeEcole.write(to: root.appendingPathComponent("operations/ecole.yaml"), atomically: true, encoding: .utf8)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "Après le comité"], in: root)

        return root
    }

    func testChangesSinceTheLastCommit() throws {
        let root = try committeeRepository()
        let result = try run(["comparer", "--depuis", "HEAD~1", root.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertTrue((json["reference"] as? String ?? "").contains("Comité de juin"))
        let changes = try XCTUnwrap(json["changements"] as? [[String: Any]])
        func find(_ type: String, _ objet: String, _ champ: String?) -> [String: Any]? {
            changes.first { $0["type"] as? String == type && ($0["objet"] as? String ?? "").contains(objet) && $0["champ"] as? String == champ }
        }
        // The working tree is untouched: the file still has the new amount.
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("operations/halle.yaml"), encoding: .utf8).contains("350 000"))

        let amount = try XCTUnwrap(find("financement-modifie", "DETR", "montant"))
        XCTAssertEqual(amount["avant"] as? String, "300 000,00 €")
        XCTAssertEqual(amount["apres"] as? String, "350 000,00 €")
        XCTAssertEqual(amount["ecart"] as? String, "50000.00")
        XCTAssertEqual(amount["operation"] as? String, "halle")
        XCTAssertTrue((amount["fichier"] as? String ?? "").hasSuffix("operations/halle.yaml"))
        XCTAssertEqual(amount["ligne"] as? Int, 10)
        let rate = try XCTUnwrap(find("financement-modifie", "DETR", "taux"))
        XCTAssertEqual(rate["avant"] as? String, "30 %")
        XCTAssertEqual(rate["apres"] as? String, "35 %")
        let status = try XCTUnwrap(find("financement-modifie", "DETR", "statut"))
        XCTAssertEqual(status["avant"] as? String, "sollicité")
        XCTAssertEqual(status["apres"] as? String, "notifié")
        let notification = try XCTUnwrap(find("financement-modifie", "DETR", "notification"))
        XCTAssertEqual(notification["avant"] as? String, "—")
        XCTAssertEqual(notification["apres"] as? String, "01/03/2025")

        let removed = try XCTUnwrap(find("financement-supprime", "F2D", "montant"))
        XCTAssertEqual(removed["ecart"] as? String, "-100000.00")
        XCTAssertEqual(removed["avant"] as? String, "100 000,00 € (envisagé)")
        let added = try XCTUnwrap(find("operation-ajoutee", "École", "coût"))
        XCTAssertEqual(added["ecart"] as? String, "50000.00")
        XCTAssertEqual(added["ligne"] as? Int, 1)

        // Autofinancement of the halle: 400 000 before, 450 000 after (DETR +50 000, F2D −100 000).
        let own = try XCTUnwrap(find("financement-modifie", "Autofinancement", "montant"))
        XCTAssertEqual(own["avant"] as? String, "400 000,00 €")
        XCTAssertEqual(own["apres"] as? String, "450 000,00 €")
        let share = try XCTUnwrap(changes.first { $0["type"] as? String == "part-maitre-ouvrage" && $0["champ"] as? String == "taux" })
        XCTAssertEqual(share["avant"] as? String, "40 %")
        XCTAssertEqual(share["apres"] as? String, "45 %")
        // Per funder: the Département loses its 100 000, the State gains 50 000.
        XCTAssertEqual(find("total-financeur", "Département", "total")?["ecart"] as? String, "-100000.00")
        XCTAssertEqual(find("total-financeur", "État", "total")?["ecart"] as? String, "50000.00")
        // Per owner: cost +50 000 (the school), public aid −50 000, own share +100 000 (halle +50 000, school +50 000).
        XCTAssertEqual(find("total-maitre-ouvrage", "Commune", "coût")?["ecart"] as? String, "50000.00")
        XCTAssertEqual(find("total-maitre-ouvrage", "Commune", "aides publiques")?["ecart"] as? String, "-50000.00")
        XCTAssertEqual(find("total-maitre-ouvrage", "Commune", "part du maître d'ouvrage")?["ecart"] as? String, "100000.00")
        XCTAssertNotNil(changes.first { $0["type"] as? String == "tresorerie" })

        // Sorted by weight: the largest euro change comes first.
        let weights = changes.map { abs(Double($0["ecart"] as? String ?? "0") ?? 0) }
        XCTAssertEqual(weights, weights.sorted(by: >))
        XCTAssertEqual(weights.first, 100_000)

        // A tag works as well, and the text lists the same changes.
        let text = try run(["comparer", "--depuis", "comite-2026-06", root.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Évolutions depuis la révision comite-2026-06"), text.stdout)
        XCTAssertTrue(text.stdout.contains("+50 000,00 €  financement modifié"), text.stdout)
        XCTAssertTrue(text.stdout.contains("operations/halle.yaml:10"), text.stdout)
    }

    /// `exporter --depuis`: the Évolutions sheet carries the same changes, amounts and gaps as
    /// formulas; the Échéances sheet is there too.
    func testChangesSheetOfTheWorkbook() throws {
        let root = try committeeRepository()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-evolutions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let dump = out.appendingPathComponent("cells.txt")
        let book = out.appendingPathComponent("classeur.xlsx")
        let result = try run(
            ["exporter", root.path, "--depuis", "HEAD~1", "-o", book.path],
            environment: ["MAQUETTE_DUMP_CELLS": dump.path, "SOURCE_DATE_EPOCH": "1736935200"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Sheets and cells as the writer gets them: `C row column kind style value formula`.
        var sheets: [String: [[String]]] = [:]
        var current = ""
        for line in try String(contentsOf: dump, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields[0] == "S" { current = fields[1] } else if fields[0] == "C" { sheets[current, default: []].append(fields) }
        }
        let changes = try XCTUnwrap(sheets["Évolutions"])
        func cell(_ row: Int, _ column: Int) -> [String]? { changes.first { $0[1] == String(row) && $0[2] == String(column) } }
        XCTAssertTrue(cell(0, 0)?[5].hasPrefix("Évolutions depuis la révision HEAD~1") ?? false, "\(String(describing: cell(0, 0)))")
        XCTAssertTrue(cell(0, 0)?[5].contains("« Comité de juin »") ?? false)
        let rows = Set(changes.compactMap { Int($0[1]) }).filter { $0 >= 4 }.sorted()
        func row(_ field: String, _ subject: String) -> Int? {
            rows.first { r in cell(r, 3)?[5] == field && (cell(r, 2)?[5].contains(subject) ?? false) }
        }
        // The DETR amount: 300 000 → 350 000, gap = G − F.
        let detr = try XCTUnwrap(row("montant", "DETR"))
        XCTAssertEqual(cell(detr, 0)?[5], "financement modifié")
        XCTAssertEqual(cell(detr, 1)?[5], "halle")
        XCTAssertEqual(cell(detr, 5)?[5], "300000.0")
        XCTAssertEqual(cell(detr, 6)?[5], "350000.0")
        XCTAssertEqual(cell(detr, 7)?[3], "f")
        XCTAssertEqual(cell(detr, 7)?[5], "50000.0")
        XCTAssertEqual(cell(detr, 7)?[6], "=G\(detr + 1)-F\(detr + 1)")
        XCTAssertEqual(cell(detr, 9)?[5], "10")
        // The status, as words; the removed F2D line and the added school, as amounts.
        let status = try XCTUnwrap(row("statut", "DETR"))
        XCTAssertEqual(cell(status, 5)?[5], "sollicité")
        XCTAssertEqual(cell(status, 6)?[5], "notifié")
        let removed = try XCTUnwrap(row("montant", "F2D"))
        XCTAssertEqual(cell(removed, 5)?[5], "100000.0")
        XCTAssertEqual(cell(removed, 6)?[5], "0.0")
        XCTAssertEqual(cell(removed, 7)?[5], "-100000.0")
        let added = try XCTUnwrap(row("coût", "École"))
        XCTAssertEqual(cell(added, 6)?[5], "50000.0")
        // The first data row is the largest change.
        XCTAssertEqual(rows.first, removed)

        // The Échéances sheet counts its days from SOURCE_DATE_EPOCH's day (15/01/2025).
        let deadlines = try XCTUnwrap(sheets["Échéances"])
        XCTAssertEqual(deadlines.first { $0[1] == "0" && $0[2] == "0" }?[5], "Échéances au 15/01/2025")
        let start = try XCTUnwrap(deadlines.first { $0[2] == "3" && $0[5] == "commencement d'exécution" }?[1])
        XCTAssertEqual(deadlines.first { $0[1] == start && $0[2] == "1" }?[6], "=A\(Int(start)! + 1)-DATE(2025,1,15)")
        // DETR notified 01/03/2025, so its start is due by 01/03/2027: 775 days after 15/01/2025.
        XCTAssertEqual(deadlines.first { $0[1] == start && $0[2] == "1" }?[5], "775")
        XCTAssertTrue(try unzip(book.path, "xl/workbook.xml").contains("name=\"Évolutions\""))

        // On the Halle's sheet, the lines that changed and are still there carry the mark beside
        // their share of the cost (column 12): the DETR (300 000 → 350 000, notified) and the
        // balancing autofinancement (1 000 000 − 300 000 − 200 000 − 100 000 = 400 000 before,
        // 1 000 000 − 350 000 − 200 000 = 450 000 after); the Région line, unchanged, carries none.
        let marks = sheets.flatMap { name, cells in cells.filter { $0[5] == "◆ modifié depuis la référence" }.map { (name, $0) } }
        XCTAssertEqual(marks.map(\.0), ["Halle", "Halle"], "\(marks)")
        XCTAssertEqual(marks.map { $0.1[2] }, ["12", "12"])
        let markedRows = marks.map { mark in sheets[mark.0]?.filter { $0[1] == mark.1[1] }.map { $0[5] } ?? [] }
        XCTAssertTrue(markedRows.first?.contains { $0.contains("DETR") } ?? false, "\(markedRows)")
        XCTAssertTrue(markedRows.last?.contains("450000.0") ?? false, "\(markedRows)")
        XCTAssertFalse(markedRows.joined().contains { $0.contains("Bourgs") }, "\(markedRows)")
    }

    /// `@{date}`: the history's last commit before the end of that day, even without a reflog.
    func testChangesSinceADate() throws {
        let root = try plans(["halle.yaml": Self.committeeHalle])
        try git(["init", "-q"], in: root)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "Juin"], in: root, environment: ["GIT_COMMITTER_DATE": "2026-06-15T12:00:00Z", "GIT_AUTHOR_DATE": "2026-06-15T12:00:00Z"])
        try Self.committeeHalle.replacingOccurrences(of: "montant: 200 000", with: "montant: 210 000")
            .write(to: root.appendingPathComponent("operations/halle.yaml"), atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "Octobre"], in: root, environment: ["GIT_COMMITTER_DATE": "2026-10-01T12:00:00Z", "GIT_AUTHOR_DATE": "2026-10-01T12:00:00Z"])
        let result = try run(["comparer", "--depuis", "@{2026-06-30}", root.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("2026-06-15 : « Juin »"), result.stdout)
        XCTAssertTrue(result.stdout.contains("+10 000,00 €  financement modifié"), result.stdout)
        // Before the first commit there is nothing to compare with.
        let none = try run(["comparer", "--depuis", "@{2020-01-01}", root.path])
        XCTAssertEqual(none.status, 64)
        XCTAssertTrue(none.stderr.contains("la référence « @{2020-01-01} » n'existe"), none.stderr)
    }

    func testChangesAsCSVForAFrenchSpreadsheet() throws {
        let root = try plans(["halle.yaml": Self.committeeHalle])
        try git(["init", "-q"], in: root)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "Comité"], in: root)
        try Self.committeeHalle.replacingOccurrences(of: "montant: 300 000", with: "montant: \"312 345,67\"")
            .write(to: root.appendingPathComponent("operations/halle.yaml"), atomically: true, encoding: .utf8)
        // Uncommitted edits count: the current plans are the working tree.
        let result = try run(["comparer", "--depuis", "HEAD", root.path, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("\u{FEFF}Écart (€);Changement;"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\r\n12345,67;financement modifié;halle;Dotation d'équipement des territoires ruraux (DETR);montant;300 000,00 €;312 345,67 €;"), result.stdout)
    }

    func testChangesSinceAFolderOutsideGit() throws {
        let before = try plans(["halle.yaml": Self.committeeHalle])
        let after = try plans(["halle.yaml": Self.committeeHalle.replacingOccurrences(of: "montant: 200 000", with: "montant: 150 000")])
        let result = try run(["comparer", "--depuis", before.path, after.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Évolutions depuis le dossier"), result.stdout)
        XCTAssertTrue(result.stdout.contains("-50 000,00 €  financement modifié"), result.stdout)
        // Not in git: a revision is refused, clearly, with the usage exit code.
        let revision = try run(["comparer", "--depuis", "HEAD~1", after.path])
        XCTAssertEqual(revision.status, 64)
        XCTAssertTrue(revision.stderr.contains("n'est pas dans un dépôt git : seul un dossier de plans peut servir de référence"), revision.stderr)
    }

    func testChangesSinceAnUnknownReference() throws {
        let root = try plans(["halle.yaml": Self.committeeHalle])
        try git(["init", "-q"], in: root)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "Comité"], in: root)
        let result = try run(["comparer", "--depuis", "comite-2099-01", root.path])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("la référence « comite-2099-01 » n'existe ni comme révision du dépôt git ni comme dossier"), result.stderr)
        XCTAssertEqual(result.stdout, "")
        // Scenario comparison still works as before, and --format needs --depuis.
        XCTAssertEqual(try run(["comparer", "--dossier", root.path, "base", "base"]).status, 0)
        XCTAssertEqual(try run(["comparer", "base", "base", "--format", "json"]).status, 64)
    }
}
