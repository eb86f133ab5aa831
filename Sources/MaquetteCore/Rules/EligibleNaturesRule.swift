/// A dispositif finances only its eligible natures of expense: the operation must have some, and a
/// declared base should not exceed them.
struct EligibleNaturesRule: Rule {
    let id: DiagnosticID = .naturesEligibles
    let title = "Dépenses éligibles de chaque dispositif"
    let reference = "Règlement de chaque dispositif (catalogue) ; décret 2018-514 art. 2"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.counted {
                guard let d = line.dispositif, let natures = d.eligibleNatures else { continue }
                let eligible = Financing.eligibleCosts(of: d, in: f.operation)
                let list = natures.map(\.rawValue).sorted().joined(separator: ", ")
                if eligible.isZero {
                    out.append(
                        error(
                            "\(d.usualName) ne finance que les dépenses de nature \(list), et l'opération n'en a aucune",
                            at: line.line.location, operation: f.id,
                            notes: ["vérifiez la nature des dépenses ou retirez cette ligne"]))
                } else if let declared = line.line.declaredBase, declared > eligible {
                    out.append(
                        warning(
                            "\(d.usualName) : l'assiette déclarée (\(declared)) dépasse les dépenses éligibles de l'opération (\(eligible) \(d.basis.rawValue), natures \(list))",
                            at: line.line.location(of: "assiette"), operation: f.id,
                            notes: ["vérifiez l'assiette retenue par l'arrêté attributif"]))
                }
            }
        }
        return out
    }
}

extension EligibleNaturesRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.dispositif?.eligibleNatures != nil }
    }
}
