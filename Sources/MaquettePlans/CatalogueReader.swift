import MaquetteCore

/// Reads a funders file (the built-in catalogue or a programme's `financeurs.yaml`) and merges it
/// into a catalogue: new funders and dispositifs are added, known ones overridden key by key.
struct CatalogueReader {
    enum Kind { case rate, amount, count }

    /// The kind of each programme-wide parameter: counts and amounts are listed, the rest are rates.
    static let programmeParameterKinds: [String: Kind] = {
        let counts: Set<String> = [
            ParameterName.fipPopulationMax, ParameterName.dotationsDelaiDemarrageMois, ParameterName.dotationsDelaiAchevementMois,
            ParameterName.dotationsProrogationDemarrageMois, ParameterName.dotationsProrogationAchevementMois,
            ParameterName.versementDureeLongueMois,
            ParameterName.dotationsProrogationPreavisMois, ParameterName.epfPortageDureeMaxMois,
        ]
        let amounts: Set<String> = [
            ParameterName.detrSeuilCommission, ParameterName.pvdChefDeProjetPlafond, ParameterName.pvdChefDeProjetPlafondAvecAnah,
            ParameterName.pvdChefDeProjetAnahPlafond, ParameterName.anahChefDeProjetAssietteMax,
        ]
        var kinds: [String: Kind] = [:]
        for name in ParameterName.all { kinds[name] = counts.contains(name) ? .count : amounts.contains(name) ? .amount : .rate }
        return kinds
    }()

    static let dispositifParameterKinds: [String: Kind] = [
        Dispositif.tauxMin: .rate, Dispositif.tauxMax: .rate, Dispositif.plafond: .amount, Dispositif.plancher: .amount,
        Dispositif.depotAvantMois: .count, Dispositif.depotAvantJour: .count, Dispositif.renouvellementMois: .count,
    ]

    let reader: NodeReader

    func read(_ root: Node?, into catalogue: inout Catalogue) {
        guard let root else { return }
        guard let fields = reader.mapping(root, "le fichier des financeurs") else { return }
        if let list = reader.sequence(fields.take("financeurs"), "`financeurs`") {
            for node in list { readFunder(node, into: &catalogue) }
        }
        if let node = fields.take("parametres"), let params = reader.mapping(node, "`parametres`") {
            for (i, entry) in params.entries.enumerated() {
                params.take(at: i)
                guard let kind = Self.programmeParameterKinds[entry.key] else {
                    reader.error(
                        entry.keyNode, "paramètre inconnu `\(entry.key)`",
                        Suggestions.hint(for: entry.key, among: Array(Self.programmeParameterKinds.keys)), rule: .cleInconnue)
                    continue
                }
                guard let parameter = readParameter(entry.key, entry.value, kind: kind, defaultReference: "financeurs.yaml")
                else { continue }
                for value in parameter.values where value.value == .toSupply {
                    reader.report(
                        Diagnostic(
                            .avertissement, rule: .parametreAFournir,
                            "le paramètre `\(entry.key)` est « à fournir » : \(ParameterName.unchecked(by: entry.key))",
                            at: value.location ?? reader.location(entry.value),
                            notes: ["donnez sa valeur (elle est fixée par un texte : voir `maquette regles`), ou retirez la ligne pour garder celle du catalogue"]))
                }
                // A single value replaces the whole history; a dated list adds to it.
                if catalogue.parameters[entry.key] != nil, entry.value.kind == .sequence {
                    catalogue.parameters[entry.key]?.merge(parameter)
                } else {
                    catalogue.parameters[entry.key] = parameter
                }
            }
        }
        if let list = reader.sequence(fields.take("dispositifs"), "`dispositifs`") {
            for node in list { readDispositif(node, into: &catalogue) }
        }
        if let list = reader.sequence(fields.take("enveloppes"), "`enveloppes`") {
            for node in list { readEnvelope(node, catalogue: &catalogue) }
        }
        reader.finish(fields, "le fichier des financeurs", known: ["financeurs", "parametres", "dispositifs", "enveloppes"])
    }

