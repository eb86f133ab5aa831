import Foundation
import XCTest

@testable import MaquetteExport

/// The atomic writer and the output policy (issue 10, "writes that cannot destroy").
final class AtomicWriteTests: XCTestCase {
    func temporaryFolder() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A symbolic link planted where the old writer put its temporary file
    /// (`.NAME.PID.tmp`) made it overwrite the link's target. The temporary file is now created
    /// exclusively, under a random name, and never follows a link.
    func testAPlantedSymlinkIsNeverFollowed() throws {
        let folder = temporaryFolder()
        let victim = folder.appendingPathComponent("programme.yaml")
        try Data("id: essai\n".utf8).write(to: victim)
        let target = folder.appendingPathComponent("classeur.xlsx").path
        let planted = folder.appendingPathComponent(".classeur.xlsx.\(getpid()).tmp").path
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim.path)
        var used: [String] = []
        for _ in 0..<2 {
            try AtomicFile.write(to: target) { temporary in
                used.append(temporary)
                var info = stat()
                XCTAssertEqual(lstat(temporary, &info), 0)
                XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "created as a regular file before it is filled")
                try Data("classeur".utf8).write(to: URL(fileURLWithPath: temporary))
            }
        }
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "id: essai\n")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "classeur")
        XCTAssertNotEqual(used[0], used[1], "a new random name each time")
        for path in used {
            let name = URL(fileURLWithPath: path).lastPathComponent
            XCTAssertNotNil(name.range(of: #"^\.classeur\.xlsx\.maquette-[A-Za-z0-9]+-\#(getpid())-[0-9a-f]{16}\.tmp$"#, options: .regularExpression), name)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), [".classeur.xlsx.\(getpid()).tmp", "classeur.xlsx", "programme.yaml"])
    }

    /// Even a planted link at the very name chosen is not followed: O_EXCL|O_NOFOLLOW fail.
    func testTheTemporaryFileIsCreatedExclusively() throws {
        let folder = temporaryFolder()
        let victim = folder.appendingPathComponent("victime").path
        try Data("intact".utf8).write(to: URL(fileURLWithPath: victim))
        let name = TemporaryFiles.name(beside: folder.appendingPathComponent("x.xlsx").path)
        try FileManager.default.createSymbolicLink(atPath: name, withDestinationPath: victim)
        let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        XCTAssertEqual(fd, -1)
        XCTAssertEqual(errno, EEXIST)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "intact")
    }

    func testStaleNamesAreRecognisedAndOthersLeftAlone() {
        XCTAssertEqual(TemporaryFiles.staleOwner(".x.xlsx.maquette-poste1-123-0123456789abcdef.tmp")?.pid, 123)
        XCTAssertEqual(TemporaryFiles.staleOwner(".x.xlsx.maquette-poste1-123-0123456789abcdef.tmp")?.host, "poste1")
        XCTAssertEqual(TemporaryFiles.staleOwner(".genere.maquette-h-77-0123456789abcdef.tmp")?.pid, 77)
        XCTAssertEqual(TemporaryFiles.staleOwner(".x.xlsx.4567.tmp")?.pid, 4567)
        XCTAssertNil(TemporaryFiles.staleOwner(".x.xlsx.4567.tmp")?.host)
        XCTAssertNil(TemporaryFiles.staleOwner(".notes.4567.tmp"))
        XCTAssertNil(TemporaryFiles.staleOwner(".x.xlsx.maquette-h-123-xyz.tmp"))
        XCTAssertNil(TemporaryFiles.staleOwner(".tmp"))
    }

    /// Left by runs killed outright: removed when their process is gone (on this machine) or
    /// when a day old; a file of another machine's run, recent, and other files stay.
    func testStaleTemporaryFilesAreRemoved() throws {
        let folder = temporaryFolder()
        let host = TemporaryFiles.host
        let dead = ".x.xlsx.maquette-\(host)-2147483000-0123456789abcdef.tmp"
        let older = ".x.xlsx.2147483001.tmp"
        let otherMachine = ".x.xlsx.maquette-autreposte-2147483000-0123456789abcdef.tmp"
        let otherMachineOld = ".y.xlsx.maquette-autreposte-2147483000-0123456789abcdef.tmp"
        let mine = ".x.xlsx.maquette-\(host)-\(getpid())-0123456789abcdef.tmp"
        for name in [dead, older, otherMachine, otherMachineOld, mine, ".notes.tmp"] {
            try Data(count: 10).write(to: folder.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".g.maquette-\(host)-2147483000-0123456789abcdef.tmp/operations"), withIntermediateDirectories: true)
        var times = [timeval(tv_sec: time(nil) - 2 * 86_400, tv_usec: 0), timeval(tv_sec: time(nil) - 2 * 86_400, tv_usec: 0)]
        XCTAssertEqual(utimes(folder.appendingPathComponent(otherMachineOld).path, &times), 0)
        TemporaryFiles.removeStale(in: folder.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), [mine, ".notes.tmp", otherMachine].sorted())
    }

    func testThePolicy() throws {
        let folder = temporaryFolder()
        let plans = folder.appendingPathComponent("Plans")
        try FileManager.default.createDirectory(at: plans.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try Data("id: p\n".utf8).write(to: plans.appendingPathComponent("programme.yaml"))
        let policy = OutputPolicy(plansFolder: plans.path)
        func refusal(_ path: String, _ kind: OutputPolicy.Kind) -> OutputError? {
            do {
                _ = try policy.destination(path, kind: kind)
                return nil
            } catch { return error as? OutputError }
        }
        XCTAssertEqual(refusal(plans.appendingPathComponent("programme.yaml").path, .scenario)?.kind, .refused)
        XCTAssertEqual(refusal(plans.appendingPathComponent("scenarios/x.lp").path, .linearProgram)?.kind, .refused)
        XCTAssertEqual(refusal(plans.appendingPathComponent("x.xlsx").path, .workbook)?.kind, .refused)
        XCTAssertNil(refusal(plans.appendingPathComponent("scenarios/nouveau.yaml").path, .scenario))
        XCTAssertEqual(refusal(folder.path, .scenario)?.kind, .refused, "a folder")
        XCTAssertEqual(refusal(folder.appendingPathComponent("absent/x.yaml").path, .scenario)?.kind, .failed, "a missing folder")
        // Another programme's plans folder is a plans folder too.
        let other = folder.appendingPathComponent("Autre")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("id: autre\n".utf8).write(to: other.appendingPathComponent("programme.yaml"))
        XCTAssertEqual(refusal(other.appendingPathComponent("financeurs.yaml").path, .scenario)?.kind, .refused)
        // A link to a regular file elsewhere is followed: its target is what gets replaced.
        let real = folder.appendingPathComponent("reel.xlsx")
        try Data().write(to: real)
        let link = folder.appendingPathComponent("lien.xlsx").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real.path)
        XCTAssertEqual(try policy.destination(link, kind: .workbook), .init(shown: link, path: real.resolvingSymlinksInPath().path, replaces: true))
        XCTAssertFalse(try policy.destination(plans.appendingPathComponent("scenarios/nouveau.yaml").path, kind: .scenario).replaces)
        XCTAssertEqual(policy.insidePlans("scenarios/optimise.yaml"), plans.path + "/scenarios/optimise.yaml")
    }

    /// A new scenario in a plans folder is placed without replacing: a file that appeared
    /// there since the policy accepted the name is kept.
    func testANewScenarioNeverReplacesAFileThatAppeared() throws {
        let folder = temporaryFolder()
        let target = folder.appendingPathComponent("optimise.yaml").path
        XCTAssertNoThrow(try AtomicFile.write(Data("proposition".utf8), to: target, replacing: false))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "proposition")
        XCTAssertThrowsError(try AtomicFile.write(Data("autre".utf8), to: target, replacing: false)) { error in
            XCTAssertEqual((error as? OutputError)?.kind, .refused)
        }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "proposition")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["optimise.yaml"])
    }

    /// A replaced file keeps its permissions (a workbook shared read-only with a group stays so).
    func testAReplacedFileKeepsItsPermissions() throws {
        let target = temporaryFolder().appendingPathComponent("classeur.xlsx").path
        try Data("ancien".utf8).write(to: URL(fileURLWithPath: target))
        XCTAssertEqual(chmod(target, 0o640), 0)
        try AtomicFile.write(Data("nouveau".utf8), to: target)
        var info = stat()
        XCTAssertEqual(stat(target, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o640)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "nouveau")
    }
}
