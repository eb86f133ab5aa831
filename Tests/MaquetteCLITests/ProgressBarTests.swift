import Foundation
import XCTest

@testable import MaquetteCLI

/// The progress bar shows only for work that lasts, erases itself, and stays off on a dumb
/// terminal.
final class ProgressBarTests: XCTestCase {
    final class Screen: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func write(_ s: String) { lock.withLock { text += s } }
        var written: String { lock.withLock { text } }
    }

    func testShortWorkShowsNoBar() {
        let screen = Screen()
        let bar = ProgressBar(total: 10, label: "Lecture", delay: 60, enabled: true) { screen.write($0) }
        for i in 1...10 { bar.update(i) }
        bar.finish()
        XCTAssertEqual(screen.written, "")
    }

    func testLongWorkShowsTheBarThenErasesIt() {
        let screen = Screen()
        let bar = ProgressBar(total: 4, label: "Simulation", delay: 0, enabled: true) { screen.write($0) }
        for i in 1...4 { bar.update(i) }
        bar.finish()
        let written = screen.written
        XCTAssertTrue(written.contains("\rSimulation [" + String(repeating: "#", count: 30) + "] 100 %"), written)
        // Erased: the last thing written blanks the line and goes back to its start, no newline.
        XCTAssertTrue(written.hasSuffix(" \r"), written)
        XCTAssertFalse(written.contains("\n"))
    }

    func testADumbTerminalGetsNoBar() {
        XCTAssertFalse(ProgressBar.terminalCanShowIt(environment: ["TERM": "dumb"]))
    }

    /// Run on a pseudo-terminal with TERM=dumb, a long simulation writes nothing on standard error.
    func testNoBarOnADumbTerminalEndToEnd() throws {
        var dir = Bundle(for: ProgressBarTests.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("maquette").path), dir.path != "/" { dir = dir.deletingLastPathComponent() }
        let maquette = dir.appendingPathComponent("maquette").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(maquette) simuler Plans --tirages 20000 >/dev/null", "/dev/null"]
        process.currentDirectoryURL = CLITests.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "dumb"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertFalse(text.contains("Simulation ["), text)
    }
}
