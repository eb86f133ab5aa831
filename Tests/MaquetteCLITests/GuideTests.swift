import Foundation
import XCTest

/// docs/guide-utilisateur.md is executable: every fenced block that starts with `$ maquette …`
/// is run, in order, in a folder holding a copy of Plans/, and what the block shows under each
/// command must be found in the command's output — the lines in the same order, other lines
/// allowed between them (an excerpt). A command is split at spaces (`"…"` keeps spaces); its
/// output is standard output then standard error, without COLUMNS. A block opened with
/// ```` ```console ```` is shown, not run: its output needs what a copy of Plans/ lacks (a git
/// history of committees).
enum GuideExamples {
    struct Example {
        let line: Int
        let arguments: [String]
        let expected: [String]
    }

    static func examples(in text: String) -> [Example] {
        var examples: [Example] = []
        var inBlock = false
        var runnable = false
        var shownOnly = false
        var current: (line: Int, arguments: [String], expected: [String])?
        func close() {
            if let c = current { examples.append(Example(line: c.line, arguments: c.arguments, expected: c.expected)) }
            current = nil
        }
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("```") {
                if inBlock {
                    close()
                    inBlock = false
                } else {
                    inBlock = true
                    runnable = false
                    shownOnly = line.hasPrefix("```console")
                }
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("$ maquette"), !shownOnly {
                runnable = true
                close()
                current = (number + 1, words(String(line.dropFirst("$ maquette".count))), [])
            } else if runnable, current != nil {
                let trimmed = line.trimmingTrailingSpaces()
                // A line `…` in an excerpt says lines are left out: it is not looked for.
                if !trimmed.isEmpty && trimmed != "…" { current?.expected.append(trimmed) }
            }
        }
        return examples
    }

    static func words(_ command: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        for c in command {
            if c == "\"" {
                quoted.toggle()
            } else if c == " " && !quoted {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(c)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

}

extension CLITests {
    func testEveryCommandOfTheGuideShowsWhatTheGuideSays() throws {
        let guide = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("docs/guide-utilisateur.md"), encoding: .utf8)
        let examples = GuideExamples.examples(in: guide)
        XCTAssertGreaterThanOrEqual(examples.count, 8, "the guide's runnable examples")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: CLITests.packageRoot.appendingPathComponent("Plans"), to: folder.appendingPathComponent("Plans"))
        for example in examples {
            let r = try run(example.arguments, in: folder)
            let output = (r.stdout + r.stderr).components(separatedBy: "\n").map { $0.trimmingTrailingSpaces() }
            var position = 0
            for expected in example.expected {
                guard let found = output[position...].firstIndex(of: expected) else {
                    XCTFail("docs/guide-utilisateur.md:\(example.line): `maquette \(example.arguments.joined(separator: " "))` does not show\n  \(expected)\nafter line \(position) of its output:\n\(r.stdout)\(r.stderr)")
                    break
                }
                position = found + 1
            }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension CLITests {
    /// The harness reads commands and excerpts as the guide writes them.
    func testGuideExamplesAreReadFromFencedBlocks() {
        let text = "text\n```\n$ maquette verifier \"Mes plans\"\nligne 1\n\nligne 2\n$ maquette regles\n```\n```yaml\nid: x\n```\n"
        let examples = GuideExamples.examples(in: text)
        XCTAssertEqual(examples.map(\.arguments), [["verifier", "Mes plans"], ["regles"]])
        XCTAssertEqual(examples.map(\.expected), [["ligne 1", "ligne 2"], []])
    }
}
