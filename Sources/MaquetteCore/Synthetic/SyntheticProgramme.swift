/// A deterministic synthetic programme in the real plan format, for scale tests and benchmarks:
/// communes and intercommunalities, operations of 4 to 12 expense lines over 1 to 5 years and 2 to
/// 7 funding lines over the catalogue's dispositifs with realistic rates and statuses, envelopes,
/// three scenarios, and a controlled share of operations that break a rule. The same seed gives
/// the same files, byte for byte.
public struct SyntheticProgramme {
    public let operations: Int
    public let seed: UInt64
    /// Share of operations that break a rule on purpose (an owner's share below 20 %, a DETR below
    /// its 20 % floor, or an unbalanced plan).
    public let brokenShare: Rate

    public init(operations: Int, seed: UInt64, brokenShare: Rate = Rate(percent: 5)) {
        self.operations = operations
        self.seed = seed
        self.brokenShare = brokenShare
    }

    /// Relative paths and texts of the files.
    public func files() -> [(path: String, text: String)] {
        var g = SeededGenerator(seed: seed)
        func between(_ low: Int64, _ high: Int64) -> Int64 { low + Int64(g.next(below: UInt64(high - low + 1))) }
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        func amount(_ m: Money) -> String {
            // Whole euros with grouped thousands, cents only when there are some.
            let s = m.formatted.replacingAll("€", "").replacingAll(" ", " ")
            var t = s
            while t.hasSuffix(" ") { t.removeLast() }
            return t.hasSuffix(",00") ? String(t.dropLast(3)) : "\"\(t)\""
        }
        let width = String(operations).count
        let communes = max(3, operations / 6)
        let epcis = max(1, communes / 8)
        var files: [(String, String)] = []

        // The programme and its owners.
        var programme = "# Programme synthétique généré par `maquette generer` (graine \(seed)).\n"
        programme += "id: synthetique-\(operations)\nnom: Programme synthétique de \(operations) opérations\n"
        programme += "periode: { debut: 2022, fin: 2032 }\ndate_reference: 2025-01-01\nbase: HT\nmaitres_ouvrage:\n"
        var owners: [String] = []
        for c in 1...communes {
            let id = "commune-\(pad(c, 5))"
            owners.append(id)
            let regime = g.next(below: 5) == 0 ? "N+1" : "N+2"
            programme += "  - { id: \(id), nom: Commune \(pad(c, 5)), type: commune, population: \(between(1_500, 19_000)), regime_fctva: \(regime), capacite_autofinancement: \(between(200, 900)) 000 }\n"
        }
        for e in 1...epcis {
            let id = "cc-\(pad(e, 4))"
            owners.append(id)
            programme += "  - { id: \(id), nom: Communauté de communes \(pad(e, 4)), type: epci, regime_fctva: N, capacite_autofinancement: \(amount(Money(cents: between(300, 1_500) * 100_000))) }\n"
        }
        files.append(("programme.yaml", programme))

        let natures: [(String, String, Int64, Int64)] = [
            ("etudes", "Études préalables", 10_000, 120_000), ("amo", "Assistance à maîtrise d'ouvrage", 10_000, 80_000),
            ("maitrise-oeuvre", "Maîtrise d'œuvre", 30_000, 300_000), ("controles", "Contrôle technique et SPS", 5_000, 40_000),
            ("acquisition", "Acquisition foncière", 50_000, 600_000), ("demolition", "Démolition", 30_000, 400_000),
            ("travaux", "Travaux", 100_000, 2_000_000), ("travaux", "Travaux de second œuvre", 50_000, 800_000),
            ("equipement", "Équipement", 20_000, 300_000), ("assurances", "Assurance dommages-ouvrage", 5_000, 30_000),
            ("aleas", "Aléas et révisions", 10_000, 150_000), ("publicite", "Publicité et concertation", 2_000, 20_000),
        ]
        var detrByYear: [Int: Money] = [:]
        var dsilByYear: [Int: Money] = [:]
        for n in 1...operations {
            let id = "op-\(pad(n, width))"
            let owner = owners[Int(g.next(below: UInt64(owners.count)))]
            let startYear = Int(between(2024, 2027))
            let startMonth = Int(between(1, 12))
            let years = Int(between(1, 5))
            let endYear = startYear + years - 1
            let lines = Int(between(4, 12))
            var text = "id: \(id)\nintitule: Opération synthétique \(n)\nmaitre_ouvrage: \(owner)\nperimetres: [pvd]\n"
            text += "calendrier: { debut_travaux: \(startYear)-\(pad(startMonth, 2)), fin: \(endYear)-12 }\n"
            text += "depenses:\n"
            var cost = Money.zero
            var studies = Money.zero
            for l in 0..<lines {
                let nature = natures[l < 3 ? [0, 2, 6][l] : Int(g.next(below: UInt64(natures.count)))]
                let ht = Money(euros: between(nature.2 / 1_000, nature.3 / 1_000) * 1_000)
                cost += ht
                if nature.0 == "etudes" { studies += ht }
                let vat = nature.0 == "acquisition" ? "0 %" : "20 %"
                // Studies in the first year; the rest spread over the works' years in whole percents.
                var split: [String] = []
                if nature.0 == "etudes" || years == 1 {
                    split = ["\(startYear): 100 %"]
                } else {
                    var left = 100
                    for y in 0..<years {
                        let share = y == years - 1 ? left : Int(between(1, Int64(max(1, left - (years - y - 1)))))
                        split.append("\(startYear + y): \(share) %")
                        left -= share
                    }
                }
                text += "  - { libelle: \(nature.1) \(l + 1), nature: \(nature.0), montant_ht: \(amount(ht)), tva: \(vat), annees: { \(split.joined(separator: ", ")) } }\n"
            }
            // Funding: public aid below 72.5 % of the cost, unless this operation is to break a rule.
            let breaks = g.chance(brokenShare)
            let breakKind = breaks ? Int(g.next(below: 3)) : -1
            text += "financements:\n"
            let depotYear = startMonth > 6 ? startYear : startYear - 1
            let depot = "\(depotYear)-\(pad(startMonth > 6 ? startMonth - 5 : startMonth + 4, 2))-\(pad(Int(between(1, 28)), 2))"
            func status() -> (String, String) {
                switch g.next(below: 10) {
                case 0, 1: return ("envisage", "")
                case 2, 3, 4, 5: return ("sollicite", ", depot: \(depot)")
                case 6, 7, 8: return ("notifie", ", depot: \(depot), notification: \(depotYear + 1)-\(pad(Int(between(1, 3)), 2))-15")
                default: return ("verse", ", depot: \(depot), notification: \(depotYear + 1)-\(pad(Int(between(1, 3)), 2))-15")
                }
            }
            let state = g.next(below: 3) == 0 ? "etat.dsil" : "etat.detr"
            var stateRate = Rate(percent: between(20, 35))
            if breakKind == 1 { stateRate = Rate(percent: 15) }
            let stateAmount = cost.applying(stateRate)
            var (s, extra) = status()
            text += "  - { dispositif: \(state), montant: \(amount(stateAmount)), statut: \(s)\(extra)\(s == "verse" ? ", verse: \(amount(stateAmount.applying(Rate(percent: 30))))" : "") }\n"
            let envelopeYear = s == "notifie" || s == "verse" ? depotYear + 1 : s == "sollicite" ? depotYear : startYear
            if state == "etat.detr" { detrByYear[envelopeYear, default: .zero] += stateAmount } else { dsilByYear[envelopeYear, default: .zero] += stateAmount }
            let regionRate = breakKind == 0 ? Rate(percent: 30) : Rate(percent: between(5, 15))
            (s, extra) = status()
            let region = cost.applying(regionRate)
            text += "  - { dispositif: region.bourgs-centres, montant: \(amount(region)), statut: \(s)\(extra) }\n"
            if g.next(below: 2) == 0 || breakKind == 0 {
                let rate = breakKind == 0 ? Rate(percent: 20) : Rate(percent: between(3, 10))
                (s, extra) = status()
                text += "  - { dispositif: departement.f2d, montant: \(amount(cost.applying(rate))), statut: \(s)\(extra) }\n"
            }
            if g.next(below: 3) == 0 {
                (s, extra) = status()
                let feder = cost.applying(Rate(percent: between(2, 10)))
                text += "  - { dispositif: europe.feder, montant: \(amount(feder)), statut: \(s)\(extra) }\n"
            }
            if studies > .zero && g.next(below: 3) == 0 {
                (s, extra) = status()
                text += "  - { dispositif: bdt.ingenierie, taux: 50 %, statut: \(s)\(extra) }\n"
            }
            if g.next(below: 4) == 0 {
                text += "  - { emprunt: \(amount(cost.applying(Rate(percent: between(5, 10))))), preteur: Banque des Territoires }\n"
            }
            if breakKind == 2 {
                text += "  - autofinancement: \(amount(cost.applying(Rate(percent: 10))))\n"
            } else {
                text += "  - autofinancement: solde\n"
            }
            files.append(("operations/\(id).yaml", text))
        }

        // Funders: the local rates the catalogue leaves open, envelopes 15 % above what is asked.
        var funders = "# Taux locaux et enveloppes du programme synthétique.\ndispositifs:\n"
        funders += "  - { id: region.bourgs-centres, parametres: { taux-max: 30 % } }\n  - { id: departement.f2d, parametres: { taux-max: 20 % } }\n"
        funders += "enveloppes:\n"
        for (dispositif, byYear) in [("etat.detr", detrByYear), ("etat.dsil", dsilByYear)] {
            for (year, asked) in byYear.sorted(by: { $0.key < $1.key }) {
                let envelope = Money(euros: (asked.applying(Rate(percent: 115)).cents / 100_000 + 1) * 1_000)
                funders += "  - { dispositif: \(dispositif), annee: \(year), montant: \(amount(envelope)) }\n"
            }
        }
        files.append(("financeurs.yaml", funders))
        let first = "op-\(pad(1, width))"
        files.append(("scenarios/dsil-detr-refusees.yaml", "id: dotations-refusees\ntitre: Dotation refusée pour la première opération\nchangements:\n  - modifier_dispositif: { dispositif: etat.detr, variation: -10 % }\n"))
        files.append(("scenarios/travaux-plus-8.yaml", "id: travaux-plus-8\ntitre: Travaux +8 %\nchangements:\n  - modifier_depenses: { operation: toutes, nature: travaux, variation: +8 % }\n"))
        files.append(("scenarios/decalage.yaml", "id: decalage\ntitre: Première opération décalée d'un an\nchangements:\n  - decaler: { operation: \(first), annees: 1 }\n"))
        return files
    }
}
