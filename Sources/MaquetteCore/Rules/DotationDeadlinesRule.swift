/// State dotations' deadlines, counted from the same commencement d'exécution as the early-start
/// rule (the first legal act): it must come within 2 years of the arrêté attributif, which the
/// préfet may extend by 1 year (R2334-28); the operation must be completed within 4 years of the
/// commencement, extendable by 2 years (R2334-29). Past the extension, the préfet constate la
/// caducité de l'arrêté attributif.
struct DotationDeadlinesRule: Rule {
    let id: DiagnosticID = .dotationsDelais
    let title = "Commencement d'exécution dans les 2 ans de l'arrêté (+1 an), achèvement dans les 4 ans (+2 ans)"
    let reference = "CGCT art. R2334-28 et R2334-29"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.dotationEtat) {
                guard let d = line.dispositif, let notified = line.line.notificationDay,
                    let (start, declared) = Financing.commencement(for: d, in: f.operation)
                else { continue }
                // Worded only for a date past its deadline (most are not).
                var startWord: String {
                    declared
                        ? "le commencement d'exécution (premier acte juridique) du \(start.formatted)"
                        : "le commencement d'exécution (au plus tard au début des travaux, le \(start.formatted))"
                }
                // A date past its deadline: an error beyond the longest prorogation, a warning
                // beyond the deadline alone (a prorogation can still be asked for).
                func late(
                    _ date: Day, deadline: Day, extended: Day, error broken: @autoclosure () -> String, warning late: @autoclosure () -> String,
                    notes: @autoclosure () -> (error: String, warning: String)
                ) {
                    if extended < date {
                        out.append(error(broken(), at: f.operation.location(of: "calendrier"), operation: f.id, notes: [notes().error]))
                    } else if deadline < date {
                        out.append(warning(late(), at: f.operation.location(of: "calendrier"), operation: f.id, notes: [notes().warning]))
                    }
                }
                if let (months, ref) = context.count(ParameterName.dotationsDelaiDemarrageMois, at: notified) {
                    let deadline = notified.adding(months: months)
                    let extra = context.count(ParameterName.dotationsProrogationDemarrageMois, at: notified)?.0 ?? 0
                    let extended = deadline.adding(months: extra)
                    late(
                        start, deadline: deadline, extended: extended,
                        error: "\(line.name) notifiée le \(notified.formatted) : \(startWord) vient après le délai de \(months) mois prorogé de \(extra) (\(extended.formatted)) ; le préfet constate la caducité de l'arrêté attributif (\(ref))",
                        warning: "\(line.name) notifiée le \(notified.formatted) : \(startWord) vient après le délai de \(months) mois (\(deadline.formatted)) ; sans prorogation, le préfet constate la caducité de l'arrêté attributif (\(ref))",
                        notes: (
                            "avancez le commencement d'exécution, ou déposez une nouvelle demande",
                            "demandez au préfet la prorogation d'un an (au plus \(extended.formatted)) avant le \(deadline.formatted)"
                        ))
                }
                if let end = f.operation.end, let (months, ref) = context.count(ParameterName.dotationsDelaiAchevementMois, at: notified) {
                    let deadline = start.adding(months: months)
                    let extra = context.count(ParameterName.dotationsProrogationAchevementMois, at: notified)?.0 ?? 0
                    let extended = deadline.adding(months: extra)
                    late(
                        end, deadline: deadline, extended: extended,
                        error: "\(line.name) : l'achèvement prévu le \(end.formatted) dépasse \(months) mois après le commencement d'exécution, prorogation de \(extra) mois comprise (\(extended.formatted)) ; les demandes de paiement ne seraient plus recevables (\(ref))",
                        warning: "\(line.name) : l'achèvement prévu le \(end.formatted) dépasse \(months) mois après le commencement d'exécution (\(deadline.formatted)) ; les demandes de paiement ne seraient plus recevables (\(ref))",
                        notes: (
                            "resserrez le calendrier, ou découpez l'opération en tranches demandées séparément",
                            "une prorogation exceptionnelle (au plus \(extended.formatted)) doit être demandée au préfet"
                        ))
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
