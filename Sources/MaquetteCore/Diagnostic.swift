/// Where a value came from: a file and a 1-based line and column.
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let file: String
    // 32 bits each (a plan file is at most a few mebibytes): 24 bytes in all, an optional
    // location too, for the one every line of a programme keeps.
    private let storedLine: Int32
    private let storedColumn: Int32

    public var line: Int { Int(storedLine) }
    public var column: Int { Int(storedColumn) }

    public init(file: String, line: Int, column: Int) {
        self.file = file
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

public enum Severity: String, Sendable, Comparable {
    case erreur
    case avertissement

    public static func < (a: Severity, b: Severity) -> Bool { a == .erreur && b != .erreur }
}

/// What kind of problem a diagnostic reports; decides the exit code.
public enum DiagnosticStage: String, Sendable, CaseIterable {
    /// The plans cannot be read: syntax, types, unknown keys, references (exit 2).
    case lecture
    /// A financing rule is broken (exit 1).
    case regle
    /// A computation on readable plans (treasury) found something to watch: never blocking.
    case analyse
}

/// One problem found in the plans. The core never prints: it returns these, and only the CLI
/// renders them.
///
/// A value whose fields live in one shared object until one is changed (``CopyOnWrite``): the
/// thousands a large programme gives are gathered, sorted and merged at one reference count each.
/// Its fields read and change as its own (`d.message`, `d.notes.append(…)`).
@dynamicMemberLookup
public struct Diagnostic: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
        public var severity: Severity
        /// Stable kebab-case id (`part-maitre-ouvrage`), used in output, docs and `--seulement/--sauf`.
        public var rule: DiagnosticID
        public var message: String
        public var location: SourceLocation?
        /// The operation concerned, when there is one.
        public var operation: String?
        /// Further explanation and the remedy, one line each.
        public var notes: [String]
        /// The operations a diagnostic of the programme (`operation` nil) concerns: those drawing on
        /// an exceeded envelope. A command restricted to one of them shows it.
        public var concerns: [String]
    }

    @usableFromInline var fields: CopyOnWrite<Fields>

    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield fields.value[keyPath: field] }
        _modify { yield &fields.value[keyPath: field] }
    }

    /// Decided by the id, never by the code that reports it.
    @inlinable public var stage: DiagnosticStage { fields.value.rule.stage }

    public init(
        _ severity: Severity, rule: DiagnosticID, _ message: String,
        at location: SourceLocation?, operation: String? = nil, notes: [String] = []
    ) {
        fields = CopyOnWrite(Fields(severity: severity, rule: rule, message: message, location: location, operation: operation, notes: notes, concerns: []))
    }

    public static func == (a: Diagnostic, b: Diagnostic) -> Bool { a.fields == b.fields }

    /// Sort order for output: by file, line, column, then rule id.
    public static func ordered(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, _?): return true
        case (_?, nil): return false
        default: return (a.rule.rawValue, a.message) < (b.rule.rawValue, b.message)
        }
    }

    /// Whether a command restricted to the operations `ids`, written in `files`, shows this
    /// diagnostic: one of theirs, or one of the programme's written in one of their files or
    /// concerning one of them (an exceeded envelope they draw on).
    public func isShown(restrictedTo ids: Set<String>, files: Set<String>) -> Bool {
        if let operation = self.operation { return ids.contains(operation) }
        return self.location.map { files.contains($0.file) } == true || self.concerns.contains(where: ids.contains)
    }

    /// Two sorted lists as one, as `(a + b).sorted(by: Diagnostic.ordered)` gives it (the sort is
    /// stable: on a tie, `a` first, unless `before(b, a)` says otherwise), in one pass. `before`
    /// is asked on ties only.
    public static func merged(_ a: [Diagnostic], _ b: [Diagnostic], onTie before: ((Diagnostic, Diagnostic) -> Bool)? = nil) -> [Diagnostic] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out: [Diagnostic] = []
        out.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if ordered(b[j], a[i]) || (before.map { !ordered(a[i], b[j]) && $0(b[j], a[i]) } ?? false) {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
            }
        }
        out += a[i...]
        out += b[j...]
        return out
    }

    /// `list` in the order of ``ordered``, as the stable `list.sorted(by: ordered)` gives it, with
    /// files ranked once: most comparisons are then of integers, not of paths (a programme of
    /// 50 000 operations sorts some 100 000 diagnostics).
    public static func inOrder(_ list: [Diagnostic]) -> [Diagnostic] {
        guard list.count > 1 else { return list }
        // Lists made operation by operation often come in order already: one pass says so.
        if zip(list, list.dropFirst()).allSatisfy({ !ordered($1, $0) }) { return list }
        var rank: [String: Int] = [:]
        for d in list { if let file = d.location?.file { rank[file] = 0 } }
        for (r, file) in rank.keys.sorted().enumerated() { rank[file] = r }
        // No location ranks first, as in `ordered`.
        let keys = list.map { d in d.location.map { (rank[$0.file] ?? 0, $0.line, $0.column) } ?? (-1, 0, 0) }
        let order = list.indices.sorted { i, j in
            if keys[i] != keys[j] { return keys[i] < keys[j] }
            let a = (list[i].rule.rawValue, list[i].message), b = (list[j].rule.rawValue, list[j].message)
            return a != b ? a < b : i < j
        }
        return order.map { list[$0] }
    }
}
extension Diagnostic: Error {}
