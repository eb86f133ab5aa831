/// Valid, unique worksheet names: at most 31 characters, none of `[]:*?/\`, not starting or ending
/// with an apostrophe, unique without regard to case.
public struct SheetNames {
    private var used: Set<String> = []

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
        var n = 2
        while used.contains(candidate.lowercased()) {
            let suffix = "~\(n)"
            candidate = String(base.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }
}
