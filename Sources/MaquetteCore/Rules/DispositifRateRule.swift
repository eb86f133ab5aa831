/// Each dispositif's minimum and maximum rate of its eligible base (for DETR and DSIL the floor
/// is 20 %, R2334-27). Rates are taken as in force on the line's request date.
struct DispositifRateRule: Rule {
    let id: DiagnosticID = .tauxDispositif
    let title = "Taux minimal et maximal de chaque dispositif sur son assiette éligible"
    let reference = "Règlement de chaque dispositif (catalogue) ; CGCT R2334-27 pour DETR et DSIL"

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.counted {
                guard let d = line.dispositif, let base = line.base else { continue }
                let where_ = line.line.location(of: line.line.keyLocations["taux"] != nil ? "taux" : "montant")
                // A zero base admits no amount under a maximum rate, and any amount over a minimum one.
                let share = base.isZero ? "pour une assiette éligible nulle" : "soit \(line.effectiveRate?.formatted ?? "?") de l'assiette éligible \(base)"
                if let v = d.parameters[Dispositif.tauxMax]?.value(at: line.parameterDay) {
                    switch v.value {
                    case .rate(let max) where !line.amount.isAtMost(max, of: base):
                        let cap = base.applyingRoundedDown(max)
                        out.append(
                            error(
                                "\(d.id) : \(line.amount) \(share), au-delà du taux maximal de \(max.formatted) (\(cap)) (\(v.reference))",
                                at: where_, operation: f.id,
                                notes: ["ramenez la subvention à \(cap) au plus et financez les \(line.amount - cap) restants autrement"]))
                    case .toSupply:
                        out.append(toSupply(d, "taux-max", line, f))
                    default: break
                    }
                }
                if let v = d.parameters[Dispositif.tauxMin]?.value(at: line.parameterDay) {
                    switch v.value {
                    case .rate(let min) where !line.amount.isAtLeast(min, of: base):
                        let floor = ceilingApplying(min, to: base)
                        out.append(
                            error(
                                "\(d.id) : \(line.amount) \(share), en dessous du taux minimal de \(min.formatted) (\(floor)) (\(v.reference))",
                                at: where_, operation: f.id,
                                notes: ["portez la subvention à \(floor) au moins, ou réduisez l'assiette déclarée (`assiette`)"]))
                    case .toSupply:
                        out.append(toSupply(d, "taux-min", line, f))
                    default: break
                    }
                }
            }
        }
        return out
    }

    private func toSupply(_ d: Dispositif, _ key: String, _ line: ResolvedFunding, _ f: OperationFigures) -> Diagnostic {
        warning(
            "le paramètre `\(key)` du dispositif \(d.id) n'est pas connu en général (grille locale) : la ligne n'est pas contrôlée",
            at: line.line.location, operation: f.id,
            notes: ["déclarez-le dans Plans/financeurs.yaml sous `dispositifs: - id: \(d.id)`"])
    }
}

extension DispositifRateRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.hasParameter([Dispositif.tauxMin, Dispositif.tauxMax])
    }
}
