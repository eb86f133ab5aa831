/// "Vouliez-vous dire…?": the closest known name to a misspelt one.
public enum Suggestions {
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let target = ValueParsers.folded(word)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, ValueParsers.folded(candidate))
            let limit = max(2, candidate.count / 4)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        if best == nil {
            // A suffix or prefix match: `detr` for `etat.detr`.
            best = candidates.first { $0.hasSuffix("." + target) || $0.hasPrefix(target + ".") }.map { ($0, 0) }
        }
        return best?.0
    }

    static func hint(for word: String, among candidates: [String]) -> String {
        if let s = closest(to: word, among: candidates) { return "vouliez-vous dire `\(s)` ?" }
        // Every value, never a sample: the one left out is the one the reader was looking for.
        let all = candidates.sorted().map { "`\($0)`" }.joined(separator: ", ")
        return "valeurs possibles : \(all)"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
