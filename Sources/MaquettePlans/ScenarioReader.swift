import MaquetteCore

/// Reads a scenario file (`scenarios/*.yaml`).
struct ScenarioReader {
    let reader: NodeReader
    let programme: Programme?
    let catalogue: Catalogue

    static let changeKinds = [
        "refuser", "retirer", "modifier_financement", "modifier_dispositif", "modifier_depenses", "decaler", "ajouter_financement",
        "ajouter_operation",
    ]

    func read(_ root: Node?) -> Scenario? {
        guard let root else {
            reader.error(nil, "le fichier de scénario est vide", "décrivez au moins `id`, `titre` et `changements`", rule: .cleManquante)
            return nil
        }
        guard let f = reader.mapping(root, "le scénario") else { return nil }
        let id = reader.slug(
            reader.require(f, "id", "le scénario", example: "dsil-refusee"), "id",
            reserved: ["base": "`base` désigne le plan sans scénario, dans `comparer`"])
        let title = reader.text(reader.require(f, "titre", "le scénario", example: "DSIL refusée"), "titre")
        let parent = f.take("parent").flatMap { reader.slug($0, "parent") }
        reader.comment(f)
        var changes: [ScenarioChange] = []
        if let list = reader.sequence(reader.require(f, "changements", "le scénario", example: "[…]"), "`changements`") {
            changes = list.compactMap(readChange)
        }
        reader.finish(f, "le scénario", known: PlanFormat.scenario.names)
        guard let id, let title else { return nil }
        return Scenario(id: id, title: title, parent: parent, changes: changes, file: reader.file, location: reader.location(root))
    }

    private func readChange(_ node: Node) -> ScenarioChange? {
        guard let outer = reader.mapping(node, "un changement") else { return nil }
        guard outer.entries.count == 1, let entry = outer.entries.first else {
            reader.error(
                node, "un changement a une seule clé, parmi \(Self.changeKinds.map { "`\($0)`" }.joined(separator: ", "))",
                "écrivez par exemple `- refuser: { operation: halle-aux-grains, ligne: etat.dsil }`")
            return nil
        }
        _ = outer.take(entry.key)
        let at = reader.location(node)
        guard Self.changeKinds.contains(entry.key) else {
            reader.error(entry.keyNode, "changement inconnu `\(entry.key)`", Suggestions.hint(for: entry.key, among: Self.changeKinds), rule: .cleInconnue)
            return nil
        }
        if entry.key == "ajouter_operation" {
            let op = OperationReader(reader: reader, programme: programme, catalogue: catalogue).read(entry.value)
            return op.map { ScenarioChange(.addOperation($0), at: at) }
        }
        guard let f = reader.mapping(entry.value, "`\(entry.key)`") else { return nil }
        defer { reader.finish(f, "`\(entry.key)`", known: known(entry.key)) }
        switch entry.key {
        case "refuser", "retirer", "modifier_financement":
            guard let op = reader.slug(reader.require(f, "operation", "`\(entry.key)`", example: "halle-aux-grains"), "operation"),
                let line = target(reader.require(f, "ligne", "`\(entry.key)`", example: "etat.dsil"))
            else { return nil }
            if entry.key == "refuser" { return ScenarioChange(.refuse(operation: op, line: line), at: at) }
            if entry.key == "retirer" { return ScenarioChange(.remove(operation: op, line: line), at: at) }
            var amount: FundingAmount?
            if let m = f.take("montant") { amount = reader.money(m, "montant").map(FundingAmount.fixed) }
            if let t = f.take("taux") { amount = reader.rate(t, "taux").map(FundingAmount.rate) }
            let status = f.take("statut").flatMap { reader.choice($0, "statut", FundingStatus.self) }
            if amount == nil && status == nil { return nil }
            if !f.has("montant") && !f.has("taux") && !f.has("statut") {
                reader.error(entry.value, "`modifier_financement` ne change rien", "donnez `montant`, `taux` ou `statut`", rule: .cleManquante)
                return nil
            }
            return ScenarioChange(.changeFunding(operation: op, line: line, amount: amount, status: status), at: at)
        case "modifier_dispositif":
            guard let id = reader.slug(reader.require(f, "dispositif", "`modifier_dispositif`", example: "region.bourgs-centres"), "dispositif") else { return nil }
            var parameters: [String: ParameterValue] = [:]
            for name in [Dispositif.tauxMin, Dispositif.tauxMax] {
                if let n = f.take(name), let r = reader.rate(n, name) { parameters[name] = .rate(r) }
            }
            for name in [Dispositif.plafond, Dispositif.plancher] {
                if let n = f.take(name), let m = reader.money(n, name) { parameters[name] = .amount(m) }
            }
            let variation = f.take("variation").flatMap(readVariation)
            var envelopes: [Envelope] = []
            if let list = reader.sequence(f.take("enveloppes"), "`enveloppes`") {
                for item in list {
                    guard let e = reader.mapping(item, "une enveloppe") else { continue }
                    let year = reader.year(reader.require(e, "annee", "une enveloppe", example: "2026"), "annee")
                    let amount = reader.money(reader.require(e, "montant", "une enveloppe", example: "1 000 000"), "montant")
                    reader.finish(e, "une enveloppe", known: ["annee", "montant"])
                    if let year, let amount { envelopes.append(Envelope(dispositif: id, year: year, amount: amount, location: reader.location(item))) }
                }
            }
            return ScenarioChange(.changeDispositif(dispositif: id, parameters: parameters, variation: variation, envelopes: envelopes), at: at)
        case "modifier_depenses":
            guard let op = operationTarget(reader.require(f, "operation", "`modifier_depenses`", example: "toutes")) else { return nil }
            let nature = f.take("nature").flatMap { reader.choice($0, "nature", CostNature.self) }
            let label = f.take("libelle").flatMap { reader.text($0, "libelle") }
            let amount = f.take("montant_ht").flatMap { reader.money($0, "montant_ht") }
            let variation = f.take("variation").flatMap(readVariation)
            if !f.has("montant_ht") && !f.has("variation") {
                reader.error(entry.value, "`modifier_depenses` ne change rien", "donnez `montant_ht` ou `variation` (par exemple `+8 %`)", rule: .cleManquante)
                return nil
            }
            if amount == nil && variation == nil { return nil }
            return ScenarioChange(.changeCost(operation: op, nature: nature, label: label, amount: amount, variation: variation), at: at)
        case "decaler":
            guard let op = operationTarget(reader.require(f, "operation", "`decaler`", example: "toutes")) else { return nil }
            let monthsNode = f.take("mois"), yearsNode = f.take("annees")
            let months = monthsNode.flatMap { readSigned($0, "mois") }
            let years = yearsNode.flatMap { readSigned($0, "annees") }
            // A value already said to be wrong is not also said to be missing.
            if (monthsNode != nil && months == nil) || (yearsNode != nil && years == nil) { return nil }
            guard (months == nil) != (years == nil) else {
                reader.error(entry.value, "`decaler` prend `mois` ou `annees` (l'un des deux)", "écrivez par exemple `annees: 1` ou `mois: 6`", rule: .cleManquante)
                return nil
            }
            return ScenarioChange(.shift(operation: op, months: months ?? ((years ?? 0) * 12)), at: at)
        case "ajouter_financement":
            guard let op = reader.slug(reader.require(f, "operation", "`ajouter_financement`", example: "halle-aux-grains"), "operation"),
                let node = reader.require(f, "financement", "`ajouter_financement`", example: "{ dispositif: etat.detr, montant: 100 000 }")
            else { return nil }
            let line = OperationReader(reader: reader, programme: programme, catalogue: catalogue).readFunding(node)
            return line.map { ScenarioChange(.addFunding(operation: op, line: $0), at: at) }
        default:
            return nil
        }
    }

