import Foundation
import MaquetteCLI
import XCTest

/// Issue 10, "writes that cannot destroy": output streams and output files of every command.
extension CLITests {
    /// Runs `maquette` through `/bin/sh -c script`, `$M` being the executable.
    func shell(_ script: String, in directory: URL = CLITests.packageRoot) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["M"] = executable.path
        process.environment = environment
        return try Self.collect(process)
    }

    func temporaryFolder(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A copy of the shipped plans, without the proposal `optimiser` writes.
    func shippedPlansCopy() throws -> URL {
        let root = try temporaryFolder("plans-copy").appendingPathComponent("Plans")
        try FileManager.default.copyItem(at: CLITests.packageRoot.appendingPathComponent("Plans"), to: root)
        try FileManager.default.removeItem(at: root.appendingPathComponent("scenarios/optimise.yaml"))
        return root
    }

    /// The names in `folder` that look like temporary files.
    func leftovers(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp") || $0.contains("maquette-") }
    }

    // MARK: standard output

    func testAFullOrClosedStandardOutputExits74InFrench() throws {
        let full = try shell(#""$M" verifier Plans >/dev/full"#)
        XCTAssertEqual(full.status, 74, full.stderr)
        XCTAssertEqual(full.stderr, "erreur : la sortie standard n'a pas pu être écrite : disque plein.\n")
        let closed = try shell(#""$M" regles >&-"#)
        XCTAssertEqual(closed.status, 74, closed.stderr)
        XCTAssertEqual(closed.stderr, "erreur : la sortie standard n'a pas pu être écrite : sortie fermée.\n")
        // Help text goes through the same writer.
        let help = try shell(#""$M" --help >/dev/full"#)
        XCTAssertEqual(help.status, 74, help.stderr)
    }

    /// A reader that has gone (EPIPE): code 74, without a word, as Unix tools do.
    func testAClosedPipeStopsQuietlyWith74() throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["regles"]
        process.currentDirectoryURL = CLITests.packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try out.fileHandleForReading.close()
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "killed by SIGPIPE")
        XCTAssertEqual(process.terminationStatus, 74)
        XCTAssertEqual(String(decoding: errData, as: UTF8.self), "")
    }

    // MARK: the output policy

    func testPlanFilesAreNeverReplaced() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let programme = try Data(contentsOf: root.appendingPathComponent("programme.yaml"))
        let financeurs = try Data(contentsOf: root.appendingPathComponent("financeurs.yaml"))
        for arguments in [
            ["optimiser", root.path, "-o", root.appendingPathComponent("programme.yaml").path],
            ["corriger", "--dossier", root.path, "-o", root.appendingPathComponent("financeurs.yaml").path],
            ["optimiser", root.path, "--lp", root.appendingPathComponent("programme.yaml").path, "-o", root.deletingLastPathComponent().appendingPathComponent("\(root.lastPathComponent)-o.yaml").path],
            ["optimiser", root.path, "-o", root.appendingPathComponent("operations/op.yaml").path],
        ] {
            let r = try run(arguments)
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Maquette n'écrit jamais dans le dossier des plans"), r.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("programme.yaml")), programme)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("financeurs.yaml")), financeurs)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("operations/op.yaml"), encoding: .utf8), Self.ownersShareBroken)
        XCTAssertEqual(try leftovers(root), [])
    }

    func testOnlyRegularFilesAreWritten() throws {
        let root = try plans(["op.yaml": Self.ownersShareBroken])
        let folder = try temporaryFolder("cli-special")
        var info = stat()
        // `-o /dev/full`, on a copy of the device (a regression must not replace the machine's
        // /dev/full): made with mknod where allowed.
        let device = folder.appendingPathComponent("full").path
        let full = dev_t(1 << 8 | 7)
        if mknod(device, S_IFCHR | 0o666, full) == 0, mknod(device + ".xlsx", S_IFCHR | 0o666, full) == 0 {
            let r = try run(["optimiser", root.path, "-o", device])
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertEqual(r.stderr, "erreur : « \(device) » est un périphérique, pas un fichier ordinaire ; Maquette n'écrit que dans des fichiers ordinaires\n")
            XCTAssertEqual(lstat(device, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "still a device")
            let export = try run(["exporter", root.path, "-o", device + ".xlsx"])
            XCTAssertEqual(export.status, 64, export.stderr)
            XCTAssertEqual(lstat(device + ".xlsx", &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "still a device")
        }
        // A fifo, and a symbolic link leading into the plans folder.
        let fifo = folder.appendingPathComponent("tube.xlsx").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let fifoRun = try run(["exporter", root.path, "-o", fifo])
        XCTAssertEqual(fifoRun.status, 64, fifoRun.stderr)
        XCTAssertTrue(fifoRun.stderr.contains("est un tube (fifo), pas un fichier ordinaire"), fifoRun.stderr)
        let link = folder.appendingPathComponent("lien.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: root.appendingPathComponent("programme.yaml").path)
        let programme = try Data(contentsOf: root.appendingPathComponent("programme.yaml"))
        let linkRun = try run(["corriger", "--dossier", root.path, "-o", link])
        XCTAssertEqual(linkRun.status, 64, linkRun.stderr)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("programme.yaml")), programme)
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }

    /// The default proposal goes to the plans folder given, not to `./Plans` of the current
    /// folder (another programme's), and an existing scenario is never replaced.
    func testTheDefaultScenarioGoesToThePlansFolderGiven() throws {
        let root = try shippedPlansCopy()
        let elsewhere = try temporaryFolder("cli-cwd")
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("Plans/scenarios"), withIntermediateDirectories: true)
        let other = elsewhere.appendingPathComponent("Plans/scenarios/optimise.yaml")
        try "id: optimise\n# un autre programme\n".write(to: other, atomically: true, encoding: .utf8)
        let r = try run(["optimiser", root.path], in: elsewhere)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: other, encoding: .utf8), "id: optimise\n# un autre programme\n")
        let written = root.appendingPathComponent("scenarios/optimise.yaml")
        XCTAssertEqual(
            try String(contentsOf: written, encoding: .utf8),
            try String(contentsOf: CLITests.packageRoot.appendingPathComponent("Plans/scenarios/optimise.yaml"), encoding: .utf8))
        XCTAssertTrue(r.stdout.contains("Scénario écrit : \(root.path)/scenarios/optimise.yaml"), r.stdout)
        // A second run does not replace it (it may have been edited since).
        try "# relu et modifié\n".appending(try String(contentsOf: written, encoding: .utf8)).write(to: written, atomically: true, encoding: .utf8)
        let edited = try Data(contentsOf: written)
        let again = try run(["optimiser", root.path], in: elsewhere)
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("existe déjà ; Maquette ne remplace jamais un fichier des plans"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: written), edited)
    }

    // MARK: temporary files

    /// Killed during an export, Maquette removes its temporary file.
    func testASignalRemovesTheTemporaryWorkbook() throws {
        let folder = try temporaryFolder("cli-signal")
        let programme = folder.appendingPathComponent("grand").path
        XCTAssertEqual(try run(["generer", "--operations", "1000", "-o", programme]).status, 0)
        let out = folder.appendingPathComponent("sortie")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for signal in [SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["exporter", programme, "-o", out.appendingPathComponent("grand.xlsx").path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var seen = false
            for _ in 0..<6_000 where process.isRunning {
                if try !leftovers(out).isEmpty {
                    seen = true
                    break
                }
                usleep(5_000)
            }
            guard seen else { throw XCTSkip("the export ended before a temporary file was seen") }
            usleep(200_000)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            XCTAssertEqual(process.terminationStatus, signal)
            XCTAssertEqual(try leftovers(out), [])
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("grand.xlsx").path))
        }
    }

    /// A run killed outright (SIGKILL) leaves its temporary file: the next write removes it, and
    /// those of older versions (`.x.xlsx.PID.tmp`), but not another's file.
    func testStaleTemporaryFilesAreRemovedByTheNextExport() throws {
        let folder = try temporaryFolder("cli-stale")
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, 255)
        let host = String(cString: name).filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(24)
        let stale = [".classeur.xlsx.maquette-\(host)-2147483000-0123456789abcdef.tmp", ".classeur.xlsx.2147483001.tmp"]
        for name in stale + [".notes.tmp"] { try Data(count: 1_000).write(to: folder.appendingPathComponent(name)) }
        let r = try run(["exporter", "Plans", "-o", folder.appendingPathComponent("classeur.xlsx").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), [".notes.tmp", "classeur.xlsx"])
    }

    // MARK: write failures

    /// Full disk simulated by a file-size limit (`ulimit -f`, SIGXFSZ ignored): each command
    /// says which file, why, in French, exits 73 and leaves the previous file and nothing else.
    func testWriteFailuresExit73InFrenchAndLeaveNothing() throws {
        let root = try shippedPlansCopy()
        let folder = try temporaryFolder("cli-limit")
        let workbook = folder.appendingPathComponent("classeur.xlsx")
        try Data("ancien classeur".utf8).write(to: workbook)
        let limited = #"trap '' XFSZ; ulimit -f 2; exec "$M" "#
        let export = try shell(limited + #"exporter "\#(root.path)" -o "\#(workbook.path)""#)
        XCTAssertEqual(export.status, 73, export.stderr)
        XCTAssertEqual(
            export.stderr,
            "erreur : le classeur « \(workbook.path) » n'a pas pu être écrit : erreur d'écriture de l'archive du classeur — fichier trop gros pour ce disque\nLe classeur précédent, s'il existait, est intact.\n")
        XCTAssertEqual(try String(contentsOf: workbook, encoding: .utf8), "ancien classeur")

        let scenario = folder.appendingPathComponent("optimise.yaml").path
        let optimise = try shell(limited + #"optimiser "\#(root.path)" -o "\#(scenario)""#)
        XCTAssertEqual(optimise.status, 73, optimise.stderr)
        XCTAssertEqual(optimise.stderr, "erreur : « \(scenario) » n'a pas pu être écrit : fichier trop gros pour ce disque\n")

        let generated = folder.appendingPathComponent("genere").path
        let generate = try shell(limited + #"generer --operations 200 -o "\#(generated)""#)
        XCTAssertEqual(generate.status, 73, generate.stderr)
        XCTAssertEqual(generate.stderr, "erreur : « \(generated)/programme.yaml » n'a pas pu être écrit : fichier trop gros pour ce disque\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: generated), "no half programme")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["classeur.xlsx"])
    }

    /// A real full disk, and a full `/tmp`, on small tmpfs mounts (skipped where mounting is not
    /// allowed).
    func testAFullDiskAndAFullTmp() throws {
        let folder = try temporaryFolder("cli-full")
        let disk = folder.appendingPathComponent("disque")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        guard try shell("mount -t tmpfs -o size=64k tmpfs '\(disk.path)' 2>/dev/null").status == 0 else {
            throw XCTSkip("mounting a tmpfs is not allowed here")
        }
        addTeardownBlock { _ = try? self.shell("umount '\(disk.path)'") }
        let workbook = disk.appendingPathComponent("classeur.xlsx")
        try Data("ancien classeur".utf8).write(to: workbook)
        _ = try shell("dd if=/dev/zero of='\(disk.path)/plein' bs=4k 2>/dev/null")
        let export = try run(["exporter", "Plans", "-o", workbook.path])
        XCTAssertEqual(export.status, 73, export.stderr)
        XCTAssertEqual(
            export.stderr,
            "erreur : le classeur « \(workbook.path) » n'a pas pu être écrit : erreur d'écriture de l'archive du classeur — disque plein\nLe classeur précédent, s'il existait, est intact.\n")
        XCTAssertEqual(try String(contentsOf: workbook, encoding: .utf8), "ancien classeur")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted(), ["classeur.xlsx", "plein"])
        let root = try shippedPlansCopy()
        let optimise = try run(["optimiser", root.path, "-o", disk.appendingPathComponent("o.yaml").path])
        XCTAssertEqual(optimise.status, 73, optimise.stderr)
        XCTAssertEqual(optimise.stderr, "erreur : « \(disk.path)/o.yaml » n'a pas pu être écrit : disque plein\n")
        // A full /tmp (TMPDIR) no longer matters: libxlsxwriter's scratch files go beside the workbook.
        let good = folder.appendingPathComponent("bon.xlsx").path
        let reference = folder.appendingPathComponent("reference.xlsx").path
        XCTAssertEqual(try run(["exporter", "Plans", "-o", reference]).status, 0)
        let full = try run(["exporter", "Plans", "-o", good], environment: ["TMPDIR": disk.path, "TMP": disk.path, "TEMP": disk.path])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: good)), try Data(contentsOf: URL(fileURLWithPath: reference)))
    }

    // MARK: usage

    func testEmptySheetAndOperationListsAreUsageErrors() throws {
        let folder = try temporaryFolder("cli-empty")
        let target = folder.appendingPathComponent("x.xlsx").path
        let sheets = try run(["exporter", "Plans", "-o", target, "--feuilles", ""])
        XCTAssertEqual(sheets.status, 64, sheets.stderr)
        XCTAssertEqual(
            sheets.stderr,
            "erreur : --feuilles : liste vide ; donnez au moins un élément, par exemple `--feuilles synthese,controles`, ou omettez l'option pour tout exporter\n  Aide : « maquette exporter --help ».\n")
        let operations = try run(["exporter", "Plans", "-o", target, "--operations", " , "])
        XCTAssertEqual(operations.status, 64, operations.stderr)
        XCTAssertTrue(operations.stderr.hasPrefix("erreur : --operations : liste vide"), operations.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    // MARK: exit codes

    /// One enum of exit codes: `maquette --help`, README.md and docs/erreurs.md list exactly its codes.
    func testExitCodesAreDocumentedWhereverTheyAreListed() throws {
        let codes = ExitStatus.allCases.map(\.rawValue)
        func tableCodes(_ text: String, after heading: String) throws -> [Int32] {
            let start = try XCTUnwrap(text.range(of: heading), heading)
            var rows: [Int32] = []
            var inTable = false
            for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("|") {
                    inTable = true
                    let first = line.dropFirst().split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? ""
                    if let code = Int32(first) { rows.append(code) }
                } else if inTable {
                    break
                }
            }
            return rows
        }
        let erreurs = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("docs/erreurs.md"), encoding: .utf8)
        XCTAssertEqual(try tableCodes(erreurs, after: "## Codes de sortie"), codes, "docs/erreurs.md")
        let readme = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertEqual(try tableCodes(readme, after: "Exit codes"), codes, "README.md")
        // The help's lines are wrapped: compare with the spaces collapsed.
        let help = try run(["--help"]).stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for status in ExitStatus.allCases {
            XCTAssertTrue(help.contains("\(status.rawValue) \(status.meaning)"), "\(status): \(help)")
        }
    }
}
