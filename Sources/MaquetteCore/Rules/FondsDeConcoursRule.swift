/// CGCT L5214-16 V: the fonds de concours may not exceed the share the beneficiary finances net of
/// subsidies: fdc ≤ cost − other public aid − fdc.
struct FondsDeConcoursRule: Rule {
    let id: DiagnosticID = .fondsDeConcours
    let title = "Fonds de concours au plus la part nette du bénéficiaire"
    let reference = "CGCT art. L5214-16 V"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.counted.filter { $0.nature == .fondsDeConcours }
            guard let last = lines.last else { continue }
            let fdc = Money.sum(lines.map(\.amount))
            let otherAid = f.publicAid - fdc
            let netShare = f.costOnBasis - otherAid - fdc
            guard fdc > netShare else { continue }
            // The largest fdc allowed: fdc = cost − other − fdc, so half of (cost − other), rounded down.
            let maximum = Money(cents: max(0, (f.costOnBasis - otherAid).cents / 2))
            out.append(
                error(
                    "le fonds de concours (\(fdc)) dépasse la part financée par la commune hors subventions (\(netShare)) ; au plus \(maximum)",
                    at: last.line.location(of: "montant"), operation: f.id,
                    notes: ["ramenez le fonds de concours à \(maximum) et portez la différence en autofinancement"]))
        }
        return out
    }
}

extension FondsDeConcoursRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.nature == .fondsDeConcours }
    }
}