    private func readFunder(_ node: Node, into catalogue: inout Catalogue) {
        guard let f = reader.mapping(node, "un financeur") else { return }
        let id = reader.slug(reader.require(f, "id", "un financeur", example: "cc-lomagne-gersoise"), "id")
        let name = reader.text(reader.require(f, "nom", "un financeur", example: "CC de la Lomagne Gersoise"), "nom")
        let category = reader.choice(reader.require(f, "categorie", "un financeur", example: "intercommunalite"), "categorie", FunderCategory.self)
        reader.finish(f, "un financeur", known: ["id", "nom", "categorie"])
        guard let id, let name, let category else { return }
        if catalogue.funders[id] != nil && reader.file != BuiltinCatalogue.file {
            catalogue.funders[id]?.name = name
            catalogue.funders[id]?.category = category
        } else {
            catalogue.funders[id] = Funder(id: id, name: name, category: category, location: reader.location(node))
        }
    }

    private func readDispositif(_ node: Node, into catalogue: inout Catalogue) {
        guard let f = reader.mapping(node, "un dispositif") else { return }
        let known = [
            "id", "financeur", "nom", "nom_court", "nature", "regime", "assiette", "natures_eligibles", "roles", "reference", "parametres",
            "probabilite", "demande_avant_commencement",
        ]
        guard let id = reader.slug(reader.require(f, "id", "un dispositif", example: "region.bourgs-centres"), "id") else {
            reader.finish(f, "un dispositif", known: known)
            return
        }
        let existing = catalogue.dispositifs[id]
        func req(_ key: String, _ example: String) -> Node? {
            existing == nil ? reader.require(f, key, "le dispositif `\(id)`", example: example) : f.take(key)
        }
        var d = existing ?? Dispositif(id: id, funder: "", name: "", nature: .subvention, regime: .autre, location: reader.location(node))
        if let node = req("financeur", "region"), let funder = reader.slug(node, "financeur") {
            if catalogue.funders[funder] == nil {
                reader.error(
                    node, "financeur inconnu `\(funder)` pour le dispositif `\(id)`",
                    Suggestions.hint(for: funder, among: Array(catalogue.funders.keys)), rule: .reference)
            }
            d.funder = funder
        }
        if let node = req("nom", "Fonds de concours"), let name = reader.text(node, "nom") { d.name = name }
        if let node = f.take("nom_court"), let name = reader.text(node, "nom_court") { d.shortName = name }
        if let node = f.take("demande_avant_commencement"), let b = reader.bool(node, "demande_avant_commencement") { d.requestBeforeStart = b }
        if let node = req("nature", "subvention"), let nature = reader.choice(node, "nature", FundingNature.self) { d.nature = nature }
        if let node = f.take("regime"), let regime = reader.choice(node, "regime", AidRegime.self) { d.regime = regime }
        if let node = f.take("assiette"), let basis = reader.choice(node, "assiette", Basis.self) { d.basis = basis }
        if let node = f.take("reference"), let reference = reader.text(node, "reference") { d.reference = reference }
        if let node = f.take("probabilite"), let p = reader.rate(node, "probabilite") { d.probability = p }
        if let node = f.take("natures_eligibles"), let list = reader.sequence(node, "`natures_eligibles`") {
            d.eligibleNatures = Set(list.compactMap { reader.choice($0, "natures_eligibles", CostNature.self) })
        }
        if let node = f.take("roles"), let list = reader.sequence(node, "`roles`") {
            d.roles = Set(list.compactMap { reader.choice($0, "roles", DispositifRole.self) })
        }
        if let node = f.take("parametres"), let params = reader.mapping(node, "`parametres` du dispositif `\(id)`") {
            for (i, entry) in params.entries.enumerated() {
                params.take(at: i)
                guard let kind = Self.dispositifParameterKinds[entry.key] else {
                    reader.error(
                        entry.keyNode, "paramètre de dispositif inconnu `\(entry.key)`",
                        Suggestions.hint(for: entry.key, among: Array(Self.dispositifParameterKinds.keys)), rule: .cleInconnue)
                    continue
                }
                guard let parameter = readParameter(entry.key, entry.value, kind: kind, defaultReference: d.reference) else { continue }
                // A single value replaces the whole history; a dated list adds to it.
                if d.parameters[entry.key] != nil, entry.value.kind == .sequence {
                    d.parameters[entry.key]?.merge(parameter)
                } else {
                    d.parameters[entry.key] = parameter
                }
            }
        }
        reader.finish(f, "le dispositif `\(id)`", known: known)
        catalogue.dispositifs[id] = d
    }

