/// A "what if": changes applied to the base plans as pure transformations. A scenario may build
/// on a parent scenario, whose changes are applied first.
public struct Scenario: Sendable {
    public var id: String
    public var title: String
    public var parent: String?
    public var changes: [ScenarioChange]
    public var file: String
    public var location: SourceLocation?

    public init(id: String, title: String, parent: String? = nil, changes: [ScenarioChange], file: String = "", location: SourceLocation? = nil) {
        self.id = id
        self.title = title
        self.parent = parent
        self.changes = changes
        self.file = file
        self.location = location
    }
}

/// Which funding line a change targets: a dispositif's line, or one of the owner's own lines.
public enum FundingTarget: Sendable, Equatable, CustomStringConvertible {
    case dispositif(String)
    case own(FundingNature)

    public func matches(_ line: FundingLine) -> Bool {
        switch (self, line.source) {
        case (.dispositif(let a), .dispositif(let b)): return a == b
        case (.own(let a), .own(let b)): return a == b
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .dispositif(let id): return id
        case .own(let nature): return nature.rawValue
        }
    }
}

/// Which operations a change concerns: one, or all of the programme.
public enum OperationTarget: Sendable, Equatable {
    case one(String)
    case all
}

/// One change of a scenario, with where it was written.
public struct ScenarioChange: Sendable {
    public enum Kind: Sendable {
        /// The line is refused: it stays visible but counts for nothing.
        case refuse(operation: String, line: FundingTarget)
        /// The line disappears.
        case remove(operation: String, line: FundingTarget)
        /// A new amount, rate or status for a line.
        case changeFunding(operation: String, line: FundingTarget, amount: FundingAmount?, status: FundingStatus?)
        /// A dispositif's parameters for the whole programme, and optionally all its lines scaled by
        /// `variation` (−20 % cuts every line by a fifth).
        case changeDispositif(dispositif: String, parameters: [String: ParameterValue], variation: Rate?, envelopes: [Envelope])
        /// Expense lines (all, or of a nature, or one by label) set to an amount or changed by a percentage.
        case changeCost(operation: OperationTarget, nature: CostNature?, label: String?, amount: Money?, variation: Rate?)
        /// The calendar slips by `months`: works' dates move, and spending years move by the nearest
        /// whole number of years (six months or more round away from zero).
        case shift(operation: OperationTarget, months: Int)
        case addFunding(operation: String, line: FundingLine)
        case addOperation(Operation)
    }

    public var kind: Kind
    public var location: SourceLocation?

    public init(_ kind: Kind, at location: SourceLocation?) {
        self.kind = kind
        self.location = location
    }
}

/// Applies scenarios to plans. Pure: the base plans are never changed.
public enum ScenarioEngine {
    /// The scenario and its ancestors, oldest first; an unknown parent or a cycle is reported.
    public static func chain(_ id: String, in scenarios: [Scenario]) -> Result<[Scenario], Diagnostic> {
        var chain: [Scenario] = []
        var current: String? = id
        var seen: Set<String> = []
        while let name = current {
            guard let scenario = scenarios.first(where: { $0.id == name }) else {
                let from = chain.last
                return .failure(
                    Diagnostic(
                        .erreur, rule: .scenario, "scénario inconnu `\(name)`", at: from?.location,
                        notes: ["scénarios disponibles : \(scenarios.map(\.id).sorted().joined(separator: ", "))"]))
            }
            if seen.contains(name) {
                return .failure(
                    Diagnostic(.erreur, rule: .scenario, "le scénario `\(name)` dépend de lui-même (parent en boucle)", at: scenario.location))
            }
            seen.insert(name)
            chain.insert(scenario, at: 0)
            current = scenario.parent
        }
        return .success(chain)
    }

    /// The plans with every change of the scenario chain applied, and the changes that point at nothing.
    public static func apply(_ chain: [Scenario], to base: Plans) -> (plans: Plans, diagnostics: [Diagnostic]) {
        var plans = base
        var diagnostics: [Diagnostic] = []
        for scenario in chain {
            for change in scenario.changes {
                if let problem = apply(change, to: &plans) { diagnostics.append(problem) }
            }
        }
        return (plans, diagnostics)
    }

    static func missing(_ message: String, _ change: ScenarioChange) -> Diagnostic {
        Diagnostic(.erreur, rule: .scenario, message, at: change.location, notes: ["vérifiez l'identifiant dans le fichier de scénario"])
    }

