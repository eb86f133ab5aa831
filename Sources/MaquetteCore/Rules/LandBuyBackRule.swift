/// EPF land carrying (portage foncier) is neither a loan nor a grant: the EPF buys the land and
/// the owner buys it back at a set year and price. A portage line must say when (`rachat: {
/// annee, montant }`), so the treasury can show the buy-back; a buy-back before the land is
/// bought is a typing error.
struct LandBuyBackRule: Rule {
    let id: DiagnosticID = .portageRachat
    let title = "Portage foncier : année et prix du rachat par le maître d'ouvrage"
    let reference = "Convention de portage de l'EPF Occitanie (rachat au prix de revient)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            // A buy-back written on any other line says nothing the treasury can use: the line
            // was probably meant to be the EPF's.
            for line in f.funding where line.nature != .portageFoncier && line.line.buyBack != nil {
                out.append(
                    error(
                        "\(line.name) : `rachat` ne vaut que pour un portage foncier de l'EPF, or cette ligne est « \(line.nature.label) »",
                        at: line.line.location(of: "rachat"), operation: f.id,
                        notes: ["retirez `rachat`, ou choisissez le dispositif de portage de l'EPF (nature portage foncier)"]))
            }
            for line in f.counted where line.nature == .portageFoncier {
                guard let buyBack = line.line.buyBack else {
                    out.append(
                        warning(
                            "\(line.name) (\(line.amount)) sans année de rachat : la trésorerie ne peut pas montrer quand le maître d'ouvrage rachète le foncier",
                            at: line.line.location, operation: f.id,
                            notes: ["ajoutez `rachat: { annee: AAAA, montant: … }` selon la convention de portage"]))
                    continue
                }
                let first = f.operation.costs.flatMap { $0.years.map(\.year) }.min()
                if let first, buyBack.year < first {
                    out.append(
                        error(
                            "\(line.name) : rachat en \(buyBack.year), avant la première dépense de l'opération (\(first))",
                            at: line.line.location(of: "rachat"), operation: f.id, notes: ["vérifiez l'année de rachat de la convention de portage"]))
                }
            }
        }
        return out
    }
}

extension LandBuyBackRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.funding.contains { $0.nature == .portageFoncier || $0.line.buyBack != nil }
    }
}
