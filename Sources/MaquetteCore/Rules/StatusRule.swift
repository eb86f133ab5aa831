/// A funding line's status agrees with its dates and payments: a request filed has its filing
/// date, a notified line its notification date (not before the request), paid at most notified.
struct StatusRule: Rule {
    let id: DiagnosticID = .statutCoherent
    let title = "Cohérence du statut, des dates et des versements de chaque ligne"
    let reference = "Pratique : envisagé → sollicité → notifié → versé"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.funding {
                guard line.hasDispositif else { continue }
                // Worded only when something is said (most lines are fine).
                lazy var name = line.name
                lazy var at = line.line.location(of: "statut")
                switch line.line.status {
                case .sollicite where line.line.requestDay == nil:
                    out.append(
                        error(
                            "\(name) est « sollicité » sans date de dépôt", at: at, operation: f.id,
                            notes: ["ajoutez `depot: AAAA-MM-JJ` (réception de la demande, accusé de réception)"]))
                case .notifie where line.line.notificationDay == nil, .verse where line.line.notificationDay == nil:
                    out.append(
                        error(
                            "\(name) est « \(line.line.status.label) » sans date de notification", at: at, operation: f.id,
                            notes: ["ajoutez `notification: AAAA-MM-JJ` (date de l'arrêté ou de la convention)"]))
                case .envisage where line.line.notificationDay != nil:
                    out.append(
                        warning(
                            "\(name) est « envisagé » mais porte une date de notification", at: at, operation: f.id,
                            notes: ["passez le statut à `notifie`"]))
                default: break
                }
                // A range is an estimate: once the decision is taken, its rate or amount is known
                // (the plan counts the range's lower bound meanwhile).
                if let range = line.line.rateRange, line.line.status == .notifie || line.line.status == .verse {
                    out.append(
                        warning(
                            "\(name) est « \(line.line.status.label) » avec une fourchette de taux (\(range.lowerBound.formatted) .. \(range.upperBound.formatted)) : le plan compte \(range.lowerBound.formatted), soit \(line.amount)",
                            at: line.line.location(of: "taux"), operation: f.id,
                            notes: ["remplacez la fourchette par le taux ou le montant de l'arrêté"]))
                }
                if let request = line.line.requestDay, let notified = line.line.notificationDay, notified < request {
                    out.append(
                        error(
                            "\(name) : notifié le \(notified.formatted), avant le dépôt de la demande le \(request.formatted)",
                            at: line.line.location(of: "notification"), operation: f.id, notes: ["vérifiez les deux dates"]))
                }
                if let paid = line.line.paid {
                    if paid > line.amount {
                        out.append(
                            error(
                                "\(name) : \(paid) versés pour une subvention de \(line.amount)", at: line.line.location(of: "verse"),
                                operation: f.id, notes: ["le versé ne peut pas dépasser le montant notifié"]))
                    }
                    if !paid.isZero && !(line.line.status == .verse || line.line.status == .notifie) {
                        out.append(
                            error(
                                "\(name) : des versements (\(paid)) sur une ligne « \(line.line.status.label) »", at: at, operation: f.id,
                                notes: ["une subvention n'est versée qu'une fois notifiée : corrigez le statut"]))
                    }
                }
            }
        }
        return out
    }
}

extension StatusRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.funding.contains { $0.dispositif != nil }
    }
}

extension StatusRule {
    /// Dates the status says have passed but which are still to come on `today`, the workbook's
    /// day: a line « sollicité » (or further) whose request is dated later, a line « notifié » or
    /// « versé » whose notification is. Warnings of the export, which has a date (`verifier` has
    /// none): the officer recorded a planned date, or the status ran ahead of the file.
    static func datesToCome(_ figures: [OperationFigures], today: Day) -> [Diagnostic] {
        // Each operation on any core (a generated programme words thousands), in order.
        Concurrent.map(figures, minimumChunk: 256) { datesToCome($0, today: today) }.flatMap { $0 }
    }

    /// One operation's statuses ahead of their dates on `today`.
    static func datesToCome(_ f: OperationFigures, today: Day) -> [Diagnostic] {
        let rule = StatusRule()
        var out: [Diagnostic] = []
        for line in f.funding {
            guard line.hasDispositif else { continue }
            if line.line.status != .envisage, let request = line.line.requestDay, today < request {
                out.append(
                    rule.warning(
                        "\(line.name) est « \(line.line.status.label) » mais sa demande est datée du \(request.formatted), après le \(today.formatted) (date du classeur)",
                        at: line.line.location(of: "depot"), operation: f.id,
                        notes: ["gardez le statut `envisage` jusqu'au dépôt, ou corrigez `depot`"]))
            }
            if line.line.status == .notifie || line.line.status == .verse, let notified = line.line.notificationDay, today < notified {
                out.append(
                    rule.warning(
                        "\(line.name) est « \(line.line.status.label) » mais sa notification est datée du \(notified.formatted), après le \(today.formatted) (date du classeur)",
                        at: line.line.location(of: "notification"), operation: f.id,
                        notes: ["gardez le statut `sollicite` jusqu'à la notification, ou corrigez `notification`"]))
            }
        }
        return out
    }
}
