/// DRAC fonds incitatif et partenarial: State aid at most 80 % (classé) or 40 % (inscrit), the
/// Région contributing at least 15 %, for low-resource communes under 10 000 inhabitants, on a
/// building the commune owns (`batiment_communal`, `faibles_ressources` when declared). Works
/// not started at the request: see `demarrage-anticipe`.
struct FIPRule: Rule {
    let id: DiagnosticID = .dracFIP
    let title = "Fonds incitatif et partenarial : taux de l'État, part de la Région, petite commune à faibles ressources, bâtiment communal"
    let reference = "Ministère de la Culture, fonds incitatif et partenarial (FIP)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.dracFIP) {
                let id = line.name
                guard let base = line.base else { continue }
                let capName: String
                switch f.operation.protection {
                case .classe: capName = ParameterName.fipClasseTauxMax
                case .inscrit: capName = ParameterName.fipInscritTauxMax
                case .aucune:
                    out.append(
                        error(
                            "\(id) est réservé aux monuments historiques, et l'opération ne déclare aucune protection",
                            at: line.line.location, operation: f.id, notes: ["déclarez `protection: inscrit` ou `protection: classe`"]))
                    continue
                }
                if let (cap, ref) = context.rate(capName, at: line.parameterDay), !line.amount.isAtMost(cap, of: base) {
                    out.append(
                        error(
                            "\(id) : \(line.amount) \(line.share(of: base)) ; le maximum pour un immeuble \(f.operation.protection.rawValue) est \(cap.formatted) (\(ref))",
                            at: line.line.location(of: "montant"), operation: f.id,
                            notes: ["ramenez l'aide à \(base.applyingRoundedDown(cap))"]))
                }
                if let (minimum, ref) = context.rate(ParameterName.fipRegionTauxMin, at: line.parameterDay) {
                    let region = f.amount(for: .region)
                    if !region.isAtLeast(minimum, of: base) {
                        out.append(
                            error(
                                "\(id) exige une participation de la Région d'au moins \(minimum.formatted) de \(base), soit \(ceilingApplying(minimum, to: base)) ; elle est de \(region) (\(ref))",
                                at: line.line.location, operation: f.id,
                                notes: ["sollicitez la Région pour \(ceilingApplying(minimum, to: base) - region) de plus"]))
                    }
                }
                if f.maitreOuvrage?.lowResources == false {
                    out.append(
                        error(
                            "\(id) est réservé aux communes à faibles ressources, et \(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage) est déclarée `faibles_ressources: non`",
                            at: line.line.location, operation: f.id, notes: ["sollicitez plutôt l'aide ordinaire aux monuments historiques"]))
                }
                if f.operation.buildingOwned == false {
                    out.append(
                        error(
                            "\(id) ne finance qu'un monument appartenant à la commune, et l'opération déclare `batiment_communal: non`",
                            at: f.operation.location(of: "batiment_communal"), operation: f.id,
                            notes: ["le propriétaire privé sollicite la DRAC directement"]))
                }
                if let population = f.maitreOuvrage?.population,
                    let (maximum, ref) = context.count(ParameterName.fipPopulationMax, at: line.parameterDay), population >= maximum
                {
                    out.append(
                        error(
                            "\(id) est réservé aux communes de moins de \(maximum) habitants ; \(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage) en compte \(population) (\(ref))",
                            at: line.line.location, operation: f.id, notes: ["sollicitez plutôt l'aide ordinaire aux monuments historiques"]))
                }
            }
        }
        return out
    }
}

extension FIPRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.dracFIP).isEmpty
    }
}
