/// One difference between two versions of the plans (the last committee's and today's), found on
/// the model rather than on the text: a reformatted file changes nothing, a moved amount does.
public struct PlanChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case operationAjoutee = "operation-ajoutee"
        case operationSupprimee = "operation-supprimee"
        case operationRenommee = "operation-renommee"
        case calendrier = "calendrier"
        case depense = "depense"
        case financementAjoute = "financement-ajoute"
        case financementSupprime = "financement-supprime"
        case financementModifie = "financement-modifie"
        case partMaitreOuvrage = "part-maitre-ouvrage"
        case totalFinanceur = "total-financeur"
        case totalMaitreOuvrage = "total-maitre-ouvrage"
        case regleEnfreinte = "regle-enfreinte"
        case regleRespectee = "regle-respectee"
        case tresorerie = "tresorerie"

        /// French words for the kind, as shown to the user.
        public var label: String {
            switch self {
            case .operationAjoutee: return "opération ajoutée"
            case .operationSupprimee: return "opération supprimée"
            case .operationRenommee: return "opération renommée"
            case .calendrier: return "calendrier"
            case .depense: return "dépense"
            case .financementAjoute: return "financement ajouté"
            case .financementSupprime: return "financement supprimé"
            case .financementModifie: return "financement modifié"
            case .partMaitreOuvrage: return "part du maître d'ouvrage"
            case .totalFinanceur: return "total par financeur"
            case .totalMaitreOuvrage: return "total par maître d'ouvrage"
            case .regleEnfreinte: return "règle nouvellement enfreinte"
            case .regleRespectee: return "règle désormais respectée"
            case .tresorerie: return "besoin de trésorerie"
            }
        }
    }

    public var kind: Kind
    /// The operation concerned (its id today; the former id for a removed operation).
    public var operation: String?
    /// What changed: a funding line's name, `Travaux 2027`, a funder's or an owner's name, a rule.
    public var subject: String
    /// Which of its values: `montant`, `taux`, `statut`, `dépôt`, `notification`…
    public var field: String?
    public var before: String?
    public var after: String?
    /// The change in euros (after − before); zero for a change of date or of wording.
    public var delta: Money
    /// Where it is in the current plans; for something removed, where its operation is, if any.
    public var location: SourceLocation?
    /// The amounts before and after, when the change is one of an amount (for the workbook).
    public var beforeAmount: Money?
    public var afterAmount: Money?

    public init(
        _ kind: Kind, operation: String?, subject: String, field: String? = nil, before: String? = nil, after: String? = nil,
        delta: Money = .zero, location: SourceLocation? = nil, amounts: (before: Money, after: Money)? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.subject = subject
        self.field = field
        self.before = before
        self.after = after
        self.delta = delta
        self.location = location
        self.beforeAmount = amounts?.before
        self.afterAmount = amounts?.after
    }

    /// The size of the change, for sorting: the largest euro change first.
    public var weight: Money { delta.isNegative ? -delta : delta }

    /// Largest euro change first; equal weights in the order of the kinds, then by operation and subject.
    public static func ordered(_ a: PlanChange, _ b: PlanChange) -> Bool {
        if a.weight != b.weight { return a.weight > b.weight }
        let ka = Kind.allCases.firstIndex(of: a.kind) ?? 0, kb = Kind.allCases.firstIndex(of: b.kind) ?? 0
        if ka != kb { return ka < kb }
        return (a.operation ?? "", a.subject, a.field ?? "", a.before ?? "") < (b.operation ?? "", b.subject, b.field ?? "", b.before ?? "")
    }
}

