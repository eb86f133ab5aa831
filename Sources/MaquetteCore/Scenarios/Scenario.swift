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

    /// The plans with every change of the scenario chain applied, and the changes that cannot be:
    /// those that point at nothing, and those whose result would leave the bounds of a plan (an
    /// amount beyond ``Money/maximumLineAmount`` or ``Money/maximumProgrammeAmount``, a rate beyond
    /// ``Rate/maximumLineRate``, a year outside ``Programme/acceptedYears``). Each is a read error
    /// located on the change, and the change is left out.
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

    static func outOfBounds(_ message: String, _ change: ScenarioChange, note: String) -> Diagnostic {
        Diagnostic(.erreur, rule: .scenario, message, at: change.location, notes: [note])
    }

    /// Applies one change; returns a diagnostic, and leaves the plans as they were, when the change
    /// points at nothing or would take the plans out of their bounds.
    static func apply(_ change: ScenarioChange, to plans: inout Plans) -> Diagnostic? {
        applyTotal(change, to: &plans).problem
    }

    /// ``apply(_:to:)-(ScenarioChange,_)``, with the plans' ``AmountBounds/programmeTotal(_:)``
    /// after it (the change applied or not).
    static func applyTotal(_ change: ScenarioChange, to plans: inout Plans) -> (problem: Diagnostic?, total: Int128) {
        var candidate = plans
        if let problem = transform(change, &candidate) { return (problem, AmountBounds.programmeTotal(plans)) }
        // The total before the change is needed only when the one after is past the bound.
        let after = AmountBounds.programmeTotal(candidate)
        if after > Int128(Money.maximumProgrammeAmount.cents) {
            let before = AmountBounds.programmeTotal(plans)
            if after > before {
                return (pastTheProgrammeBound(change), before)
            }
        }
        plans = candidate
        return (nil, after)
    }

    /// A change that would take the programme's total past ``Money/maximumProgrammeAmount``.
    static func pastTheProgrammeBound(_ change: ScenarioChange) -> Diagnostic {
        outOfBounds(
            "ce changement porterait les montants du programme au-delà de \(Money.maximumProgrammeAmount) au total",
            change, note: "un programme compte au plus \(Money.maximumProgrammeAmount) de dépenses et de financements : vérifiez la `variation` ou le montant")
    }

    /// A chain found valid on a whole programme: the programme's total after each of its changes.
    public struct Validation: Sendable {
        let totals: [Int128]
    }

    /// A chain valid on a programme, checked again after some operations changed (`old` replaced
    /// by `new`, the same identifiers, all in the plans), without applying it to the whole
    /// programme: the changes are applied to those operations alone, before and after the edit.
    ///
    /// When no change is refused, an operation's result depends on that operation alone (each
    /// change transforms operations one by one), so the others, valid before, are valid still;
    /// the programme's total after each change moves by what the edited operations' totals move.
    /// Returns the new validation, or nil when it cannot be shown so (a change refused on an
    /// edited operation, a total near the bound): then validate on the whole programme, which
    /// says the same as a fresh load.
    public static func revalidated(
        _ chain: [Scenario], _ validation: Validation, from old: [Operation], to new: [Operation], in plans: Plans
    ) -> Validation? {
        guard old.map(\.id) == new.map(\.id), validation.totals.count == chain.reduce(0, { $0 + $1.changes.count }) else { return nil }
        let ids = Set(new.map(\.id))
        func reaches(_ change: ScenarioChange) -> Bool {
            switch change.kind {
            case .refuse(let id, _), .remove(let id, _), .changeFunding(let id, _, _, _), .addFunding(let id, _): return ids.contains(id)
            case .changeCost(let target, _, _, _, _), .shift(let target, _):
                if case .one(let id) = target { return ids.contains(id) }
                return true
            case .changeDispositif, .addOperation: return true
            }
        }
        // Far from the bound: the totals are sums of 64-bit amounts, a difference of them is exact.
        let bound = Int128(Money.maximumProgrammeAmount.cents)
        var before = Plans(programme: plans.programme, catalogue: plans.catalogue, operations: old)
        var after = Plans(programme: plans.programme, catalogue: plans.catalogue, operations: new)
        var totals = validation.totals
        // What the edit adds to the programme's total, as it stands after each change.
        let (start, end) = (AmountBounds.programmeTotal(before), AmountBounds.programmeTotal(after))
        guard start <= bound, end <= bound else { return nil }
        var delta = end - start
        var index = 0
        for scenario in chain {
            for change in scenario.changes {
                defer { index += 1 }
                guard totals[index] <= bound else { return nil }
                guard reaches(change) else {
                    totals[index] += delta
                    guard totals[index] <= bound else { return nil }
                    continue
                }
                let (p1, t1) = applyTotal(change, to: &before)
                let (p2, t2) = applyTotal(change, to: &after)
                guard t1 <= bound, t2 <= bound else { return nil }
                if p1 != nil || p2 != nil {
                    // An expense change over the whole programme that matches no line of the
                    // edited operations, before or after: the other operations decide, as before.
                    guard case .changeCost(.all, _, _, _, _) = change.kind, let p1, let p2, p1.message.hasPrefix("aucune dépense"),
                        p2.message.hasPrefix("aucune dépense")
                    else { return nil }
                }
                delta = t2 - t1
                totals[index] += delta
                guard totals[index] <= bound else { return nil }
            }
        }
        return Validation(totals: totals)
    }

    /// The change applied to `plans`; a diagnostic when it points at nothing or leaves the bounds.
    /// With `splittingYears` false, an expense line given a new amount keeps its years as they
    /// were: enough for the programme's total and the change's problems, which do not look at them.
    static func transform(_ change: ScenarioChange, _ plans: inout Plans, splittingYears: Bool = true) -> Diagnostic? {
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
                if case .fixed(let m)? = amount, m > Money.maximumLineAmount || m.isNegative {
                    return outOfBounds("`\(target)` de l'opération `\(opID)` : montant \(m) hors des bornes", change, note: lineNote)
                }
                if case .rate(let r)? = amount, r > Rate.maximumLineRate || r < .zero {
                    return outOfBounds("`\(target)` de l'opération `\(opID)` : taux \(r.formatted) hors des bornes", change, note: "un taux est compris entre 0 % et \(Rate.maximumLineRate.formatted)")
                }
                for i in lines {
                    if let amount { plans.operations[op].funding[i].amount = amount }
                    if let status { plans.operations[op].funding[i].status = status }
                }
            default: break
            }
        case .changeDispositif(let id, let parameters, let variation, let envelopes):
            guard plans.catalogue.dispositifs[id] != nil else { return missing("le dispositif `\(id)` n'existe pas", change) }
            guard let since = Day(year: 1900, month: 1, day: 1) else { return nil }
            for (name, value) in parameters {
                plans.catalogue.dispositifs[id]?.parameters[name] = Parameter(
                    name: name, values: [DatedValue(since: since, value: value, reference: "scénario", location: change.location)])
            }
            for envelope in envelopes {
                guard plans.programme.acceptedYears.contains(envelope.year) else {
                    return outOfBounds(
                        "enveloppe \(id) \(envelope.year) : année hors des années admises, \(plans.programme.acceptedYearsText)", change,
                        note: "écrivez une année de la période du programme")
                }
                plans.catalogue.envelopes.removeAll { $0.dispositif == id && $0.year == envelope.year }
                plans.catalogue.envelopes.append(envelope)
            }
            if let variation {
                for op in plans.operations.indices {
                    switch newFunding(of: plans.operations[op], dispositif: id, variation: variation, change) {
                    case .failure(let problem): return problem
                    case .success(let lines): for (i, amount) in lines { plans.operations[op].funding[i].amount = amount }
                    }
                }
            }
        case .changeCost(let target, let nature, let label, let amount, let variation):
            guard let ops = operations(target) else { return missing("l'opération `\(target)` n'existe pas", change) }
            var touched = 0
            for op in ops {
                switch newCosts(of: plans.operations[op], nature: nature, label: label, amount: amount, variation: variation, change) {
                case .failure(let problem): return problem
                case .success(let lines):
                    for (i, newAmount) in lines {
                        let line = plans.operations[op].costs[i]
                        plans.operations[op].costs[i].amountHT = newAmount
                        if splittingYears {
                            let parts = newAmount.split(proportionally: line.splitWeights)
                            plans.operations[op].costs[i].years = zip(line.years, parts).map { ($0.year, $1) }
                        }
                    }
                    touched += lines.count
                }
            }
            if touched == 0 {
                let what = label.map { "« \($0) »" } ?? nature.map { "de nature `\($0.rawValue)`" } ?? ""
                return missing("aucune dépense \(what) dans \(target == .all ? "le programme" : "l'opération")", change)
            }
        case .shift(let target, let requested):
            guard let ops = operations(target) else { return missing("l'opération `\(target)` n'existe pas", change) }
            let months = max(-Day.maximumShiftInMonths, min(Day.maximumShiftInMonths, requested))
            // Six months or more round away from zero.
            let years = (abs(months) + 6) / 12 * (months < 0 ? -1 : 1)
            let accepted = plans.programme.acceptedYears
            for op in ops {
                var operation = plans.operations[op]
                operation.worksStart = operation.worksStart?.adding(months: months)
                operation.firstLegalAct = operation.firstLegalAct?.adding(months: months)
                // An end at a month's end stays at the end of the month it moves to.
                operation.end = operation.end?.adding(months: months, keepingMonthEnd: true)
                for i in operation.costs.indices {
                    operation.costs[i].firstLegalAct = operation.costs[i].firstLegalAct?.adding(months: months)
                    operation.costs[i].years = operation.costs[i].years.map { ($0.year + years, $0.amountHT) }
                }
                let reached = [operation.worksStart?.year, operation.end?.year].compactMap { $0 } + operation.costs.flatMap { $0.years.map(\.year) }
                if let outside = reached.first(where: { !accepted.contains($0) }) {
                    return outOfBounds(
                        "`decaler` porterait l'opération `\(operation.id)` en \(outside), hors des années admises : \(plans.programme.acceptedYearsText)",
                        change, note: "vérifiez `mois` ou `annees` (et les décalages qui s'y ajoutent, du scénario parent compris)")
                }
                plans.operations[op] = operation
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
            let accepted = plans.programme.acceptedYears
            let reached = [operation.worksStart?.year, operation.end?.year].compactMap { $0 } + operation.costs.flatMap { $0.years.map(\.year) }
            if let outside = reached.first(where: { !accepted.contains($0) }) {
                return outOfBounds(
                    "l'opération ajoutée `\(operation.id)` porte l'année \(outside), hors des années admises : \(plans.programme.acceptedYearsText)",
                    change, note: "écrivez des dates et des années proches de la période du programme")
            }
            plans.operations.append(operation)
        }
        return nil
    }
}

