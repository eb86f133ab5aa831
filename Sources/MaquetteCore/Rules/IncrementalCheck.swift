/// The rules' diagnostics kept from one check of a programme to the next (`verifier
/// --surveiller`): after an edit, the rules of ``RuleScope/operation`` run again only for the
/// operations that changed; those of ``RuleScope/programme`` run over the whole programme (one
/// pass over the funding lines: a few milliseconds at 10 000 operations).
///
/// The result is the one ``Rules/check(_:figures:only:skip:)`` gives on the same plans, sorted the
/// same way; `MaquettePlansTests` compare the two after a series of edits.
public struct IncrementalCheck: Sendable {
    private struct Entry: Sendable {
        let file: String
        let figures: OperationFigures
        let diagnostics: [Diagnostic]
    }

    private let perOperation: [any Rule]
    private let wholeProgramme: [any Rule]
    private var programme: Programme?
    private var catalogue: Catalogue?
    /// Each operation's figures and diagnostics, in the order of the last plans checked.
    private var entries: [Entry] = []
    private var ids: [String] = []
    /// How many operations the last check ran the per-operation rules on.
    public private(set) var lastRechecked = 0

    /// The rules to run: all, or only / except the ids given (as ``Rules/check(_:figures:only:skip:)``).
    public init(only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []) {
        let rules = Rules.all.filter { (only.isEmpty || only.contains($0.id)) && !skip.contains($0.id) }
        perOperation = rules.filter { $0.scope == .operation }
        wholeProgramme = rules.filter { $0.scope == .programme }
    }

    /// Checks `plans` and returns the rules' diagnostics, sorted, with the figures they were made from.
    ///
    /// An operation is checked again when it is new, when it comes from a file in `changedFiles`,
    /// or from another file than last time (an identifier that was in double); with another
    /// programme or catalogue, or `changedFiles` nil, every operation is.
    public mutating func check(_ plans: Plans, changedFiles: Set<String>?) -> (diagnostics: [Diagnostic], figures: [OperationFigures]) {
        let sameContext = programme == plans.programme && catalogue == plans.catalogue
        if !sameContext || changedFiles == nil { (entries, ids) = ([], []) }
        programme = plans.programme
        catalogue = plans.catalogue
        let changed = changedFiles ?? []
        // A few files at a time, usually: compared rather than hashed (hashing a path costs more
        // than comparing it, and it would be done for every operation).
        let few = changed.count <= 8 ? Array(changed) : nil
        func isChanged(_ file: String) -> Bool { few.map { $0.contains(file) } ?? changed.contains(file) }
        // The same operations in the same order (an edit that renames or adds none): each keeps
        // its place. Otherwise they are found by identifier.
        let aligned = ids.count == plans.operations.count && zip(ids, plans.operations).allSatisfy { $0 == $1.id }
        var known: [String: Int] = [:]
        if !aligned {
            known.reserveCapacity(ids.count)
            for (i, id) in ids.enumerated() { known[id] = i }
        }
        var kept: [Entry?] = plans.operations.indices.map { i in
            let op = plans.operations[i]
            guard let j = aligned ? i : known[op.id], entries[j].file == op.file, !isChanged(op.file) else { return nil }
            return entries[j]
        }
        let stale = plans.operations.indices.filter { kept[$0] == nil }
        let rules = perOperation
        let fresh = Concurrent.map(stale, minimumChunk: 16) { i -> Entry in
            let op = plans.operations[i]
            let figures = Financing.figures(of: op, in: plans)
            let context = RuleContext(plans: plans, figures: [figures])
            return Entry(file: op.file, figures: figures, diagnostics: rules.flatMap { $0.check(context) })
        }
        lastRechecked = fresh.count
        for (i, entry) in zip(stale, fresh) { kept[i] = entry }
        entries = kept.compactMap { $0 }
        ids = plans.operations.map(\.id)
        let figures = entries.map(\.figures)
        var diagnostics = entries.flatMap(\.diagnostics)
        let context = RuleContext(plans: plans, figures: figures)
        for rule in wholeProgramme { diagnostics += rule.check(context) }
        return (diagnostics.sorted(by: Diagnostic.ordered), figures)
    }
}
