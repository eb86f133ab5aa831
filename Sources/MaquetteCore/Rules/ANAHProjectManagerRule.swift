/// ANAH co-financing of an OPAH-RU project manager: 50 % of a yearly cost capped at 80 000 € HT.
struct ANAHProjectManagerRule: Rule {
    let id: DiagnosticID = .anahChefDeProjet
    let title = "Chef de projet OPAH-RU : 50 % d'un coût plafonné à 80 000 € HT par an"
    let reference = "ANAH, ingénierie des OPAH-RU (régime CCH)"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.anahChefDeProjet) {
                guard let (rate, ref) = context.rate(ParameterName.anahChefDeProjetTaux, at: line.parameterDay),
                    let (yearlyBase, _) = context.amount(ParameterName.anahChefDeProjetAssietteMax, at: line.parameterDay)
                else { continue }
                let years = max(1, Set(f.operation.costs.flatMap { $0.years.map(\.year) }).count)
                let base = min(f.costHT, yearlyBase.saturatingMultiplied(by: years))
                guard !line.amount.isAtMost(rate, of: base) else { continue }
                out.append(
                    error(
                        "\(line.name) : \(line.amount) ; le maximum est \(rate.formatted) de \(base) (coût HT plafonné à \(yearlyBase) par an sur \(years) an(s)), soit \(base.applyingRoundedDown(rate)) (\(ref))",
                        at: line.line.location(of: "montant"), operation: f.id,
                        notes: ["ramenez l'aide à \(base.applyingRoundedDown(rate))"]))
            }
        }
        return out
    }
}

extension ANAHProjectManagerRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.anahChefDeProjet).isEmpty
    }
}
