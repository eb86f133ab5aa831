/// A financing rule: one check with a stable id, its legal reference and French messages.
///
/// Rules are plain values in a list (``Rules/all``); each returns diagnostics and never prints.
public protocol Rule: Sendable {
    /// Stable kebab-case id used in output, docs, fixtures and `--seulement/--sauf`.
    var id: DiagnosticID { get }
    /// One line in French saying what the rule checks.
    var title: String { get }
    /// The legal text or practice it encodes.
    var reference: String { get }
    /// What the rule looks at: one operation at a time, or several together. No default: a new
    /// rule says which, so that `verifier --surveiller` re-runs it rightly after an edit.
    var scope: RuleScope { get }
    func check(_ context: RuleContext) -> [Diagnostic]
    /// For a rule of ``RuleScope/programme``: all it reads of one operation, besides its
    /// identifier and place in the programme. When an edit leaves this the same for every edited
    /// operation, the rule says what it said (``IncrementalCheck`` does not run it again); nil:
    /// run it again after every edit.
    func footprint(of figures: OperationFigures, in context: RuleContext) -> [AnyHashable]?
    /// Whether the rule has something to say about this operation (for the verdict table).
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool
}

/// What a rule's diagnostics depend on, which decides what an edit makes it re-run.
public enum RuleScope: Sendable {
    /// Each operation's diagnostics depend on that operation alone (with the programme, the
    /// catalogue and the legal parameters): checked on any subset of the figures, it says about
    /// those operations exactly what it says on the whole programme.
    case operation
    /// The rule compares or adds up several operations (a funder's yearly envelope): it is re-run
    /// over the whole programme.
    case programme
}

extension Rule {
    public func applies(to figures: OperationFigures, in context: RuleContext) -> Bool { true }
    public func footprint(of figures: OperationFigures, in context: RuleContext) -> [AnyHashable]? { nil }
}

/// What rules look at: the plans and their worked-out figures.
public struct RuleContext: Sendable {
    public let plans: Plans
    public let figures: [OperationFigures]

    public init(plans: Plans, figures: [OperationFigures]? = nil) {
        self.plans = plans
        self.figures = figures ?? Financing.figures(of: plans)
    }

    /// A programme parameter in force on `day`.
    public func parameter(_ name: String, at day: Day) -> DatedValue? {
        plans.catalogue.parameters[name]?.value(at: day)
    }

    public func rate(_ name: String, at day: Day) -> (Rate, String)? {
        guard let v = parameter(name, at: day), case .rate(let r) = v.value else { return nil }
        return (r, v.reference)
    }

    public func amount(_ name: String, at day: Day) -> (Money, String)? {
        guard let v = parameter(name, at: day), case .amount(let m) = v.value else { return nil }
        return (m, v.reference)
    }

    public func count(_ name: String, at day: Day) -> (Int, String)? {
        guard let v = parameter(name, at: day), case .count(let c) = v.value else { return nil }
        return (c, v.reference)
    }
}

extension Rule {
    func error(
        _ message: String, at location: SourceLocation?, operation: String?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.erreur, rule: id, message, at: location, operation: operation, notes: notes)
    }

    func warning(
        _ message: String, at location: SourceLocation?, operation: String?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.avertissement, rule: id, message, at: location, operation: operation, notes: notes)
    }
}

/// The rules, in the order they are documented.
public enum Rules {
    public static let all: [any Rule] = [
        BalanceRule(),
        OwnersShareRule(),
        DispositifRateRule(),
        DispositifAmountRule(),
        EligibleNaturesRule(),
        StateDotationsCapRule(),
        PublicAidCapRule(),
        EarlyStartRule(),
        DotationDeadlinesRule(),
        DETRCommissionRule(),
        FondsDeConcoursRule(),
        HeritageRule(),
        FIPRule(),
        PVDProjectManagerRule(),
        ANAHProjectManagerRule(),
        FondsVertFrichesRule(),
        FondsVertFrichesConditionsRule(),
        LEADERRule(),
        RegionDepartementRule(),
        EnvelopeRule(),
        StatusRule(),
        PaymentsRule(),
        LandBuyBackRule(),
    ]

    public static func rule(_ id: DiagnosticID) -> (any Rule)? { all.first { $0.id == id } }

    /// The rules to run, all or only / except the ids given, by scope.
    static func selected(only: Set<DiagnosticID>, skip: Set<DiagnosticID>) -> (operation: [any Rule], programme: [any Rule]) {
        let rules = all.filter { (only.isEmpty || only.contains($0.id)) && !skip.contains($0.id) }
        return (rules.filter { $0.scope == .operation }, rules.filter { $0.scope == .programme })
    }

