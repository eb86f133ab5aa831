/// Amounts paid on a State subsidy (DETR, DSIL and décret 2018-514 aid), décret 2018-514 art. 12:
/// until the final payment (status `verse`), the advance and instalments stay within 80 % of the
/// subsidy; 60 % when the advance needed a first-demand bank guarantee; 90 % when the project
/// lasts over 48 months (commencement d'exécution to completion). The final subsidy is rate ×
/// actual HT expense, capped at the amount granted (R2334-30): never above the line's amount.
struct PaymentsRule: Rule {
    let id: DiagnosticID = .versements
    let title = "Versements d'une subvention de l'État avant le solde : 80 % au plus (60 % avec garantie à première demande, 90 % au-delà de 48 mois)"
    let reference = "Décret n° 2018-514 art. 12 ; CGCT art. R2334-30"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.counted {
                guard line.regime == .dotationCGCT || line.regime == .decret2018514,
                    let paid = line.line.paid, line.line.status != .verse,
                    let (cap, ref) = Self.instalmentCap(line, f, context)
                else { continue }
                let limit = line.amount.applyingRoundedDown(cap)
                guard paid > limit else { continue }
                out.append(
                    error(
                        "\(line.name) : \(paid) versés avant le solde, au-delà de \(cap.formatted) de la subvention (\(line.amount)), soit \(limit) (\(ref))",
                        at: line.line.location(of: "verse"), operation: f.id,
                        notes: ["vérifiez le montant versé ; si l'opération est achevée et le solde payé, passez le statut à `verse`"]))
            }
        }
        return out
    }

    /// The ceiling of advance + instalments for a line, with its reference.
    static func instalmentCap(_ line: ResolvedFunding, _ f: OperationFigures, _ context: RuleContext) -> (Rate, String)? {
        let day = line.parameterDay
        if line.line.firstDemandGuarantee, let r = context.rate(ParameterName.versementAcomptesPlafondGarantie, at: day) { return r }
        if let (months, _) = context.count(ParameterName.versementDureeLongueMois, at: day), let end = f.operation.end,
            let start = line.dispositif.flatMap({ Financing.commencement(for: $0, in: f.operation)?.day }) ?? f.operation.worksStart,
            start.adding(months: months) < end, let r = context.rate(ParameterName.versementAcomptesPlafondLong, at: day)
        {
            return r
        }
        return context.rate(ParameterName.versementAcomptesPlafondEtat, at: day)
    }
}

extension PaymentsRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.line.paid != nil && ($0.dispositif.map { $0.regime == .dotationCGCT || $0.regime == .decret2018514 } ?? false) }
    }
}
