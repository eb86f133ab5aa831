/// Fonds vert, recyclage foncier des friches: since 2023 the clean-up of polluted sites is
/// instructed by ADEME inside the Fonds vert, so a separate ADEME line beside a Fonds vert friches
/// line on the same expense counts it twice; since 2025 a demolition needs a justification note
/// (`justification:` on the demolition's expense line). Dated by the Fonds vert line's request.
struct FondsVertFrichesConditionsRule: Rule {
    let id: DiagnosticID = .fondsVertFrichesConditions
    let title = "Fonds vert friches : pas de ligne ADEME en double sur la même dépense (depuis 2023), démolition justifiée (depuis 2025)"
    let reference = "Fonds vert, mesure recyclage foncier (cahier d'accompagnement 2023 ; FAQ 2025)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for fv in f.with(.fondsVertFriches) {
                guard let fvDispositif = fv.dispositif else { continue }
                let day = fv.parameterDay
                if let v = context.parameter(ParameterName.fondsVertAdemeIntegreDepuis, at: day), v.value == .inForce {
                    for ademe in f.with(.ademeFriches) {
                        guard let d = ademe.dispositif else { continue }
                        let shared = f.operation.costs.filter { Financing.isEligible($0, for: d) && Financing.isEligible($0, for: fvDispositif) }
                        guard !shared.isEmpty else { continue }
                        out.append(
                            warning(
                                "\(ademe.name) (\(ademe.amount)) et \(fv.name) (\(fv.amount)) financent les mêmes dépenses (\(shared.map { "« \($0.label) »" }.joined(separator: ", "))) : depuis 2023 la dépollution est instruite par l'ADEME au sein du Fonds vert, la ligne compte deux fois (\(v.reference))",
                                at: ademe.line.location, operation: f.id,
                                notes: ["retirez la ligne ADEME et portez la dépollution dans la demande au Fonds vert friches"]))
                    }
                }
                if let v = context.parameter(ParameterName.fondsVertDemolitionJustifiee, at: day), v.value == .inForce {
                    for cost in f.operation.costs where cost.nature == .demolition && !cost.amountHT.isZero && cost.justification == nil {
                        out.append(
                            warning(
                                "« \(cost.label) » : une démolition financée par \(fv.name) doit être justifiée par une note (\(v.reference))",
                                at: cost.location, operation: f.id,
                                notes: ["ajoutez `justification: « Note … »` à la dépense, ou préférez la réhabilitation"]))
                    }
                }
            }
        }
        return out
    }
}

extension FondsVertFrichesConditionsRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.fondsVertFriches).isEmpty
    }
}
