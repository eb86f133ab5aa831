import MaquetteCore

/// Parsers for the scalars of plan files. They read the scalar's text exactly as written, never
/// through YAML's own number resolution, and return a French explanation when the text is not
/// acceptable.
public enum ValueParsers {
    /// Characters accepted as thousands separators: space, no-break space, narrow no-break space.
    static let groupSeparators: Set<Character> = [" ", "\u{00A0}", "\u{202F}"]

    /// An amount in euros: `450000`, `450 000`, `"450 000,00 €"`, `450000.50`, `1 250 000 EUR`.
    /// At most two decimals; a comma or a dot as decimal separator; no negative amount.
    public static func money(_ raw: String) -> Result<Money, ParseProblem> {
        if let fast = FastScalars.money(raw) { return .success(fast) }
        return generalMoney(raw)
    }

    static func generalMoney(_ raw: String) -> Result<Money, ParseProblem> {
        var text = raw.trimmingWhitespace()
        if text.hasSuffix("€") { text.removeLast() }
        else if text.uppercased().hasSuffix("EUR") { text.removeLast(3) }
        text = text.trimmingWhitespace()
        guard !text.isEmpty else { return .failure(.init("montant vide", "écrivez par exemple `450 000` ou `\"450 000,00 €\"`")) }
        if text.hasPrefix("-") {
            return .failure(.init("montant négatif « \(raw) »", "un montant de dépense ou de financement est positif"))
        }
        var integerDigits = ""
        var fractionDigits = ""
        var seenDecimal = false
        var previousWasSeparator = false
        // Digits in each group of the integer part: with separators, `1 250 000`, never `12 34`.
        var groups: [Int] = [0]
        for character in text {
            if character.isASCII, character.isNumber {
                if seenDecimal { fractionDigits.append(character) } else {
                    integerDigits.append(character)
                    groups[groups.count - 1] += 1
                }
                previousWasSeparator = false
            } else if groupSeparators.contains(character), !seenDecimal, !integerDigits.isEmpty, !previousWasSeparator {
                previousWasSeparator = true
                groups.append(0)
            } else if (character == "," || character == "."), !seenDecimal, !integerDigits.isEmpty, !previousWasSeparator {
                seenDecimal = true
            } else {
                return .failure(
                    .init("montant illisible « \(raw) »", "écrivez par exemple `450 000`, `450000.50` ou `\"450 000,00 €\"`"))
            }
        }
        if groups.count > 1, !(1...3).contains(groups[0]) || groups.dropFirst().contains(where: { $0 != 3 }) {
            return .failure(
                .init(
                    "montant illisible « \(raw) » : les chiffres se groupent par trois à partir de la droite",
                    "écrivez par exemple `45 000`, `1 234` ou `1000`, sans espace au milieu d'un groupe"))
        }
        if seenDecimal && fractionDigits.count == 3 {
            return .failure(
                .init(
                    "montant ambigu « \(raw) » : la virgule ou le point sépare les centimes, pas les milliers",
                    "séparez les milliers par des espaces : `1 250 000` ou `1250000.00`"))
        }
        guard !seenDecimal || (1...2).contains(fractionDigits.count) else {
            return .failure(.init("montant « \(raw) » : au plus deux décimales (les centimes)", "arrondissez au centime"))
        }
        let trimmed = integerDigits.drop { $0 == "0" }
        guard trimmed.count <= 11, let euros = Int64(integerDigits) else {
            return .failure(tooLarge(raw))
        }
        // One or two ASCII digits (checked above): `5` is 50 cents, `05` five.
        guard let fraction = Int64(fractionDigits.isEmpty ? "0" : fractionDigits) else { return .failure(tooLarge(raw)) }
        let cents = fractionDigits.count == 1 ? fraction * 10 : fraction
        let value = Money(cents: euros * 100 + cents)
        guard value <= Money.maximumLineAmount else { return .failure(tooLarge(raw)) }
        return .success(value)
    }

    private static func tooLarge(_ raw: String) -> ParseProblem {
        .init("montant trop grand « \(raw) » : au plus \(Money.maximumLineAmount) par ligne", "vérifiez le nombre de zéros")
    }

    /// A rate written with `%`: `20 %`, `16,404 %`, `33.33%`. At most four decimals, 0 % to `maximumPercent`.
    public static func rate(_ raw: String, maximumPercent: Int64 = 100) -> Result<Rate, ParseProblem> {
        if let fast = FastScalars.rate(raw), fast <= Rate(percent: maximumPercent) { return .success(fast) }
        return generalRate(raw, maximumPercent: maximumPercent)
    }

