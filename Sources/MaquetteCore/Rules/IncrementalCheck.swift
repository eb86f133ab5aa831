/// The rules' diagnostics kept from one check of a programme to the next (`verifier
/// --surveiller`): after an edit, the rules of ``RuleScope/operation`` run again only for the
/// operations that changed; those of ``RuleScope/programme`` run over the whole programme (one
/// pass over the funding lines: a few milliseconds at 10 000 operations).
///
/// The result is the one ``Rules/check(_:figures:only:skip:)`` gives on the same plans, sorted the
/// same way; `MaquettePlansTests` compare the two after a series of edits.
public struct IncrementalCheck: Sendable {
    private let operationRules: [any Rule]
    private let wholeProgramme: [any Rule]
    private var programme: Programme?
    private var catalogue: Catalogue?
    /// The last plans' operations, in order: identifier, file, figures, per-operation diagnostics.
    private var ids: [String] = []
    private var files: [String] = []
    private var figures: [OperationFigures] = []
    private var perOperation: [[Diagnostic]] = []
    /// Every per-operation diagnostic, sorted: after an edit, those of the operations checked
    /// again are taken out and their new ones put in, rather than all gathered and sorted anew.
    private var sorted: [Diagnostic] = []
    /// Whether every per-operation diagnostic names its operation (so that it can be taken out by it).
    private var attributed = true
    /// What each whole-programme rule said last, sorted.
    private var across: [[Diagnostic]] = []
    /// How many operations the last check ran the per-operation rules on.
    public private(set) var lastRechecked = 0

    /// The rules to run: all, or only / except the ids given (as ``Rules/check(_:figures:only:skip:)``).
    public init(only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []) {
        (operationRules, wholeProgramme) = Rules.selected(only: only, skip: skip)
    }

    /// Checks `plans` and returns the rules' diagnostics, sorted, with the figures they were made from.
    ///
    /// An operation is checked again when it is new, when it comes from a file in `changedFiles`,
    /// or from another file than last time (an identifier that was in double); with another
    /// programme or catalogue, or `changedFiles` nil, every operation is.
    ///
    /// `read`, sorted, are merged in (the reader's diagnostics): the result is then what
    /// `verifier` prints.
    public mutating func check(_ plans: Plans, changedFiles: Set<String>?, read: [Diagnostic] = []) -> (
        diagnostics: [Diagnostic], figures: [OperationFigures]
    ) {
        let sameContext = programme == plans.programme && catalogue == plans.catalogue
        if !sameContext || changedFiles == nil { (ids, files, figures, perOperation, sorted, across) = ([], [], [], [], [], []) }
        // The whole-programme rules to run again (all, unless an edit leaves what they read the same).
        var rerun = Array(repeating: true, count: wholeProgramme.count)
        programme = plans.programme
        catalogue = plans.catalogue
        let changed = changedFiles ?? []
        // A few files at a time, usually: compared rather than hashed (hashing a path costs more
        // than comparing it, and it would be done for every operation).
        let few = changed.count <= 8 ? Array(changed) : nil
        func isChanged(_ file: String) -> Bool { few.map { $0.contains(file) } ?? changed.contains(file) }
        let operations = plans.operations
        let rules = operationRules
        func checked(_ indices: [Int]) -> [(OperationFigures, [Diagnostic])] {
            Concurrent.map(indices, minimumChunk: 16) { i in
                let figures = Financing.figures(of: operations[i], in: plans)
                let context = RuleContext(plans: plans, figures: [figures])
                return (figures, rules.flatMap { $0.check(context) })
            }
        }
        // The same operations in the same order (no file added, removed or renamed, no identifier
        // changed): each keeps its place, and only those of the files edited are checked again.
        if ids.count == operations.count, zip(ids, operations).allSatisfy({ $0 == $1.id }) {
            let stale = operations.indices.filter { files[$0] != operations[$0].file || isChanged(operations[$0].file) }
            let fresh = checked(stale)
            lastRechecked = stale.count
            if across.count == wholeProgramme.count {
                let context = RuleContext(plans: plans, figures: [])
                for (r, rule) in wholeProgramme.enumerated() {
                    rerun[r] = !zip(stale, fresh).allSatisfy { i, entry in
                        guard let before = rule.footprint(of: figures[i], in: context), let after = rule.footprint(of: entry.0, in: context) else {
                            return false
                        }
                        return before == after
                    }
                }
            }
            // Taken out by their operation: every per-operation diagnostic names it (else all
            // are gathered again).
            let staleIDs = stale.map { ids[$0] }
            attributed = attributed && fresh.allSatisfy { entry in entry.1.allSatisfy { $0.operation == entry.0.operation.id } }
            if !stale.isEmpty, attributed {
                // The others stay in order: the new ones, sorted, are merged in (a tie, the same
                // place and words for two operations, goes by the operations' order, as in a sort
                // of every operation's diagnostics in turn).
                sorted.removeAll { d in staleIDs.contains { $0 == d.operation } }
                var added: [Diagnostic] = []
                for (i, (f, found)) in zip(stale, fresh) {
                    (files[i], figures[i], perOperation[i]) = (operations[i].file, f, found)
                    added += found
                }
                // The operations' places, indexed at the first tie only (ties are rare).
                let ids = ids
                var place: [String: Int]?
                func position(_ d: Diagnostic) -> Int {
                    if place == nil { place = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) }
                    return d.operation.flatMap { place?[$0] } ?? -1
                }
                sorted = Diagnostic.merged(sorted, Diagnostic.inOrder(added), onTie: { position($0) < position($1) })
            } else if !stale.isEmpty {
                for (i, (f, found)) in zip(stale, fresh) { (files[i], figures[i], perOperation[i]) = (operations[i].file, f, found) }
                sorted = Diagnostic.inOrder(perOperation.flatMap { $0 })
            }
        } else {
            var known: [String: Int] = [:]
            for (i, id) in ids.enumerated() { known[id] = i }
            let previous = operations.map { op in known[op.id].flatMap { files[$0] == op.file && !isChanged(op.file) ? $0 : nil } }
            let stale = operations.indices.filter { previous[$0] == nil }
            var fresh = checked(stale).makeIterator()
            lastRechecked = stale.count
            var (newFiles, newFigures, newDiagnostics): ([String], [OperationFigures], [[Diagnostic]]) = ([], [], [])
            for (i, op) in operations.enumerated() {
                if let j = previous[i] {
                    newFigures.append(figures[j])
                    newDiagnostics.append(perOperation[j])
                } else if let (f, found) = fresh.next() {
                    newFigures.append(f)
                    newDiagnostics.append(found)
                }
                newFiles.append(op.file)
            }
            (ids, files, figures, perOperation) = (operations.map(\.id), newFiles, newFigures, newDiagnostics)
            attributed = zip(operations, perOperation).allSatisfy { op, found in found.allSatisfy { $0.operation == op.id } }
            sorted = Diagnostic.inOrder(perOperation.flatMap { $0 })
        }
        let context = RuleContext(plans: plans, figures: figures)
        if across.count != wholeProgramme.count { across = Array(repeating: [], count: wholeProgramme.count) }
        for (r, rule) in wholeProgramme.enumerated() where rerun[r] { across[r] = Diagnostic.inOrder(rule.check(context)) }
        var others = read
        for found in across where !found.isEmpty { others = Diagnostic.merged(others, found) }
        return (others.isEmpty ? sorted : Diagnostic.merged(others, sorted), figures)
    }
}
