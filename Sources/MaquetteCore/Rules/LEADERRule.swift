/// LEADER (FEADER) follows a national public contribution: at most 80 % of the public aid it joins
/// (4 € of LEADER for 1 € of other public subsidy), and never alone.
struct LEADERRule: Rule {
    let id: DiagnosticID = .leaderContrepartie
    let title = "LEADER : au plus 80 % avec une contrepartie publique nationale"
    let reference = "Programme LEADER 2023-2027 (FEADER), GAL du PETR"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.leader)
            guard let last = lines.last, let (cap, ref) = context.rate(ParameterName.leaderTauxMax, at: last.parameterDay)
            else { continue }
            let leader = Money.sum(lines.map(\.amount))
            let national = f.publicAid - leader
            if national.isZero || national.isNegative {
                out.append(
                    error(
                        "LEADER (\(leader)) demande une contrepartie publique nationale, et l'opération n'en a aucune (\(ref))",
                        at: last.line.location, operation: f.id,
                        notes: ["sollicitez une aide publique nationale (État, Région, Département, EPCI) en contrepartie"]))
            } else if !leader.isAtMost(cap, of: leader + national), cap < .hundredPercent {
                // leader ≤ cap × (leader + national) ⇔ leader ≤ national × cap / (1 − cap); below 100 %
                // (a cap of 100 % or more is always met, national being positive here).
                let maximum = Money(cents: Int64(clamping: Int128(national.cents) * Int128(cap.millionths) / Int128(Rate.scale - cap.millionths)))
                out.append(
                    error(
                        "LEADER (\(leader)) dépasse \(cap.formatted) des aides publiques qu'il complète (\(leader + national)) ; avec \(national) de contrepartie nationale il est au plus \(maximum) (\(ref))",
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
