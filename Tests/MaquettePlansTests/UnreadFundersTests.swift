import Foundation
import MaquetteCore
import MaquettePlans
import XCTest

/// A funders file that cannot be read at all (not a regular file, a link out of the plans folder)
/// declares no dispositif, as one that cannot be parsed: the operations' lines that name one of
/// its dispositifs are not said unknown as well — the file is said, once.
final class UnreadFundersTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("unread-funders-\(UUID().uuidString)")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(at: root.appendingPathComponent("Plans"), to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: folder.appendingPathExtension("financeurs.yaml"))
    }

    /// Plans' ecole-blade draws on `cc-lomagne-gersoise.fonds-de-concours`, declared only in
    /// financeurs.yaml (line 46 of the operation): with the file unread, the one error is the file's.
    private func assertOnlyTheFileIsSaid(_ expected: String, line: UInt = #line) {
        let loaded = PlanLoader.load(folder: folder.path)
        XCTAssertNil(loaded.plans, line: line)
        let errors = loaded.diagnostics.filter { $0.severity == .erreur }
        XCTAssertEqual(errors.map(\.message), [expected], line: line)
        XCTAssertEqual(errors.first?.location?.file, "\(folder.path)/financeurs.yaml", line: line)
    }

    func testAFundersFileThatIsAFifoIsSaidAloneNotItsDispositifsUnknown() throws {
        let funders = folder.appendingPathComponent("financeurs.yaml").path
        XCTAssertEqual(unlink(funders), 0)
        XCTAssertEqual(mkfifo(funders, 0o644), 0)
        assertOnlyTheFileIsSaid("« \(funders) » n'est pas un fichier ordinaire")
    }

    func testAFundersFileLinkedOutOfTheFolderIsSaidAloneNotItsDispositifsUnknown() throws {
        let funders = folder.appendingPathComponent("financeurs.yaml").path
        let outside = folder.appendingPathExtension("financeurs.yaml").path
        XCTAssertEqual(rename(funders, outside), 0)
        XCTAssertEqual(symlink(outside, funders), 0)
        assertOnlyTheFileIsSaid("« \(funders) » est un lien vers « \(outside) », hors du dossier des plans : il n'est pas lu")
    }
}
