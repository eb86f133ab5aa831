import MaquetteCore

/// Reads one operation file (`operations/*.yaml`).
struct OperationReader {
    let reader: NodeReader
    let programme: Programme?
    let catalogue: Catalogue

    static let operationKeys = PlanFormat.operation.names
    static let costKeys = PlanFormat.cost.names
    static let ownSources = PlanFormat.ownSources
    /// The keys that say where a funding line's money comes from.
    static let sourceKeys = ["dispositif"] + ownSources.map(\.key)
    static let fundingKeys = PlanFormat.funding.names
    /// Words an operation's identifier cannot be, with what they mean.
    static let reservedIDs = ["toutes": "dans un scénario, `operation: toutes` désigne toutes les opérations"]

    func read(_ root: Node?) -> Operation? {
        guard let root else {
            reader.error(nil, "le fichier d'opération est vide", "décrivez au moins `id`, `intitule`, `maitre_ouvrage`, `depenses` et `financements`", rule: .cleManquante)
            return nil
        }
        guard let f = reader.mapping(root, "l'opération") else { return nil }
        let keyLocations = reader.keyLocations(f, atKeys: true)

        let id = reader.slug(
            reader.require(f, "id", "l'opération", example: "friche-gersycoop"), "id",
            reserved: Self.reservedIDs)
        let title = reader.text(reader.require(f, "intitule", "l'opération", example: "Reconquête de la friche Gersycoop"), "intitule")
        let ownerNode = reader.require(f, "maitre_ouvrage", "l'opération", example: "fleurance")
        let owner = reader.slug(ownerNode, "maitre_ouvrage")
        if let owner, let programme, !programme.declares(maitreOuvrage: owner) {
            reader.error(
                ownerNode, "maître d'ouvrage inconnu `\(owner)`",
                Suggestions.hint(for: owner, among: programme.maitresOuvrage.map(\.id)) + " (déclarés dans programme.yaml)", rule: .reference)
        }
        var perimeters: [String] = []
        if let node = f.take("perimetres"), let list = reader.sequence(node, "`perimetres`") {
            perimeters = list.compactMap { reader.slug($0, "perimetres") }
        }
        let section = f.take("section").flatMap { reader.choice($0, "section", Section.self) } ?? .investissement
        let basis = f.take("base").flatMap { reader.choice($0, "base", Basis.self) } ?? programme?.defaultBasis ?? .ht
        var start: Day?
        var end: Day?
        var firstLegalAct: Day?
        if let node = f.take("calendrier"), let c = reader.mapping(node, "`calendrier`") {
            firstLegalAct = c.take("premier_acte_juridique").flatMap { reader.day($0, "premier_acte_juridique") }
            start = c.take("debut_travaux").flatMap { reader.day($0, "debut_travaux") }
            let endNode = c.take("fin")
            end = endNode.flatMap { reader.day($0, "fin") }
            reader.finish(c, "`calendrier`", known: PlanFormat.calendar.names)
            // `fin: 2028-06` is the month: the works end by its last day (deadlines are compared
            // with that day, not the 1st).
            // A date read is `AAAA-MM-JJ` or `AAAA-MM`: one dash, a month.
            var monthWritten: String?
            if let e = end, let endNode, endNode.isScalar, endNode.withScalarBytes({ $0.count { $0 == UInt8(ascii: "-") } }) == 1 {
                end = Day(year: e.year, month: e.month, day: Day.daysIn(month: e.month, year: e.year)) ?? e
                monthWritten = endNode.scalarText.trimmingWhitespace()
            }
            // Said only when the dates are wrong.
            func endText() -> String {
                guard let end else { return "" }
                return monthWritten.map { "\($0), soit jusqu'au \(end.formatted)" } ?? end.formatted
            }
            if let s = start, let e = end, e < s {
                reader.error(node, "`calendrier` : la fin (\(endText())) précède le début des travaux (\(s.formatted))", "vérifiez les deux dates")
            }
            if let a = firstLegalAct, let e = end, e < a {
                reader.error(node, "`calendrier` : la fin (\(endText())) précède le premier acte juridique (\(a.formatted))", "vérifiez les deux dates")
            }
        }
        let chefDeFile = f.take("chef_de_file").flatMap { reader.bool($0, "chef_de_file") } ?? false
        let cper = f.take("cper_ou_ctec").flatMap { reader.bool($0, "cper_ou_ctec") } ?? false
        let protection = f.take("protection").flatMap { reader.choice($0, "protection", HeritageProtection.self) } ?? .aucune
        var derogation: Derogation?
        if let node = f.take("derogation_part_minimale"), let d = reader.mapping(node, "`derogation_part_minimale`") {
            let ground = reader.choice(reader.require(d, "motif", "`derogation_part_minimale`", example: "monument-protege"), "motif", OwnerShareDerogation.self)
            let decision = d.take("decision_prefet").flatMap { reader.day($0, "decision_prefet") }
            let shareNode = d.take("part_minimale")
            let share = shareNode.flatMap { reader.rate($0, "part_minimale") }
            reader.finish(d, "`derogation_part_minimale`", known: PlanFormat.derogation.names)
            if let ground { derogation = Derogation(ground: ground, decisionDay: decision, minimumShare: share, location: reader.location(node), minimumShareLocation: shareNode.map { reader.location($0) }) }
        }
        let owned = f.take("batiment_communal").flatMap { reader.bool($0, "batiment_communal") }
        reader.comment(f)
        let defaultYear = start?.year ?? programme?.referenceDay.year
        var costs: [CostLine] = []
        if let list = reader.sequence(reader.require(f, "depenses", "l'opération", example: "[…]"), "`depenses`") {
            if list.isEmpty { reader.error(f.take("depenses"), "`depenses` : la liste est vide", "décrivez au moins une dépense", rule: .valeur) }
            costs.reserveCapacity(list.count)
            for item in list { if let line = readCost(item, defaultYear: defaultYear) { costs.append(line) } }
        }
        var funding: [FundingLine] = []
        if let list = reader.sequence(reader.require(f, "financements", "l'opération", example: "[…]"), "`financements`") {
            funding.reserveCapacity(list.count)
            for item in list { if let line = readFunding(item) { funding.append(line) } }
            if funding.count(where: { $0.amount == .balance }) > 1 {
                reader.error(
                    list.last, "plusieurs lignes `solde` : une seule ressource peut équilibrer le plan", "gardez un seul `autofinancement: solde`")
            }
        }
        reader.finish(f, "l'opération", known: Self.operationKeys)
        guard let id, let title, let owner else { return nil }
        var operation = Operation(
            id: id, title: title, maitreOuvrage: owner, perimeters: perimeters, section: section, basis: basis, worksStart: start,
            end: end, chefDeFile: chefDeFile, cperOrCtec: cper, protection: protection, derogation: derogation, costs: costs,
            funding: funding, file: reader.file, location: reader.location(root), keyLocations: keyLocations)
        operation.firstLegalAct = firstLegalAct
        operation.buildingOwned = owned
        return operation
    }

