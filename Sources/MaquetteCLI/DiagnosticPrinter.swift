import Foundation
import MaquetteCore
import MaquettePlans

/// The one place where diagnostics become text:
/// `fichier:ligne:colonne: erreur: [règle] message`, the line with a caret, then the notes.
struct DiagnosticPrinter {
    let sources: [String: String]
    let colour: Bool

    init(sources: [String: String], colour: Bool) {
        self.sources = sources
        self.colour = colour
    }

    static func terminalSupportsColour(_ fd: Int32) -> Bool {
        isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    private func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func render(_ d: Diagnostic) -> String {
        var out = ""
        let severity = d.severity == .erreur ? paint("erreur", "1;31") : paint("avertissement", "1;33")
        let prefix = d.location.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
        let operation = d.location == nil && d.operation != nil ? "(\(d.operation!)) " : ""
        out += "\(paint(prefix, "1"))\(severity): [\(d.rule)] \(operation)\(d.message)\n"
        if let location = d.location, let text = sources[location.file], let line = Self.line(location.line, of: text) {
            let number = String(location.line)
            let gutter = String(repeating: " ", count: number.count)
            let expanded = line.contains("\t") ? String(line.map { $0 == "\t" ? " " : $0 }) : line
            out += " \(number) | \(expanded)\n"
            let caretColumn = max(1, min(location.column, expanded.count + 1))
            out += " \(gutter) | \(String(repeating: " ", count: caretColumn - 1))\(paint("^", "1;32"))\n"
        }
        for note in d.notes { out += "  = \(note)\n" }
        return out
    }

    /// Line `number` of `file`, found by its newline bytes (no splitting of the whole file: a
    /// programme's check can show thousands of lines from thousands of files).
    static func line(_ number: Int, of text: String) -> String? {
        guard number >= 1 else { return nil }
        var text = text
        return text.withUTF8 { bytes -> String? in
            var start = 0
            for _ in 1..<number {
                guard let newline = bytes[start...].firstIndex(of: 10) else { return nil }
                start = newline + 1
            }
            guard start <= bytes.count else { return nil }
            var end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    static func summary(_ diagnostics: [Diagnostic], operations: Int) -> String {
        let errors = diagnostics.filter { $0.severity == .erreur }.count
        let warnings = diagnostics.count - errors
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n > 1 ? "s" : "")" }
        if errors == 0 && warnings == 0 { return "Aucun problème dans \(plural(operations, "opération"))." }
        return "\(plural(errors, "erreur")), \(plural(warnings, "avertissement")) dans \(plural(operations, "opération"))."
    }

    /// Prints every diagnostic of plans that cannot be read on standard error, then `closing`.
    static func reportUnreadable(_ loaded: LoadResult, closing: String) {
        let printer = DiagnosticPrinter(sources: loaded.sources, colour: terminalSupportsColour(STDERR_FILENO))
        Console.err(loaded.diagnostics.map { printer.render($0) }.joined(separator: "\n") + closing)
    }
}
