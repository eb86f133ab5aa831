import Foundation
import MaquettePlans
import XCTest

/// Issue 13, point 4: the plan format described once (``PlanFormat``), its schemas generated
/// from it, and the documentation's key tables checked against it.
extension CLITests {
    /// Validates YAML texts against a shipped schema with Python's jsonschema, as an editor's
    /// YAML extension would (keys as strings, dates as text); the messages of those refused.
    func schemaVerdicts(_ kind: String, _ documents: [String]) throws -> [String?] {
        let script = """
            import json, sys, datetime
            try:
                import yaml, jsonschema
            except ImportError:
                sys.exit(3)
            # Dates stay text, as an editor's YAML extension keeps them.
            class Loader(yaml.SafeLoader): pass
            Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp'] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
            def norm(x):
                if isinstance(x, dict): return {str(k): norm(v) for k, v in x.items()}
                if isinstance(x, list): return [norm(v) for v in x]
                if isinstance(x, (datetime.date, datetime.datetime)): return x.isoformat()
                return x
            schema = json.load(open(sys.argv[1]))
            out = []
            for text in json.load(sys.stdin):
                errors = list(jsonschema.Draft7Validator(schema).iter_errors(norm(yaml.load(text, Loader=Loader))))
                out.append(None if not errors else "; ".join(e.message[:120] for e in errors))
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, CLITests.packageRoot.appendingPathComponent("docs/schemas/\(kind).schema.json").path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: documents))
        input.fileHandleForWriting.closeFile()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 { throw XCTSkip("python3 with yaml and jsonschema is needed") }
        XCTAssertEqual(process.terminationStatus, 0)
        return try JSONDecoder().decode([String?].self, from: data)
    }

    func testTheSchemasAcceptTheShippedPlansAndWhatTheDocsSay() throws {
        let plans = CLITests.packageRoot.appendingPathComponent("Plans")
        func texts(_ folder: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: plans.appendingPathComponent(folder).path).sorted().map {
                try String(contentsOf: plans.appendingPathComponent("\(folder)/\($0)"), encoding: .utf8)
            }
        }
        XCTAssertEqual(try schemaVerdicts("operation", try texts("operations")).compactMap { $0 }, [])
        XCTAssertEqual(try schemaVerdicts("scenario", try texts("scenarios")).compactMap { $0 }, [])
        XCTAssertEqual(try schemaVerdicts("programme", [try String(contentsOf: plans.appendingPathComponent("programme.yaml"), encoding: .utf8)]), [nil])
        XCTAssertEqual(try schemaVerdicts("financeurs", [try String(contentsOf: plans.appendingPathComponent("financeurs.yaml"), encoding: .utf8)]), [nil])

        let operation = { (funding: String, owner: String, start: String) in
            "id: x\nintitule: X\nmaitre_ouvrage: \(owner)\ncalendrier: { debut_travaux: \(start) }\ndepenses: []\nfinancements:\n  - \(funding)\n"
        }
        let verdicts = try schemaVerdicts("operation", [
            operation("{ dispositif: region.bourgs-centres, taux: 25 % .. 35 % }", "lectoure", "2026-03"),
            operation("{ dispositif: etat.dsl, montant: 1 000 }", "lectoure", "2026-03"),
            operation("{ dispositif: etat.detr, montant: 1 000 }", "lectour", "2026-03"),
            operation("{ dispositif: etat.detr, montant: 1 000 }", "lectoure", "2026-13-45"),
        ])
        XCTAssertNil(verdicts[0], "the documented rate range")
        XCTAssertNotNil(verdicts[1], "etat.dsl")
        XCTAssertNotNil(verdicts[2], "lectour")
        XCTAssertNotNil(verdicts[3], "2026-13-45")
        let parameters = try schemaVerdicts("financeurs", ["parametres:\n  dotations-delai-demarrage-mois: 30\n", "parametres:\n  fctva-tau: 16,404 %\n"])
        XCTAssertNil(parameters[0], "dotations-delai-demarrage-mois: 30")
        XCTAssertNotNil(parameters[1], "fctva-tau")
    }

    /// docs/format-des-plans.md's key tables name exactly the keys the readers know.
    func testTheFormatDocumentNamesEveryKeyOfTheReaders() throws {
        let doc = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("docs/format-des-plans.md"), encoding: .utf8)
        /// The keys in the first column of the tables that follow `heading`, up to the next heading
        /// of any level (`table` picks one table among them).
        func keys(after heading: String, table: Int = 0) -> Set<String> {
            guard let start = doc.range(of: "\n" + heading + "\n") else { return [] }
            var tables: [[String]] = []
            var current: [String]?
            for line in doc[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("#") { break }
                if line.hasPrefix("|") {
                    if current == nil { current = [] }
                    current?.append(String(line))
                } else if let c = current {
                    tables.append(c)
                    current = nil
                }
            }
            if let c = current { tables.append(c) }
            guard table < tables.count else { return [] }
            var names: Set<String> = []
            for row in tables[table].dropFirst(2) {
                let cell = row.split(separator: "|").first.map(String.init) ?? ""
                // `montant` ou `taux`, `id`, `nom`, `dispositif: etat.detr`
                for match in cell.matches(of: /`([a-z_.-]+)(:[^`]*)?`/) { names.insert(String(match.1)) }
            }
            return names
        }
        XCTAssertEqual(keys(after: "## `programme.yaml`"), Set(PlanFormat.programme.names))
        XCTAssertEqual(keys(after: "## `programme.yaml`", table: 1), Set(PlanFormat.owner.names))
        XCTAssertEqual(keys(after: "## `operations/*.yaml`"), Set(PlanFormat.operation.names))
        XCTAssertEqual(keys(after: "### Dépenses"), Set(PlanFormat.cost.names))
        XCTAssertEqual(keys(after: "### Financements").union(keys(after: "### Financements", table: 1)), Set(PlanFormat.funding.names))
        XCTAssertEqual(keys(after: "## `scenarios/*.yaml`"), Set(PlanFormat.scenarioChanges.map(\.verb)))
    }
}

/// Issue 13, point 4: the shell completes operation, scenario and rule ids.
extension CLITests {
    func testTheShellCompletesIds() throws {
        XCTAssertTrue(try run(["--generate-completion-script", "bash"]).stdout.contains("---completion"))
        let scenarios = try run(["---completion", "verifier", "--", "--scenario", "0", "0", ""]).stdout
        XCTAssertEqual(scenarios.split(separator: "\n"), ["dsil-refusee-halle", "optimise", "pire-cas", "travaux-decales"])
        XCTAssertEqual(try run(["---completion", "afficher", "--", "positional@1", "0", "5", "halle"]).stdout, "halle-aux-grains\n")
        XCTAssertEqual(try run(["---completion", "verifier", "--", "--seulement", "0", "5", "part-"]).stdout, "part-maitre-ouvrage\n")
        XCTAssertTrue(try run(["---completion", "comparer", "--", "positional@0", "0", "0", ""]).stdout.hasPrefix("base\n"))
    }
}
