import MaquetteCore
import XCTest

@testable import MaquettePlans

/// What the quicker reading must give exactly as the reading before it did, on odd input too.
final class ReadingIdentityTests: XCTestCase {
    /// A file of `length` bytes (`a`, `b`, … `z` over and over) given `piece` bytes at most a
    /// read, as `/proc` gives a page at a time; `fails` makes the read after `fails` bytes fail.
    private func source(length: Int, piece: Int, failsAfter fails: Int? = nil) -> (UnsafeMutableRawPointer, Int) -> Int {
        var at = 0
        return { buffer, count in
            if let fails, at >= fails { return -1 }
            let n = min(count, piece, length - at)
            for i in 0..<n { buffer.storeBytes(of: UInt8(0x61 + (at + i) % 26), toByteOffset: i, as: UInt8.self) }
            at += n
            return n
        }
    }

    private func expected(_ length: Int) -> [UInt8] { (0..<length).map { UInt8(0x61 + $0 % 26) } }

    /// A file as long as announced is read whole, in short reads too; one that shrank is read to
    /// its end; a failed read is `nil`.
    func testAFileAsAnnouncedIsReadWhole() {
        XCTAssertEqual(PlanFileReader.contents(announced: 10_000, source(length: 10_000, piece: 4096)), expected(10_000))
        XCTAssertEqual(PlanFileReader.contents(announced: 0, source(length: 0, piece: 4096)), [])
        XCTAssertEqual(PlanFileReader.contents(announced: 50, source(length: 30, piece: 7)), expected(30))
        XCTAssertEqual(PlanFileReader.contents(announced: 70_000, source(length: 200_000, piece: 4096)), expected(200_000))
        XCTAssertNil(PlanFileReader.contents(announced: 10_000, source(length: 10_000, piece: 4096, failsAfter: 8192)))
        XCTAssertNil(PlanFileReader.contents(announced: 0, source(length: 10_000, piece: 4096, failsAfter: 8192)))
    }

    /// A file longer than announced and past the 4 Mio limit is cut where the buffer, grown from
    /// the announced size plus one by its length (4 096 bytes at least), first passes the limit:
    /// announced empty, 1, 4 097, 8 194, … 4 097 × 2¹⁰ = 4 195 328 bytes (4 097 Kio said);
    /// announced 100 bytes, 101, 4 197, … 4 197 × 2¹⁰ = 4 297 728 (4 197 Kio). Between the limit
    /// and that cut, the whole file.
    func testAFileLongerThanAnnouncedIsCutWhereItWas() {
        let fiveMiB = 5 * 1024 * 1024
        XCTAssertEqual(PlanFileReader.contents(announced: 0, source(length: fiveMiB, piece: 4096))?.count, 4_195_328)
        XCTAssertEqual(PlanFileReader.contents(announced: 0, source(length: fiveMiB, piece: 65_536))?.count, 4_195_328)
        XCTAssertEqual(PlanFileReader.contents(announced: 100, source(length: fiveMiB, piece: 65_536))?.count, 4_297_728)
        let whole = PlanFileReader.contents(announced: 0, source(length: 4_194_400, piece: 4096))
        XCTAssertEqual(whole?.count, 4_194_400)
        XCTAssertTrue(whole == expected(4_194_400))
        // The size said of it, from its text.
        let text = String(decoding: PlanFileReader.contents(announced: 0, source(length: fiveMiB, piece: 4096)) ?? [], as: UTF8.self)
        guard case .failure(let problem) = YAMLSource.compose(text, file: "P/operations/grand.yaml") else { return XCTFail("a file past the limit is refused") }
        XCTAssertTrue(problem.message.hasPrefix("fichier trop volumineux (4097 Kio)"), problem.message)
    }

    /// `..` is a range only when the text holds two dots as two characters: `25 %..́35 %` (an
    /// acute accent on the second dot) is an unreadable rate, as it always was, not a range.
    func testTwoDotsWithAnAccentAreNoRange() {
        let funding = "  - { dispositif: etat.detr, taux: \"25 %..\\u0301 35 %\" }\n  - autofinancement: solde"
        let loaded = PlanFixture.load([PlanFixture.operation(funding)])
        let messages = loaded.diagnostics.map(\.message)
        XCTAssertTrue(messages.contains { $0.contains("taux illisible « 25 %..\u{0301} 35 % »") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("fourchette") }, "\(messages)")
        // Two dots as two characters remain a range.
        let range = PlanFixture.load([PlanFixture.operation("  - { dispositif: etat.detr, taux: 25 % .. 35 % }\n  - autofinancement: solde")])
        XCTAssertEqual(range.diagnostics.filter { $0.severity == .erreur }.map(\.message), [])
    }
}

extension ReadingIdentityTests {
    /// Every character a text may start with: when its bytes say the text needs no trimming (the
    /// quick path), trimming it as the general path does leaves it as it is. All 1 112 064
    /// scalars, each followed by `x`.
    func testNoTextTakenUntrimmedStartsWithASpace() {
        var taken = 0
        var wronglyTaken: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var text = String(Character(scalar)) + "x"
            let clean = text.withUTF8 { NodeReader.isCleanText($0, plain: true) }
            guard clean else { continue }
            taken += 1
            if text.trimmingWhitespace() != text { wronglyTaken.append(value) }
        }
        XCTAssertEqual(wronglyTaken, [])
        // Visible ASCII but `~` alone is no concern here (`~x` is a text): 94 characters, and
        // beyond ASCII at least the Latin letters with accents (U+00C0 onwards) are taken.
        XCTAssertGreaterThan(taken, 94 + 0x100 - 0xC0)
    }
}

