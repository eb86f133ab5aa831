/// CGCT art. L1111-10 III: the maître d'ouvrage of an investment operation finances at least
/// 20 % of the total public financing (its own funds, loans included, plus public aid); 30 % when
/// it acts as chef de file (L1111-9). A derogation granted by the préfet, declared with its
/// decision date, lifts the rule. FCTVA counts neither as own funds nor as public aid.
struct OwnersShareRule: Rule {
    let id: DiagnosticID = .partMaitreOuvrage
    let title = "Participation minimale du maître d'ouvrage (20 % ou 30 % des financements publics)"
    let reference = "CGCT art. L1111-10 III ; L1111-9 I"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures where f.isInvestment {
            if let derogation = f.operation.derogation {
                if derogation.decisionDay == nil {
                    out.append(
                        error(
                            "la dérogation « \(derogation.ground.rawValue) » à la participation minimale est déclarée sans date de décision du préfet",
                            at: derogation.location, operation: f.id,
                            notes: ["ajoutez `decision_prefet: AAAA-MM-JJ` ; sans décision, la règle des 20 % s'applique"]))
                } else {
                    continue
                }
            }
            let name = f.operation.chefDeFile ? ParameterName.partMaitreOuvrageChefDeFile : ParameterName.partMaitreOuvrageMin
            guard let (minimum, ref) = context.rate(name, at: f.referenceDay) else { continue }
            let own = f.ownersShare
            let publicFinancing = own + f.publicAid
            guard !publicFinancing.isZero, !own.isAtLeast(minimum, of: publicFinancing) else { continue }
            let required = ceilingApplying(minimum, to: publicFinancing)
            let share = Rate.ratio(own, publicFinancing)?.formatted ?? "0 %"
            let location = f.funding.first { $0.nature == .autofinancement }?.line.location ?? f.operation.location(of: "financements")
            out.append(
                error(
                    "la part du maître d'ouvrage est de \(own) soit \(share) des financements publics (\(publicFinancing)) ; le minimum est \(minimum.formatted), soit \(required) (\(ref))",
                    at: location, operation: f.id,
                    notes: [
                        "il manque \(required - own) : réduisez les aides publiques d'autant et portez l'autofinancement à \(f.selfFinancing + (required - own)), ou déclarez la dérogation accordée par le préfet (`derogation_part_minimale`)"
                    ]))
        }
        return out
    }
}

extension OwnersShareRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.isInvestment
    }
}
