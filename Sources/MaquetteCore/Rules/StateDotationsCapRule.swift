/// CGCT R2334-27: DETR, DSIL, DPV and DSID together at most 80 % of the HT subsidisable expense
/// (the largest base among those lines, the arrêté's dépense subventionnable).
struct StateDotationsCapRule: Rule {
    let id: DiagnosticID = .dotationsPlafond
    let title = "DETR + DSIL + DPV + DSID au plus 80 % de la dépense subventionnable HT"
    let reference = "CGCT art. R2334-27"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.dotationEtat)
            guard let last = lines.last, let base = lines.compactMap(\.base).max(),
                let (cap, ref) = context.rate(ParameterName.dotationsPlafond, at: f.referenceDay)
            else { continue }
            let total = Money.sum(lines.map(\.amount))
            guard !total.isAtMost(cap, of: base) else { continue }
            let limit = base.applyingRoundedDown(cap)
            out.append(
                error(
                    "les dotations de l'État (\(lines.map(\.name).joined(separator: " + "))) totalisent \(total), \(Rate.ratio(total, base).map { "soit \($0.formatted) de la dépense subventionnable \(base) HT" } ?? "pour une dépense subventionnable nulle") ; le plafond est \(cap.formatted), soit \(limit) (\(ref))",
                    at: last.line.location(of: "montant"), operation: f.id,
                    notes: ["réduisez les dotations de \(total - limit) au total"]))
        }
        return out
    }
}

extension StateDotationsCapRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.dotationEtat).isEmpty
    }
}