    private func readCost(_ node: Node, defaultYear: Int?) -> CostLine? {
        guard let f = reader.mapping(node, "une dépense") else { return nil }
        let label = reader.text(reader.require(f, "libelle", "une dépense", example: "Démolition des silos"), "libelle")
        let nature = reader.choice(reader.require(f, "nature", "une dépense", example: "travaux"), "nature", CostNature.self)
        let amount = reader.money(reader.require(f, "montant_ht", "une dépense", example: "620 000"), "montant_ht")
        let vat = f.take("tva").flatMap { reader.rate($0, "tva") } ?? Rate(percent: 20)
        let fctva = f.take("fctva").flatMap { reader.bool($0, "fctva") } ?? true
        let yearsNode = f.take("annees")
        reader.comment(f)
        // Keys most expense lines do not write: looked for only when some key is left.
        var use = AssetUse.servicePublic
        var firstLegalAct: Day?, heritageWork: HeritageWork?, fullTimeShare: Rate?, justification: String?
        if f.remaining > 0 {
            use = f.take("affectation").flatMap { reader.choice($0, "affectation", AssetUse.self) } ?? .servicePublic
            firstLegalAct = f.take("premier_acte_juridique").flatMap { reader.day($0, "premier_acte_juridique") }
            heritageWork = f.take("travaux_monument").flatMap { reader.choice($0, "travaux_monument", HeritageWork.self) }
            fullTimeShare = f.take("quotite").flatMap { reader.rate($0, "quotite") }
            justification = f.take("justification").flatMap { reader.text($0, "justification") }
        }
        reader.finish(f, "une dépense", known: Self.costKeys)
        guard let label, let nature, let amount else { return nil }
        let years: [(year: Int, amountHT: Money)]
        var shares: [Rate]?
        if let yearsNode {
            guard let split = readYears(yearsNode, total: amount, label: label) else { return nil }
            (years, shares) = split
        } else if let defaultYear {
            years = [(defaultYear, amount)]
        } else {
            return nil
        }
        var line = CostLine(label: label, nature: nature, amountHT: amount, vatRate: vat, fctvaEligible: fctva, years: years, shares: shares, location: reader.location(node))
        line.assetUse = use
        line.firstLegalAct = firstLegalAct
        line.heritageWork = heritageWork
        line.fullTimeShare = fullTimeShare
        line.justification = justification
        return line
    }