    static func generalRate(_ raw: String, maximumPercent: Int64 = 100) -> Result<Rate, ParseProblem> {
        var text = raw.trimmingWhitespace()
        guard text.hasSuffix("%") else {
            return .failure(.init("taux sans « % » : « \(raw) »", "écrivez les taux en pourcentage, par exemple `20 %` ou `16,404 %`"))
        }
        text.removeLast()
        text = text.trimmingWhitespace()
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        } else if text.hasPrefix("+") {
            text.removeFirst()
        }
        let parts = text.split(separator: text.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            parts[0].count <= 6
        else {
            return .failure(.init("taux illisible « \(raw) »", "écrivez par exemple `20 %` ou `16,404 %`"))
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 4, !(parts.count == 2 && fraction.isEmpty) else {
            return .failure(.init("taux « \(raw) » : au plus quatre décimales", "arrondissez à 0,0001 %"))
        }
        let padded = fraction + String(repeating: "0", count: 4 - fraction.count)
        guard let whole = Int64(parts[0]), let decimals = Int64(padded) else {
            return .failure(.init("taux illisible « \(raw) »", "écrivez par exemple `20 %` ou `16,404 %`"))
        }
        let millionths = whole * 10_000 + decimals
        let rate = Rate(millionths: negative ? -millionths : millionths)
        guard rate <= Rate(percent: maximumPercent), negative == false || maximumPercent > 100 else {
            return .failure(.init("taux hors limites « \(raw) » : entre 0 % et \(maximumPercent) %", "vérifiez le taux"))
        }
        return .success(rate)
    }

    /// A date `AAAA-MM-JJ`, or a month `AAAA-MM` read as its first day.
    public static func day(_ raw: String) -> Result<Day, ParseProblem> {
        if let fast = FastScalars.day(raw) { return .success(fast) }
        return generalDay(raw)
    }

    static func generalDay(_ raw: String) -> Result<Day, ParseProblem> {
        let text = raw.trimmingWhitespace()
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let shapeOK =
            (parts.count == 2 || parts.count == 3) && parts[0].count == 4
            && parts.dropFirst().allSatisfy { $0.count == 2 } && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard shapeOK else {
            return .failure(.init("date illisible « \(raw) »", "écrivez la date `AAAA-MM-JJ` (par exemple `2024-03-15`) ou le mois `AAAA-MM`"))
        }
        guard let year = Int(parts[0]), let month = Int(parts[1]), let dayNumber = parts.count == 3 ? Int(parts[2]) : 1,
            let day = Day(year: year, month: month, day: dayNumber)
        else {
            return .failure(.init("date impossible « \(raw) »", "vérifiez le mois (01 à 12) et le jour (le mois de février 2024 a 29 jours)"))
        }
        return .success(day)
    }

    /// A year from 1900 to 2200.
    public static func year(_ raw: String) -> Result<Int, ParseProblem> {
        if let fast = FastScalars.year(raw) { return .success(fast) }
        return generalYear(raw)
    }

    static func generalYear(_ raw: String) -> Result<Int, ParseProblem> {
        let text = raw.trimmingWhitespace()
        guard text.count == 4, let y = Int(text), (1900...2200).contains(y) else {
            return .failure(.init("année illisible « \(raw) »", "écrivez l'année sur quatre chiffres, par exemple `2025`"))
        }
        return .success(y)
    }

    /// A whole number, thousands optionally grouped by spaces: `6 200`.
    public static func count(_ raw: String) -> Result<Int, ParseProblem> {
        let groups = raw.trimmingWhitespace().split(whereSeparator: { groupSeparators.contains($0) }).map(\.count)
        let digits = raw.trimmingWhitespace().filter { !groupSeparators.contains($0) }
        guard !digits.isEmpty, groups.count == 1 || ((1...3).contains(groups[0]) && groups.dropFirst().allSatisfy { $0 == 3 }), digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits)
        else {
            return .failure(.init("nombre entier illisible « \(raw) »", "écrivez par exemple `6 200`"))
        }
        return .success(value)
    }

    /// `oui`/`non` (also `true`/`false`).
    public static func bool(_ raw: String) -> Result<Bool, ParseProblem> {
        switch raw.trimmingWhitespace().lowercased() {
        case "oui", "true", "vrai", "yes": return .success(true)
        case "non", "false", "faux", "no": return .success(false)
        default: return .failure(.init("valeur « \(raw) » : attendu `oui` ou `non`", "écrivez `oui` ou `non`"))
        }
    }

