/// CGCT L1111-9 I: in a chef-de-file competence, a project may not be subsidised by both the
/// Région and a Département, except in the CPER or under a CTEC.
struct RegionDepartementRule: Rule {
    let id: DiagnosticID = .cumulRegionDepartement
    let title = "Pas de cumul Région et Département dans une compétence de chef de file"
    let reference = "CGCT art. L1111-9 I"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures where f.operation.chefDeFile && !f.operation.cperOrCtec {
            let region = f.amount(for: .region)
            let departement = f.amount(for: .departement)
            guard !region.isZero, !departement.isZero else { continue }
            let at = f.counted.last { $0.category == .departement }?.line.location
            out.append(
                error(
                    "compétence exercée en chef de file : l'opération ne peut pas cumuler la Région (\(region)) et le Département (\(departement)) (\(reference))",
                    at: at, operation: f.id,
                    notes: ["retirez l'un des deux, ou déclarez `cper_ou_ctec: oui` si l'opération est inscrite au CPER ou couverte par une CTEC"]))
        }
        return out
    }
}

extension RegionDepartementRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.operation.chefDeFile
    }
}