    /// Runs the rules (all, or only/except the ids given) and returns their diagnostics, sorted.
    ///
    /// The rules of one operation run a block of operations at a time, every rule on the block
    /// while its figures are in the processor's cache (a rule walking the whole programme in turn
    /// would fetch them from memory twenty times); each rule of the programme walks it whole. Each
    /// rule says on a block what it says of those operations on the whole programme
    /// (``RuleScope/operation``), and every rule reports under its own id: once sorted, the list
    /// is the one the rules run one after the other give.
    public static func check(
        _ plans: Plans, figures: [OperationFigures]? = nil, only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []
    ) -> [Diagnostic] {
        let context = RuleContext(plans: plans, figures: figures)
        let rules = selected(only: only, skip: skip)
        let figures = context.figures
        let tasks: [CheckTask] = rules.programme.map(CheckTask.programme) + blocks(of: figures.count).map(CheckTask.operations)
        let found = Concurrent.map(tasks, minimumChunk: chunk(plans, tasks.count)) { task -> [Diagnostic] in
            switch task {
            case .programme(let rule): return rule.check(context)
            case .operations(let range):
                let block = RuleContext(plans: plans, figures: Array(figures[range]))
                return Diagnostic.inOrder(rules.operation.flatMap { $0.check(block) })
            }
        }
        // The programme's rules' findings first on a tie, as when sorting them all at once.
        let programmeFound = found[..<rules.programme.count].flatMap { $0 }
        return Diagnostic.merged(Diagnostic.inOrder(programmeFound), joined(found[rules.programme.count...]))
    }

    /// The sorted findings of consecutive blocks of operations as one sorted list: blocks of
    /// operations in file order follow one another, which their ends tell; otherwise they are
    /// sorted together. The same list as `Diagnostic.inOrder` of them all, without comparing
    /// tens of thousands of neighbours on one core.
    private static func joined(_ blocks: ArraySlice<[Diagnostic]>) -> [Diagnostic] {
        let ends = blocks.compactMap { block in block.first.flatMap { first in block.last.map { (first, $0) } } }
        let all = blocks.flatMap { $0 }
        let inSequence = zip(ends, ends.dropFirst()).allSatisfy { before, after in !Diagnostic.ordered(after.0, before.1) }
        return inSequence ? all : Diagnostic.inOrder(all)
    }

    /// Every operation's figures and the rules' diagnostics, sorted, as ``Financing/figures(of:)``
    /// then ``check(_:figures:only:skip:)`` give them: each block of operations has its figures
    /// worked out, then the rules of one operation run on it while the block is in the cache; the
    /// rules of the programme run last, on every figure.
    public static func figuresAndCheck(
        _ plans: Plans, only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []
    ) -> (diagnostics: [Diagnostic], figures: [OperationFigures]) {
        let rules = selected(only: only, skip: skip)
        let operations = plans.operations
        let blocks = blocks(of: operations.count)
        // What the operations draw on the envelopes is gathered block by block too, while the
        // block's figures are in the cache; the envelope rule then adds the blocks' draws up.
        let envelopes = rules.programme.contains { $0 is EnvelopeRule } && !plans.catalogue.envelopes.isEmpty ? EnvelopeRule.Index(plans.catalogue) : nil
        let perBlock = Concurrent.map(blocks, minimumChunk: chunk(plans, blocks.count)) { range -> ([OperationFigures], [Diagnostic], EnvelopeRule.Draws?) in
            let figures = operations[range].map { Financing.figures(of: $0, in: plans) }
            let block = RuleContext(plans: plans, figures: figures)
            return (figures, Diagnostic.inOrder(rules.operation.flatMap { $0.check(block) }), envelopes.map { EnvelopeRule.draws(of: figures, $0) })
        }
        let figures = perBlock.flatMap(\.0)
        let context = RuleContext(plans: plans, figures: figures)
        let draws = envelopes.map { EnvelopeRule.joined(perBlock.compactMap(\.2), count: $0.count) }
        let across = Concurrent.map(rules.programme, minimumChunk: chunk(plans, rules.programme.count)) { rule -> [Diagnostic] in
            if let rule = rule as? EnvelopeRule, let envelopes, let draws { return rule.check(context, envelopes, draws) }
            return rule.check(context)
        }
        // The blocks' findings first on a tie, as when sorting them all at once.
        return (Diagnostic.merged(joined(perBlock.map(\.1)[...]), Diagnostic.inOrder(across.flatMap { $0 })), figures)
    }

    /// Operations checked together by the rules of one operation (their figures, a few hundred
    /// kilobytes, stay in the cache from one rule to the next).
    static let blockSize = 128

    /// `count` operations in blocks of ``blockSize``.
    private static func blocks(of count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: blockSize).map { $0..<min($0 + blockSize, count) }
    }

    /// How many of `tasks` a core takes at least: for a programme of some size, they run on all
    /// cores; for a handful of operations (as the Monte-Carlo and the optimiser check them), one
    /// core is quicker.
    private static func chunk(_ plans: Plans, _ tasks: Int) -> Int { plans.operations.count >= 256 ? 1 : tasks + 1 }

    private enum CheckTask {
        case programme(any Rule)
        case operations(Range<Int>)
    }
}

extension OperationFigures {
    public var id: String { operation.id }
    var isInvestment: Bool { operation.section == .investissement }
    func with(_ role: DispositifRole) -> [ResolvedFunding] { countedRoleBits & role.bit == 0 ? [] : counted.filter { $0.has(role) } }
    func hasParameter(_ names: [String]) -> Bool {
        counted.contains { line in names.contains { line.dispositif?.parameters[$0] != nil } }
    }
}

/// The smallest whole number of cents at least `rate × base` (what a floor requires).
func ceilingApplying(_ rate: Rate, to base: Money) -> Money {
    let product = Int128(base.cents) * Int128(rate.millionths)
    let scale = Int128(Rate.scale)
    var q = product / scale
    if product % scale > 0 { q += 1 }
    return Money(cents: Int64(clamping: q))
}
