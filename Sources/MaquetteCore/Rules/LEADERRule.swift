/// LEADER (FEADER) joins a national public counterpart: for a public owner its own
/// self-financing can be that counterpart. The cap is the aid rate of the GAL's fiche-action
/// (`leader-taux-max`, 80 % by default, to replace with the fiche's): LEADER ≤ rate × (LEADER +
/// national counterpart).
struct LEADERRule: Rule {
    let id: DiagnosticID = .leaderContrepartie
    let title = "LEADER : au plus le taux de la fiche-action du GAL, avec une contrepartie publique nationale (autofinancement public compris)"
    let reference = "Programme LEADER 2023-2027 (FEADER), fiche-action du GAL"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.leader)
            guard let last = lines.last, let (cap, ref) = context.rate(ParameterName.leaderTauxMax, at: last.parameterDay)
            else { continue }
            let leader = Money.sum(lines.map(\.amount))
            // The owner is a commune or an EPCI: a public person, whose own money counts.
            let national = f.publicAid - leader + f.ownersShare
            if national.isZero || national.isNegative {
                out.append(
                    error(
                        "LEADER (\(leader)) demande une contrepartie publique nationale, et l'opération n'en a aucune, ni aide nationale ni autofinancement (\(ref))",
                        at: last.line.location, operation: f.id,
                        notes: ["portez une part d'autofinancement ou sollicitez une aide publique nationale en contrepartie"]))
            } else if !leader.isAtMost(cap, of: leader + national), cap < .hundredPercent {
                // leader ≤ cap × (leader + national) ⇔ leader ≤ national × cap / (1 − cap).
                let maximum = Money(cents: Int64(clamping: Int128(national.cents) * Int128(cap.millionths) / Int128(Rate.scale - cap.millionths)))
                out.append(
                    error(
                        "LEADER (\(leader)) dépasse \(cap.formatted) de l'ensemble qu'il forme avec sa contrepartie nationale (\(leader + national), dont \(national) de contrepartie, autofinancement compris) ; il est au plus \(maximum) (\(ref))",
                        at: last.line.location(of: "montant"), operation: f.id,
                        notes: ["réduisez LEADER de \(leader - maximum) ou augmentez la contrepartie nationale"]))
            }
        }
        return out
    }
}

extension LEADERRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.leader).isEmpty
    }
}
