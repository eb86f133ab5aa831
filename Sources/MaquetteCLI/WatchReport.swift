import Foundation
import MaquetteCore

/// What a re-check of `verifier --surveiller` says: the problems that appeared since the last
/// check, those that went away, then the totals.
///
/// A problem is the same from one check to the next when it has the same file, rule, operation,
/// severity, message and notes: its line may move (a line added above it in the file) without
/// being said again. A changed figure changes the message: the old problem is said corrected and
/// the new one is shown.
struct WatchReport {
    let appeared: [Diagnostic]
    let gone: [Diagnostic]

    private struct Identity: Hashable {
        let severity: Severity
        let rule: DiagnosticID
        let file: String?
        let operation: String?
        let message: String
        let notes: [String]

        init(_ d: Diagnostic) {
            severity = d.severity
            rule = d.rule
            file = d.location?.file
            operation = d.operation
            message = d.message
            notes = d.notes
        }
    }

    /// The difference between two checks' diagnostics (each in printed order), counting a
    /// problem said twice as two.
    init(previous: [Diagnostic], current: [Diagnostic]) {
        func surplus(_ a: [Diagnostic], over b: [Diagnostic]) -> [Diagnostic] {
            var remaining: [Identity: Int] = [:]
            for d in b { remaining[Identity(d), default: 0] += 1 }
            return a.filter { d in
                let key = Identity(d)
                guard let n = remaining[key], n > 0 else { return true }
                remaining[key] = n - 1
                return false
            }
        }
        appeared = surplus(current, over: previous)
        gone = surplus(previous, over: current)
    }

    /// `2 nouveaux problèmes, 1 corrigé`, or `aucun changement`.
    var changes: String {
        if appeared.isEmpty && gone.isEmpty { return "aucun changement" }
        var parts: [String] = []
        if !appeared.isEmpty { parts.append(French.count(appeared.count, "nouveau problème", "nouveaux problèmes")) }
        if !gone.isEmpty { parts.append(French.count(gone.count, "corrigé", "corrigés")) }
        return parts.joined(separator: ", ")
    }

    /// The closing line: the changes, the totals of the check, and how long the re-check took.
    static func closing(_ report: WatchReport, totals: String, seconds: Double) -> String {
        let changes = report.changes
        return "\(changes.prefix(1).uppercased() + changes.dropFirst()) — \(totals.prefix(1).lowercased() + totals.dropFirst().dropLast(totals.hasSuffix(".") ? 1 : 0)). Revérifié en \(Self.seconds(seconds)) s"
    }

    /// `0,04`: two decimals, a decimal comma.
    static func seconds(_ s: Double) -> String {
        String(format: "%.2f", s).replacingOccurrences(of: ".", with: ",")
    }

    /// One line for a problem gone: where it was and what it said (the file has changed since:
    /// no excerpt).
    static func corrected(_ d: Diagnostic, colour: Bool) -> String {
        let label = colour ? "\u{1B}[1;32mcorrigé\u{1B}[0m" : "corrigé"
        let place = d.location.map { "\(DiagnosticPrinter.visible($0.file, singleLine: true)):\($0.line):\($0.column): " } ?? ""
        let operation = d.location == nil ? d.operation.map { "(\($0)) " } ?? "" : ""
        return "\(place)\(label): [\(d.rule)] \(DiagnosticPrinter.visible(DiagnosticPrinter.shortened(operation + d.message), singleLine: true))\n"
    }
}
