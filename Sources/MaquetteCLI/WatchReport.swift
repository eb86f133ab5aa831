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
    ///
    /// Both lists are sorted by file: they are walked file by file, and a file whose problems are
    /// the same values as before (those of files not read again are the very same strings, so
    /// comparing them is immediate) is passed over; only the others are matched by identity.
    /// Thousands of problems are hashed no more.
    init(previous: [Diagnostic], current: [Diagnostic]) {
        func surplus(_ a: ArraySlice<Diagnostic>, over b: ArraySlice<Diagnostic>) -> [Diagnostic] {
            var remaining: [Identity: Int] = [:]
            for d in b { remaining[Identity(d), default: 0] += 1 }
            return a.filter { d in
                let key = Identity(d)
                guard let n = remaining[key], n > 0 else { return true }
                remaining[key] = n - 1
                return false
            }
        }
        /// The end of the run of diagnostics of the same file as `list[start]`.
        func groupEnd(_ list: [Diagnostic], _ start: Int) -> Int {
            let file = list[start].location?.file
            var end = start + 1
            while end < list.count, list[end].location?.file == file { end += 1 }
            return end
        }
        /// Files in the diagnostics' order: no file first, then by name.
        func precedes(_ a: String?, _ b: String?) -> Bool {
            switch (a, b) {
            case (nil, _?): return true
            case let (x?, y?): return x < y
            default: return false
            }
        }
        var appeared: [Diagnostic] = []
        var gone: [Diagnostic] = []
        var (i, j) = (0, 0)
        while i < previous.count || j < current.count {
            let before = i < previous.count ? previous[i].location?.file : nil
            let after = j < current.count ? current[j].location?.file : nil
            if j == current.count || (i < previous.count && precedes(before, after)) {
                let end = groupEnd(previous, i)
                gone += previous[i..<end]
                i = end
            } else if i == previous.count || precedes(after, before) {
                let end = groupEnd(current, j)
                appeared += current[j..<end]
                j = end
            } else {
                let (endI, endJ) = (groupEnd(previous, i), groupEnd(current, j))
                let (old, new) = (previous[i..<endI], current[j..<endJ])
                if old != new {
                    appeared += surplus(new, over: old)
                    gone += surplus(old, over: new)
                }
                (i, j) = (endI, endJ)
            }
        }
        self.appeared = appeared
        self.gone = gone
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
