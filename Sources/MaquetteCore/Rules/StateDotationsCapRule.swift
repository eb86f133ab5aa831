/// CGCT R2334-27, as worded on each line's request date. Since décret 2021-1291 (6 October 2021):
/// DETR, DSIL, DPV and DSID together at most 80 % of the HT subsidisable expense (the largest
/// base among those lines, the arrêté's dépense subventionnable). Before: the DETR may not bring
/// direct public aid above 80 % of its subsidisable expense.
struct StateDotationsCapRule: Rule {
    let id: DiagnosticID = .dotationsPlafond
    let title = "DETR + DSIL + DPV + DSID au plus 80 % de la dépense subventionnable HT (avant le 6/10/2021 : aides publiques au plus 80 % avec la DETR)"
    let reference = "CGCT art. R2334-27 (décret n° 2021-1291 du 6 octobre 2021 ; rédaction antérieure)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let combined = context.plans.catalogue.parameters[ParameterName.dotationsPlafond]
        let former = context.plans.catalogue.parameters[ParameterName.detrAidesPubliquesPlafond]
        func rate(_ p: Parameter?, _ day: Day) -> (Rate, String)? {
            guard let v = p?.value(at: day), case .rate(let r) = v.value else { return nil }
            return (r, v.reference)
        }
        for f in context.figures {
            let lines = f.with(.dotationEtat)
            guard let last = lines.last else { continue }
            // The combined cap binds the latest arrêté: its request date decides the wording.
            let day = lines.map(\.parameterDay).max() ?? last.parameterDay
            if let base = lines.compactMap(\.base).max(), let (cap, ref) = rate(combined, day) {
                let total = Money.sum(lines.map(\.amount))
                if !total.isAtMost(cap, of: base) {
                    let limit = base.applyingRoundedDown(cap)
                    out.append(
                        error(
                            "les dotations de l'État (\(lines.map(\.name).joined(separator: " + "))) totalisent \(total), \(Rate.ratio(total, base).map { "soit \($0.formatted) de la dépense subventionnable \(base) HT" } ?? "pour une dépense subventionnable nulle") ; le plafond est \(cap.formatted), soit \(limit) (\(ref))",
                            at: last.line.location(of: "montant"), operation: f.id,
                            notes: ["réduisez les dotations de \(total - limit) au total"]))
                    continue
                }
            }
            for line in lines where line.has(.detr) {
                guard let base = line.base, let (cap, ref) = rate(former, line.parameterDay),
                    !f.publicAid.isAtMost(cap, of: base)
                else { continue }
                let limit = base.applyingRoundedDown(cap)
                out.append(
                    error(
                        "\(line.name) demandée le \(line.parameterDay.formatted) : les aides publiques directes totalisent \(f.publicAid), au-delà de \(cap.formatted) de la dépense subventionnable \(base) HT, soit \(limit) (\(ref))",
                        at: line.line.location(of: "montant"), operation: f.id,
                        notes: ["réduisez les aides publiques de \(f.publicAid - limit) au total"]))
            }
        }
        return out
    }
}

extension StateDotationsCapRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.dotationEtat).isEmpty
    }
}
