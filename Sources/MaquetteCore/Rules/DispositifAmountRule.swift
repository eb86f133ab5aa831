/// Each dispositif's ceiling (maximum amount per operation) and floor (minimum subsidy).
struct DispositifAmountRule: Rule {
    let id: DiagnosticID = .plafondDispositif
    let title = "Plafond et plancher en montant de chaque dispositif"
    let reference = "Règlement de chaque dispositif (catalogue)"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.counted {
                guard line.hasDispositif else { continue }
                // Found only for a line that breaks the rule (most do not): reaching it copies the line.
                var where_: SourceLocation? { line.line.location(of: line.line.keyLocations["taux"] != nil ? "taux" : "montant") }
                if let v = line.parameter(Dispositif.plafond), case .amount(let cap) = v.value,
                    line.amount > cap
                {
                    out.append(
                        error(
                            "\(line.name) : \(line.amount) dépasse le plafond du dispositif, \(cap) (\(v.reference))",
                            at: where_, operation: f.id,
                            notes: ["ramenez la ligne à \(cap) et financez les \(line.amount - cap) restants autrement"]))
                }
                if let v = line.parameter(Dispositif.plancher), case .amount(let floor) = v.value,
                    line.amount < floor
                {
                    out.append(
                        error(
                            "\(line.name) : \(line.amount) est en dessous du montant minimal de subvention, \(floor) (\(v.reference))",
                            at: where_, operation: f.id,
                            notes: ["le financeur n'instruit pas une demande de ce montant : supprimez la ligne ou regroupez les dépenses"]))
                }
            }
        }
        return out
    }
}

extension DispositifAmountRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.hasParameter([Dispositif.plafond, Dispositif.plancher])
    }
}