extension ReadingIdentityTests {
    /// A file opened by name in the open operations folder (`openat`) reads as by its path, whatever
    /// took its place since the folder was listed: a fifo, a folder, a link, nothing; and files
    /// empty, of exactly 4 Mio (read), of 4 Mio and one byte (refused, 4 097 Kio said, sizes rounded up).
    func testAFileOpenedInItsFolderReadsAsByItsPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-openat-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let limit = YAMLSource.maximumBytes
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder)/a.yaml", contents: Data("id: a\n".utf8)))
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder)/vide.yaml", contents: Data()))
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder)/juste.yaml", contents: Data(repeating: 0x61, count: limit)))
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder)/trop.yaml", contents: Data(repeating: 0x61, count: limit + 1)))
        XCTAssertEqual(mkfifo("\(folder)/fifo.yaml", 0o600), 0)
        try FileManager.default.createDirectory(atPath: "\(folder)/dossier.yaml", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/lien.yaml", withDestinationPath: "a.yaml")
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/pendant.yaml", withDestinationPath: "absent")
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(directory, 0)
        defer { close(directory) }
        var outcomes: [String: String] = [:]
        for name in ["a", "vide", "juste", "trop", "fifo", "dossier", "lien", "pendant", "absent"].map({ "\($0).yaml" }) {
            let path = "\(folder)/\(name)"
            let byName = PlanFileReader.read(path, opening: name, in: directory, noFollow: true)
            let byPath = PlanFileReader.read(path, opening: path, noFollow: true)
            XCTAssertEqual(byName.0?.text, byPath.0?.text, name)
            XCTAssertEqual(byName.1, byPath.1, name)
            outcomes[name] = byName.0.map { "\($0.text.utf8.count) octets" } ?? byName.1.map(\.message).joined()
        }
        let notRegular = { (name: String) in "« \(folder)/\(name) » n'est pas un fichier ordinaire" }
        XCTAssertEqual(
            outcomes,
            [
                "a.yaml": "6 octets", "vide.yaml": "0 octets", "juste.yaml": "4194304 octets",
                "trop.yaml": "fichier trop volumineux (4097 Kio) : un fichier de plan fait au plus 4 Mio",
                "fifo.yaml": notRegular("fifo.yaml"), "dossier.yaml": notRegular("dossier.yaml"), "lien.yaml": notRegular("lien.yaml"),
                "pendant.yaml": notRegular("pendant.yaml"), "absent.yaml": notRegular("absent.yaml"),
            ])
    }

    /// A plans folder tells the loader which file is which by where it took it (programme,
    /// funders, operations, scenarios), not by comparing paths: the same plans, problems and
    /// scenarios as the same texts loaded by their paths, with the funders file or the programme
    /// missing, and with an operation file that cannot be read.
    func testAFolderLoadsAsItsTextsByPath() throws {
        let plans = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Plans")
        let fm = FileManager.default
        for variant in ["entier", "sans-financeurs", "sans-programme", "operation-illisible"] {
            let folder = fm.temporaryDirectory.appendingPathComponent("maquette-kinds-\(getpid())-\(variant)")
            try? fm.removeItem(at: folder)
            try fm.copyItem(at: plans, to: folder)
            defer { try? fm.removeItem(at: folder) }
            switch variant {
            case "sans-financeurs": try fm.removeItem(at: folder.appendingPathComponent("financeurs.yaml"))
            case "sans-programme": try fm.removeItem(at: folder.appendingPathComponent("programme.yaml"))
            case "operation-illisible": XCTAssertEqual(mkfifo(folder.appendingPathComponent("operations/aaa.yaml").path, 0o600), 0)
            default: break
            }
            let byFolder = PlanLoader.load(folder: folder.path)
            let files = byFolder.sources.sorted { $0.key < $1.key }.map { PlanFile(path: $0.key, text: $0.value) }
            let byPath = PlanLoader.load(files: files, root: folder.path)
            func said(_ result: LoadResult) -> [String] {
                result.diagnostics.filter { $0.rule != .fichier }.map { "\($0.location?.description ?? "-") \($0.message)" }
            }
            XCTAssertEqual(said(byFolder), said(byPath), variant)
            // An unreadable file makes the folder's plans unreadable (its problem is said above).
            if variant != "operation-illisible" {
                XCTAssertEqual(byFolder.plans?.operations.map(\.id), byPath.plans?.operations.map(\.id), variant)
            }
            XCTAssertEqual(byFolder.scenarios.map(\.id), byPath.scenarios.map(\.id), variant)
            XCTAssertEqual(byFolder.scenarios.count, 4, variant)
            switch variant {
            // Without the funders file, lines name dispositifs nobody declares: read errors, both ways.
            case "sans-programme", "sans-financeurs":
                XCTAssertNil(byFolder.plans, variant)
                XCTAssertTrue(byFolder.hasReadErrors, variant)
            case "operation-illisible":
                XCTAssertNil(byFolder.plans)
                XCTAssertTrue(byFolder.diagnostics.contains { $0.message.contains("aaa.yaml » n'est pas un fichier ordinaire") }, variant)
                XCTAssertEqual(byPath.plans?.operations.count, 9, variant)
            default: XCTAssertEqual(byFolder.plans?.operations.count, 9, variant)
            }
        }
    }
}