extension ScenarioEngine {
    static let lineNote = "une ligne compte au plus \(Money.maximumLineAmount) : vérifiez la `variation` ou le montant, et les changements qui s'y ajoutent"

    /// The new HT amount of each of `operation`'s expense lines an expense change matches, by
    /// line index in order; or the problem of the first one that would leave the bounds.
    static func newCosts(
        of operation: Operation, nature: CostNature?, label: String?, amount: Money?, variation: Rate?, _ change: ScenarioChange
    ) -> Result<[(line: Int, amount: Money)], Diagnostic> {
        var lines: [(line: Int, amount: Money)] = []
        // Each line looked at in place (a copy of a line retains its texts and arrays).
        let costs = operation.costs
        for i in costs.indices {
            if let nature, costs[i].nature != nature { continue }
            if let label, costs[i].label != label { continue }
            var newAmount = costs[i].amountHT
            if let amount { newAmount = amount }
            if let variation { newAmount = newAmount.applying(Rate.hundredPercent + variation) }
            guard newAmount <= Money.maximumLineAmount, !newAmount.isNegative else {
                return .failure(
                    outOfBounds(
                        "la dépense « \(costs[i].label) » de l'opération `\(operation.id)` atteindrait \(newAmount) HT, au-delà de \(Money.maximumLineAmount) par ligne",
                        change, note: lineNote))
            }
            lines.append((i, newAmount))
        }
        return .success(lines)
    }

