/// The funding optimiser: the amounts of the open funding lines (envisagé, sollicité) that minimise
/// the owners' own share (weighted per owner), or the smallest change in euros that makes a plan
/// legal, under the rules `verifier` enforces. Lines notified or paid stay as they are. A line
/// with no known ceiling (no maximum rate, no cap) is never raised above what was asked.
///
/// The problem is a linear programme solved by a `LinearSolver` in floating point; the answer is
/// rounded down to the cent (up to a floor where a minimum applies) and checked again exactly.
public struct FundingOptimizer {
    public enum Goal: Sendable {
        /// Minimise Σ weight(owner) × own share.
        case leastOwnShare(weights: [String: Int])
        /// Minimise the euros moved (Σ |new − current|) to satisfy the rules.
        case smallestFix
    }

    public struct Change: Sendable, Equatable {
        public let operation: String
        public let line: FundingTarget
        public let before: Money
        public let after: Money

        public init(operation: String, line: FundingTarget, before: Money, after: Money) {
            self.operation = operation
            self.line = line
            self.before = before
            self.after = after
        }
    }

    public struct Proposal: Sendable {
        public let plans: Plans
        public let changes: [Change]
        /// For each operation, in French: what binds it, and its gain.
        public let explanations: [String: [String]]
        public let ownShareBefore: [String: Money]
        public let ownShareAfter: [String: Money]
        /// Errors the proposal still has (rules the optimiser does not model).
        public let remainingErrors: [Diagnostic]
    }

    public enum Outcome: Sendable {
        case proposal(Proposal)
        /// No amounts satisfy every rule; the families of constraints whose removal would help.
        case infeasible([String])
        case failed(String)
    }

    public let plans: Plans
    public let goal: Goal
    /// Only these operations may change (nil: all).
    public let operations: Set<String>?

    public init(plans: Plans, goal: Goal, operations: Set<String>? = nil) {
        self.plans = plans
        self.goal = goal
        self.operations = operations
    }

    // MARK: The model

    struct Adjustable {
        let op: Int
        let line: Int
        let variable: Int
        let current: Money
        let lower: Money
        let upper: Money
        let upperReason: String
        let dispositif: Dispositif
    }

    enum Family: String, CaseIterable {
        case balance = "équilibre du plan"
        case ownShare = "part minimale du maître d'ouvrage"
        case dotations = "plafond de 80 % des dotations de l'État"
        case publicAid = "aides publiques au plus 100 % (décret 2018-514)"
        case fondsDeConcours = "fonds de concours au plus la part nette"
        case fondsVert = "Fonds vert au plus le déficit"
        case fipRegion = "participation de la Région au FIP"
        case pvd = "plafonds du poste de chef de projet PVD"
        case leader = "contrepartie nationale de LEADER"
        case envelope = "enveloppes annuelles"
        case floors = "taux et montants minimaux des lignes"
    }

    struct Row {
        let family: Family
        let op: Int?
        let description: String
        let index: Int
    }

    public struct Model {
        public var program = LinearProgram()
        var adjustables: [Adjustable] = []
        var own: [Int: Int] = [:]  // op -> autofinancement variable
        var rows: [Row] = []
        var infeasibleLines: [String] = []
    }

    func euros(_ m: Money) -> Double { Double(m.cents) / 100 }

    /// A whole number of cents from a computed `Double` (already rounded), clamped to `Int64`: NaN
    /// gives 0, an infinity or a value beyond 2^63 the nearest bound (never reached on bounded plans).
    static func cents(_ value: Double) -> Int64 {
        guard !value.isNaN else { return 0 }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }

    /// The linear programme, to write it out (`optimiser --lp`).
    public var linearProgram: LinearProgram { build(figures: Financing.figures(of: plans)).program }