    /// An identifier: lower-case letters, digits, `-`, and `.` between parts (`etat.detr`).
    public static func isSlug(_ text: String) -> Bool {
        // Lowercase ASCII letters and digits, words joined by one `-` or `.`: a check of bytes.
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 80 else { return false }
        func isWordByte(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }
        guard isWordByte(first) else { return false }
        var previousWasSeparator = false
        for b in bytes {
            if isWordByte(b) {
                previousWasSeparator = false
            } else if b == 0x2D || b == 0x2E {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    static let accentFolding: [Character: Character] = [
        "é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "â": "a", "î": "i", "ï": "i", "ô": "o", "ù": "u", "û": "u",
        "ç": "c", "œ": "o", "É": "e",
    ]

    /// Folds accents and case so that `sollicité` and `Sollicite` read as `sollicite`.
    public static func folded(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.trimmingWhitespace().lowercased() {
            switch c {
            case "_", " ": out.append("-")
            default: out.append(accentFolding[c] ?? c)
            }
        }
        return out
    }
}

/// Why a scalar could not be read, and what to write instead.
public struct ParseProblem: Error, Equatable {
    public let message: String
    public let remedy: String
    public init(_ message: String, _ remedy: String) {
        self.message = message
        self.remedy = remedy
    }
}

extension String {
    func trimmingWhitespace() -> String {
        // Most values start and end with a visible ASCII character: nothing to trim.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[rest.startIndex..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty, count >= target.count else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: target.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}

/// The usual shapes of plan values, read straight from their ASCII bytes: `450 000`, `450000.50`,
/// `20 %`, `16,404 %`, `2025-03`, `2025-03-15`, `2025`. Anything else (accents, `€`, no-break
/// spaces, signs, mistakes) returns `nil` and takes the general parser, which gives the messages:
/// the two agree on every value the fast path accepts (tested).
enum FastScalars {
    /// Calls `body` with the ASCII bytes of `text`, or returns nil if it has any other byte.
    @inline(__always)
    private static func ascii<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return body(bytes)
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func money(_ text: String) -> Money? { ascii(text, money(bytes:)) }

    /// An amount of digits, spaces between groups of three and at most two decimals, read from
    /// its bytes (nil for anything else: the general parser decides and explains).
    static func money(bytes b: UnsafeBufferPointer<UInt8>) -> Money? {
        var i = 0
        var euros: Int64 = 0
        var digits = 0
        var group = 0
        var groups = 0
        var firstGroup = 0
        while i < b.count {
            let c = b[i]
            if isDigit(c) {
                euros = euros * 10 + Int64(c - 0x30)
                digits += 1
                group += 1
                if digits > 11 { return nil }
            } else if c == 0x20, group > 0, i + 1 < b.count, isDigit(b[i + 1]) {
                if groups == 0 { firstGroup = group } else if group != 3 { return nil }
                groups += 1
                group = 0
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if groups > 0 { guard (1...3).contains(firstGroup), group == 3 else { return nil } }
        var cents: Int64 = 0
        if i < b.count {
            guard b[i] == 0x2C || b[i] == 0x2E, b.count - i - 1 == 2 || b.count - i - 1 == 1 else { return nil }
            for j in (i + 1)..<b.count {
                guard isDigit(b[j]) else { return nil }
                cents = cents * 10 + Int64(b[j] - 0x30)
            }
            if b.count - i - 1 == 1 { cents *= 10 }
        }
        let value = Money(cents: euros * 100 + cents)
        return value <= Money.maximumLineAmount ? value : nil
    }

    static func rate(_ text: String) -> Rate? { ascii(text, rate(bytes:)) }

    /// A rate of digits, at most four decimals and `%`, read from its bytes.
    static func rate(bytes b: UnsafeBufferPointer<UInt8>) -> Rate? {
        guard !b.isEmpty else { return nil }
        var end = b.count
        guard b[end - 1] == 0x25 else { return nil }  // %
        end -= 1
        while end > 0, b[end - 1] == 0x20 { end -= 1 }
        var i = 0
        var whole: Int64 = 0
        var wholeDigits = 0
        while i < end, isDigit(b[i]) {
            // Counted before multiplying: 20 digits would overflow; the general parser says why.
            wholeDigits += 1
            if wholeDigits > 6 { return nil }
            whole = whole * 10 + Int64(b[i] - 0x30)
            i += 1
        }
        guard (1...6).contains(wholeDigits) else { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if i < end {
            guard b[i] == 0x2C || b[i] == 0x2E else { return nil }
            i += 1
            while i < end, isDigit(b[i]) {
                fractionDigits += 1
                if fractionDigits > 4 { return nil }
                fraction = fraction * 10 + Int64(b[i] - 0x30)
                i += 1
            }
            guard (1...4).contains(fractionDigits), i == end else { return nil }
        }
        for _ in fractionDigits..<4 { fraction *= 10 }
        return Rate(millionths: whole * 10_000 + fraction)
    }

    static func day(_ text: String) -> Day? { ascii(text, day(bytes:)) }

    /// `AAAA-MM-JJ` or `AAAA-MM`, read from its bytes.
    static func day(bytes b: UnsafeBufferPointer<UInt8>) -> Day? {
        guard b.count == 7 || b.count == 10, b[4] == 0x2D, b.count == 7 || b[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for j in range {
                guard isDigit(b[j]) else { return nil }
                n = n * 10 + Int(b[j] - 0x30)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7) else { return nil }
        let dayNumber = b.count == 10 ? number(8..<10) : 1
        guard let dayNumber else { return nil }
        return Day(year: year, month: month, day: dayNumber)
    }

    static func year(_ text: String) -> Int? { ascii(text, year(bytes:)) }

    /// Four digits from 1900 to 2200, read from their bytes.
    static func year(bytes b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count == 4, b.allSatisfy(isDigit) else { return nil }
        let y = b.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (1900...2200).contains(y) ? y : nil
    }
}
