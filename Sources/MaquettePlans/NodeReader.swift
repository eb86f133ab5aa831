import MaquetteCore

/// Walks the flat YAML nodes of one file (``YAMLDocument``), converting scalars with
/// ``ValueParsers`` and collecting every problem as a located diagnostic instead of stopping at
/// the first.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var unknownKeys = 0

    init(file: String) { self.file = file }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// Where each key of a table was written: at the key (`atKeys`), or at its value.
    func keyLocations(_ fields: Fields, atKeys: Bool) -> KeyLocations {
        var locations = KeyLocations(file: file, capacity: fields.count)
        fields.forEachEntry { key, keyRecord, valueRecord in
            let at = atKeys ? keyRecord : valueRecord
            locations.append(String(decoding: key, as: UTF8.self), line: Int(at.line), column: Int(at.column))
        }
        return locations
    }

    func error(_ node: Node?, _ message: String, _ remedy: String? = nil, rule: DiagnosticID = .valeur) {
        diagnostics.append(
            Diagnostic(.erreur, rule: rule, message, at: location(node), notes: remedy.map { [$0] } ?? []))
    }

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .erreur } }

    // MARK: Structure

    func mapping(_ node: Node?, _ what: String) -> Fields? {
        guard let node else { return nil }
        guard node.kind == .mapping else {
            error(node, "\(what) : une table de clés (`clé: valeur`) est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        let fields = makeFields(node, capacity: node.childCount / 2)
        if node.isFlow, Self.mayHaveCommaTail(node) {
            for (key, value) in joiningDecimalCommas(Array(node.pairs)) { add(key, value, to: fields, what) }
        } else {
            // Read from the records: no node handle (and reference count) per key and value.
            fields.appendEntries { key, isDuplicate in refused(key, isDuplicate: isDuplicate, what) }
        }
        return fields
    }

    /// Tables no longer held by their reader, to be used again: a file's twenty-odd tables are read
    /// one inside another at most a few deep, so a handful of them serve a whole file instead of
    /// two allocations each.
    private var spareFields: [Fields] = []

    /// An empty table for the entries of `node`: a spare one nobody holds any more, or a new one.
    private func makeFields(_ node: Node, capacity: Int) -> Fields {
        for i in spareFields.indices {
            // Held by this list alone: its reader is done with it.
            if isKnownUniquelyReferenced(&spareFields[i]) {
                spareFields[i].reset(node: node, capacity: capacity)
                return spareFields[i]
            }
        }
        let fields = Fields(node: node, capacity: capacity)
        if spareFields.count < 8 { spareFields.append(fields) }
        return fields
    }

    /// Says why a key is not taken into a table: not a scalar, or already there.
    private func refused(_ key: Node, isDuplicate: Bool, _ what: String) {
        if !isDuplicate {
            error(key, "\(what) : une clé doit être un simple mot", rule: .type)
            return
        }
        let name = key.scalarText
        error(key, "clé `\(name)` en double dans \(what)", "gardez une seule fois la clé `\(name)`", rule: .cleEnDouble)
    }

    private func add(_ key: Node, _ value: Node, to fields: Fields, _ what: String) {
        guard key.isScalar else { return refused(key, isDuplicate: false, what) }
        if fields.has(key) { return refused(key, isDuplicate: true, what) }
        fields.append(key, value)
    }

    /// In `{ 2026: 271 234,56 }` or `{ montant: 45 234,56 }` YAML sees the comma as the end of the
    /// entry, then a key `56` without value; `1,000,000` gives keys `000` twice. Such keys right
    /// after a value that ends with a digit are a decimal comma or thousands commas: they are
    /// joined back to the value (so nothing else is reported about them) and the amount is
    /// reported with what to write.
    /// What YAML leaves as a key after a comma inside a number: a group of one to three digits
    /// (`000`, `56`), or the decimals of a rate (`5 %`).
    private static func isCommaTail(_ text: String, rateAllowed: Bool) -> Bool {
        if (1...3).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        guard rateAllowed, text.hasSuffix("%") else { return false }
        let digits = text.dropLast().trimmingCharacters(in: .whitespaces)
        return (1...4).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether an entry of the flow mapping `node` could be what YAML leaves after a comma inside
    /// a number: a plain key without value (most tables have none, and are not copied).
    static func mayHaveCommaTail(_ node: Node) -> Bool {
        // From the records: no node handle per entry.
        node.document.records.withUnsafeBufferPointer { records in
            var at = node.index + 1
            for _ in 0..<node.childCount / 2 {
                let k = records[at]
                let v = records[Int(k.next)]
                if k.kind == .scalar && k.style == .plain && v.kind == .scalar && v.count == 0 && v.style == .plain { return true }
                at = Int(v.next)
            }
            return false
        }
    }

    private func joiningDecimalCommas(_ pairs: [(Node, Node)]) -> [(Node, Node)] {
        var result: [(Node, Node)] = []
        result.reserveCapacity(pairs.count)
        var joined: (index: Int, text: String, groups: [String], node: Node)?
        func flush() {
            guard let j = joined else { return }
            joined = nil
            let written = j.text + j.groups.map { "," + $0 }.joined()
            let isRate = j.groups.count == 1 && j.groups[0].hasSuffix("%")
            let decimals = isRate || (j.groups.count == 1 && j.groups[0].count <= 2)
            if isRate {
                let dotted = j.text + "." + j.groups[0]
                error(
                    j.node, "taux avec une virgule décimale dans `{ … }` : « \(written) » est lu comme deux valeurs",
                    "dans une table entre accolades, écrivez `\"\(written)\"` entre guillemets, ou `\(dotted)` avec un point")
            } else if decimals {
                error(
                    j.node, "montant avec une virgule décimale dans `{ … }` : « \(written) » est lu comme deux valeurs",
                    "dans une table entre accolades, écrivez `\"\(written)\"` entre guillemets, ou `\(j.text).\(j.groups[0])` avec un point")
            } else {
                let spaced = j.text + j.groups.map { " " + $0 }.joined()
                error(
                    j.node, "montant avec des virgules dans `{ … }` : « \(written) » est lu comme plusieurs valeurs",
                    "séparez les milliers par des espaces : `\(spaced)`")
            }
            // The amount as meant, so that nothing more is said of it.
            if j.node.isScalar {
                let meant = decimals ? written : j.text + j.groups.map { " " + $0 }.joined()
                result[j.index].1 = j.node.document.appendScalar(meant, style: .doubleQuoted, mark: j.node.mark)
            }
        }
        for (key, value) in pairs {
            if key.isScalar, key.style == .plain, Self.isCommaTail(key.scalarText, rateAllowed: joined == nil), value.isEmptyScalar,
                value.style == .plain
            {
                let k = key.scalarText
                if var j = joined {
                    j.groups.append(k)
                    joined = j
                    continue
                }
                if let (_, previousValue) = result.last, previousValue.isScalar, previousValue.style == .plain {
                    let amount = previousValue.scalarText
                    if let last = amount.last, last.isASCII, last.isNumber,
                        amount.allSatisfy({ ($0.isASCII && $0.isNumber) || ValueParsers.groupSeparators.contains($0) })
                    {
                        joined = (result.count - 1, amount, [k], previousValue)
                        continue
                    }
                }
            }
            flush()
            result.append((key, value))
        }
        flush()
        return result
    }

    /// Whether ``mapping(_:_:)`` would take every entry of `node` as it is, in file order, and
    /// say nothing: a mapping whose keys are scalars of ASCII bytes, none twice, with no entry
    /// that may be what YAML left of a comma inside a number. Such a table can be walked from
    /// its records (``Node/pairs``) without making a ``Fields``.
    static func isPlainTable(_ node: Node) -> Bool {
        guard node.kind == .mapping else { return false }
        if node.isFlow, mayHaveCommaTail(node) { return false }
        return node.document.records.withUnsafeBufferPointer { records in
            node.document.bytes.withUnsafeBufferPointer { bytes in
                var at = node.index + 1
                for i in 0..<node.childCount / 2 {
                    let k = records[at]
                    guard k.kind == .scalar else { return false }
                    let key = UnsafeBufferPointer(rebasing: bytes[Int(k.start)..<Int(k.start + k.count)])
                    if key.contains(where: { $0 >= 0x80 }) { return false }
                    // The keys before it, none with the same bytes.
                    var before = node.index + 1
                    for _ in 0..<i {
                        let p = records[before]
                        if p.count == k.count, UnsafeBufferPointer(rebasing: bytes[Int(p.start)..<Int(p.start + p.count)]).elementsEqual(key) { return false }
                        before = Int(records[Int(p.next)].next)
                    }
                    at = Int(records[Int(k.next)].next)
                }
                return true
            }
        }
    }

    func sequence(_ node: Node?, _ what: String) -> Node.Items? {
        guard let node else { return nil }
        guard node.kind == .sequence else {
            error(node, "\(what) : une liste (`- …`) est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        return node.items
    }

    func describe(_ node: Node) -> String {
        switch node.kind {
        case .scalar: return node.isEmptyScalar ? "une valeur vide" : "la valeur « \(node.scalarText) »"
        case .mapping: return "une table de clés"
        case .sequence: return "une liste"
        }
    }

    /// Reports keys that were never taken, with the closest known key.
    func finish(_ fields: Fields, _ what: String, known: [String]) {
        // Most tables have every key taken.
        guard fields.remaining > 0 else { return }
        for i in 0..<fields.count where !fields.isTaken(i) {
            let keyNode = fields.keyNode(at: i)
            guard !known.contains(where: { keyNode.isScalar($0) }) else { continue }
            // Past a hundred unknown keys in a file, a suggestion each helps nobody and costs.
            unknownKeys += 1
            let key = keyNode.scalarText
            error(
                keyNode, "clé inconnue `\(key)` dans \(what)",
                unknownKeys <= 100 ? Suggestions.hint(for: key, among: known) : nil, rule: .cleInconnue)
        }
    }

    func require(_ fields: Fields, _ key: String, _ what: String, example: String) -> Node? {
        if let node = fields.take(key) { return node }
        error(fields.node, "clé obligatoire `\(key)` manquante dans \(what)", "ajoutez par exemple `\(key): \(example)`", rule: .cleManquante)
        return nil
    }

    // MARK: Scalars

    /// The scalar's text; `nil` (with an error) for a list, a table or an empty value.
    func text(_ node: Node?, _ key: String) -> String? {
        guard let node else { return nil }
        guard node.isScalar else {
            error(node, "`\(key)` : une valeur simple est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        // Most values need no trimming and hold nothing forbidden: their bytes say so, and the
        // text is made once.
        if let clean = node.withScalarBytes({ Self.isCleanText($0, plain: node.style == .plain) ? String(decoding: $0, as: UTF8.self) : nil }) {
            return clean
        }
        let value = node.scalarText.trimmingWhitespace()
        if value.isEmpty || (node.style == .plain && (value == "~" || value == "null")) {
            error(node, "`\(key)` : valeur manquante", rule: .valeur)
            return nil
        }
        guard checkedText(node, key, value) else { return nil }
        return value
    }

    /// The longest text a workbook cell holds (Excel's limit, which libxlsxwriter enforces).
    static let maximumTextLength = 32_767

    /// Refuses what no workbook, terminal or committee reader should receive: control characters
    /// (XML 1.0 forbids most of them in a sheet; ESC and C1 codes drive terminals), the
    /// non-characters U+FFFE and U+FFFF, and texts longer than a cell.
    func checkedText(_ node: Node, _ key: String, _ value: String) -> Bool {
        // Most texts are short and clean: a pass over their bytes says so.
        if value.utf8.count <= Self.maximumTextLength, !Self.mayHoldForbidden(value) { return true }
        if let bad = value.unicodeScalars.first(where: Self.isForbidden) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            error(
                node, "`\(key)` : caractère invisible ou interdit (\(code)) dans le texte",
                "retirez-le : il vient souvent d'un copier-coller ; seuls les retours à la ligne et les tabulations sont admis, et aucun caractère invisible")
            return false
        }
        let length = value.count
        if length > Self.maximumTextLength {
            error(
                node, "`\(key)` : texte trop long (\(length) caractères) ; une cellule de classeur en contient au plus 32 767",
                "raccourcissez-le, ou mettez le détail dans un document joint")
            return false
        }
        return true
    }

    /// Whether a scalar's bytes are a text ``text(_:_:)`` accepts as it is: nothing to trim (a
    /// visible ASCII character at both ends), not an empty value (`~`, `null` unquoted), nothing
    /// forbidden, not longer than a cell.
    static func isCleanText(_ b: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        // The first character is no space when it is visible ASCII, or a letter beyond ASCII
        // whose first byte is none of those a space can start with (U+0085 and U+00A0 start with
        // C2; U+1680 with E1; U+2000–U+205F with E2; U+3000 with E3): `Études` needs no trimming.
        guard let first = b.first, let last = b.last, (0x21...0x7E).contains(first) || (0xC3...0xF4).contains(first) && !(0xE1...0xE3).contains(first),
            (0x21...0x7E).contains(last)
        else { return false }
        if plain, (b.count == 1 && first == UInt8(ascii: "~")) || (b.count == 4 && first == UInt8(ascii: "n") && b[1] == UInt8(ascii: "u") && b[2] == UInt8(ascii: "l") && last == UInt8(ascii: "l")) {
            return false
        }
        return b.count <= maximumTextLength && !mayHoldForbidden(b)
    }

    /// Whether the UTF-8 bytes hold a C0 or C1 control (other than tab and line ends), DEL,
    /// U+FFFE or U+FFFF.
    static func mayHoldForbidden(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { mayHoldForbidden($0) }
    }

    static func mayHoldForbidden(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = TextSafety.printableASCIIPrefix(b)
        while i < b.count {
            let c = b[i]
            if c < 0x20, c != 0x09, c != 0x0A { return true }
            if c == 0x7F { return true }
            if c == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) { return true }
            // U+2000–U+206F (general punctuation, where the invisible and bidi controls are)
            // and U+FEFF, U+FFFE, U+FFFF: checked one by one below.
            if c == 0xE2, i + 1 < b.count, b[i + 1] == 0x80 || b[i + 1] == 0x81 { return true }
            if c == 0xEF, i + 2 < b.count, (b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)) || (b[i + 1] == 0xBB && b[i + 2] == 0xBF) { return true }
            i += 1
        }
        return false
    }

    /// Control characters (a carriage return too: only line feeds end a line of a text), and the
    /// invisible characters that reorder or hide text on a screen or in a calendar (bidirectional
    /// embeddings and isolates, zero-width space, byte-order mark, line and paragraph separators).
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && scalar != "\n" && (TextSafety.isControl(scalar) || TextSafety.isInvisible(scalar))
    }

    /// Takes `commentaire`: free text, but a text (a list or table there is a mistake).
    func comment(_ fields: Fields) {
        // Each table's comment is taken here only, once.
        guard let node = fields.takeIfLeft("commentaire") else { return }
        guard node.isScalar else {
            error(
                node, "`commentaire` : un texte est attendu, pas \(describe(node))",
                "écrivez le commentaire sur une ligne, ou en bloc après `commentaire: |`", rule: .type)
            return
        }
        _ = checkedText(node, "commentaire", node.scalarText)
    }

    func parsed<T>(_ node: Node?, _ key: String, _ parser: (String) -> Result<T, ParseProblem>) -> T? {
        guard let raw = text(node, key) else { return nil }
        switch parser(raw) {
        case .success(let value): return value
        case .failure(let problem):
            error(node, "`\(key)` : \(problem.message)", problem.remedy)
            return nil
        }
    }

    // Most values are written plainly (`450 000`, `20 %`, `2026-03-15`): read straight from the
    // scalar's bytes, no text made. What the byte readers do not take goes the general way,
    // which reads it as they would or explains why not.

    /// `node`'s value read from its bytes by `fast`, if it is a scalar `fast` takes.
    private func fromBytes<T>(_ node: Node?, _ fast: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        guard let node, node.isScalar else { return nil }
        return node.withScalarBytes(fast)
    }

    func money(_ node: Node?, _ key: String) -> Money? { fromBytes(node, FastScalars.money(bytes:)) ?? parsed(node, key, ValueParsers.money) }
    func rate(_ node: Node?, _ key: String, maximumPercent: Int64 = 100) -> Rate? {
        if let fast = fromBytes(node, FastScalars.rate(bytes:)), fast <= Rate(percent: maximumPercent) { return fast }
        return parsed(node, key) { ValueParsers.rate($0, maximumPercent: maximumPercent) }
    }
    func day(_ node: Node?, _ key: String) -> Day? {
        guard let day = fromBytes(node, FastScalars.day(bytes:)) ?? parsed(node, key, ValueParsers.day) else { return nil }
        return accepted(day.year, node, key, written: "la date \(day)") ? day : nil
    }

    func year(_ node: Node?, _ key: String) -> Int? {
        guard let year = fromBytes(node, FastScalars.year(bytes:)) ?? parsed(node, key, ValueParsers.year) else { return nil }
        return accepted(year, node, key, written: "l'année \(year)") ? year : nil
    }

    /// The programme whose period bounds the dates of this file (operations, scenarios).
    var programme: Programme? { didSet { acceptedYears = programme?.acceptedYears } }
    /// Its accepted years, worked out once rather than for every date of the file.
    private var acceptedYears: ClosedRange<Int>?

    /// Dates far from the programme are typing mistakes (`2062` for `2026`), and would stretch the
    /// treasury over centuries: they are refused, with the years accepted.
    private func accepted(_ year: Int, _ node: Node?, _ key: String, written: @autoclosure () -> String) -> Bool {
        guard let acceptedYears, !acceptedYears.contains(year), let programme else { return true }
        error(
            node, "`\(key)` : \(written()) est hors des années admises, \(programme.acceptedYearsText)",
            "vérifiez l'année ; la période se règle dans programme.yaml (`periode`)")
        return false
    }
    func count(_ node: Node?, _ key: String) -> Int? { parsed(node, key, ValueParsers.count) }
    func bool(_ node: Node?, _ key: String) -> Bool? { parsed(node, key, ValueParsers.bool) }

    func slug(_ node: Node?, _ key: String) -> String? {
        guard let raw = text(node, key) else { return nil }
        guard ValueParsers.isSlug(raw) else {
            error(
                node, "`\(key)` : identifiant invalide « \(raw) »",
                "un identifiant s'écrit en minuscules sans accents ni espaces, avec des tirets : `friche-gersycoop`")
            return nil
        }
        return raw
    }

    /// An identifier that must not be one of `reserved` (words the commands or scenarios give a
    /// meaning of their own: `base`, `toutes`).
    func slug(_ node: Node?, _ key: String, reserved: [String: String]) -> String? {
        guard let id = slug(node, key) else { return nil }
        if let meaning = reserved[id] {
            error(node, "`\(key)` : « \(id) » est réservé (\(meaning))", "choisissez un autre identifiant")
            return nil
        }
        return id
    }

    /// A value of a closed vocabulary, accents and case folded. A value written exactly as the
    /// vocabulary spells it (most) is found from the scalar's bytes, without a text.
    func choice<E: SpelledVocabulary>(_ node: Node?, _ key: String, _ type: E.Type) -> E? {
        if let node, node.isScalar, let value = node.withScalarBytes({ E.spellings.value(spelled: $0) }) { return value }
        return generalChoice(node, key, type)
    }

    /// A value of a closed vocabulary, accents and case folded.
    func choice<E: RawRepresentable & CaseIterable>(_ node: Node?, _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        generalChoice(node, key, type)
    }

    private func generalChoice<E: RawRepresentable & CaseIterable>(_ node: Node?, _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = text(node, key) else { return nil }
        // The usual case, written exactly as the vocabulary spells it, needs no folding.
        if let value = E(rawValue: raw) { return value }
        let folded = ValueParsers.folded(raw)
        if let value = E.allCases.first(where: { ValueParsers.folded($0.rawValue) == folded }) { return value }
        error(node, "`\(key)` : valeur inconnue « \(raw) »", Suggestions.hint(for: raw, among: E.allCases.map(\.rawValue)))
        return nil
    }
}

/// A closed vocabulary of the plan format whose values can be matched against a scalar's bytes.
protocol SpelledVocabulary: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    static var spellings: Spellings<Self> { get }
}

/// The UTF-8 bytes of each value of a vocabulary, made once.
struct Spellings<E: RawRepresentable & CaseIterable & Sendable>: Sendable where E.RawValue == String {
    private let entries: [(bytes: [UInt8], value: E)]

    init() { entries = E.allCases.map { (Array($0.rawValue.utf8), $0) } }

    /// The value whose raw value has exactly these bytes (what `E(rawValue:)` gives of their text).
    func value(spelled b: UnsafeBufferPointer<UInt8>) -> E? {
        for entry in entries where entry.bytes.count == b.count {
            let same = entry.bytes.withUnsafeBufferPointer { e in
                var i = 0
                while i < e.count, e[i] == b[i] { i += 1 }
                return i == e.count
            }
            if same { return entry.value }
        }
        return nil
    }
}

extension Basis: SpelledVocabulary { static let spellings = Spellings<Basis>() }
extension FCTVARegime: SpelledVocabulary { static let spellings = Spellings<FCTVARegime>() }
extension Section: SpelledVocabulary { static let spellings = Spellings<Section>() }
extension CostNature: SpelledVocabulary { static let spellings = Spellings<CostNature>() }
extension FundingNature: SpelledVocabulary { static let spellings = Spellings<FundingNature>() }
extension FundingStatus: SpelledVocabulary { static let spellings = Spellings<FundingStatus>() }
extension AidRegime: SpelledVocabulary { static let spellings = Spellings<AidRegime>() }
extension FunderCategory: SpelledVocabulary { static let spellings = Spellings<FunderCategory>() }
extension DispositifRole: SpelledVocabulary { static let spellings = Spellings<DispositifRole>() }
extension AssetUse: SpelledVocabulary { static let spellings = Spellings<AssetUse>() }
extension HeritageWork: SpelledVocabulary { static let spellings = Spellings<HeritageWork>() }
extension HeritageProtection: SpelledVocabulary { static let spellings = Spellings<HeritageProtection>() }
extension OwnerShareDerogation: SpelledVocabulary { static let spellings = Spellings<OwnerShareDerogation>() }

/// The entries of one YAML mapping, with the keys taken so far. Keys are compared as bytes of
/// the file (every key of the format is ASCII): a String is made of a key only when a reader
/// needs its text (an unknown key, a year, a parameter's name).
final class Fields {
    private(set) var node: Node
    private var document: YAMLDocument
    /// One entry: its key's and value's node indexes, the key's bytes in the document, whether
    /// they are all ASCII, and whether the reader took the entry.
    struct Slot {
        let key: Int32
        let value: Int32
        let start: Int32
        let count: Int32
        let isASCII: Bool
        var taken = false
    }
    /// The entries, `count` of them in room for `capacity`: one buffer, kept from table to table
    /// when the table is used again (``reset(node:capacity:)``).
    private var slots: UnsafeMutablePointer<Slot>
    private var capacity: Int
    /// The number of entries.
    private(set) var count = 0

    struct Entry {
        let keyNode: Node
        let value: Node
        /// The key's text.
        var key: String { keyNode.scalarText }
    }
    /// The entries in file order (read by index: taking an entry while walking them copies nothing).
    var entries: LazyMapCollection<Range<Int>, Entry> {
        (0..<count).lazy.map { Entry(keyNode: self.keyNode(at: $0), value: self.value(at: $0)) }
    }
    /// Calls `body` with each entry's key bytes and the key's and value's records, in file order.
    func forEachEntry(_ body: (UnsafeBufferPointer<UInt8>, NodeRecord, NodeRecord) -> Void) {
        document.records.withUnsafeBufferPointer { records in
            document.bytes.withUnsafeBufferPointer { bytes in
                do {
                    for s in UnsafeBufferPointer(start: slots, count: count) {
                        body(UnsafeBufferPointer(rebasing: bytes[Int(s.start)..<Int(s.start + s.count)]), records[Int(s.key)], records[Int(s.value)])
                    }
                }
            }
        }
    }
    /// The key of the entry at `i`.
    func keyNode(at i: Int) -> Node { Node(document: document, index: Int(slots[i].key)) }
    /// The value of the entry at `i`.
    func value(at i: Int) -> Node { Node(document: document, index: Int(slots[i].value)) }
    /// Positions by key, for large mappings only: a plan's tables have a handful of keys, for
    /// which a scan of their bytes is quicker than hashing; a file of thousands of keys stays linear.
    private var index: [String: Int]?
    /// Whether the entry at `i` was taken by the reader.
    func isTaken(_ i: Int) -> Bool { slots[i].taken }
    /// Whether every key is ASCII: keys are then compared as bytes.
    private var allASCII = true
    /// Entries not taken yet: once none is left, rarely written keys need not be looked for.
    private(set) var remaining = 0
    static let indexedFrom = 16

    init(node: Node, capacity: Int = 0) {
        self.node = node
        self.document = node.document
        self.capacity = max(capacity, 4)
        slots = .allocate(capacity: self.capacity)
    }

    deinit { slots.deallocate() }

    /// Empties the table for the entries of `node`, keeping the room it has.
    func reset(node: Node, capacity: Int) {
        self.node = node
        document = node.document
        count = 0
        if capacity > self.capacity {
            slots.deallocate()
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
        }
        index = nil
        allASCII = true
        remaining = 0
    }

    func append(_ keyNode: Node, _ value: Node) {
        let k = document.records[keyNode.index]
        document.bytes.withUnsafeBufferPointer {
            let keyBytes = UnsafeBufferPointer(rebasing: $0[Int(k.start)..<Int(k.start + k.count)])
            append(key: keyNode.index, k, value: value.index, keyBytes: keyBytes, ascii: Self.isASCII(keyBytes))
        }
    }

    /// Whether every byte is ASCII (keys are short: no early exit).
    @inline(__always)
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for c in b { any |= c }
        return any < 0x80
    }

    /// Adds the entry whose key is the scalar record `k` (bytes `keyBytes`), at `key`.
    private func append(key: Int, _ k: NodeRecord, value: Int, keyBytes: UnsafeBufferPointer<UInt8>, ascii: Bool) {
        if index == nil, count >= Self.indexedFrom {
            index = Dictionary(entries.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        }
        if index != nil { index?[String(decoding: keyBytes, as: UTF8.self)] = count }
        allASCII = allASCII && ascii
        if count == capacity { slots = doubled(slots, count: count, capacity: &capacity) }
        (slots + count).initialize(to: Slot(key: Int32(key), value: Int32(value), start: k.start, count: k.count, isASCII: ascii))
        count += 1
        remaining += 1
    }

    /// Adds the entries of the mapping ``node`` in file order, from its records (no node handle
    /// per entry); a key that is no scalar, or that is there already, is not added but told to
    /// `refused` (with whether it is a duplicate), as ``append(_:_:)`` after ``has(_:)`` would.
    func appendEntries(refused: (Node, Bool) -> Void) {
        let pairs = node.childCount / 2
        var rejected: [(key: Int, isDuplicate: Bool)] = []
        document.records.withUnsafeBufferPointer { records in
            document.bytes.withUnsafeBufferPointer { bytes in
                var at = node.index + 1
                for _ in 0..<pairs {
                    let key = at
                    let value = Int(records[key].next)
                    at = Int(records[value].next)
                    let k = records[key]
                    guard k.kind == .scalar else {
                        rejected.append((key, false))
                        continue
                    }
                    let keyBytes = UnsafeBufferPointer(rebasing: bytes[Int(k.start)..<Int(k.start + k.count)])
                    let ascii = Self.isASCII(keyBytes)
                    let found = index == nil && allASCII && ascii ? position(bytes: keyBytes, in: bytes) : position(Node(document: document, index: key))
                    if found != nil {
                        rejected.append((key, true))
                        continue
                    }
                    append(key: key, k, value: value, keyBytes: keyBytes, ascii: ascii)
                }
            }
        }
        // Told after the walk, in file order.
        for r in rejected { refused(Node(document: document, index: r.key), r.isDuplicate) }
    }

    /// The first entry whose key has `key`'s bytes.
    private func position(bytes key: UnsafeBufferPointer<UInt8>) -> Int? {
        document.bytes.withUnsafeBufferPointer { position(bytes: key, in: $0) }
    }

    /// ``position(bytes:)`` with the document's bytes at hand.
    private func position(bytes key: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>) -> Int? {
        do {
            let slots = UnsafeBufferPointer(start: slots, count: count)
            var i = 0
            while i < slots.count {
                let s = slots[i]
                if Int(s.count) == key.count {
                    var j = 0
                    let start = Int(s.start)
                    while j < key.count, b[start + j] == key[j] { j += 1 }
                    if j == key.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    private func position(_ key: String) -> Int? {
        if let index { return index[key] }
        // The key's bytes where they are (a copy of the key to reach them costs a retain).
        if let found = key.utf8.withContiguousStorageIfAvailable({ position(bytes: $0) }) { return found }
        var key = key
        return key.withUTF8 { position(bytes: $0) }
    }

    /// The position of a key given as a node of the same file. Keys are compared as texts are
    /// (`é` written as one character or as `e` and an accent are the same key): bytes suffice
    /// when both keys are ASCII, as every key of the format is.
    private func position(_ keyNode: Node) -> Int? {
        if index != nil { return position(keyNode.scalarText) }
        let k = document.records[keyNode.index]
        if allASCII, Self.isASCII(document, k) {
            return document.bytes.withUnsafeBufferPointer { position(bytes: UnsafeBufferPointer(rebasing: $0[Int(k.start)..<Int(k.start + k.count)])) }
        }
        let text = keyNode.scalarText
        return entries.firstIndex { $0.key == text }
    }

    private static func isASCII(_ document: YAMLDocument, _ record: NodeRecord) -> Bool {
        document.bytes.withUnsafeBufferPointer { b in !b[Int(record.start)..<Int(record.start + record.count)].contains { $0 >= 0x80 } }
    }

    func take(_ key: String) -> Node? {
        guard let i = position(key) else { return nil }
        take(at: i)
        return Node(document: document, index: Int(slots[i].value))
    }

    /// ``take(_:)`` of a key this table's reader has not taken before: once every entry is taken
    /// it cannot be there, and is not looked for (most funding lines write a handful of the
    /// format's dozen optional keys).
    func takeIfLeft(_ key: String) -> Node? { remaining == 0 ? nil : take(key) }

    /// Marks the entry at `i` as taken (readers of free keys, like years, walk the entries).
    func take(at i: Int) {
        if !slots[i].taken {
            slots[i].taken = true
            remaining -= 1
        }
    }

    func has(_ key: String) -> Bool { position(key) != nil }
    func has(_ keyNode: Node) -> Bool { position(keyNode) != nil }
    func keyNode(_ key: String) -> Node? { position(key).map { Node(document: document, index: Int(slots[$0].key)) } }
}
