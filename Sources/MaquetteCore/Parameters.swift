/// A legal or financial figure, as data: each value with the day it took effect and the text it
/// comes from (OpenFisca-style). Code never writes such a figure as a literal.
public enum ParameterValue: Sendable, Equatable {
    case rate(Rate)
    case amount(Money)
    case count(Int)
    /// Not known in general (a local grid): the programme must supply it.
    case toSupply
    /// No longer in force from this date (a wording replaced by a new text).
    case repealed
    /// A condition in force from this date (a rule of a dispositif that has no figure).
    case inForce

    /// The value in French, as `maquette regles` shows it.
    public var formatted: String {
        switch self {
        case .rate(let r): return r.formatted(decimals: 4)
        case .amount(let m): return m.formatted
        case .count(let c): return String(c)
        case .toSupply: return "à fournir"
        case .repealed: return "abrogé"
        case .inForce: return "en vigueur"
        }
    }
}

public struct DatedValue: Sendable, Equatable {
    public let since: Day
    public let value: ParameterValue
    public let reference: String
    public let location: SourceLocation?

    public init(since: Day, value: ParameterValue, reference: String, location: SourceLocation? = nil) {
        self.since = since
        self.value = value
        self.reference = reference
        self.location = location
    }
}

/// The values a parameter took over time, oldest first.
public struct Parameter: Sendable, Equatable {
    public let name: String
    public private(set) var values: [DatedValue]

    public init(name: String, values: [DatedValue]) {
        self.name = name
        self.values = values.sorted { $0.since < $1.since }
    }

    /// The value in force on `day`: the latest one that took effect on or before it.
    public func value(at day: Day) -> DatedValue? {
        values.last { $0.since <= day }
    }

    /// Adds or replaces values (an override from the programme's `financeurs.yaml`).
    public mutating func merge(_ other: Parameter) {
        for value in other.values {
            values.removeAll { $0.since == value.since }
            values.append(value)
        }
        values.sort { $0.since < $1.since }
    }
}

/// The names of programme-wide parameters the rules look up. Their values live in the catalogue.
public enum ParameterName {
    public static let partMaitreOuvrageMin = "part-maitre-ouvrage-min"
    public static let partMaitreOuvrageChefDeFile = "part-maitre-ouvrage-chef-de-file"
    public static let dotationsPlafond = "dotations-plafond"
    public static let dotationsTauxMin = "dotations-taux-min"
    public static let aidesPubliquesPlafond = "aides-publiques-plafond"
    public static let fctvaTaux = "fctva-taux"
    public static let detrSeuilCommission = "detr-seuil-commission"
    public static let dracInscritTauxMax = "drac-inscrit-taux-max"
    public static let fipClasseTauxMax = "fip-classe-taux-max"
    public static let fipInscritTauxMax = "fip-inscrit-taux-max"
    public static let fipRegionTauxMin = "fip-region-taux-min"
    public static let fipPopulationMax = "fip-population-max"
    public static let pvdChefDeProjetTaux = "pvd-chef-de-projet-taux"
    public static let pvdChefDeProjetPlafond = "pvd-chef-de-projet-plafond"
    public static let pvdChefDeProjetPlafondAvecAnah = "pvd-chef-de-projet-plafond-avec-anah"
    public static let pvdChefDeProjetAnahTaux = "pvd-chef-de-projet-anah-taux"
    public static let pvdChefDeProjetAnahPlafond = "pvd-chef-de-projet-anah-plafond"
    public static let anahChefDeProjetTaux = "anah-chef-de-projet-taux"
    public static let anahChefDeProjetAssietteMax = "anah-chef-de-projet-assiette-max"
    public static let leaderTauxMax = "leader-taux-max"
    public static let probabiliteEnvisage = "probabilite-envisage"
    public static let probabiliteSollicite = "probabilite-sollicite"
    public static let versementAvanceEtat = "versement-avance-etat"
    public static let versementAcomptesPlafondEtat = "versement-acomptes-plafond-etat"
    public static let versementAvanceAutres = "versement-avance-autres"
    public static let versementAcomptesPlafondAutres = "versement-acomptes-plafond-autres"
    public static let dotationsDelaiDemarrageMois = "dotations-delai-demarrage-mois"
    public static let dotationsDelaiAchevementMois = "dotations-delai-achevement-mois"
    public static let dotationsProrogationDemarrageMois = "dotations-prorogation-demarrage-mois"
    public static let dotationsProrogationAchevementMois = "dotations-prorogation-achevement-mois"
    public static let dotationsTauxMinIndicatif = "dotations-taux-min-indicatif"
    public static let detrAidesPubliquesPlafond = "detr-aides-publiques-plafond"
    public static let partMaitreOuvrageRenovationEcoles = "part-maitre-ouvrage-renovation-ecoles"
    public static let versementAcomptesPlafondGarantie = "versement-acomptes-plafond-garantie"
    public static let versementAcomptesPlafondLong = "versement-acomptes-plafond-long"
    public static let versementDureeLongueMois = "versement-duree-longue-mois"
    public static let pvdChefDeProjetQuotiteMin = "pvd-chef-de-projet-quotite-min"
    public static let fondsVertAdemeIntegreDepuis = "fonds-vert-ademe-integre"
    public static let fondsVertDemolitionJustifiee = "fonds-vert-demolition-justifiee"
    public static let dotationsProrogationPreavisMois = "dotations-prorogation-preavis-mois"
    public static let epfPortageDureeMaxMois = "epf-portage-duree-max-mois"

