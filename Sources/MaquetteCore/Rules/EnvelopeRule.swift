/// A funder's yearly envelope is shared by all operations of the programme: the lines that draw
/// on it (not refused) may not exceed it. A line draws on the year given by `annee_enveloppe`,
/// else its notification's year, else its request's year, else the works' start year.
struct EnvelopeRule: Rule {
    let id: DiagnosticID = .enveloppeAnnuelle
    let title = "Enveloppe annuelle de chaque financeur, toutes opérations confondues"
    let reference = "Enveloppes déclarées dans financeurs.yaml"

    static func year(of line: ResolvedFunding, in f: OperationFigures) -> Int {
        line.line.envelopeYear ?? line.line.notificationDay?.year ?? line.line.requestDay?.year ?? f.referenceDay.year
    }

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for envelope in context.plans.catalogue.envelopes {
            var total = Money.zero
            var parts: [(String, Money)] = []
            for f in context.figures {
                let drawn = Money.sum(
                    f.counted.filter { $0.dispositif?.id == envelope.dispositif && Self.year(of: $0, in: f) == envelope.year }
                        .map(\.amount))
                if !drawn.isZero {
                    total += drawn
                    parts.append((f.id, drawn))
                }
            }
            guard total > envelope.amount else { continue }
            let name = context.plans.catalogue.dispositifs[envelope.dispositif]?.usualName ?? envelope.dispositif
            out.append(
                error(
                    "l'enveloppe \(name) \(envelope.year) (\(envelope.amount)) est dépassée : les opérations en demandent \(total) (dépassement \(total - envelope.amount))",
                    at: envelope.location, operation: nil,
                    notes: parts.map { "\($0.0) : \($0.1)" } + ["répartissez les demandes sur une autre année ou sur un autre dispositif"]))
        }
        return out
    }
}

extension EnvelopeRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { line in context.plans.catalogue.envelopes.contains { $0.dispositif == line.dispositif?.id && $0.year == Self.year(of: line, in: figures) } }
    }
}
