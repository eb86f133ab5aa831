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
    private var entries: [String: Entry] = [:]
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
        if !sameContext || changedFiles == nil { entries = [:] }
        programme = plans.programme
        catalogue = plans.catalogue
        let changed = changedFiles ?? []
        let stale = plans.operations.filter { op in
            guard let entry = entries[op.id] else { return true }
            return entry.file != op.file || changed.contains(op.file)
        }
        let rules = perOperation
        let fresh = Concurrent.map(stale, minimumChunk: 16) { op -> Entry in
            let figures = Financing.figures(of: op, in: plans)
            let context = RuleContext(plans: plans, figures: [figures])
            return Entry(file: op.file, figures: figures, diagnostics: rules.flatMap { $0.check(context) })
        }
        lastRechecked = fresh.count
        var kept: [String: Entry] = [:]
        kept.reserveCapacity(plans.operations.count)
        for entry in fresh { kept[entry.figures.operation.id] = entry }
        var figures: [OperationFigures] = []
        figures.reserveCapacity(plans.operations.count)
        var diagnostics: [Diagnostic] = []
        for op in plans.operations {
            guard let entry = kept[op.id] ?? entries[op.id] else { continue }
            kept[op.id] = entry
            figures.append(entry.figures)
            diagnostics += entry.diagnostics
        }
        entries = kept
        let context = RuleContext(plans: plans, figures: figures)
        for rule in wholeProgramme { diagnostics += rule.check(context) }
        return (diagnostics.sorted(by: Diagnostic.ordered), figures)
    }
}
