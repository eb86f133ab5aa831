import Foundation
import XCTest

/// `echeances`: the list, its formats, and the calendar read back by Python's `icalendar`.
extension CLITests {
    static let deadlinesPlan = """
        id: ecole
        intitule: École de la Blade ; rénovation, extension et cour (tranche 1)
        maitre_ouvrage: commune
        calendrier: { debut_travaux: 2026-01-31, fin: 2027-06-30 }
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2026: 60 %, 2027: 40 % } }
        financements:
          - { dispositif: etat.detr, montant: 250 000, assiette: 1 000 000, statut: notifie, depot: 2023-11-15, notification: 2024-02-29 }
          - { dispositif: departement.f2d, montant: 100 000, statut: envisage }
          - autofinancement: solde
        """

    /// Runs a Python script on a file, returning its standard output.
    func python(_ script: String, _ file: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testDeadlinesAsText() throws {
        let root = try plans(["ecole.yaml": Self.deadlinesPlan])
        let result = try run(["echeances", root.path, "--date", "2025-01-15"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("au 15/01/2025"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  28/02/2026  dans 409 j  commencement d'exécution — ecole — État — DETR"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  31/01/2026  dans 381 j  dépôt de la demande — ecole — Département du Gers — F2D"), result.stdout)
        // The same day through SOURCE_DATE_EPOCH (2025-01-15T10:00:00Z), and the alias.
        let epoch = try run(["deadlines", root.path], environment: ["SOURCE_DATE_EPOCH": "1736935200"])
        XCTAssertEqual(epoch.stdout, result.stdout)
        // --avant keeps what falls due by then.
        let before = try run(["echeances", root.path, "--date", "2025-01-15", "--avant", "2026-01-31"])
        XCTAssertTrue(before.stdout.contains("dépôt de la demande"))
        XCTAssertFalse(before.stdout.contains("commencement d'exécution —"), before.stdout)
        // Later, the start is past its deadline and the DETR is lost: an error, exit 1.
        let late = try run(["echeances", root.path, "--date", "2026-03-02", "--format", "texte"])
        XCTAssertEqual(late.status, 0, "the works have started: nothing is lost")
        let lapsed = try plans(["ecole.yaml": Self.deadlinesPlan.replacingOccurrences(of: "debut_travaux: 2026-01-31", with: "debut_travaux: 2026-06-30")])
        let lost = try run(["echeances", lapsed.path, "--date", "2026-03-02"])
        XCTAssertEqual(lost.status, 1, lost.stdout)
        XCTAssertTrue(
            lost.stdout.contains("operations/ecole.yaml:8:119: erreur: [echeance-depassee] commencement d'exécution dépassée de 2 jours (28/02/2026)"), lost.stdout)
        XCTAssertTrue(lost.stdout.contains("Dépassées — aide perdue (1)"), lost.stdout)
        // A date that does not exist is a misuse.
        let bad = try run(["echeances", root.path, "--date", "2025-02-29"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--date : date impossible « 2025-02-29 » : ce jour n'existe pas"), bad.stderr)
        // The French way of writing it is read as well, by every command.
        let french = try run(["echeances", "Plans", "--date", "27/11/2026"])
        XCTAssertEqual(french.stdout, try run(["echeances", "Plans", "--date", "2026-11-27"]).stdout)
        let february = try run(["exporter", "Plans", "--date", "31/02/2026", "-o", "/tmp/maquette-date.xlsx"])
        XCTAssertEqual(february.status, 64)
        XCTAssertTrue(february.stderr.hasPrefix("erreur : --date : date impossible « 31/02/2026 » : ce jour n'existe pas\n"), february.stderr)
        let words = try run(["regles", "--date", "hier"])
        XCTAssertEqual(words.status, 64)
        XCTAssertTrue(words.stderr.hasPrefix("erreur : --date : date illisible « hier » ; écrivez JJ/MM/AAAA ou AAAA-MM-JJ"), words.stderr)
    }

    func testDeadlinesAsCSVAndJSON() throws {
        let root = try plans(["ecole.yaml": Self.deadlinesPlan])
        let csv = try run(["echeances", root.path, "--date", "2025-01-15", "--format", "csv"])
        XCTAssertTrue(csv.stdout.hasPrefix("\u{FEFF}Échéance;Jours restants;État;"), csv.stdout)
        XCTAssertTrue(csv.stdout.contains("\r\n28/02/2026;409;à venir;commencement d'exécution;ecole;État;DETR;"), csv.stdout)
        let json = try run(["echeances", root.path, "--date", "2025-01-15", "--format", "json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["date_du_jour"] as? String, "2025-01-15")
        let list = try XCTUnwrap(object["echeances"] as? [[String: Any]])
        let start = try XCTUnwrap(list.first { $0["type"] as? String == "commencement" })
        XCTAssertEqual(start["date"] as? String, "2026-02-28")
        XCTAssertEqual(start["jours_restants"] as? Int, 409)
        XCTAssertEqual(start["aide_perdue_si_depassee"] as? Bool, true)
    }

    /// The calendar: RFC 5545 as a real parser reads it, round-tripped, with stable UIDs.
    func testDeadlinesAsAnICalendarFile() throws {
        let root = try plans(["ecole.yaml": Self.deadlinesPlan])
        // Never inside the plans folder (the output policy), beside it.
        let target = root.deletingLastPathComponent().appendingPathComponent("echeances-\(UUID().uuidString).ics")
        addTeardownBlock { try? FileManager.default.removeItem(at: target) }
        let refused = try run(["echeances", root.path, "--format", "ics", "-o", root.appendingPathComponent("programme.yaml").path])
        XCTAssertEqual(refused.status, 64, refused.stderr)
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("programme.yaml"), encoding: .utf8).hasPrefix("id: essai"))
        let result = try run(["echeances", root.path, "--date", "2025-01-15", "--format", "ics", "-o", target.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Échéancier écrit : \(target.path) (7 échéances)"), result.stdout)
        let data = try Data(contentsOf: target)
        let text = String(decoding: data, as: UTF8.self)
        // CRLF only, and no line longer than 75 octets.
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        for line in text.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 75, line) }
        XCTAssertTrue(text.contains("\r\n "), "long lines are folded")
        // The same file on stdout.
        XCTAssertEqual(try run(["echeances", root.path, "--date", "2025-01-15", "--format", "ics"]).stdout, text)

        let script = """
            import sys, icalendar
            raw = open(sys.argv[1], 'rb').read()
            cal = icalendar.Calendar.from_ical(raw)
            again = icalendar.Calendar.from_ical(cal.to_ical())
            def summary(c):
                out = []
                for e in c.walk('VEVENT'):
                    alarms = e.walk('VALARM')
                    out.append('|'.join([str(e['UID']), e.decoded('DTSTART').isoformat(), e.decoded('DTEND').isoformat(), str(e['SUMMARY']),
                        str(len(alarms)), str(alarms[0].decoded('TRIGGER')) if alarms else '', str(e['DESCRIPTION']).split('\\n')[0]]))
                return out
            a, b = summary(cal), summary(again)
            assert a == b, (a, b)
            assert len(set(x.split('|')[0] for x in a)) == len(a), 'UIDs unique'
            print(cal['VERSION'], cal['PRODID'])
            print('\\n'.join(a))
            """
        let parsed = try python(script, target)
        XCTAssertEqual(parsed.status, 0, parsed.output)
        XCTAssertTrue(parsed.output.hasPrefix("2.0 -//Maquette//Echeances//FR"), parsed.output)
        XCTAssertTrue(
            parsed.output.contains(
                "ecole/etat.detr#0/commencement@essai.maquette|2026-02-28|2026-03-01|Commencement d'exécution — DETR — École de la Blade ; rénovation, extension et cour (tranche 1)|1|-30 days, 0:00:00|commencement d'exécution (premier acte juridique) au plus tard le 28/02/2026"),
            parsed.output)
        XCTAssertEqual(parsed.output.split(separator: "\n").count, 8, parsed.output)

        // Re-exported after an edit, the events keep their UIDs: importing again updates them.
        func uids(_ ics: String) -> [String] { ics.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") }.sorted() }
        try Self.deadlinesPlan.replacingOccurrences(of: "notification: 2024-02-29", with: "notification: 2024-03-15")
            .write(to: root.appendingPathComponent("operations/ecole.yaml"), atomically: true, encoding: .utf8)
        let edited = try run(["echeances", root.path, "--date", "2025-01-15", "--format", "ics"]).stdout
        XCTAssertEqual(uids(edited), uids(text))
        XCTAssertNotEqual(edited, text)
        XCTAssertTrue(edited.contains("DTSTART;VALUE=DATE:20260315"))
    }
}
