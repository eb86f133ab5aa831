/// The closed vocabularies of the plan files, each with its French spelling in the files and its
/// label in reports.

/// On which amounts a plan is balanced and a dispositif's base is taken.
public enum Basis: String, Sendable, CaseIterable {
    case ht = "HT"
    case ttc = "TTC"
}

/// When the FCTVA is received, relative to the year of spending (CGCT L1615-6).
public enum FCTVARegime: String, Sendable, CaseIterable {
    case n = "N"
    case n1 = "N+1"
    case n2 = "N+2"

    public var delayInYears: Int {
        switch self {
        case .n: return 0
        case .n1: return 1
        case .n2: return 2
        }
    }
}

/// Investment or operating expense: the owner's minimum share and the FCTVA apply to investment only.
public enum Section: String, Sendable, CaseIterable {
    case investissement
    case fonctionnement
}

/// The nature of an expense line.
public enum CostNature: String, Sendable, CaseIterable {
    case etudes
    case amo
    case maitriseOeuvre = "maitrise-oeuvre"
    case controles
    case acquisition
    case fraisAcquisition = "frais-acquisition"
    case demolition
    case depollution
    case travaux
    case equipement
    case assurances
    case publicite
    case aleas
    case remuneration
    case animation

    /// Works that realise an investment: studies followed by them enter the FCTVA base.
    public var isWorks: Bool {
        switch self {
        case .travaux, .demolition, .depollution, .equipement: return true
        default: return false
        }
    }

    /// Studies and land purchase: not a commencement d'exécution for the State dotations (CGCT R2334-24).
    public var isStudyOrLand: Bool { self == .etudes || self == .acquisition || self == .fraisAcquisition }

    public var label: String {
        switch self {
        case .etudes: return "Études"
        case .amo: return "Assistance à maîtrise d'ouvrage"
        case .maitriseOeuvre: return "Maîtrise d'œuvre"
        case .controles: return "Contrôle technique, SPS, OPC"
        case .acquisition: return "Acquisition"
        case .fraisAcquisition: return "Frais d'acquisition"
        case .demolition: return "Démolition"
        case .depollution: return "Dépollution"
        case .travaux: return "Travaux"
        case .equipement: return "Équipement"
        case .assurances: return "Assurances"
        case .publicite: return "Publicité"
        case .aleas: return "Aléas et révisions"
        case .remuneration: return "Rémunération"
        case .animation: return "Animation"
        }
    }
}

/// What a funding line is, which decides how it counts.
public enum FundingNature: String, Sendable, CaseIterable {
    case subvention
    case pret
    case fondsDeConcours = "fonds-de-concours"
    case portageFoncier = "portage-foncier"
    case autofinancement
    case fctva
    case recette
    case mecenat

    /// Public financing for CGCT L1111-10 (subsidies and fonds de concours from public persons).
    public var isPublicAid: Bool { self == .subvention || self == .fondsDeConcours }

    /// The owner's own money: its funds, its loans, and land carried for it, which it buys back.
    public var isOwnersShare: Bool { self == .autofinancement || self == .pret || self == .portageFoncier }

    public var label: String {
        switch self {
        case .subvention: return "Subvention"
        case .pret: return "Prêt"
        case .fondsDeConcours: return "Fonds de concours"
        case .portageFoncier: return "Portage foncier"
        case .autofinancement: return "Autofinancement"
        case .fctva: return "FCTVA"
        case .recette: return "Recette"
        case .mecenat: return "Mécénat"
        }
    }
}

/// Where a funding line stands. Refused and lapsed lines stay in the file but count for nothing.
public enum FundingStatus: String, Sendable, CaseIterable {
    case envisage
    case sollicite
    case notifie
    case verse
    case refuse
    case caduc

    public var counts: Bool { self != .refuse && self != .caduc }
    /// Certain enough to balance a budget on (AP/CP practice).
    public var isCertain: Bool { self == .notifie || self == .verse }

    public var label: String {
        switch self {
        case .envisage: return "envisagé"
        case .sollicite: return "sollicité"
        case .notifie: return "notifié"
        case .verse: return "versé"
        case .refuse: return "refusé"
        case .caduc: return "caduc"
        }
    }
}

/// The legal regime of a dispositif, which selects the rules that apply to it.
public enum AidRegime: String, Sendable, CaseIterable {
    /// DETR, DSIL, DPV, DSID: CGCT R2334-19 and following.
    case dotationCGCT = "dotation-cgct"
    /// State budget subsidies under décret n° 2018-514 (FNADT, DRAC, Fonds vert…).
    case decret2018514 = "decret-2018-514"
    /// ANAH subsidies under the Code de la construction et de l'habitation.
    case cch
    /// European funds (FEDER, LEADER).
    case europe
    /// Région, Département, intercommunality.
    case collectivite
    /// Anything else (Banque des Territoires, EPF, private).
    case autre

