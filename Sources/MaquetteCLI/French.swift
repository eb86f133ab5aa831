/// Small pieces of French typography for the terminal: plurals and grouped thousands.
enum French {
    /// `1 avertissement`, `0 erreur`, `3 erreurs`, `10 000 tirages`: French takes the singular
    /// for 0 and 1.
    static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        "\(grouped(n)) \(abs(n) > 1 ? plural : singular)"
    }

    /// `10000` as `10 000`, grouped as amounts are (``Money/formatted``).
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += " " }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
