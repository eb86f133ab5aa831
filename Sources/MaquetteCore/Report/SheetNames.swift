/// Valid, unique worksheet names: at most 31 characters, none of `[]:*?/\`, not starting or ending
/// with an apostrophe, unique without regard to case.
public struct SheetNames {
    private var used: Set<String> = []
    /// The suffix number to try first for a base: those before it were found taken, and stay so
    /// (a programme of 10 000 operations has hundreds of titles alike).
    private var nextSuffix: [String: Int] = [:]

    public init(reserved: [String] = []) {
        for name in reserved { used.insert(name.lowercased()) }
    }

    public mutating func make(_ wanted: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var base = String(wanted.map { forbidden.contains($0) ? "-" : $0 })
        while base.hasPrefix("'") { base.removeFirst() }
        while base.hasSuffix("'") { base.removeLast() }
        if base.isEmpty { base = "Feuille" }
        base = String(base.prefix(31))
        var candidate = base
        if used.contains(candidate.lowercased()) {
            var n = nextSuffix[base] ?? 2
            repeat {
                let suffix = "~\(n)"
                candidate = String(base.prefix(31 - suffix.count)) + suffix
                n += 1
            } while used.contains(candidate.lowercased())
            nextSuffix[base] = n
        }
        used.insert(candidate.lowercased())
        return candidate
    }
}
