/// DRAC aid for historic monuments: at most 40 % of the restoration and repair works on a
/// building inscrit (Code du patrimoine L621-29): extensions and new fittings (`travaux_monument:
/// extension` or `amenagement-neuf`) are outside its base; only on a protected building.
struct HeritageRule: Rule {
    let id: DiagnosticID = .dracMonuments
    let title = "Aide de la DRAC aux monuments historiques : 40 % au plus des travaux de restauration et de réparation sur un immeuble inscrit"
    let reference = "Code du patrimoine art. L621-29"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.dracMonuments) {
                switch f.operation.protection {
                case .aucune:
                    out.append(
                        error(
                            "\(line.name) finance des immeubles protégés au titre des monuments historiques, et l'opération ne déclare aucune protection",
                            at: line.line.location, operation: f.id,
                            notes: ["déclarez `protection: inscrit` ou `protection: classe`, ou retirez la ligne"]))
                case .inscrit:
                    guard let base = line.base, let (cap, ref) = context.rate(ParameterName.dracInscritTauxMax, at: line.parameterDay),
                        !line.amount.isAtMost(cap, of: base)
                    else { continue }
                    out.append(
                        error(
                            "\(line.name) : \(line.amount) \(line.share(of: base)) (travaux de restauration et de réparation d'un immeuble inscrit, hors extension et aménagements neufs) ; le maximum est \(cap.formatted), soit \(base.applyingRoundedDown(cap)) (\(ref))",
                            at: line.line.location(of: "montant"), operation: f.id,
                            notes: ["ramenez l'aide à \(base.applyingRoundedDown(cap))"]))
                case .classe:
                    break
                }
            }
        }
        return out
    }
}

extension HeritageRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.dracMonuments).isEmpty
    }
}
