/// DETR/DSIL deadlines: the works start within 2 years of notification (else the subsidy lapses)
/// and are completed within 4 years of the start.
struct DotationDeadlinesRule: Rule {
    let id: DiagnosticID = .dotationsDelais
    let title = "Délais de commencement (2 ans) et d'achèvement (4 ans) des dotations de l'État"
    let reference = "CGCT R2334-28 et suivants (préfecture de Vaucluse, délai de réalisation)"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.dotationEtat) {
                guard let notified = line.line.notificationDay, let start = f.operation.worksStart else { continue }
                if let (months, ref) = context.count(ParameterName.dotationsDelaiDemarrageMois, at: notified),
                    notified.adding(months: months) < start
                {
                    out.append(
                        error(
                            "\(line.name) notifiée le \(notified.formatted) : les travaux prévus le \(start.formatted) commencent après le délai de \(months) mois (\(notified.adding(months: months).formatted)) ; la subvention devient caduque (\(ref))",
                            at: f.operation.location(of: "calendrier"), operation: f.id,
                            notes: ["avancez le commencement, ou demandez la prorogation d'un an deux mois avant l'échéance"]))
                }
                if let end = f.operation.end,
                    let (months, ref) = context.count(ParameterName.dotationsDelaiAchevementMois, at: notified),
                    start.adding(months: months) < end
                {
                    out.append(
                        warning(
                            "\(line.name) : l'achèvement prévu le \(end.formatted) dépasse \(months) mois après le commencement (\(start.adding(months: months).formatted)) ; les demandes de paiement ne seraient plus recevables (\(ref))",
                            at: f.operation.location(of: "calendrier"), operation: f.id,
                            notes: ["une prorogation exceptionnelle de deux ans doit être demandée au préfet"]))
                }
            }
        }
        return out
    }
}

extension DotationDeadlinesRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.with(.dotationEtat).contains { $0.line.notificationDay != nil }
    }
}
