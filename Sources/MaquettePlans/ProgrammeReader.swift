import MaquetteCore

/// Reads `programme.yaml`: the programme, its period, and its maîtres d'ouvrage.
struct ProgrammeReader {
    let reader: NodeReader
    /// The longest period a programme covers, in years after its first (a convention runs about
    /// six years, and may be extended).
    static let maximumPeriodYears = 29

    func read(_ root: Node?) -> Programme? {
        guard let root else {
            reader.error(nil, "le fichier du programme est vide", "décrivez au moins `id`, `nom`, `periode` et `maitres_ouvrage`", rule: .cleManquante)
            return nil
        }
        guard let f = reader.mapping(root, "le programme") else { return nil }
        let id = reader.slug(reader.require(f, "id", "le programme", example: "pvd-fleurance-lectoure"), "id")
        let name = reader.text(reader.require(f, "nom", "le programme", example: "Petites villes de demain"), "nom")
        var first: Int?
        var last: Int?
        if let node = reader.require(f, "periode", "le programme", example: "{ debut: 2021, fin: 2028 }"),
            let p = reader.mapping(node, "`periode`")
        {
            first = reader.year(reader.require(p, "debut", "`periode`", example: "2021"), "debut")
            last = reader.year(reader.require(p, "fin", "`periode`", example: "2028"), "fin")
            reader.finish(p, "`periode`", known: PlanFormat.period.names)
            if let a = first, let b = last, b < a {
                reader.error(node, "`periode` : la fin (\(b)) précède le début (\(a))", "inversez les deux années")
                first = nil
            } else if let a = first, let b = last, b - a > Self.maximumPeriodYears {
                // A treasury over a century helps nobody: a longer period is a typing mistake.
                reader.error(
                    node, "`periode` : \(b - a + 1) ans, au-delà des \(Self.maximumPeriodYears + 1) ans qu'un programme peut couvrir",
                    "vérifiez les années de début et de fin")
                first = nil
            }
        }
        if let first, let last {
            reader.programme = Programme(id: "", name: "", firstYear: first, lastYear: last, referenceDay: Day(january1: first), maitresOuvrage: [])
        }
        let reference = f.take("date_reference").flatMap { reader.day($0, "date_reference") }
        let basis = f.take("base").flatMap { reader.choice($0, "base", Basis.self) } ?? .ht
        var owners: [MaitreOuvrage] = []
        // Thousands of owners in a large programme: the ids seen are hashed, not scanned.
        var seen: Set<String> = []
        if let list = reader.sequence(reader.require(f, "maitres_ouvrage", "le programme", example: "[…]"), "`maitres_ouvrage`") {
            for node in list {
                guard let mo = readOwner(node) else { continue }
                if !seen.insert(mo.id).inserted {
                    reader.error(node, "maître d'ouvrage `\(mo.id)` déclaré deux fois", "gardez une seule déclaration", rule: .identifiantEnDouble)
                } else {
                    owners.append(mo)
                }
            }
        }
        let committee = f.take("date_comite").flatMap { reader.day($0, "date_comite") }
        let signatory = f.take("signataire").flatMap { reader.text($0, "signataire") }
        reader.comment(f)
        reader.finish(f, "le programme", known: PlanFormat.programme.names)
        guard let id, let name, let first, let last else { return nil }
        var programme = Programme(
            id: id, name: name, firstYear: first, lastYear: last,
            referenceDay: reference ?? Day(january1: first), maitresOuvrage: owners, defaultBasis: basis,
            location: reader.location(root))
        programme.committeeDay = committee
        programme.signatory = signatory
        return programme
    }

    private func readOwner(_ node: Node) -> MaitreOuvrage? {
        guard let f = reader.mapping(node, "un maître d'ouvrage") else { return nil }
        let id = reader.slug(reader.require(f, "id", "un maître d'ouvrage", example: "fleurance"), "id")
        let name = reader.text(reader.require(f, "nom", "un maître d'ouvrage", example: "Commune de Fleurance"), "nom")
        var regime = FCTVARegime.n2
        var history: [DatedFCTVARegime] = []
        if let node = f.take("regime_fctva") {
            if node.kind == .sequence {
                // A dated history: `[{ depuis: 2021-01-01, valeur: N }, { depuis: 2027-01-01, valeur: N+1 }]`.
                var days: [(Day, Node)] = []
                for item in reader.sequence(node, "`regime_fctva`").map(Array.init) ?? [] {
                    guard let d = reader.mapping(item, "une valeur datée de `regime_fctva`") else { continue }
                    let since = reader.day(reader.require(d, "depuis", "une valeur datée", example: "2027-01-01"), "depuis")
                    let value = reader.choice(reader.require(d, "valeur", "une valeur datée", example: "N+1"), "regime_fctva", FCTVARegime.self)
                    let reference = d.take("reference").flatMap { reader.text($0, "reference") } ?? "programme.yaml"
                    reader.finish(d, "une valeur datée", known: ["depuis", "valeur", "reference"])
                    if let since { days.append((since, item)) }
                    if let since, let value { history.append(DatedFCTVARegime(since: since, regime: value, reference: reference)) }
                }
                reader.checkHistory(node, days, "`regime_fctva`")
                history.sort { $0.since < $1.since }
                if let first = history.first { regime = first.regime }
            } else if let r = reader.choice(node, "regime_fctva", FCTVARegime.self) {
                regime = r
            }
        }
        let lowResources = f.take("faibles_ressources").flatMap { reader.bool($0, "faibles_ressources") }
        let population = f.take("population").flatMap { reader.count($0, "population") }
        let capacity = f.take("capacite_autofinancement").flatMap { reader.money($0, "capacite_autofinancement") }
        _ = f.take("type").flatMap { reader.text($0, "type") }
        reader.finish(f, "un maître d'ouvrage", known: PlanFormat.owner.names)
        guard let id, let name else { return nil }
        var owner = MaitreOuvrage(
            id: id, name: name, fctvaRegime: regime, population: population, selfFinancingCapacity: capacity,
            location: reader.location(node))
        owner.fctvaRegimeHistory = history
        owner.lowResources = lowResources
        return owner
    }
}