/// Compares two versions of the plans. Pure: the same plans give the same changes.
public enum PlanChanges {
    /// Every change from `old` to `new`, largest euro change first.
    public static func between(_ old: Plans, _ new: Plans) -> [PlanChange] {
        let oldFigures = Financing.figures(of: old), newFigures = Financing.figures(of: new)
        var changes: [PlanChange] = []
        let oldByID = Dictionary(oldFigures.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newByID = Dictionary(newFigures.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // Operations: matched by id; an id that disappears while another appears in a file of the
        // same name, or under the same title, is a renaming, not a removal and an addition.
        var removed = oldFigures.filter { newByID[$0.id] == nil }
        var pairs: [(OperationFigures, OperationFigures)] = []
        for f in newFigures {
            if let o = oldByID[f.id] {
                pairs.append((o, f))
                continue
            }
            if let i = removed.firstIndex(where: { fileName($0.operation.file) == fileName(f.operation.file) || $0.operation.title == f.operation.title }) {
                let o = removed.remove(at: i)
                changes.append(
                    PlanChange(.operationRenommee, operation: f.id, subject: f.operation.title, field: "identifiant", before: o.id, after: f.id, location: f.operation.location(of: "id")))
                pairs.append((o, f))
                continue
            }
            changes.append(
                PlanChange(
                    .operationAjoutee, operation: f.id, subject: f.operation.title, field: "coût", after: f.costOnBasis.formatted, delta: f.costOnBasis,
                    location: f.operation.location, amounts: (.zero, f.costOnBasis)))
        }
        for o in removed {
            changes.append(
                PlanChange(.operationSupprimee, operation: o.id, subject: o.operation.title, field: "coût", before: o.costOnBasis.formatted, delta: -o.costOnBasis, amounts: (o.costOnBasis, .zero)))
        }
        for (o, f) in pairs { changes += operationChanges(o, f) }

        changes += funderTotals(oldFigures, newFigures)
        changes += ownerTotals(old, oldFigures, new, newFigures)
        changes += ruleChanges(old, oldFigures, new, newFigures)
        changes += treasuryChanges(old, oldFigures, new, newFigures)
        return changes.sorted(by: PlanChange.ordered)
    }

    static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    static func signed(_ m: Money) -> String { m.isNegative || m.isZero ? m.formatted : "+" + m.formatted }

    /// The changes inside one operation present in both versions.
    static func operationChanges(_ o: OperationFigures, _ f: OperationFigures) -> [PlanChange] {
        var out: [PlanChange] = []
        let id = f.id
        if o.operation.title != f.operation.title {
            out.append(
                PlanChange(.operationRenommee, operation: id, subject: f.operation.title, field: "intitulé", before: o.operation.title, after: f.operation.title, location: f.operation.location(of: "intitule")))
        }
        // The calendar: the deadlines of the State dotations run from it.
        for (field, before, after) in [("début des travaux", o.operation.worksStart, f.operation.worksStart), ("fin", o.operation.end, f.operation.end)]
        where before != after {
            out.append(
                PlanChange(
                    .calendrier, operation: id, subject: f.operation.title, field: field, before: before?.formatted ?? "—", after: after?.formatted ?? "—",
                    location: f.operation.location(of: "calendrier")))
        }
        // Costs by nature and year, HT.
        func byNatureAndYear(_ op: Operation) -> [String: (CostNature, Int, Money)] {
            var table: [String: (CostNature, Int, Money)] = [:]
            for line in op.costs {
                for part in line.years {
                    let key = "\(line.nature.rawValue)/\(part.year)"
                    table[key] = (line.nature, part.year, (table[key]?.2 ?? .zero) + part.amountHT)
                }
            }
            return table
        }
        let oldCosts = byNatureAndYear(o.operation), newCosts = byNatureAndYear(f.operation)
        for key in Set(oldCosts.keys).union(newCosts.keys).sorted() {
            let before = oldCosts[key]?.2 ?? .zero, after = newCosts[key]?.2 ?? .zero
            guard before != after, let (nature, year, _) = newCosts[key] ?? oldCosts[key] else { continue }
            let line = f.operation.costs.first { $0.nature == nature && $0.years.contains { $0.year == year } }
                ?? f.operation.costs.first { $0.nature == nature }
            out.append(
                PlanChange(
                    .depense, operation: id, subject: "\(nature.label) \(year)", field: "montant HT", before: before.formatted, after: after.formatted,
                    delta: after - before, location: line?.location ?? f.operation.location(of: "depenses"), amounts: (before, after)))
        }

        // Funding lines: matched by dispositif (or own resource) and rank among lines of the same kind.
        func keyed(_ lines: [ResolvedFunding]) -> [(String, ResolvedFunding)] {
            var seen: [String: Int] = [:]
            return lines.map { line in
                let base: String
                switch line.line.source {
                case .dispositif(let d): base = d
                case .own(let n): base = "propre:\(n.rawValue)"
                }
                let rank = seen[base, default: 0]
                seen[base] = rank + 1
                return ("\(base)#\(rank)", line)
            }
        }
        let oldLines = keyed(o.funding), newLines = keyed(f.funding)
        let oldByKey = Dictionary(oldLines, uniquingKeysWith: { a, _ in a })
        let newKeys = Set(newLines.map(\.0))
        for (key, n) in newLines {
            guard let p = oldByKey[key] else {
                out.append(
                    PlanChange(
                        .financementAjoute, operation: id, subject: n.label, field: "montant", after: "\(n.amount.formatted) (\(n.line.status.label))",
                        delta: n.countedAmount, location: n.line.location, amounts: (.zero, n.countedAmount)))
                continue
            }
            out += lineChanges(p, n, operation: id)
        }
        for (key, p) in oldLines where !newKeys.contains(key) {
            out.append(
                PlanChange(
                    .financementSupprime, operation: id, subject: p.label, field: "montant", before: "\(p.amount.formatted) (\(p.line.status.label))",
                    delta: -p.countedAmount, location: f.operation.location(of: "financements"), amounts: (p.countedAmount, .zero)))
        }

        // The owner's share of the operation and its rate of public financing (L1111-10).
        if o.ownersShare != f.ownersShare {
            out.append(
                PlanChange(
                    .partMaitreOuvrage, operation: id, subject: f.operation.title, field: "montant", before: o.ownersShare.formatted, after: f.ownersShare.formatted,
                    delta: f.ownersShare - o.ownersShare, location: f.operation.location(of: "financements"), amounts: (o.ownersShare, f.ownersShare)))
        }
        let oldRate = o.ownersShareOfPublicFinancing, newRate = f.ownersShareOfPublicFinancing
        if oldRate != newRate {
            out.append(
                PlanChange(
                    .partMaitreOuvrage, operation: id, subject: f.operation.title, field: "taux", before: oldRate?.formatted ?? "—", after: newRate?.formatted ?? "—",
                    location: f.operation.location(of: "financements")))
        }
        return out
    }

    /// The rate a line is written at, else the rate its amount makes of its base.
    static func rate(of line: ResolvedFunding) -> Rate? {
        if case .rate(let r) = line.line.amount { return r }
        if case .balance = line.line.amount { return nil }
        return line.effectiveRate
    }

    /// The changes of one funding line: amount, rate, base, status, dates, amount paid.
    static func lineChanges(_ p: ResolvedFunding, _ n: ResolvedFunding, operation id: String) -> [PlanChange] {
        var out: [PlanChange] = []
        func add(_ field: String, _ key: String, _ before: String, _ after: String, _ delta: Money = .zero, amounts: (Money, Money)? = nil) {
            guard before != after else { return }
            out.append(
                PlanChange(
                    .financementModifie, operation: id, subject: n.label, field: field, before: before, after: after, delta: delta, location: n.line.location(of: key),
                    amounts: amounts))
        }
        var amountKey = "montant"
        if case .rate = n.line.amount { amountKey = "taux" }
        add("montant", amountKey, p.amount.formatted, n.amount.formatted, n.amount - p.amount, amounts: (p.amount, n.amount))
        add("taux", "taux", rate(of: p)?.formatted ?? "—", rate(of: n)?.formatted ?? "—")
        add("assiette", "assiette", p.base?.formatted ?? "—", n.base?.formatted ?? "—")
        // A status that makes a line count or stop counting moves its whole amount.
        let statusDelta = p.counts == n.counts ? Money.zero : (n.counts ? n.amount : -p.amount)
        add("statut", "statut", p.line.status.label, n.line.status.label, statusDelta)
        add("dépôt", "depot", p.line.requestDay?.formatted ?? "—", n.line.requestDay?.formatted ?? "—")
        add("notification", "notification", p.line.notificationDay?.formatted ?? "—", n.line.notificationDay?.formatted ?? "—")
        add("versé", "verse", p.line.paid?.formatted ?? "—", n.line.paid?.formatted ?? "—", (n.line.paid ?? .zero) - (p.line.paid ?? .zero), amounts: (p.line.paid ?? .zero, n.line.paid ?? .zero))
        return out
    }

    /// Totals by funder (own resources by their nature), resources that count only.
    static func funderTotals(_ old: [OperationFigures], _ new: [OperationFigures]) -> [PlanChange] {
        func totals(_ figures: [OperationFigures]) -> [String: Money] {
            var t: [String: Money] = [:]
            for f in figures { for line in f.counted { t[line.funder?.name ?? line.nature.label, default: .zero] += line.amount } }
            return t
        }
        let a = totals(old), b = totals(new)
        return Set(a.keys).union(b.keys).sorted().compactMap { name in
            let before = a[name] ?? .zero, after = b[name] ?? .zero
            guard before != after else { return nil }
            let location = new.lazy.flatMap(\.counted).first { ($0.funder?.name ?? $0.nature.label) == name }?.line.location
            return PlanChange(
                .totalFinanceur, operation: nil, subject: name, field: "total", before: before.formatted, after: after.formatted, delta: after - before, location: location,
                amounts: (before, after))
        }
    }

    /// Totals by owner: cost, public aid, owner's share and its rate of public financing.
    static func ownerTotals(_ oldPlans: Plans, _ old: [OperationFigures], _ newPlans: Plans, _ new: [OperationFigures]) -> [PlanChange] {
        struct Totals { var cost = Money.zero, aid = Money.zero, own = Money.zero }
        func totals(_ figures: [OperationFigures]) -> [String: Totals] {
            var t: [String: Totals] = [:]
            for f in figures {
                t[f.operation.maitreOuvrage, default: Totals()].cost += f.costOnBasis
                t[f.operation.maitreOuvrage, default: Totals()].aid += f.publicAid
                t[f.operation.maitreOuvrage, default: Totals()].own += f.ownersShare
            }
            return t
        }
        let a = totals(old), b = totals(new)
        var out: [PlanChange] = []
        for owner in Set(a.keys).union(b.keys).sorted() {
            let name = newPlans.programme.maitreOuvrage(owner)?.name ?? oldPlans.programme.maitreOuvrage(owner)?.name ?? owner
            let location = newPlans.programme.maitreOuvrage(owner)?.location
            let x = a[owner] ?? Totals(), y = b[owner] ?? Totals()
            for (field, before, after) in [("coût", x.cost, y.cost), ("aides publiques", x.aid, y.aid), ("part du maître d'ouvrage", x.own, y.own)]
            where before != after {
                out.append(
                    PlanChange(
                        .totalMaitreOuvrage, operation: nil, subject: name, field: field, before: before.formatted, after: after.formatted, delta: after - before,
                        location: location, amounts: (before, after)))
            }
            let r1 = Rate.ratio(x.own, x.own + x.aid), r2 = Rate.ratio(y.own, y.own + y.aid)
            if r1 != r2 {
                out.append(
                    PlanChange(.totalMaitreOuvrage, operation: nil, subject: name, field: "taux de la part du maître d'ouvrage", before: r1?.formatted ?? "—", after: r2?.formatted ?? "—", location: location))
            }
        }
        return out
    }

    /// Rules broken now and not before, or the reverse, by rule and operation (errors only: a
    /// figure that moves inside a message is not a new breach).
    static func ruleChanges(_ oldPlans: Plans, _ old: [OperationFigures], _ newPlans: Plans, _ new: [OperationFigures]) -> [PlanChange] {
        func broken(_ plans: Plans, _ figures: [OperationFigures]) -> [String: Diagnostic] {
            var t: [String: Diagnostic] = [:]
            for d in Rules.check(plans, figures: figures) where d.severity == .erreur && d.stage == .regle {
                let key = "\(d.rule.rawValue)\u{0}\(d.operation ?? "")"
                if t[key] == nil { t[key] = d }
            }
            return t
        }
        let a = broken(oldPlans, old), b = broken(newPlans, new)
        let newOperations = Dictionary(new.map { ($0.id, $0.operation) }, uniquingKeysWith: { a, _ in a })
        var out: [PlanChange] = []
        for (key, d) in b where a[key] == nil {
            out.append(PlanChange(.regleEnfreinte, operation: d.operation, subject: d.rule.rawValue, field: nil, after: d.message, location: d.location))
        }
        for (key, d) in a where b[key] == nil {
            out.append(
                PlanChange(.regleRespectee, operation: d.operation, subject: d.rule.rawValue, field: nil, before: d.message, location: d.operation.flatMap { newOperations[$0]?.location }))
        }
        return out
    }

    /// Each owner's treasury need, year by year.
    static func treasuryChanges(_ oldPlans: Plans, _ old: [OperationFigures], _ newPlans: Plans, _ new: [OperationFigures]) -> [PlanChange] {
        func needs(_ plans: Plans, _ figures: [OperationFigures]) -> [String: [Int: Money]] {
            var t: [String: [Int: Money]] = [:]
            for table in Treasury.tables(figures, plans: plans).owners {
                for year in table.years { t[table.owner ?? "", default: [:]][year.year] = year.need }
            }
            return t
        }
        let a = needs(oldPlans, old), b = needs(newPlans, new)
        var out: [PlanChange] = []
        for owner in Set(a.keys).union(b.keys).sorted() {
            let name = newPlans.programme.maitreOuvrage(owner)?.name ?? oldPlans.programme.maitreOuvrage(owner)?.name ?? owner
            let x = a[owner] ?? [:], y = b[owner] ?? [:]
            for year in Set(x.keys).union(y.keys).sorted() {
                let before = x[year] ?? .zero, after = y[year] ?? .zero
                guard before != after else { continue }
                out.append(
                    PlanChange(
                        .tresorerie, operation: nil, subject: "\(name) \(year)", field: "besoin de l'année", before: before.formatted, after: after.formatted, delta: after - before,
                        location: newPlans.programme.maitreOuvrage(owner)?.location, amounts: (before, after)))
            }
        }
        return out
    }
}