    /// A split by year: all percentages summing to exactly 100 %, or all amounts summing to
    /// exactly the line's HT amount. Percentages are turned into amounts rounded down to the
    /// cent, the last year taking the cents left over; the percentages are returned too.
    private func readYears(_ node: Node, total: Money, label: String) -> (years: [(year: Int, amountHT: Money)], shares: [Rate]?)? {
        // Percentages go straight into the kept shares, their years with the amounts to come.
        var rateYears: [(year: Int, amountHT: Money)] = []
        var shares: [Rate] = []
        var amounts: [(year: Int, amountHT: Money)] = []
        var ok = true
        var count = 0
        func visit(_ keyNode: Node, _ value: Node) {
            guard let year = reader.year(keyNode, "annees") else {
                ok = false
                return
            }
            guard value.isScalar else {
                reader.error(value, "`annees` : un montant ou un pourcentage est attendu pour \(year)", rule: .type)
                ok = false
                return
            }
            if value.endsWithPercent {
                if shares.isEmpty {
                    shares.reserveCapacity(count)
                    rateYears.reserveCapacity(count)
                }
                if let r = reader.rate(value, "annees") {
                    shares.append(r)
                    rateYears.append((year, .zero))
                } else {
                    ok = false
                }
            } else {
                if amounts.isEmpty { amounts.reserveCapacity(count) }
                if let m = reader.money(value, "annees") { amounts.append((year, m)) } else { ok = false }
            }
        }
        if NodeReader.isPlainTable(node) {
            // Every entry as `mapping` would take it, walked from the records: no table made.
            count = node.childCount / 2
            for (keyNode, value) in node.pairs { visit(keyNode, value) }
        } else {
            guard let f = reader.mapping(node, "`annees`") else { return nil }
            count = f.count
            for i in 0..<f.count {
                f.take(at: i)
                visit(f.keyNode(at: i), f.value(at: i))
            }
        }
        guard ok else { return nil }
        if !shares.isEmpty && !amounts.isEmpty {
            reader.error(node, "`annees` mélange montants et pourcentages", "écrivez toutes les années en montants, ou toutes en pourcentages")
            return nil
        }
        if shares.isEmpty && amounts.isEmpty {
            reader.error(node, "`annees` est vide", "écrivez par exemple `annees: { 2025: 100 % }`")
            return nil
        }
        if !shares.isEmpty {
            let sum = shares.reduce(Rate.zero, +)
            if sum != .hundredPercent {
                reader.report(
                    Diagnostic(
                        .erreur, rule: .repartitionAnnuelle,
                        "« \(label) » : la répartition par année totalise \(sum.formatted(decimals: 4)), pas 100 %", at: reader.location(node),
                        notes: ["corrigez les pourcentages pour qu'ils totalisent exactement 100 %"]))
                return nil
            }
            total.splitting(shares.count, weight: { shares[$0].millionths }) { i, part in rateYears[i].amountHT = part }
            return (rateYears, shares)
        }
        var sum = Money.zero
        for a in amounts { sum += a.amountHT }
        if sum != total {
            reader.report(
                Diagnostic(
                    .erreur, rule: .repartitionAnnuelle,
                    "« \(label) » : la répartition par année totalise \(sum), et la dépense \(total) HT (écart \(sum - total))",
                    at: reader.location(node), notes: ["corrigez un montant annuel ou le montant HT pour que les deux concordent"]))
            return nil
        }
        return (amounts, nil)
    }