    func build(figures: [OperationFigures], dropping dropped: Set<Family> = []) -> Model {
        var m = Model()
        let context = RuleContext(plans: plans, figures: figures)
        var envelopeTerms: [Int: [(Int, Double)]] = [:]
        var envelopeFixed: [Int: Money] = [:]
        var envelopeUsers: [Int: Set<String>] = [:]

        for (o, f) in figures.enumerated() {
            let op = f.operation
            let open = operations.map { $0.contains(op.id) } ?? true
            var duplicates: [String: Int] = [:]
            for line in f.funding { if let id = line.dispositif?.id { duplicates[id, default: 0] += 1 } }
            var terms: [(kind: ResolvedFunding, variable: Int?)] = []
            for (i, line) in f.funding.enumerated() {
                guard line.counts, line.nature != .autofinancement else { continue }
                guard open, let d = line.dispositif, line.line.status == .envisage || line.line.status == .sollicite, duplicates[d.id] == 1
                else {
                    terms.append((line, nil))
                    continue
                }
                let (lower, upper, reason) = bounds(of: line, dispositif: d, in: f, context: context, dropFloors: dropped.contains(.floors))
                if lower > upper { m.infeasibleLines.append("\(op.id) : \(d.usualName) doit être d'au moins \(lower) mais d'au plus \(upper) (\(reason))") }
                let objective: Double = 0
                let v = m.program.addVariable("\(op.id)/\(d.id)", lower: euros(lower), upper: euros(max(lower, upper)), objective: objective)
                m.adjustables.append(Adjustable(op: o, line: i, variable: v, current: line.amount, lower: lower, upper: upper, upperReason: reason, dispositif: d))
                terms.append((line, v))
            }
            // The owner's own funds (all autofinancement lines together).
            let weight: Double
            switch goal {
            case .leastOwnShare(let weights): weight = Double(weights[op.maitreOuvrage] ?? 1)
            case .smallestFix: weight = 0
            }
            let ownVariable = m.program.addVariable("\(op.id)/autofinancement", lower: 0, objective: weight)
            m.own[o] = ownVariable
            let fixedOwn = Money.sum(terms.filter { $0.variable == nil && $0.kind.nature.isOwnersShare }.map(\.kind.amount))
            func split(_ select: (ResolvedFunding) -> Bool) -> (vars: [(Int, Double)], fixed: Money) {
                let chosen = terms.filter { select($0.kind) }
                return (chosen.compactMap { $0.variable.map { ($0, 1.0) } }, Money.sum(chosen.filter { $0.variable == nil }.map(\.kind.amount)))
            }
            func add(_ family: Family, _ description: String, _ terms: [(Int, Double)], lower: Money? = nil, upper: Money? = nil) {
                guard !dropped.contains(family) || family == .balance else { return }
                let index = m.program.addConstraint(description, terms, lower: lower.map(euros), upper: upper.map(euros))
                m.rows.append(Row(family: family, op: o, description: description, index: index))
            }
            // Balance: Σ lines + own = cost.
            let all = split { _ in true }
            add(.balance, "équilibre", all.vars + [(ownVariable, 1)], lower: f.costOnBasis - all.fixed, upper: f.costOnBasis - all.fixed)
            // Owner's minimum share: (1 − p)(own) − p(public) ≥ 0.
            if op.section == .investissement, op.derogation?.decisionDay == nil,
                let (p, _) = context.rate(op.chefDeFile ? ParameterName.partMaitreOuvrageChefDeFile : ParameterName.partMaitreOuvrageMin, at: f.referenceDay)
            {
                let share = Double(p.millionths) / Double(Rate.scale)
                let pub = split { $0.isPublicAid }
                let rhs = share * euros(pub.fixed) - (1 - share) * euros(fixedOwn)
                add(.ownShare, "part minimale du maître d'ouvrage (\(p.formatted))", [(ownVariable, 1 - share)] + pub.vars.map { ($0.0, -share) }, lower: Money(cents: Self.cents((rhs * 100).rounded(.up))))
            }
            // State dotations together ≤ 80 % of the largest base.
            let dotationLines = f.funding.filter { $0.counts && $0.has(.dotationEtat) }
            if let base = dotationLines.compactMap(\.base).max(), let (cap, _) = context.rate(ParameterName.dotationsPlafond, at: f.referenceDay) {
                let d = split { $0.has(.dotationEtat) }
                add(.dotations, "plafond de \(cap.formatted) des dotations de l'État", d.vars, upper: base.applyingRoundedDown(cap) - d.fixed)
            }
            // Décret 2018-514: public aid ≤ the subsidisable expense.
            if let base = f.funding.filter({ $0.counts && $0.dispositif?.regime == .decret2018514 }).compactMap(\.base).max() {
                let pub = split { $0.isPublicAid }
                add(.publicAid, "aides publiques au plus la dépense subventionnable (\(base))", pub.vars, upper: base - pub.fixed)
            }
            // Fonds de concours: 2 fdc + other public ≤ cost.
            if f.funding.contains(where: { $0.counts && $0.nature == .fondsDeConcours }) {
                let fdc = split { $0.nature == .fondsDeConcours }
                let other = split { $0.isPublicAid && $0.nature != .fondsDeConcours }
                add(.fondsDeConcours, "fonds de concours au plus la part nette de la commune", fdc.vars.map { ($0.0, 2) } + other.vars, upper: f.costOnBasis - fdc.fixed - fdc.fixed - other.fixed)
            }
            // Fonds vert friches ≤ cost − receipts − other public aid.
            if f.funding.contains(where: { $0.counts && $0.has(.fondsVertFriches) }) {
                let pub = split { $0.isPublicAid }
                let receipts = Money.sum(f.funding.filter { $0.counts && $0.nature == .recette }.map(\.amount))
                add(.fondsVert, "Fonds vert au plus le déficit", pub.vars, upper: f.costOnBasis - receipts - pub.fixed)
            }
            // FIP: Région ≥ 15 % of the FIP base.
            if let fip = f.funding.first(where: { $0.counts && $0.has(.dracFIP) }), let base = fip.base,
                let (minimum, _) = context.rate(ParameterName.fipRegionTauxMin, at: fip.parameterDay)
            {
                let region = split { $0.isPublicAid && $0.category == .region }
                add(.fipRegion, "participation de la Région au FIP (\(minimum.formatted))", region.vars, lower: Money(cents: Self.cents((Double(base.cents) * Double(minimum.millionths) / Double(Rate.scale)).rounded(.up))) - region.fixed)
            }
            // PVD project manager: Σ ≤ min(75 % of cost, yearly ceiling × years); ANAH share ≤ its own.
            if f.funding.contains(where: { $0.counts && $0.has(.pvdChefDeProjet) }) {
                let years = max(1, Set(op.costs.flatMap { $0.years.map(\.year) }).count)
                let withANAH = f.funding.contains { $0.counts && $0.has(.pvdChefDeProjet) && $0.category == .anah }
                if let (rate, _) = context.rate(ParameterName.pvdChefDeProjetTaux, at: f.referenceDay),
                    let (yearly, _) = context.amount(withANAH ? ParameterName.pvdChefDeProjetPlafondAvecAnah : ParameterName.pvdChefDeProjetPlafond, at: f.referenceDay)
                {
                    let pvd = split { $0.has(.pvdChefDeProjet) }
                    add(.pvd, "co-financement du poste de chef de projet", pvd.vars, upper: min(f.costOnBasis.applyingRoundedDown(rate), yearly.saturatingMultiplied(by: years)) - pvd.fixed)
                }
                if withANAH, let (rate, _) = context.rate(ParameterName.pvdChefDeProjetAnahTaux, at: f.referenceDay),
                    let (yearly, _) = context.amount(ParameterName.pvdChefDeProjetAnahPlafond, at: f.referenceDay)
                {
                    let anah = split { $0.has(.pvdChefDeProjet) && $0.category == .anah }
                    add(.pvd, "part de l'ANAH dans le poste de chef de projet", anah.vars, upper: min(f.costOnBasis.applyingRoundedDown(rate), yearly.saturatingMultiplied(by: years)) - anah.fixed)
                }
            }
            // LEADER ≤ k × national public aid, k = p / (1 − p).
            if f.funding.contains(where: { $0.counts && $0.has(.leader) }), let (cap, _) = context.rate(ParameterName.leaderTauxMax, at: f.referenceDay), cap < .hundredPercent {
                let k = Double(cap.millionths) / Double(Rate.scale - cap.millionths)
                let leader = split { $0.has(.leader) }
                let national = split { $0.isPublicAid && !$0.has(.leader) }
                add(.leader, "LEADER au plus \(cap.formatted) avec sa contrepartie nationale", leader.vars + national.vars.map { ($0.0, -k) }, upper: Money(cents: Self.cents((k * Double(national.fixed.cents)).rounded(.down))) - leader.fixed)
            }
            // Envelopes, gathered over the programme.
            for line in f.funding where line.counts {
                guard let d = line.dispositif else { continue }
                let year = EnvelopeRule.year(of: line, in: f)
                guard let e = plans.catalogue.envelopes.firstIndex(where: { $0.dispositif == d.id && $0.year == year }) else { continue }
                envelopeUsers[e, default: []].insert(op.id)
                if let v = terms.first(where: { $0.kind.line == line.line })?.variable {
                    envelopeTerms[e, default: []].append((v, 1))
                } else {
                    envelopeFixed[e, default: .zero] += line.amount
                }
            }
        }
        if !dropped.contains(.envelope) {
            for (e, envelope) in plans.catalogue.envelopes.enumerated() {
                guard let envelopeTerms = envelopeTerms[e] else { continue }
                let users = (envelopeUsers[e] ?? []).sorted().joined(separator: ", ")
                let index = m.program.addConstraint(
                    "enveloppe", envelopeTerms, upper: euros(envelope.amount - (envelopeFixed[e] ?? .zero)))
                m.rows.append(Row(family: .envelope, op: nil, description: "l'enveloppe \(plans.catalogue.dispositifs[envelope.dispositif]?.usualName ?? envelope.dispositif) \(envelope.year) (\(envelope.amount)), partagée par \(users)", index: index))
            }
        }
        // x − d⁺ + d⁻ = current. Fixing a plan minimises Σ d⁺ + d⁻; optimising gives the movement a
        // tiny weight, so that among equally good mixes the one closest to the current plan wins.
        let movementWeight: Double
        switch goal {
        case .smallestFix: movementWeight = 1
        case .leastOwnShare: movementWeight = 1e-4
        }
        do {
            var moved: [(Int, Money)] = m.adjustables.map { ($0.variable, $0.current) }
            for (o, v) in m.own { moved.append((v, figures[o].selfFinancing)) }
            for (v, current) in moved {
                let up = m.program.addVariable("+\(v)", objective: movementWeight)
                let down = m.program.addVariable("-\(v)", objective: movementWeight)
                m.program.addConstraint("écart", [(v, 1), (up, -1), (down, 1)], lower: euros(current), upper: euros(current))
            }
        }
        return m
    }

