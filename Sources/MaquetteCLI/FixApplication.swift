import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans

/// `corriger --appliquer`: a proposal written into the operation files themselves.
///
/// Each changed amount is replaced where the reader found it (the `montant` scalar's recorded
/// line and column); every other byte of the file — comments, layout, the other values — is
/// left as it was. A change whose scalar cannot be found as written (a line given by its rate,
/// a value split over lines) is not applied, and said. Files are written atomically through the
/// output policy's narrow exception for operation files (``OutputPolicy/Kind/operationEdit``),
/// the change is shown as a diff, then the plans are checked again.
struct FixApplication {
    let plans: Plans
    let folder: String
    let scenario: String?

    /// One scalar to replace.
    struct Edit {
        let file: String
        let line: Int
        let column: Int
        let before: Money
        let after: Money
    }

    func apply(_ proposal: FundingOptimizer.Proposal) throws {
        guard scenario == nil else {
            throw ValidationError("--appliquer modifie les fichiers des opérations : il ne se combine pas avec --scenario (écrivez la correction comme scénario avec -o)")
        }
        guard !proposal.changes.isEmpty else { return }
        var edits: [Edit] = []
        var skipped: [String] = []
        for change in proposal.changes {
            let lines = plans.operations.first { $0.id == change.operation }?.funding.filter { change.line.matches($0) } ?? []
            // `montant: 450 000`, or the owner's own line `autofinancement: 150 000`.
            let ownKeys = ["autofinancement", "emprunt", "recette", "mecenat", "fctva"]
            guard lines.count == 1, let line = lines.first, case .fixed = line.amount,
                let at = line.keyLocations["montant"] ?? ownKeys.lazy.compactMap({ line.keyLocations[$0] }).first
            else {
                skipped.append("\(change.operation) · \(change.line) : la ligne n'a pas un montant écrit (`montant: …`) unique ; reportez \(change.after) à la main")
                continue
            }
            edits.append(Edit(file: at.file, line: at.line, column: at.column, before: change.before, after: change.after))
        }
        var out = ""
        var written: [(OutputPolicy.Destination, String)] = []
        let policy = OutputPolicy(plansFolder: folder)
        for (file, fileEdits) in Dictionary(grouping: edits, by: \.file).sorted(by: { $0.key < $1.key }) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                skipped.append("« \(file) » n'a pas pu être relu")
                continue
            }
            // Split on line feeds only, as Unicode scalars: a CRLF file keeps its `\r` at each
            // line's end (in Swift "\r\n" is one Character, which `components` would not split).
            var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
            var diff = "--- \(file)\n+++ \(file)\n"
            // From the end, so that a replacement never moves the position of the next.
            for edit in fileEdits.sorted(by: { ($0.line, $0.column) > ($1.line, $1.column) }) {
                guard edit.line >= 1, edit.line <= lines.count,
                    let replaced = Self.replaceScalar(in: lines[edit.line - 1], column: edit.column, expected: edit.before, with: edit.after)
                else {
                    skipped.append("\(file):\(edit.line) : le montant \(edit.before) n'y est pas écrit tel quel ; reportez \(edit.after) à la main")
                    continue
                }
                diff += "@@ ligne \(edit.line) @@\n-\(Self.shown(lines[edit.line - 1]))\n+\(Self.shown(replaced))\n"
                lines[edit.line - 1] = replaced
            }
            let destination = try policy.destination(file, kind: .operationEdit)
            written.append((destination, lines.joined(separator: "\n")))
            out += diff
        }
        for (destination, text) in written { try AtomicFile.write(Data(text.utf8), to: destination) }
        Console.out(out.contains("@@") ? "\nCorrection appliquée aux fichiers des opérations :\n" + out : "\nAucun montant n'a pu être corrigé dans les fichiers.\n")
        if !skipped.isEmpty { Console.out("Non appliqué :\n" + skipped.map { "- \($0)\n" }.joined()) }
        Console.out("\nVérification des plans corrigés :\n")
        let check = try CheckCommand.parse([folder])
        try check.run()
    }

    /// A line as the diff shows it: without its carriage return.
    static func shown(_ line: String) -> String { line.hasSuffix("\r") ? String(line.unicodeScalars.dropLast().map(Character.init)) : line }

    /// `line` with the scalar starting at `column` (1-based, in characters) replaced by `after`,
    /// or nil when the scalar there does not read as `expected`.
    static func replaceScalar(in line: String, column: Int, expected: Money, with after: Money) -> String? {
        let characters = Array(line.unicodeScalars)
        let start = column - 1
        guard start >= 0, start < characters.count else { return nil }
        var end = start
        let first = characters[start]
        if first == "\"" || first == "'" {
            end = start + 1
            while end < characters.count && characters[end] != first { end += 1 }
            guard end < characters.count else { return nil }
            end += 1
        } else {
            // A plain amount ends at `, ` (the next key of a `{ … }` entry, written on this line or
            // not), `}` or `]`, a comment (`#` after a space or a tab), or the line's end (`\r`
            // included). An amount never holds `, `: its decimal comma has a digit after it.
            while end < characters.count {
                let c = characters[end]
                if c == "}" || c == "]" || c == "\r" { break }
                if c == ",", end + 1 >= characters.count || characters[end + 1] == " " || characters[end + 1] == "\t" { break }
                if c == "#" && end > start && (characters[end - 1] == " " || characters[end - 1] == "\t") { break }
                end += 1
            }
            while end > start && (characters[end - 1] == " " || characters[end - 1] == "\t") { end -= 1 }
        }
        var written = String(String.UnicodeScalarView(characters[start..<end]))
        if first == "\"" || first == "'" { written = String(written.dropFirst().dropLast()) }
        // Read with the plan files' own parser: the whole scalar must be the expected amount, not
        // merely start with it.
        guard case .success(let read) = ValueParsers.money(written), read == expected else { return nil }
        var replacement = after.formatted
        replacement = replacement.hasSuffix(",00 €") ? String(replacement.dropLast(5)) : String(replacement.dropLast(2))
        if first == "'" {
            replacement = "'\(replacement)'"
        } else if first == "\"" || replacement.contains(",") {
            replacement = "\"\(replacement)\""
        }
        return String(String.UnicodeScalarView(characters[..<start])) + replacement + String(String.UnicodeScalarView(characters[end...]))
    }

}
