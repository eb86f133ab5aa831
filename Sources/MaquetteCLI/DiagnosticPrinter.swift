import Foundation
import MaquetteCore
import MaquettePlans

/// The one place where diagnostics become text:
/// `fichier:ligne:colonne: erreur: [règle] message`, the line with a caret, then the notes.
struct DiagnosticPrinter {
    let sources: [String: String]
    let colour: Bool

    private var lineCache: [String: [Substring]] = [:]

    init(sources: [String: String], colour: Bool) {
        self.sources = sources
        self.colour = colour
    }

    static func terminalSupportsColour(_ fd: Int32) -> Bool {
        isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    private func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    mutating func render(_ d: Diagnostic) -> String {
        var out = ""
        let severity = d.severity == .erreur ? paint("erreur", "1;31") : paint("avertissement", "1;33")
        let prefix = d.location.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
        let operation = d.location == nil && d.operation != nil ? "(\(d.operation!)) " : ""
        out += "\(paint(prefix, "1"))\(severity): [\(d.rule)] \(operation)\(d.message)\n"
        if let location = d.location, let line = line(location.file, location.line) {
            let number = String(location.line)
            let gutter = String(repeating: " ", count: number.count)
            let expanded = line.replacingOccurrences(of: "\t", with: " ")
            out += " \(number) | \(expanded)\n"
            let caretColumn = max(1, min(location.column, expanded.count + 1))
            out += " \(gutter) | \(String(repeating: " ", count: caretColumn - 1))\(paint("^", "1;32"))\n"
        }
        for note in d.notes { out += "  = \(note)\n" }
        return out
    }

    private mutating func line(_ file: String, _ number: Int) -> String? {
        if lineCache[file] == nil, let text = sources[file] {
            lineCache[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let lines = lineCache[file], number >= 1, number <= lines.count else { return nil }
        var line = String(lines[number - 1])
        if line.hasSuffix("\r") { line.removeLast() }
        return line
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
        var printer = DiagnosticPrinter(sources: loaded.sources, colour: terminalSupportsColour(STDERR_FILENO))
        Console.err(loaded.diagnostics.map { printer.render($0) }.joined(separator: "\n") + closing)
    }
}
