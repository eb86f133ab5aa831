/// Décret n° 2018-514 art. 10: when a State subsidy under the décret is in the plan, total public
/// aid may not exceed the subsidisable expense.
struct PublicAidCapRule: Rule {
    let id: DiagnosticID = .aidesPubliquesPlafond
    let title = "Aides publiques au plus 100 % de la dépense subventionnable (décret 2018-514)"
    let reference = "Décret n° 2018-514 du 25 juin 2018, art. 10"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.counted.filter { $0.dispositif?.regime == .decret2018514 }
            guard let first = lines.first, let base = lines.compactMap(\.base).max(),
                let (cap, ref) = context.rate(ParameterName.aidesPubliquesPlafond, at: first.parameterDay)
            else { continue }
            guard !f.publicAid.isAtMost(cap, of: base) else { continue }
            let limit = base.applyingRoundedDown(cap)
            out.append(
                error(
                    "les aides publiques (\(f.publicAid)) dépassent \(cap.formatted) de la dépense subventionnable \(base) retenue pour \(first.name) (\(ref))",
                    at: first.line.location, operation: f.id,
                    notes: ["réduisez les aides de \(f.publicAid - limit) : au-delà, l'État demande le reversement (art. 14)"]))
        }
        return out
    }
}

extension PublicAidCapRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.dispositif?.regime == .decret2018514 }
    }
}
