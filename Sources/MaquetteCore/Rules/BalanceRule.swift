/// The plan balances to the cent on its declared basis: resources equal expenses (HT or TTC).
/// The autofinancement (reste à financer) computed by `autofinancement: solde` must not be negative.
struct BalanceRule: Rule {
    let id: DiagnosticID = .equilibre
    let title = "Le plan de financement est équilibré au centime près"
    let reference = "Principe d'équilibre du plan de financement"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let basis = f.operation.basis.rawValue
            if let solde = f.funding.first(where: { $0.line.amount == .balance }), solde.amount.isNegative {
                out.append(
                    error(
                        "l'autofinancement (reste à financer) est négatif : \(solde.amount) ; les autres ressources dépassent les dépenses \(basis) (\(f.costOnBasis)) de \((-solde.amount).formatted)",
                        at: solde.line.location, operation: f.id,
                        notes: ["réduisez une ressource d'au moins \((-solde.amount).formatted) ou ajoutez la dépense manquante"]))
                continue
            }
            let gap = f.balanceGap
            guard !gap.isZero else { continue }
            let remedy =
                gap.isNegative
                ? "ajoutez une ressource de \((-gap).formatted) (par exemple `autofinancement: solde`) ou réduisez une dépense d'autant"
                : "réduisez une ressource de \(gap.formatted) ou ajoutez la dépense qui manque"
            out.append(
                error(
                    "le plan est déséquilibré : ressources \(f.totalResources), dépenses \(f.costOnBasis) \(basis) (écart \(gap.isNegative ? "-" : "+")\(gap.isNegative ? -gap : gap))",
                    at: f.operation.location(of: "financements"), operation: f.id, notes: [remedy]))
        }
        return out
    }
}
