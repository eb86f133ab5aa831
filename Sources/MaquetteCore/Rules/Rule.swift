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

    /// Runs the rules (all, or only/except the ids given) and returns their diagnostics, sorted.
    public static func check(
        _ plans: Plans, figures: [OperationFigures]? = nil, only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []
    ) -> [Diagnostic] {
        let context = RuleContext(plans: plans, figures: figures)
        let rules = all.filter { (only.isEmpty || only.contains($0.id)) && !skip.contains($0.id) }
        // The rules are independent: for a programme of some size, they run on all cores (for a
        // handful of operations, as the Monte-Carlo and the optimiser check them, one core is quicker).
        let chunk = plans.operations.count >= 256 ? 1 : rules.count + 1
        return Diagnostic.inOrder(Concurrent.map(rules, minimumChunk: chunk) { $0.check(context) }.flatMap { $0 })
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
