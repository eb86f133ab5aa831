/// A funder's yearly envelope is shared by all operations of the programme: the lines that draw
/// on it (not refused) may not exceed it. A line draws on the year given by `annee_enveloppe`,
/// else its notification's year, else its request's year, else the works' start year.
struct EnvelopeRule: Rule {
    let id: DiagnosticID = .enveloppeAnnuelle
    let title = "Enveloppe annuelle de chaque financeur, toutes opérations confondues"
    let reference = "Enveloppes déclarées dans financeurs.yaml"
    let scope: RuleScope = .programme

    static func year(of line: ResolvedFunding, in f: OperationFigures) -> Int {
        line.line.envelopeYear ?? line.line.notificationDay?.year ?? line.line.requestDay?.year ?? f.referenceDay.year
    }

    /// Adds an operation's line to what it draws (its lines come one after another).
    private static func add(_ amount: Money, of operation: String, to parts: inout [(operation: String, amount: Money)]) {
        if let last = parts.indices.last, parts[last].operation == operation {
            parts[last].amount += amount
        } else {
            parts.append((operation, amount))
        }
    }

    /// What the lines of some operations draw on each declared envelope (by its place in the
    /// catalogue's `envelopes`), operation by operation in their order.
    struct Draws: Sendable {
        var byEnvelope: [[(operation: String, amount: Money)]]
    }

    /// The declared envelopes' places by dispositif and year, and the dispositifs that have one.
    struct Index: Sendable {
        let slot: [Catalogue.EnvelopeKey: Int]
        let dispositifs: [String]
        let count: Int

        init(_ catalogue: Catalogue) {
            slot = catalogue.envelopeIndex
            var withEnvelope: [String] = []
            for envelope in catalogue.envelopes where !withEnvelope.contains(envelope.dispositif) { withEnvelope.append(envelope.dispositif) }
            dispositifs = withEnvelope
            count = catalogue.envelopes.count
        }
    }

    /// One pass over the lines of `figures`: what each operation draws on each declared
    /// envelope. A line of a dispositif with no envelope (most lines) is passed over on its name
    /// alone, among the few that have one; the others find their envelope by dispositif and year.
    static func draws(of figures: some Sequence<OperationFigures>, _ index: Index) -> Draws {
        var drawn = [[(operation: String, amount: Money)]](repeating: [], count: index.count)
        guard index.count > 0 else { return Draws(byEnvelope: drawn) }
        for f in figures {
            for line in f.counted {
                guard let dispositif = line.dispositif?.id, index.dispositifs.contains(dispositif),
                    let i = index.slot[Catalogue.EnvelopeKey(dispositif: dispositif, year: Self.year(of: line, in: f))]
                else { continue }
                Self.add(line.amount, of: f.id, to: &drawn[i])
            }
        }
        return Draws(byEnvelope: drawn)
    }

    /// The draws of consecutive groups of operations, in their order, as one (an operation is
    /// in one group only).
    static func joined(_ parts: [Draws], count: Int) -> Draws {
        var drawn = [[(operation: String, amount: Money)]](repeating: [], count: count)
        for i in drawn.indices {
            drawn[i].reserveCapacity(parts.reduce(0) { $0 + $1.byEnvelope[i].count })
            for part in parts {
                // An identifier met at the end of one group and the start of the next (plans put
                // together in code may hold it twice) draws as one, as in a single pass.
                var rest = part.byEnvelope[i][...]
                if let first = rest.first, let last = drawn[i].indices.last, drawn[i][last].operation == first.operation {
                    drawn[i][last].amount += first.amount
                    rest = rest.dropFirst()
                }
                drawn[i] += rest
            }
        }
        return Draws(byEnvelope: drawn)
    }

    func check(_ context: RuleContext) -> [Diagnostic] {
        guard !context.plans.catalogue.envelopes.isEmpty else { return [] }
        let index = Index(context.plans.catalogue)
        return check(context, index, Self.draws(of: context.figures, index))
    }

    /// The envelopes exceeded, from what every operation of `context` draws (`draws`, worked
    /// out beforehand, as ``Rules/figuresAndCheck(_:only:skip:)`` does block by block).
    func check(_ context: RuleContext, _ index: Index, _ draws: Draws) -> [Diagnostic] {
        let envelopes = context.plans.catalogue.envelopes
        var out: [Diagnostic] = []
        for envelope in envelopes {
            let parts = draws.byEnvelope[index.slot[Catalogue.EnvelopeKey(dispositif: envelope.dispositif, year: envelope.year)] ?? 0].filter { !$0.amount.isZero }
            let total = Money.sum(parts.map(\.amount))
            guard total > envelope.amount else { continue }
            let name = context.plans.catalogue.dispositifs[envelope.dispositif]?.usualName ?? envelope.dispositif
            var exceeded = error(
                "l'enveloppe \(name) \(envelope.year) (\(envelope.amount)) est dépassée : les opérations en demandent \(total) (dépassement \(total - envelope.amount))",
                at: envelope.location, operation: nil,
                notes: parts.map { "\($0.operation) : \($0.amount)" } + ["répartissez les demandes sur une autre année ou sur un autre dispositif"])
            exceeded.concerns = parts.map(\.operation)
            out.append(exceeded)
        }
        return out
    }
}

extension EnvelopeRule {
    private struct Draw: Hashable {
        let dispositif: String
        let year: Int
        let amount: Money
    }

    /// What the operation draws: each counted line of a dispositif, with its year and amount.
    func footprint(of figures: OperationFigures, in context: RuleContext) -> [AnyHashable]? {
        figures.counted.compactMap { line in
            line.dispositif.map { AnyHashable(Draw(dispositif: $0.id, year: Self.year(of: line, in: figures), amount: line.amount)) }
        }
    }

    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { line in context.plans.catalogue.envelopes.contains { $0.dispositif == line.dispositif?.id && $0.year == Self.year(of: line, in: figures) } }
    }
}
