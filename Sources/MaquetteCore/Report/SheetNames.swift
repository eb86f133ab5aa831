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
        var base = wanted
        // Characters are looked at only where a byte says one may need it: none of the forbidden
        // ones, no apostrophe at either end, 31 bytes at most (so 31 characters at most).
        let bytes = wanted.utf8
        let forbiddenBytes: Set<UInt8> = [0x5B, 0x5D, 0x3A, 0x2A, 0x3F, 0x2F, 0x5C]
        if bytes.count > 31 || bytes.isEmpty || bytes.first == 0x27 || bytes.last == 0x27 || bytes.contains(where: forbiddenBytes.contains) {
            let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
            base = String(wanted.map { forbidden.contains($0) ? "-" : $0 })
            while base.hasPrefix("'") { base.removeFirst() }
            while base.hasSuffix("'") { base.removeLast() }
            if base.isEmpty { base = "Feuille" }
            base = String(base.prefix(31))
        }
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
