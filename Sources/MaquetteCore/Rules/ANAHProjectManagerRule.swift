/// ANAH co-financing of an OPAH-RU project manager: 50 % of a yearly cost capped at 80 000 € HT,
/// asked by a new request each year, received before that year's mission starts (1 January of
/// the year it funds, `annee_enveloppe`, else the request's year).
struct ANAHProjectManagerRule: Rule {
    let id: DiagnosticID = .anahChefDeProjet
    let title = "Chef de projet OPAH-RU : 50 % d'un coût plafonné à 80 000 € HT par an"
    let reference = "ANAH, ingénierie des OPAH-RU (régime CCH)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.anahChefDeProjet)
            guard !lines.isEmpty else { continue }
            for line in lines {
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
            let spendingYears = Set(f.operation.costs.flatMap { $0.years.filter { !$0.amountHT.isZero }.map(\.year) })
            if let last = lines.last, spendingYears.count > lines.count {
                out.append(
                    warning(
                        "\(last.name) : le poste court sur \(spendingYears.count) ans (\(spendingYears.sorted().map(String.init).joined(separator: ", "))) pour \(lines.count) demande(s) ; l'ANAH demande une nouvelle demande chaque année, avant le démarrage",
                        at: last.line.location, operation: f.id, notes: ["faites une ligne par année, avec sa date de dépôt et `annee_enveloppe`"]))
            }
            for line in lines {
                guard let received = line.line.requestReceived, let year = line.line.envelopeYear else { continue }
                if Day.january1(year) <= received {
                    out.append(
                        warning(
                            "\(line.name) pour \(year) : demande reçue le \(received.formatted), après le début de l'année qu'elle finance (1er janvier \(year))",
                            at: line.line.location(of: "depot"), operation: f.id, notes: ["déposez chaque demande annuelle avant le démarrage de l'année qu'elle finance, ou vérifiez que la mission démarre après la réception"]))
                }
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
