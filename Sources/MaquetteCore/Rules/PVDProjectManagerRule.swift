/// PVD project manager's post: the co-financing (État/ANCT, Banque des Territoires, ANAH) is at
/// most 75 % of the post's loaded cost and 45 000 € a year (55 000 € when ANAH takes part); the
/// ANAH share at most 50 % and 40 000 € a year. The post must be at least 80 % of a full-time
/// position dedicated to revitalisation (convention d'adhésion, annex 1), written `quotite:` on
/// the post's expense line.
struct PVDProjectManagerRule: Rule {
    let id: DiagnosticID = .pvdChefDeProjet
    let title = "Co-financement du poste de chef de projet PVD : 75 %, 45 000 € ou 55 000 € par an"
    let reference = "ANCT, « Bénéficier du co-financement d'un poste de chef de projet PVD »"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            let lines = f.with(.pvdChefDeProjet)
            guard let first = lines.first else { continue }
            let day = first.parameterDay
            let years = max(1, Set(f.operation.costs.flatMap { $0.years.map(\.year) }).count)
            let anah = Money.sum(lines.filter { $0.category == .anah }.map(\.amount))
            let total = Money.sum(lines.map(\.amount))
            guard let (rate, ref) = context.rate(ParameterName.pvdChefDeProjetTaux, at: day),
                let (yearly, _) = context.amount(
                    anah.isZero ? ParameterName.pvdChefDeProjetPlafond : ParameterName.pvdChefDeProjetPlafondAvecAnah, at: day)
            else { continue }
            if let (minimum, ref) = context.rate(ParameterName.pvdChefDeProjetQuotiteMin, at: day) {
                for post in f.operation.costs where post.nature == .remuneration {
                    guard let share = post.fullTimeShare else {
                        out.append(
                            warning(
                                "« \(post.label) » : la quotité du poste n'est pas déclarée ; le co-financement exige au moins \(minimum.formatted) d'un temps plein (\(ref))",
                                at: post.location, operation: f.id, notes: ["ajoutez `quotite: 100 %` (ou la quotité réelle) à la dépense"]))
                        continue
                    }
                    if share < minimum {
                        out.append(
                            error(
                                "« \(post.label) » : poste à \(share.formatted) d'un temps plein ; le co-financement exige au moins \(minimum.formatted) (\(ref))",
                                at: post.location, operation: f.id, notes: ["portez la quotité du poste à \(minimum.formatted) au moins, ou retirez le co-financement"]))
                    }
                }
            }
            let byRate = f.costOnBasis.applyingRoundedDown(rate)
            let byCeiling = yearly.saturatingMultiplied(by: years)
            let cap = min(byRate, byCeiling)
            if total > cap {
                out.append(
                    error(
                        "le co-financement du poste atteint \(total) ; le maximum est \(cap) (\(rate.formatted) de \(f.costOnBasis), et \(yearly) par an sur \(years) an(s)) (\(ref))",
                        at: (lines.last ?? first).line.location(of: "montant"), operation: f.id,
                        notes: ["réduisez le co-financement de \(total - cap)"]))
            }
            if !anah.isZero, let (anahRate, _) = context.rate(ParameterName.pvdChefDeProjetAnahTaux, at: day),
                let (anahYearly, _) = context.amount(ParameterName.pvdChefDeProjetAnahPlafond, at: day)
            {
                let anahCap = min(f.costOnBasis.applyingRoundedDown(anahRate), anahYearly.saturatingMultiplied(by: years))
                if anah > anahCap {
                    out.append(
                        error(
                            "la part de l'ANAH dans le poste atteint \(anah) ; le maximum est \(anahCap) (\(anahRate.formatted), \(anahYearly) par an) (\(ref))",
                            at: (lines.first { $0.category == .anah } ?? first).line.location(of: "montant"), operation: f.id,
                            notes: ["réduisez la part de l'ANAH de \(anah - anahCap)"]))
                }
            }
        }
        return out
    }
}

extension PVDProjectManagerRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        !figures.with(.pvdChefDeProjet).isEmpty
    }
}
