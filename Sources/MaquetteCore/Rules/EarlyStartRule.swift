/// No start of works before the request was received (CGCT R2334-24 for DETR/DSIL; décret
/// 2018-514 art. 3; ANAH RGA art. 26; LEADER). Studies and land purchase are not a start: the
/// start compared here is the works' start (`calendrier.debut_travaux`). The préfet's derogation,
/// declared on the line, lifts the rule.
struct EarlyStartRule: Rule {
    let id: DiagnosticID = .demarrageAnticipe
    let title = "Pas de commencement des travaux avant la réception de la demande"
    let reference = "CGCT art. R2334-24 ; décret 2018-514 art. 3 ; RGA ANAH art. 26"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            guard let start = f.operation.worksStart else { continue }
            for line in f.counted {
                guard let d = line.dispositif, d.regime.forbidsEarlyStart, line.line.earlyStartDerogation == nil,
                    let request = line.line.requestDay, start < request
                else { continue }
                out.append(
                    error(
                        "\(d.id) : les travaux commencent le \(start.formatted), avant la réception de la demande le \(request.formatted) ; la subvention ne peut pas être attribuée",
                        at: line.line.location(of: "depot"), operation: f.id,
                        notes: [
                            "déposez la demande avant le commencement (premier acte juridique : devis signé, marché…), ou déclarez la dérogation du préfet (`derogation_demarrage: AAAA-MM-JJ`)"
                        ]))
            }
        }
        return out
    }
}

extension EarlyStartRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.operation.worksStart != nil && figures.counted.contains { $0.dispositif?.regime.forbidsEarlyStart ?? false }
    }
}