    /// A line's bounds: its floor (minimum rate, minimum amount) and its ceiling (maximum rate,
    /// cap, heritage and ANAH caps), or what was asked when no ceiling is known.
    func bounds(of line: ResolvedFunding, dispositif d: Dispositif, in f: OperationFigures, context: RuleContext, dropFloors: Bool) -> (Money, Money, String) {
        let day = line.parameterDay
        let base = line.base ?? .zero
        var lower = Money.zero
        var caps: [(Money, String)] = []
        if !dropFloors {
            if case .rate(let r)? = d.parameters[Dispositif.tauxMin]?.value(at: day)?.value { lower = max(lower, ceilingApplying(r, to: base)) }
            if case .amount(let a)? = d.parameters[Dispositif.plancher]?.value(at: day)?.value { lower = max(lower, a) }
        }
        if case .rate(let r)? = d.parameters[Dispositif.tauxMax]?.value(at: day)?.value { caps.append((base.applyingRoundedDown(r), "taux maximal de \(r.formatted) de l'assiette \(base)")) }
        // The State dotations (R2334-27): the binding 20 % floor, and none above the common 80 % cap.
        if d.roles.contains(.dotationEtat) {
            if !dropFloors, let (r, _) = context.rate(ParameterName.dotationsTauxMin, at: day) { lower = max(lower, ceilingApplying(r, to: base)) }
            if let (r, _) = context.rate(ParameterName.dotationsPlafond, at: day) ?? context.rate(ParameterName.detrAidesPubliquesPlafond, at: day) {
                caps.append((base.applyingRoundedDown(r), "taux maximal de \(r.formatted) de l'assiette \(base)"))
            }
        }
        if case .amount(let a)? = d.parameters[Dispositif.plafond]?.value(at: day)?.value { caps.append((a, "plafond de \(a)")) }
        if d.roles.contains(.dracMonuments), f.operation.protection == .inscrit, let (r, _) = context.rate(ParameterName.dracInscritTauxMax, at: day) {
            caps.append((base.applyingRoundedDown(r), "\(r.formatted) au plus sur un immeuble inscrit"))
        }
        if d.roles.contains(.dracFIP), let (r, _) = context.rate(f.operation.protection == .classe ? ParameterName.fipClasseTauxMax : ParameterName.fipInscritTauxMax, at: day) {
            caps.append((base.applyingRoundedDown(r), "\(r.formatted) au plus pour le FIP"))
        }
        if d.roles.contains(.anahChefDeProjet), let (r, _) = context.rate(ParameterName.anahChefDeProjetTaux, at: day),
            let (yearly, _) = context.amount(ParameterName.anahChefDeProjetAssietteMax, at: day)
        {
            let years = max(1, Set(f.operation.costs.flatMap { $0.years.map(\.year) }).count)
            caps.append((min(f.costHT, yearly.saturatingMultiplied(by: years)).applyingRoundedDown(r), "\(r.formatted) d'un coût plafonné"))
        }
        let upper = caps.min { $0.0 < $1.0 } ?? (line.amount, "montant demandé (aucun plafond connu)")
        return (lower, upper.0, upper.1)
    }