    /// Regimes under which no start of works may precede the request.
    public var forbidsEarlyStart: Bool {
        switch self {
        case .dotationCGCT, .decret2018514, .cch, .europe: return true
        case .collectivite, .autre: return false
        }
    }
}

/// The kind of funder, used to group columns in reports and for the Région/Département rule.
public enum FunderCategory: String, Sendable, CaseIterable {
    case etat
    case region
    case departement
    case epf
    case banqueDesTerritoires = "banque-des-territoires"
    case anah
    case ademe
    case europe
    case intercommunalite
    case commune
    case prive
    case autre

    public var label: String {
        switch self {
        case .etat: return "État"
        case .region: return "Région"
        case .departement: return "Département"
        case .epf: return "EPF"
        case .banqueDesTerritoires: return "Banque des Territoires"
        case .anah: return "ANAH"
        case .ademe: return "ADEME"
        case .europe: return "Europe"
        case .intercommunalite: return "Intercommunalité"
        case .commune: return "Commune"
        case .prive: return "Privé"
        case .autre: return "Autres"
        }
    }

    public var isPublic: Bool { self != .prive }
}

/// A special role some dispositifs play in the rules.
public enum DispositifRole: String, Sendable, CaseIterable {
    /// DETR, DSIL, DPV, DSID: capped together at 80 % and each at least 20 % (R2334-27).
    case dotationEtat = "dotation-etat"
    case detr
    case dracMonuments = "drac-monuments"
    case dracFIP = "drac-fip"
    case pvdChefDeProjet = "pvd-chef-de-projet"
    case anahChefDeProjet = "anah-chef-de-projet"
    case fondsVertFriches = "fonds-vert-friches"
    /// ADEME's polluted-site aid, instructed inside the Fonds vert friches since 2023.
    case ademeFriches = "ademe-friches"
    case leader

    /// One bit per role, for a line's roles tested without hashing.
    var bit: UInt16 {
        switch self {
        case .dotationEtat: return 1 << 0
        case .detr: return 1 << 1
        case .dracMonuments: return 1 << 2
        case .dracFIP: return 1 << 3
        case .pvdChefDeProjet: return 1 << 4
        case .anahChefDeProjet: return 1 << 5
        case .fondsVertFriches: return 1 << 6
        case .ademeFriches: return 1 << 7
        case .leader: return 1 << 8
        }
    }
}

/// What an asset is used for, which decides whether its spending enters the FCTVA base.
public enum AssetUse: String, Sendable, CaseIterable {
    /// The owner's own public service: eligible.
    case servicePublic = "service-public"
    /// A VAT-liable activity (solar carports selling power…): VAT is recovered, no FCTVA.
    case activiteAssujettie = "activite-assujettie"
    /// Lent or handed to a third party not eligible to FCTVA.
    case tiersNonEligible = "tiers-non-eligible"

    public var isFCTVAEligible: Bool { self == .servicePublic }

    public var label: String {
        switch self {
        case .servicePublic: return "service public du maître d'ouvrage"
        case .activiteAssujettie: return "activité assujettie à la TVA"
        case .tiersNonEligible: return "mis à disposition d'un tiers non éligible"
        }
    }
}

/// Works on a protected building: restoration and repair are in the DRAC's base, extension and
/// new fittings are not (Code du patrimoine L621-29).
public enum HeritageWork: String, Sendable, CaseIterable {
    case restauration
    case reparation
    case `extension`
    case amenagementNeuf = "amenagement-neuf"

    public var isInDRACBase: Bool { self == .restauration || self == .reparation }
}

/// Heritage protection of the building concerned (Code du patrimoine).
public enum HeritageProtection: String, Sendable, CaseIterable {
    case aucune
    case inscrit
    case classe
}

/// Grounds on which the préfet may waive the owner's minimum share (CGCT L1111-10 III).
public enum OwnerShareDerogation: String, Sendable, CaseIterable {
    case monumentProtege = "monument-protege"
    case calamite
    case patrimoineNonProtege = "patrimoine-non-protege"
    case eau
    case dechets
    case incendie
    case voirie
    case ponts
    case biodiversite
    /// Energy renovation of school buildings: the préfet may set the share at 10 % (loi 2024-279).
    case renovationEnergetiqueEcoles = "renovation-energetique-ecoles"
    /// ANRU operations: a general exception, no préfet decision needed (loi 2003-710 art. 9).
    case anru

    /// Whether the ground applies by law, without a préfet's decision.
    public var needsNoDecision: Bool { self == .anru }
}
