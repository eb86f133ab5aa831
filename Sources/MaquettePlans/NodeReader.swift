import MaquetteCore
import Yams

/// Walks a YAML node tree of one file, converting scalars with ``ValueParsers`` and collecting
/// every problem as a located diagnostic instead of stopping at the first.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
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
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) : une table de clés (`clé: valeur`) est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        let fields = Fields(node: node)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(key, "\(what) : une clé doit être un simple mot", rule: .type)
                continue
            }
            if fields.entries.contains(where: { $0.key == scalar.string }) {
                error(key, "clé `\(scalar.string)` en double dans \(what)", "gardez une seule fois la clé `\(scalar.string)`", rule: .cleEnDouble)
                continue
            }
            fields.entries.append((scalar.string, key, value))
        }
        return fields
    }

    func sequence(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) : une liste (`- …`) est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        return Array(sequence)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "une valeur vide" : "la valeur « \(s.string) »"
        case .mapping: return "une table de clés"
        case .sequence: return "une liste"
        case .alias: return "un alias"
        }
    }

    /// Reports keys that were never taken, with the closest known key.
    func finish(_ fields: Fields, _ what: String, known: [String]) {
        for entry in fields.entries where !fields.taken.contains(entry.key) && !known.contains(entry.key) {
            error(
                entry.keyNode, "clé inconnue `\(entry.key)` dans \(what)",
                Suggestions.hint(for: entry.key, among: known), rule: .cleInconnue)
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
        guard case .scalar(let scalar) = node else {
            error(node, "`\(key)` : une valeur simple est attendue, pas \(describe(node))", rule: .type)
            return nil
        }
        let value = scalar.string.trimmingWhitespace()
        if value.isEmpty || (scalar.style == .plain && (value == "~" || value == "null")) {
            error(node, "`\(key)` : valeur manquante", rule: .valeur)
            return nil
        }
        return value
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

    func money(_ node: Node?, _ key: String) -> Money? { parsed(node, key, ValueParsers.money) }
    func rate(_ node: Node?, _ key: String, maximumPercent: Int64 = 100) -> Rate? {
        parsed(node, key) { ValueParsers.rate($0, maximumPercent: maximumPercent) }
    }
    func day(_ node: Node?, _ key: String) -> Day? { parsed(node, key, ValueParsers.day) }
    func year(_ node: Node?, _ key: String) -> Int? { parsed(node, key, ValueParsers.year) }
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

    /// A value of a closed vocabulary, accents and case folded.
    func choice<E: RawRepresentable & CaseIterable>(_ node: Node?, _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = text(node, key) else { return nil }
        // The usual case, written exactly as the vocabulary spells it, needs no folding.
        if let value = E(rawValue: raw) { return value }
        let folded = ValueParsers.folded(raw)
        if let value = E.allCases.first(where: { ValueParsers.folded($0.rawValue) == folded }) { return value }
        error(node, "`\(key)` : valeur inconnue « \(raw) »", Suggestions.hint(for: raw, among: E.allCases.map(\.rawValue)))
        return nil
    }
}

/// The entries of one YAML mapping, with the keys taken so far.
final class Fields {
    let node: Node
    var entries: [(key: String, keyNode: Node, value: Node)] = []
    private(set) var taken: Set<String> = []

    init(node: Node) { self.node = node }

    func take(_ key: String) -> Node? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        taken.insert(key)
        return entry.value
    }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
    func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }
}