    /// What goes unchecked when a programme parameter is « à fournir » (said to the user).
    public static func unchecked(by name: String) -> String {
        let rules: [String: DiagnosticID] = [
            partMaitreOuvrageMin: .partMaitreOuvrage, partMaitreOuvrageChefDeFile: .partMaitreOuvrage, dotationsPlafond: .dotationsPlafond,
            dotationsTauxMin: .tauxDispositif, aidesPubliquesPlafond: .aidesPubliquesPlafond, detrSeuilCommission: .detrCommission,
            dracInscritTauxMax: .dracMonuments, fipClasseTauxMax: .dracFIP, fipInscritTauxMax: .dracFIP, fipRegionTauxMin: .dracFIP,
            fipPopulationMax: .dracFIP, pvdChefDeProjetTaux: .pvdChefDeProjet, pvdChefDeProjetPlafond: .pvdChefDeProjet,
            pvdChefDeProjetPlafondAvecAnah: .pvdChefDeProjet, pvdChefDeProjetAnahTaux: .pvdChefDeProjet,
            pvdChefDeProjetAnahPlafond: .pvdChefDeProjet, anahChefDeProjetTaux: .anahChefDeProjet,
            anahChefDeProjetAssietteMax: .anahChefDeProjet, leaderTauxMax: .leaderContrepartie,
            dotationsDelaiDemarrageMois: .dotationsDelais, dotationsDelaiAchevementMois: .dotationsDelais,
            dotationsProrogationDemarrageMois: .dotationsDelais, dotationsProrogationAchevementMois: .dotationsDelais,
            dotationsTauxMinIndicatif: .tauxDispositif, detrAidesPubliquesPlafond: .dotationsPlafond,
            partMaitreOuvrageRenovationEcoles: .partMaitreOuvrage, versementAcomptesPlafondGarantie: .versements,
            versementAcomptesPlafondLong: .versements, versementDureeLongueMois: .versements, pvdChefDeProjetQuotiteMin: .pvdChefDeProjet,
            fondsVertAdemeIntegreDepuis: .fondsVertFrichesConditions, fondsVertDemolitionJustifiee: .fondsVertFrichesConditions,
        ]
        if let rule = rules[name] { return "la règle `\(rule)` n'est pas vérifiée" }
        switch name {
        case fctvaTaux: return "le FCTVA n'est pas calculé"
        case probabiliteEnvisage, probabiliteSollicite: return "la simulation compte ces aides comme certaines"
        case dotationsProrogationDemarrageMois, dotationsProrogationAchevementMois, dotationsProrogationPreavisMois, epfPortageDureeMaxMois:
            return "l'échéancier ne donne pas ces dates"
        default: return "la trésorerie ne prévoit pas ces versements"
        }
    }

    /// Every name the rules need; the catalogue must define each.
    public static let all: [String] = [
        partMaitreOuvrageMin, partMaitreOuvrageChefDeFile, dotationsPlafond, dotationsTauxMin,
        aidesPubliquesPlafond, fctvaTaux, detrSeuilCommission, dracInscritTauxMax, fipClasseTauxMax,
        fipInscritTauxMax, fipRegionTauxMin, fipPopulationMax, pvdChefDeProjetTaux,
        pvdChefDeProjetPlafond, pvdChefDeProjetPlafondAvecAnah, pvdChefDeProjetAnahTaux,
        pvdChefDeProjetAnahPlafond, anahChefDeProjetTaux, anahChefDeProjetAssietteMax, leaderTauxMax,
        dotationsDelaiDemarrageMois, dotationsDelaiAchevementMois, versementAvanceEtat, versementAcomptesPlafondEtat,
        versementAvanceAutres, versementAcomptesPlafondAutres, probabiliteEnvisage, probabiliteSollicite,
        dotationsTauxMinIndicatif, detrAidesPubliquesPlafond,
        partMaitreOuvrageRenovationEcoles, versementAcomptesPlafondGarantie, versementAcomptesPlafondLong, versementDureeLongueMois,
        pvdChefDeProjetQuotiteMin, fondsVertAdemeIntegreDepuis, fondsVertDemolitionJustifiee,
        dotationsProrogationDemarrageMois, dotationsProrogationAchevementMois, dotationsProrogationPreavisMois, epfPortageDureeMaxMois,
    ]
}
