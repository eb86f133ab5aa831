/// CGCT art. L1111-10 III (in force since 1 January 2012): the maître d'ouvrage of an investment
/// operation finances at least 20 % of the total public financing (its own funds, loans and land
/// carried for it included, plus public aid); 30 % when it acts as chef de file (L1111-9 I, loi
/// MAPTAM). Derogations: ANRU operations need no decision (loi 2003-710 art. 9); the others need
/// the préfet's decision, which may waive the share or lower it (`part_minimale`); for the energy
/// renovation of school buildings the préfet may set it at 10 % (loi 2024-279). FCTVA counts
/// neither as own funds nor as public aid.
struct OwnersShareRule: Rule {
    let id: DiagnosticID = .partMaitreOuvrage
    let title = "Participation minimale du maître d'ouvrage (20 % ou 30 % des financements publics, ou la part abaissée par le préfet)"
    let reference = "CGCT art. L1111-10 III ; L1111-9 I (loi MAPTAM) ; loi n° 2024-279"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures where f.isInvestment {
            var lowered: (Rate, String)?
            let name = f.operation.chefDeFile ? ParameterName.partMaitreOuvrageChefDeFile : ParameterName.partMaitreOuvrageMin
            let legal = context.rate(name, at: f.referenceDay)
            if let derogation = f.operation.derogation, let share = derogation.minimumShare, let (minimum, ref) = legal, share > minimum {
                // A derogation lowers the share; a higher one is a typing error, and the law's applies.
                out.append(
                    error(
                        "la part minimale fixée par dérogation (\(share.formatted)) dépasse le minimum de la loi (\(minimum.formatted), \(ref)) : une dérogation ne peut que l'abaisser",
                        at: derogation.minimumShareLocation ?? derogation.location, operation: f.id,
                        notes: ["vérifiez `part_minimale` dans la décision du préfet ; en attendant, le minimum de la loi s'applique"]))
            } else if let derogation = f.operation.derogation {
                if derogation.ground.needsNoDecision { continue }
                if derogation.decisionDay == nil {
                    out.append(
                        error(
                            "la dérogation « \(derogation.ground.rawValue) » à la participation minimale est déclarée sans date de décision du préfet",
                            at: derogation.location, operation: f.id,
                            notes: ["ajoutez `decision_prefet: AAAA-MM-JJ` ; sans décision, la règle des 20 % s'applique"]))
                } else if let share = derogation.minimumShare {
                    lowered = (share, "part fixée par le préfet le \(derogation.decisionDay?.formatted ?? "—")")
                } else if derogation.ground == .renovationEnergetiqueEcoles, let decided = derogation.decisionDay {
                    // The law lets the préfet lower the share to 10 %, not waive it.
                    guard let (share, ref) = context.rate(ParameterName.partMaitreOuvrageRenovationEcoles, at: decided)
                    else { continue }
                    lowered = (share, ref)
                } else {
                    continue
                }
            }
            guard let (minimum, ref) = lowered ?? legal else { continue }
            let own = f.ownersShare
            let publicFinancing = own + f.publicAid
            guard !publicFinancing.isZero, !own.isAtLeast(minimum, of: publicFinancing) else { continue }
            let required = ceilingApplying(minimum, to: publicFinancing)
            // A negative share has no meaningful percentage: say what it is.
            let share =
                own.isNegative
                ? "négative : les aides publiques (\(f.publicAid)) dépassent le coût de l'opération"
                : "de \(own) soit \(Rate.ratio(own, publicFinancing)?.formatted ?? "0 %") des financements publics (\(publicFinancing))"
            let location = f.funding.first { $0.nature == .autofinancement }?.line.location ?? f.operation.location(of: "financements")
            out.append(
                error(
                    "la part du maître d'ouvrage est \(share) ; le minimum est \(minimum.formatted), soit \(required) (\(ref))",
                    at: location, operation: f.id,
                    notes: [
                        "il manque \(required - own) : réduisez les aides publiques d'autant et portez l'autofinancement (reste à financer) à \(f.selfFinancing + (required - own)), ou déclarez la dérogation accordée par le préfet (`derogation_part_minimale`)"
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
