/// CGCT L2334-37: a DETR subsidy above the threshold goes before the commission départementale
/// des élus: 150 000 € until 2017, 100 000 € since the 2018 finance law (dated by the request).
struct DETRCommissionRule: Rule {
    let id: DiagnosticID = .detrCommission
    let title = "Avis de la commission des élus pour une DETR au-delà du seuil (150 000 € avant 2018, 100 000 € depuis)"
    let reference = "CGCT art. L2334-37"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.with(.detr) {
                guard let (threshold, ref) = context.amount(ParameterName.detrSeuilCommission, at: line.parameterDay),
                    line.amount > threshold
                else { continue }
                out.append(
                    warning(
                        "\(line.name) de \(line.amount), au-delà de \(threshold) : le projet sera soumis pour avis à la commission départementale des élus (\(ref))",
                        at: line.line.location(of: "montant"), operation: f.id,
                        notes: ["prévoyez le calendrier de la commission dans celui de la demande"]))
            }
        }
        return out
    }
}

extension DETRCommissionRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.detr).isEmpty
    }
}
