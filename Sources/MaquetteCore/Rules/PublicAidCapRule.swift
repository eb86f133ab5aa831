/// Décret n° 2018-514 art. 10: for each State subsidy under the décret, the public aid on the
/// *same* forecast subsidisable expense may not exceed it. An aid taken on a wider base (a DSIL
/// on the whole operation beside a DRAC line on restoration works only) counts for the share of
/// its base that lies in this expense: its amount × (its eligible expenses that are also in this
/// line's base) ÷ (its eligible expenses), HT, rounded down to the cent.
struct PublicAidCapRule: Rule {
    let id: DiagnosticID = .aidesPubliquesPlafond
    let title = "Aides publiques sur la même dépense au plus 100 % de la dépense subventionnable (décret 2018-514)"
    let reference = "Décret n° 2018-514 du 25 juin 2018, art. 10"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for (index, line) in f.counted.enumerated() {
                // The regime read in place: only the lines it concerns take their dispositif out.
                guard line.regime == .decret2018514, let d = line.dispositif, let base = line.base,
                    let (cap, ref) = context.rate(ParameterName.aidesPubliquesPlafond, at: line.parameterDay)
                else { continue }
                var total = Money.zero
                var partial: [String] = []
                for (other, aid) in f.counted.enumerated() where aid.isPublicAid {
                    let part = other == index ? aid.amount : Self.share(of: aid, onBaseOf: d, in: f.operation)
                    total += part
                    if part != aid.amount { partial.append("\(aid.name) : \(part) sur \(aid.amount)") }
                }
                guard !total.isAtMost(cap, of: base) else { continue }
                let limit = base.applyingRoundedDown(cap)
                out.append(
                    error(
                        "les aides publiques sur la dépense subventionnable de \(line.name) (\(base)) totalisent \(total), au-delà de \(cap.formatted), soit \(limit) (\(ref))",
                        at: line.line.location, operation: f.id,
                        notes: (partial.isEmpty ? [] : ["parts comptées sur cette dépense : " + partial.joined(separator: " ; ")])
                            + ["réduisez les aides de \(total - limit) : au-delà, l'État demande le reversement (art. 14)"]))
            }
        }
        return out
    }

    /// The part of `aid` that lies on the expense `dispositif` subsidises.
    static func share(of aid: ResolvedFunding, onBaseOf dispositif: Dispositif, in operation: Operation) -> Money {
        var own = Int128(0), common = Int128(0)
        for cost in operation.costs where aid.dispositif.map({ Financing.isEligible(cost, for: $0) }) ?? true {
            own += Int128(cost.amountHT.cents)
            if Financing.isEligible(cost, for: dispositif) { common += Int128(cost.amountHT.cents) }
        }
        // No expense to share by: the whole aid counts, which is prudent.
        guard own > 0, common < own else { return aid.amount }
        return Money(cents: Int64(clamping: Int128(aid.amount.cents) * max(common, 0) / own))
    }
}

extension PublicAidCapRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.counted.contains { $0.dispositif?.regime == .decret2018514 }
    }
}
