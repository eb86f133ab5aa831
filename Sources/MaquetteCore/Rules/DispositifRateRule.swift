/// Each dispositif's minimum and maximum rate of its eligible base, and the State dotations'
/// floor of 20 % (DETR, DSIL, DPV, DSID: CGCT R2334-27 as worded by décret 2021-1291; before it
/// the préfet could set a lower rate, so a rate under 20 % is only a warning). Rates are taken as
/// in force on the line's request date.
struct DispositifRateRule: Rule {
    let id: DiagnosticID = .tauxDispositif
    let title = "Taux minimal et maximal de chaque dispositif sur son assiette éligible"
    let reference = "Règlement de chaque dispositif (catalogue) ; CGCT R2334-27 pour DETR, DSIL, DPV et DSID"
    let scope: RuleScope = .operation

    func check(_ context: RuleContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in context.figures {
            for line in f.counted {
                guard line.hasDispositif, let base = line.base else { continue }
                // Found only for a line that breaks the rule (most do not): reaching it copies the line.
                var where_: SourceLocation? { line.line.location(of: line.line.keyLocations["taux"] != nil ? "taux" : "montant") }
                // A zero base admits no amount under a maximum rate, and any amount over a minimum one.
                // Worded only for a line that breaks a rate (most do not).
                var share: String { base.isZero ? "pour une assiette éligible nulle" : "soit \(line.effectiveRate?.formatted ?? "?") de l'assiette éligible \(base)" }
                if let v = line.parameter(Dispositif.tauxMax) {
                    switch v.value {
                    case .rate(let max) where !line.amount.isAtMost(max, of: base):
                        let cap = base.applyingRoundedDown(max)
                        out.append(
                            error(
                                "\(line.name) : \(line.amount) \(share), au-delà du taux maximal de \(max.formatted) (\(cap)) (\(v.reference))",
                                at: where_, operation: f.id,
                                notes: ["ramenez la subvention à \(cap) au plus et financez les \(line.amount - cap) restants autrement"]))
                    case .toSupply:
                        out.append(toSupply("taux-max", line, f))
                    default: break
                    }
                }
                if line.has(.dotationEtat), let minimum = dotationFloor(line, context) {
                    let (min, ref, binding) = minimum
                    if !line.amount.isAtLeast(min, of: base) {
                        let floor = ceilingApplying(min, to: base)
                        let message = "\(line.name) : \(line.amount) \(share), en dessous du taux minimal de \(min.formatted) (\(floor)) (\(ref))"
                        out.append(
                            binding
                                ? error(message, at: where_, operation: f.id, notes: ["portez la subvention à \(floor) au moins, ou réduisez l'assiette déclarée (`assiette`)"])
                                : warning(message, at: where_, operation: f.id, notes: ["à la date de la demande, le préfet pouvait fixer un taux inférieur : vérifiez l'arrêté attributif"]))
                    }
                }
                if let v = line.parameter(Dispositif.tauxMin) {
                    switch v.value {
                    case .rate(let min) where !line.amount.isAtLeast(min, of: base):
                        let floor = ceilingApplying(min, to: base)
                        out.append(
                            error(
                                "\(line.name) : \(line.amount) \(share), en dessous du taux minimal de \(min.formatted) (\(floor)) (\(v.reference))",
                                at: where_, operation: f.id,
                                notes: ["portez la subvention à \(floor) au moins, ou réduisez l'assiette déclarée (`assiette`)"]))
                    case .toSupply:
                        out.append(toSupply("taux-min", line, f))
                    default: break
                    }
                }
            }
        }
        return out
    }

    /// The floor in force on the line's request date: binding since décret 2021-1291, indicative before.
    private func dotationFloor(_ line: ResolvedFunding, _ context: RuleContext) -> (Rate, String, Bool)? {
        if let (r, ref) = context.rate(ParameterName.dotationsTauxMin, at: line.parameterDay) { return (r, ref, true) }
        if let (r, ref) = context.rate(ParameterName.dotationsTauxMinIndicatif, at: line.parameterDay) { return (r, ref, false) }
        return nil
    }

    /// For a line of a dispositif (``ResolvedFunding/name`` is then its usual name).
    private func toSupply(_ key: String, _ line: ResolvedFunding, _ f: OperationFigures) -> Diagnostic {
        let id = line.dispositif?.id ?? ""
        return warning(
            "le paramètre `\(key)` du dispositif \(line.name) (`\(id)`) n'est pas connu en général (grille locale) : la ligne n'est pas contrôlée",
            at: line.line.location, operation: f.id,
            notes: ["déclarez-le dans Plans/financeurs.yaml sous `dispositifs: - id: \(id)`"])
    }
}

extension DispositifRateRule {
    func applies(to figures: OperationFigures, in context: RuleContext) -> Bool {
        figures.hasParameter([Dispositif.tauxMin, Dispositif.tauxMax]) || !figures.with(.dotationEtat).isEmpty
    }
}