    private func known(_ kind: String) -> [String] {
        PlanFormat.scenarioChanges.first { $0.verb == kind }?.keys ?? []
    }

    /// A dispositif id, or one of the owner's own lines (`autofinancement`, `emprunt`, …).
    private func target(_ node: Node?) -> FundingTarget? {
        guard let id = reader.slug(node, "ligne") else { return nil }
        if let own = OperationReader.ownSources.first(where: { $0.key == id }) { return .own(own.nature) }
        guard catalogue.dispositifs[id] != nil else {
            reader.error(
                node, "dispositif inconnu `\(id)`",
                Suggestions.hint(for: id, among: Array(catalogue.dispositifs.keys) + OperationReader.ownSources.map(\.key)), rule: .reference)
            return nil
        }
        return .dispositif(id)
    }

    private func operationTarget(_ node: Node?) -> OperationTarget? {
        guard let id = reader.slug(node, "operation") else { return nil }
        return id == "toutes" ? .all : .one(id)
    }

    /// A change in percent, `+8 %` or `-20 %`, between −100 % and +1 000 %.
    private func readVariation(_ node: Node) -> Rate? {
        guard let rate = reader.rate(node, "variation", maximumPercent: 1_000) else { return nil }
        guard rate >= Rate(percent: -100) else {
            reader.error(node, "`variation` : une baisse de plus de 100 % rendrait le montant négatif", "écrivez une variation entre -100 % et +1000 %")
            return nil
        }
        return rate
    }

    private func readSigned(_ node: Node, _ key: String) -> Int? {
        guard let text = reader.text(node, key) else { return nil }
        let trimmed = text.hasPrefix("+") ? String(text.dropFirst()) : text
        // `magnitude`, not `abs`: `abs(Int.min)` traps.
        guard let value = Int(trimmed) else {
            reader.error(node, "`\(key)` : nombre entier attendu, pas « \(text) »", "écrivez par exemple `\(key): 1` ou `\(key): -6`")
            return nil
        }
        guard value.magnitude <= 1_200 else {
            reader.error(
                node, "`\(key)` : décalage de « \(text) » hors des bornes : 1 200 au plus, dans un sens ou dans l'autre",
                "écrivez par exemple `\(key): 1` ou `\(key): -6`")
            return nil
        }
        return value
    }
}
