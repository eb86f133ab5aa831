/// No commencement d'exécution before the request is received. The commencement is the first
/// legal act (signed quote, order, acte d'engagement of a contract), not the day works begin on
/// site (CGCT R2334-24 I; décret 2018-514 art. 3); it is compared with the réception de la
/// demande (accusé de réception). For the State dotations, studies and land purchase are not a
/// start. Applies to State, ANAH and European aid, and to dispositifs whose own rules want the
/// request first (Région Occitanie). The préfet's derogation, declared on the line, lifts it.
struct EarlyStartRule: Rule {
    let id: DiagnosticID = .demarrageAnticipe
    let title = "Pas de commencement d'exécution (premier acte juridique) avant la réception de la demande"
    let reference = "CGCT art. R2334-24 I ; décret 2018-514 art. 3 ; RGA ANAH art. 26 ; règlement des aides de la Région Occitanie"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            // The earliest any commencement of the operation can be: a line received before it
            // needs no closer look (most lines, in a large programme).
            guard let earliest = Self.earliestStart(of: f.operation) else { continue }
            for line in f.counted {
                guard let d = line.dispositif, d.forbidsEarlyStart, line.line.earlyStartDerogation == nil,
                    let received = line.line.requestReceived, earliest < received,
                    let (start, declared) = Financing.commencement(for: d, in: f.operation), start < received
                else { continue }
                let what =
                    declared
                    ? "le commencement d'exécution (premier acte juridique) est du \(start.formatted)"
                    : "les travaux commencent le \(start.formatted), et le premier acte juridique (non déclaré) les précède"
                let exempt = d.regime == .dotationCGCT ? " (les études et acquisitions foncières ne comptent pas)" : ""
                out.append(
                    error(
                        "\(line.name) : \(what), avant la réception de la demande (accusé de réception) du \(received.formatted)\(exempt) ; la subvention ne peut pas être attribuée",
                        at: line.line.location(of: line.line.receiptAcknowledged != nil ? "accuse_reception" : "depot"), operation: f.id,
                        notes: [
                            "ne signez aucun devis, bon de commande ni marché avant l'accusé de réception de la demande ; sinon déclarez la dérogation du préfet (`derogation_demarrage: AAAA-MM-JJ`)"
                        ]))
            }
        }
        return out
    }

    /// The earliest first legal act, lot or operation, or works' start written for the operation.
    static func earliestStart(of operation: Operation) -> Day? {
        var earliest = operation.firstLegalAct
        if let start = operation.worksStart, earliest.map({ start < $0 }) ?? true { earliest = start }
        for cost in operation.costs {
            if let day = cost.firstLegalAct, earliest.map({ day < $0 }) ?? true { earliest = day }
        }
        return earliest
    }
}

extension EarlyStartRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.dispositif?.forbidsEarlyStart ?? false }
    }
}
