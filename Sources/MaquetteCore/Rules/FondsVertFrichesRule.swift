/// Fonds vert, recyclage foncier des friches: the aid covers all or part of the operation's
/// deficit left after other subsidies and receipts, never more.
struct FondsVertFrichesRule: Rule {
    let id: DiagnosticID = .fondsVertDeficit
    let title = "Fonds vert friches au plus le déficit de l'opération"
    let reference = "Fonds vert, mesure recyclage foncier des friches (cahier d'accompagnement)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.fondsVertFriches)
            guard let last = lines.last else { continue }
            let fv = Money.sum(lines.map(\.amount))
            let receipts = Money.sum(f.counted.filter { $0.nature == .recette }.map(\.amount))
            let deficit = f.costOnBasis - receipts - (f.publicAid - fv)
            guard fv > deficit else { continue }
            out.append(
                error(
                    "le Fonds vert friches (\(fv)) dépasse le déficit de l'opération après les autres aides et les recettes (\(f.costOnBasis) − recettes \(receipts) − autres aides \(f.publicAid - fv) = \(deficit))",
                    at: last.line.location(of: "montant"), operation: f.id,
                    notes: ["ramenez le Fonds vert à \(max(deficit, .zero)) au plus"]))
        }
        return out
    }
}

extension FondsVertFrichesRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.fondsVertFriches).isEmpty
    }
}