    /// The new amount a dispositif's `variation` gives each of `operation`'s lines of it (fixed
    /// amounts and rates; a balance stays one), by line index in order; or the problem of the
    /// first one that would leave the bounds.
    static func newFunding(
        of operation: Operation, dispositif id: String, variation: Rate, _ change: ScenarioChange
    ) -> Result<[(line: Int, amount: FundingAmount)], Diagnostic> {
        let factor = Rate.hundredPercent + variation
        var lines: [(line: Int, amount: FundingAmount)] = []
        for (i, line) in operation.funding.enumerated() where line.dispositifID == id {
            switch line.amount {
            case .fixed(let m):
                let scaled = m.applying(factor)
                guard scaled <= Money.maximumLineAmount else {
                    return .failure(
                        outOfBounds(
                            "`\(id)` de l'opération `\(operation.id)` : \(m) avec la variation de \(variation.formatted) dépasserait \(Money.maximumLineAmount)",
                            change, note: lineNote))
                }
                lines.append((i, .fixed(scaled)))
            case .rate(let r):
                guard let scaled = r.scaled(by: factor), scaled <= Rate.maximumLineRate else {
                    return .failure(
                        outOfBounds(
                            "`\(id)` de l'opération `\(operation.id)` : le taux de \(r.formatted) avec la variation de \(variation.formatted) dépasserait \(Rate.maximumLineRate.formatted)",
                            change, note: "un taux est au plus \(Rate.maximumLineRate.formatted) : vérifiez la `variation` et les changements qui s'y ajoutent"))
                }
                lines.append((i, .rate(scaled)))
            case .balance: break
            }
        }
        return .success(lines)
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