    // MARK: Solving

    public func solve(with solver: LinearSolver) -> Outcome {
        let figures = Financing.figures(of: plans)
        let model = build(figures: figures)
        if !model.infeasibleLines.isEmpty { return .infeasible(model.infeasibleLines) }
        let solution = solver.solve(model.program)
        switch solution.status {
        case .optimal: break
        case .infeasible, .unbounded:
            var conflicting: [String] = []
            for family in Family.allCases where family != .balance {
                let relaxed = build(figures: figures, dropping: [family])
                if solver.solve(relaxed.program).status == .optimal { conflicting.append(family.rawValue) }
            }
            return .infeasible(conflicting.isEmpty ? ["plusieurs familles de règles à la fois"] : conflicting)
        case .failed(let message):
            return .failed(message)
        }

        // Round to the cent: down, except up to a floor; never above the ceiling.
        var proposed = plans
        var changes: [Change] = []
        for a in model.adjustables {
            let raw = (solution.values.indices.contains(a.variable) ? solution.values[a.variable] : euros(a.current)) * 100
            let snapped = abs(raw - raw.rounded()) < 0.001 ? raw.rounded() : raw.rounded(.down)
            var cents = Money(cents: Self.cents(snapped))
            cents = min(max(cents, a.lower), max(a.lower, a.upper))
            if cents != a.current {
                changes.append(Change(operation: figures[a.op].operation.id, line: .dispositif(a.dispositif.id), before: a.current, after: cents))
                proposed.operations[a.op].funding[a.line].amount = .fixed(cents)
            }
        }
        // The owner's funds: a `solde` line absorbs the change; a single fixed line is set to balance.
        let changedFigures = Financing.figures(of: proposed)
        for (o, f) in changedFigures.enumerated() where !f.balanceGap.isZero {
            let ownLines = proposed.operations[o].funding.indices.filter { proposed.operations[o].funding[$0].source == .own(.autofinancement) }
            guard ownLines.count == 1, proposed.operations[o].funding[ownLines[0]].amount != .balance else { continue }
            let before = f.funding[ownLines[0]].amount
            let after = before - f.balanceGap
            guard !after.isNegative else { continue }
            proposed.operations[o].funding[ownLines[0]].amount = .fixed(after)
            changes.append(Change(operation: f.operation.id, line: .own(.autofinancement), before: before, after: after))
        }
        let finalFigures = Financing.figures(of: proposed)
        let remaining = Rules.check(proposed, figures: finalFigures).filter { $0.severity == .erreur }

        // Explanations: what binds each operation, and its gain.
        var explanations: [String: [String]] = [:]
        var before: [String: Money] = [:]
        var after: [String: Money] = [:]
        for (o, f) in finalFigures.enumerated() {
            let id = f.operation.id
            before[id] = figures[o].ownersShare
            after[id] = f.ownersShare
            var lines: [String] = []
            for a in model.adjustables where a.op == o {
                let value = solution.values.indices.contains(a.variable) ? solution.values[a.variable] : euros(a.current)
                if abs(value - euros(a.upper)) < 0.01 { lines.append("\(a.dispositif.usualName) au maximum : \(a.upperReason)") }
                if a.lower > .zero, abs(value - euros(a.lower)) < 0.01, a.lower != a.upper { lines.append("\(a.dispositif.usualName) au minimum réglementaire (\(a.lower))") }
            }
            for row in model.rows where row.family != .balance && (row.op == o || row.op == nil) {
                let c = model.program.constraints[row.index]
                let activity = solution.activities[row.index]
                let bound = c.upper ?? c.lower ?? 0
                guard abs(activity - bound) < 0.5 else { continue }
                if row.op == nil {
                    let mine = Set(model.adjustables.filter { $0.op == o }.map(\.variable))
                    guard c.terms.contains(where: { mine.contains($0.variable) }) else { continue }
                    lines.append("plafonné par \(row.description), épuisée")
                } else {
                    lines.append("contraint par : \(row.description)")
                }
            }
            let gain = figures[o].ownersShare - f.ownersShare
            if !gain.isZero { lines.append("part du maître d'ouvrage : \(figures[o].ownersShare) → \(f.ownersShare) (\(gain.isNegative ? "+" : "gain de ")\(gain.isNegative ? -gain : gain))") }
            explanations[id] = lines
        }
        return .proposal(
            Proposal(plans: proposed, changes: changes, explanations: explanations, ownShareBefore: before, ownShareAfter: after, remainingErrors: remaining))
    }

    /// The proposal as a scenario file a person can read and edit.
    public static func scenarioText(_ proposal: Proposal, id: String, title: String, parent: String?, comment: String) -> String {
        var out = "# \(comment)\n"
        out += "id: \(id)\ntitre: \"\(title)\"\n"
        if let parent { out += "parent: \(parent)\n" }
        out += "changements:\n"
        if proposal.changes.isEmpty { return out + "  []\n" }
        for c in proposal.changes {
            let amount = c.after.formatted.replacingAll("\u{00A0}", " ")
            out += "  - modifier_financement: { operation: \(c.operation), ligne: \(c.line), montant: \"\(amount)\" }  # était \(c.before.formatted)\n"
        }
        return out
    }
}