    /// Applies one change; returns a diagnostic when it points at nothing.
    static func apply(_ change: ScenarioChange, to plans: inout Plans) -> Diagnostic? {
        func operationIndex(_ id: String) -> Int? { plans.operations.firstIndex { $0.id == id } }
        func lineIndices(_ op: Int, _ target: FundingTarget) -> [Int] {
            plans.operations[op].funding.indices.filter { target.matches(plans.operations[op].funding[$0]) }
        }
        func operations(_ target: OperationTarget) -> [Int]? {
            switch target {
            case .all: return Array(plans.operations.indices)
            case .one(let id): return operationIndex(id).map { [$0] }
            }
        }
        switch change.kind {
        case .refuse(let opID, let target), .remove(let opID, let target), .changeFunding(let opID, let target, _, _):
            guard let op = operationIndex(opID) else { return missing("l'opération `\(opID)` n'existe pas", change) }
            let lines = lineIndices(op, target)
            guard !lines.isEmpty else { return missing("la ligne `\(target)` n'existe pas dans l'opération `\(opID)`", change) }
            switch change.kind {
            case .refuse:
                for i in lines { plans.operations[op].funding[i].status = .refuse }
            case .remove:
                plans.operations[op].funding.removeAll { target.matches($0) }
            case .changeFunding(_, _, let amount, let status):
                for i in lines {
                    if let amount { plans.operations[op].funding[i].amount = amount }
                    if let status { plans.operations[op].funding[i].status = status }
                }
            default: break
            }
        case .changeDispositif(let id, let parameters, let variation, let envelopes):
            guard plans.catalogue.dispositifs[id] != nil else { return missing("le dispositif `\(id)` n'existe pas", change) }
            let since = Day(year: 1900, month: 1, day: 1)!
            for (name, value) in parameters {
                plans.catalogue.dispositifs[id]!.parameters[name] = Parameter(
                    name: name, values: [DatedValue(since: since, value: value, reference: "scénario", location: change.location)])
            }
            for envelope in envelopes {
                plans.catalogue.envelopes.removeAll { $0.dispositif == id && $0.year == envelope.year }
                plans.catalogue.envelopes.append(envelope)
            }
            if let variation {
                let factor = Rate.hundredPercent + variation
                for op in plans.operations.indices {
                    for i in plans.operations[op].funding.indices where plans.operations[op].funding[i].dispositifID == id {
                        switch plans.operations[op].funding[i].amount {
                        case .fixed(let m): plans.operations[op].funding[i].amount = .fixed(m.applying(factor))
                        case .rate(let r): plans.operations[op].funding[i].amount = .rate(Rate(millionths: Int64(Int128(r.millionths) * Int128(factor.millionths) / Int128(Rate.scale))))
                        case .balance: break
                        }
                    }
                }
            }
        case .changeCost(let target, let nature, let label, let amount, let variation):
            guard let ops = operations(target) else { return missing("l'opération `\(target)` n'existe pas", change) }
            var touched = 0
            for op in ops {
                for i in plans.operations[op].costs.indices {
                    let line = plans.operations[op].costs[i]
                    if let nature, line.nature != nature { continue }
                    if let label, line.label != label { continue }
                    var newAmount = line.amountHT
                    if let amount { newAmount = amount }
                    if let variation { newAmount = newAmount.applying(Rate.hundredPercent + variation) }
                    let parts = newAmount.split(proportionally: line.years.map { $0.amountHT.cents })
                    plans.operations[op].costs[i].amountHT = newAmount
                    plans.operations[op].costs[i].years = zip(line.years, parts).map { ($0.year, $1) }
                    touched += 1
                }
            }
            if touched == 0 {
                let what = label.map { "« \($0) »" } ?? nature.map { "de nature `\($0.rawValue)`" } ?? ""
                return missing("aucune dépense \(what) dans \(target == .all ? "le programme" : "l'opération")", change)
            }
        case .shift(let target, let months):
            guard let ops = operations(target) else { return missing("l'opération `\(target)` n'existe pas", change) }
            let years = (abs(months) + 6) / 12 * (months < 0 ? -1 : 1)
            for op in ops {
                plans.operations[op].worksStart = plans.operations[op].worksStart?.adding(months: months)
                plans.operations[op].end = plans.operations[op].end?.adding(months: months)
                for i in plans.operations[op].costs.indices {
                    plans.operations[op].costs[i].years = plans.operations[op].costs[i].years.map { ($0.year + years, $0.amountHT) }
                }
            }
        case .addFunding(let opID, let line):
            guard let op = operationIndex(opID) else { return missing("l'opération `\(opID)` n'existe pas", change) }
            if line.amount == .balance, plans.operations[op].funding.contains(where: { $0.amount == .balance }) {
                return missing("l'opération `\(opID)` a déjà une ligne `solde`", change)
            }
            let balance = plans.operations[op].funding.firstIndex { $0.amount == .balance }
            plans.operations[op].funding.insert(line, at: balance ?? plans.operations[op].funding.count)
        case .addOperation(let operation):
            if operationIndex(operation.id) != nil { return missing("l'opération `\(operation.id)` existe déjà", change) }
            plans.operations.append(operation)
        }
        return nil
    }
}

extension OperationTarget: CustomStringConvertible {
    public var description: String {
        switch self {
        case .all: return "toutes"
        case .one(let id): return id
        }
    }
}