    /// A parameter: one value (in force since always) or a list of `{depuis, valeur, reference}`.
    private func readParameter(_ name: String, _ node: Node, kind: Kind, defaultReference: String) -> Parameter? {
        if node.isScalar {
            guard let value = readValue(node, name, kind: kind) else { return nil }
            return Parameter(
                name: name,
                values: [DatedValue(since: Day(january1: 1900), value: value, reference: defaultReference, location: reader.location(node))])
        }
        guard let list = reader.sequence(node, "le paramètre `\(name)`") else { return nil }
        var values: [DatedValue] = []
        var days: [(Day, Node)] = []
        for item in list {
            guard let f = reader.mapping(item, "une valeur du paramètre `\(name)`") else { continue }
            let since = reader.day(reader.require(f, "depuis", "une valeur datée", example: "2025-01-01"), "depuis")
            let value = reader.require(f, "valeur", "une valeur datée", example: "20 %").flatMap { readValue($0, name, kind: kind) }
            let reference = f.take("reference").flatMap { reader.text($0, "reference") } ?? defaultReference
            reader.finish(f, "une valeur datée", known: ["depuis", "valeur", "reference"])
            if let since { days.append((since, item)) }
            if let since, let value {
                values.append(DatedValue(since: since, value: value, reference: reference, location: reader.location(item)))
            }
        }
        reader.checkHistory(node, days, "le paramètre `\(name)`")
        return Parameter(name: name, values: values)
    }

    private func readValue(_ node: Node, _ name: String, kind: Kind) -> ParameterValue? {
        if node.isScalar {
            switch ValueParsers.folded(node.scalarText) {
            case "a-fournir": return .toSupply
            case "abroge": return .repealed
            case "en-vigueur": return .inForce
            default: break
            }
        }
        switch kind {
        case .rate: return reader.rate(node, name).map(ParameterValue.rate)
        case .amount: return reader.money(node, name).map(ParameterValue.amount)
        case .count: return reader.count(node, name).map(ParameterValue.count)
        }
    }

    private func readEnvelope(_ node: Node, catalogue: inout Catalogue) {
        guard let f = reader.mapping(node, "une enveloppe") else { return }
        let dispositifNode = reader.require(f, "dispositif", "une enveloppe", example: "etat.detr")
        let dispositif = reader.slug(dispositifNode, "dispositif")
        let year = reader.year(reader.require(f, "annee", "une enveloppe", example: "2025"), "annee")
        let amount = reader.money(reader.require(f, "montant", "une enveloppe", example: "1 200 000"), "montant")
        let label = f.take("libelle").flatMap { reader.text($0, "libelle") }
        reader.finish(f, "une enveloppe", known: ["dispositif", "annee", "montant", "libelle"])
        guard let dispositif, let year, let amount else { return }
        if catalogue.dispositifs[dispositif] == nil {
            reader.error(
                dispositifNode, "dispositif inconnu `\(dispositif)`",
                Suggestions.hint(for: dispositif, among: Array(catalogue.dispositifs.keys)), rule: .reference)
            return
        }
        // One envelope a dispositif and year: with two, each reader would pick its own.
        if let first = catalogue.envelopes.first(where: { $0.dispositif == dispositif && $0.year == year }) {
            let name = catalogue.dispositifs[dispositif]?.usualName ?? dispositif
            reader.error(
                node, "deux enveloppes pour \(name) \(year) : la première, ligne \(first.location?.line ?? 0), et celle-ci",
                "gardez une seule enveloppe par dispositif et par année (additionnez-les), ou corrigez l'année de l'une d'elles")
            return
        }
        catalogue.envelopes.append(Envelope(dispositif: dispositif, year: year, amount: amount, label: label, location: reader.location(node)))
    }
}
