import Foundation
import MaquetteTestSupport
import XCTest

@testable import XlsxWriter

final class WorkbookTests: XCTestCase {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name).path
    }

    /// The XML of one part of the written file, read back with unzip.
    func part(_ path: String, _ name: String) throws -> String {
        try XlsxParts.read(path, name)
    }

    func testFormulaIsWrittenWithItsStoredValue() throws {
        let path = temporaryPath("essai.xlsx")
        let workbook = try Workbook(path: path)
        let sheet = try workbook.addWorksheet("Synthèse")
        try sheet.write("Coût HT", row: 0, column: 0)
        try sheet.write(number: 1_250_000.5, row: 1, column: 0)
        try sheet.write(number: 749_999.5, row: 2, column: 0)
        try sheet.write(formula: "SUM(A2:A3)", value: 2_000_000, row: 3, column: 0)
        try workbook.close()
        let xml = try part(path, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(xml.contains("<c r=\"A2\"><v>1250000.5</v></c>"), xml)
        XCTAssertTrue(xml.contains("<c r=\"A4\"><f>SUM(A2:A3)</f><v>2000000</v></c>"), xml)
        XCTAssertTrue(try part(path, "xl/workbook.xml").contains("name=\"Synthèse\""))
    }

    func testInvalidSheetNamesAreFrenchErrors() throws {
        let workbook = try Workbook(path: temporaryPath("noms.xlsx"))
        XCTAssertThrowsError(try workbook.addWorksheet("Plan [2026]")) { error in
            XCTAssertEqual("\(error)", "feuille « Plan [2026] » : nom de feuille avec un caractère interdit ([ ] : * ? / \\)")
        }
        XCTAssertThrowsError(try workbook.addWorksheet(String(repeating: "x", count: 32))) { error in
            XCTAssertTrue("\(error)".hasSuffix("nom de feuille de plus de 31 caractères"))
        }
        _ = try workbook.addWorksheet("Synthèse")
        XCTAssertThrowsError(try workbook.addWorksheet("Synthèse"))
        try workbook.close()
    }

    func testCloseReportsAnUnwritableTarget() throws {
        let workbook = try Workbook(path: "/nonexistent-folder/classeur.xlsx", scratchFolder: NSTemporaryDirectory())
        _ = try workbook.addWorksheet("Feuille")
        let printed = try standardError {
            XCTAssertThrowsError(try workbook.close()) { error in
                XCTAssertTrue("\(error)".contains("impossible de créer le fichier"), "\(error)")
            }
        }
        // libxlsxwriter's own `[ERROR] workbook_close(): …` line, in English, does not reach the user.
        XCTAssertEqual(printed, "")
    }

    /// What `body` writes to standard error (file descriptor 2), C library included.
    func standardError(_ body: () throws -> Void) throws -> String {
        let capture = temporaryPath("stderr.txt")
        fflush(nil)
        let saved = dup(2)
        let fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        dup2(fd, 2)
        close(fd)
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
        }
        try body()
        fflush(nil)
        return try String(contentsOfFile: capture, encoding: .utf8)
    }

    /// The library's scratch files go beside the workbook, not to /tmp.
    func testScratchFilesGoBesideTheWorkbook() throws {
        let path = temporaryPath("essai.xlsx")
        let workbook = try Workbook(path: path, constantMemory: true)
        _ = try workbook.addWorksheet("Feuille")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")
        }
        XCTAssertTrue(open.contains { $0.hasPrefix(folder + "/") && $0.hasSuffix("(deleted)") }, "\(open)")
        try workbook.close()
    }

    /// libxlsxwriter does not check its writes to the scratch file of a constant-memory sheet:
    /// when they fail (full disk, file-size limit) while the compressed workbook still fits, it
    /// wrote a truncated sheet and reported success. Here the rows (about 2 MB of XML) exceed a
    /// 256 KB file-size limit that the zipped workbook does not reach.
    func testAFailedScratchWriteFailsTheWorkbook() throws {
        let path = temporaryPath("limite.xlsx")
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var limited = saved
        limited.rlim_cur = 256 * 1024
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited), 0)
        defer {
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
            signal(SIGXFSZ, previousHandler)
        }
        let workbook = try Workbook(path: path, constantMemory: true)
        let sheet = try workbook.addWorksheet("Feuille")
        for row in 0..<20_000 {
            try sheet.write(number: 1_234_567.5, row: row, column: 0)
            try sheet.write(number: 7_654_321.25, row: row, column: 1)
        }
        XCTAssertThrowsError(try workbook.close()) { error in
            XCTAssertEqual("\(error)", "impossible d'utiliser un fichier temporaire — fichier trop gros pour ce disque")
        }
    }
}