    /// Whether a scalar reads `solde` once folded (`Solde`, ` solde `…). Folding keeps digits, so
    /// a value with one (an amount, most values here) is not `solde` and is not folded.
    static func isBalance(_ node: Node) -> Bool {
        if node.isScalar("solde") { return true }
        if node.withScalarBytes({ $0.contains { $0 >= 0x30 && $0 <= 0x39 } }) { return false }
        return ValueParsers.folded(node.scalarText) == "solde"
    }

    func readFunding(_ node: Node) -> FundingLine? {
        guard let f = reader.mapping(node, "un financement") else { return nil }
        let keyLocations = reader.keyLocations(f, atKeys: false)
        // The one key saying where the money comes from (the list of them made only to say there
        // is none, or more than one).
        var found: String?
        var sources = 0
        for key in Self.sourceKeys where f.has(key) {
            sources += 1
            found = found ?? key
        }
        defer { reader.finish(f, "un financement", known: Self.fundingKeys) }
        guard sources == 1, let sourceKey = found else {
            let sourceKeys = Self.sourceKeys.filter { f.has($0) }
            if sourceKeys.isEmpty {
                reader.error(
                    node, "un financement doit dire d'où vient l'argent",
                    "écrivez `dispositif: etat.detr`, ou `autofinancement: solde`, `emprunt: 200 000`, `recette: …`, `mecenat: …`", rule: .cleManquante)
            } else {
                reader.error(
                    node, "un financement ne peut avoir qu'une origine, pas \(sourceKeys.map { "`\($0)`" }.joined(separator: " et "))",
                    "faites une ligne par origine")
            }
            sourceKeys.forEach { _ = f.take($0) }
            return nil
        }
        let source: FundingSource
        var amount: FundingAmount?
        let sourceNode = f.take(sourceKey)!
        if sourceKey == "dispositif" {
            guard let id = reader.slug(sourceNode, "dispositif") else { return nil }
            if catalogue.dispositifs.index(forKey: id) == nil {
                reader.error(
                    sourceNode, "dispositif inconnu `\(id)`",
                    Suggestions.hint(for: id, among: Array(catalogue.dispositifs.keys)) + " (catalogue intégré et financeurs.yaml)", rule: .reference)
                return nil
            }
            source = .dispositif(id)
        } else {
            let nature = Self.ownSources.first { $0.key == sourceKey }!.nature
            source = .own(nature)
            if sourceNode.isScalar, Self.isBalance(sourceNode) {
                guard nature == .autofinancement else {
                    reader.error(sourceNode, "`\(sourceKey): solde` : seul l'autofinancement peut équilibrer le plan", "écrivez `autofinancement: solde`")
                    return nil
                }
                amount = .balance
            } else if sourceNode.isEmptyScalar || sourceNode.isScalar("~") {
                // `emprunt:` followed by `montant:` is accepted too.
            } else {
                guard let m = reader.money(sourceNode, sourceKey) else { return nil }
                amount = .fixed(m)
            }
        }
        // The optional keys, each taken here for the first time (the source key, taken above, is
        // none of them): once every entry is taken, none is looked for.
        let montant = f.takeIfLeft("montant")
        let taux = f.takeIfLeft("taux")
        var rateRange: ClosedRange<Rate>?
        if montant != nil, let taux {
            reader.error(taux, "`montant` et `taux` à la fois : donnez l'un ou l'autre", "gardez `montant` (montant notifié) ou `taux` (de l'assiette éligible)")
            return nil
        }
        if let montant {
            if amount != nil {
                reader.error(montant, "le montant est déjà donné par `\(sourceKey)`", "retirez `montant`")
                return nil
            }
            guard let m = reader.money(montant, "montant") else { return nil }
            amount = .fixed(m)
        } else if let taux {
            guard amount == nil else {
                reader.error(taux, "le montant est déjà donné par `\(sourceKey)`", "retirez `taux`")
                return nil
            }
            // `..` looked for in the bytes first (no text made for a plain rate), then among the
            // characters: a dot that bears a combining accent (`..\u{301}`) is no dot.
            if taux.isScalar, taux.withScalarBytes({ b in b.indices.dropFirst().contains { b[$0] == 0x2E && b[$0 - 1] == 0x2E } }),
                taux.scalarText.contains("..")
            {
                let written = taux.scalarText
                let bounds = written.components(separatedBy: "..")
                guard bounds.count == 2, case .success(let low) = ValueParsers.rate(bounds[0]), case .success(let high) = ValueParsers.rate(bounds[1]),
                    low <= high
                else {
                    reader.error(taux, "`taux` : fourchette illisible « \(written) »", "écrivez par exemple `taux: 25 % .. 35 %` (la borne basse d'abord)")
                    return nil
                }
                amount = .rate(low)
                rateRange = low...high
            } else {
                guard let r = reader.rate(taux, "taux") else { return nil }
                amount = .rate(r)
            }
        }
        guard let amount else {
            reader.error(node, "financement sans montant", "ajoutez `montant: …` ou `taux: …`", rule: .cleManquante)
            return nil
        }
        let base = f.takeIfLeft("assiette").flatMap { reader.money($0, "assiette") }
        if case .rate = amount, case .own = source {
            reader.error(taux, "un taux ne s'applique qu'à un dispositif", "donnez un montant")
        }
        let status: FundingStatus
        if let node = f.takeIfLeft("statut") {
            status = reader.choice(node, "statut", FundingStatus.self) ?? .envisage
        } else {
            status = sourceKey == "dispositif" ? .envisage : .notifie
        }
        let request = f.takeIfLeft("depot").flatMap { reader.day($0, "depot") }
        let notification = f.takeIfLeft("notification").flatMap { reader.day($0, "notification") }
        let paid = f.takeIfLeft("verse").flatMap { reader.money($0, "verse") }
        let envelopeYear = f.takeIfLeft("annee_enveloppe").flatMap { reader.year($0, "annee_enveloppe") }
        let derogation = f.takeIfLeft("derogation_demarrage").flatMap { reader.day($0, "derogation_demarrage") }
        let label = f.takeIfLeft("libelle").flatMap { reader.text($0, "libelle") }
        let probability = f.takeIfLeft("probabilite").flatMap { reader.rate($0, "probabilite") }
        _ = f.takeIfLeft("preteur").flatMap { reader.text($0, "preteur") }
        reader.comment(f)
        // Keys most funding lines do not write: looked for only when some key is left.
        var receipt: Day?, guarantee = false, buyBack: LandBuyBack?
        if f.remaining > 0 {
            receipt = f.take("accuse_reception").flatMap { reader.day($0, "accuse_reception") }
            guarantee = f.take("garantie_premiere_demande").flatMap { reader.bool($0, "garantie_premiere_demande") } ?? false
            if let node = f.take("rachat"), let r = reader.mapping(node, "`rachat`") {
                let year = reader.year(reader.require(r, "annee", "`rachat`", example: "2030"), "annee")
                let price = r.take("montant").flatMap { reader.money($0, "montant") }
                reader.finish(r, "`rachat`", known: ["annee", "montant"])
                if let year { buyBack = LandBuyBack(year: year, amount: price) }
            }
        }
        var line = FundingLine(
            source: source, label: label, amount: amount, declaredBase: base, status: status, requestDay: request,
            notificationDay: notification, paid: paid, envelopeYear: envelopeYear, earlyStartDerogation: derogation,
            probability: probability, rateRange: rateRange, location: reader.location(node), keyLocations: keyLocations)
        line.receiptAcknowledged = receipt
        line.buyBack = buyBack
        line.firstDemandGuarantee = guarantee
        return line
    }
}
