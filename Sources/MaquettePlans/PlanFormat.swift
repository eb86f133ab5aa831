import MaquetteCore

/// Every key of the plan files, described once: the readers take their lists of known keys from
/// here, `maquette schema` builds the editors' JSON Schemas from it, and a test checks the key
/// tables of docs/format-des-plans.md against it.
public struct PlanKey: Sendable {
    /// What a key's value is, as the readers accept it.
    public indirect enum Value: Sendable {
        case text
        case id
        case amount
        /// A rate with `%`; `range` also accepts `25 % .. 35 %`.
        case rate(range: Bool)
        /// `AAAA-MM-JJ` or `AAAA-MM`.
        case day
        case year
        case integer
        case yesNo
        /// A closed vocabulary of the core model.
        case choice([String])
        /// An operation id, a maître d'ouvrage id, a dispositif id: known only with the plans.
        case reference(Reference)
        case amountOrBalance
        case list(Value)
        case object([PlanKey])
        /// `{ 2026: 50 %, 2027: 50 % }` or in euros.
        case yearShares
        /// A value, or its history: `[{ depuis: 2026-01-01, valeur: …, reference: … }]`.
        case dated(Value)
    }

    public enum Reference: Sendable {
        case maitreOuvrage, dispositif, operation, scenario, parameter
    }

    public let name: String
    public let required: Bool
    /// One line, in French, for the schema's descriptions.
    public let description: String
    public let value: Value

    public init(_ name: String, _ value: Value, required: Bool = false, _ description: String) {
        self.name = name
        self.required = required
        self.description = description
        self.value = value
    }
}

/// The plan files' keys.
public enum PlanFormat {
    public static let calendar: [PlanKey] = [
        PlanKey("premier_acte_juridique", .day, "Commencement d'exécution : premier acte juridique (devis signé, ordre de service, acte d'engagement)"),
        PlanKey("debut_travaux", .day, "Début des travaux sur le chantier (le calendrier)"),
        PlanKey("fin", .day, "Fin de l'opération"),
    ]

    public static let derogation: [PlanKey] = [
        PlanKey("motif", .choice(OwnerShareDerogation.allCases.map(\.rawValue)), required: true, "Motif de la dérogation à la part minimale"),
        PlanKey("decision_prefet", .day, "Date de la décision du préfet"),
        PlanKey("part_minimale", .rate(range: false), "Part minimale fixée par le préfet, quand la dérogation l'abaisse"),
    ]

    public static let operation: [PlanKey] = [
        PlanKey("id", .id, required: true, "Identifiant unique de l'opération"),
        PlanKey("intitule", .text, required: true, "Intitulé"),
        PlanKey("maitre_ouvrage", .reference(.maitreOuvrage), required: true, "Maître d'ouvrage (programme.yaml)"),
        PlanKey("perimetres", .list(.id), "Périmètres : pvd, ort, spr…"),
        PlanKey("section", .choice(Section.allCases.map(\.rawValue)), "Investissement (défaut) ou fonctionnement"),
        PlanKey("base", .choice(Basis.allCases.map(\.rawValue)), "Base sur laquelle le plan s'équilibre"),
        PlanKey("calendrier", .object(calendar), "{ debut_travaux: 2025-03, fin: 2027-06 }"),
        PlanKey("chef_de_file", .yesNo, "Compétence de chef de file (part minimale 30 %)"),
        PlanKey("cper_ou_ctec", .yesNo, "Opération au CPER ou sous CTEC"),
        PlanKey("protection", .choice(HeritageProtection.allCases.map(\.rawValue)), "Protection au titre des monuments historiques"),
        PlanKey("derogation_part_minimale", .object(derogation), "Dérogation à la part minimale du maître d'ouvrage"),
        PlanKey("batiment_communal", .yesNo, "Le bâtiment appartient à la commune (fonds incitatif et partenarial)"),
        PlanKey("commentaire", .text, "Texte libre"),
        PlanKey("depenses", .list(.object(cost)), required: true, "Liste des dépenses"),
        PlanKey("financements", .list(.object(funding)), required: true, "Liste des ressources"),
    ]

    public static let cost: [PlanKey] = [
        PlanKey("libelle", .text, required: true, "Libellé de la dépense"),
        PlanKey("nature", .choice(CostNature.allCases.map(\.rawValue)), required: true, "Nature de la dépense"),
        PlanKey("montant_ht", .amount, required: true, "Montant hors taxes"),
        PlanKey("tva", .rate(range: false), "Taux de TVA (défaut 20 %)"),
        PlanKey("fctva", .yesNo, "non : la ligne n'ouvre pas droit au FCTVA"),
        PlanKey("affectation", .choice(AssetUse.allCases.map(\.rawValue)), "Affectation du bien : hors assiette du FCTVA si activité assujettie ou tiers non éligible"),
        PlanKey("premier_acte_juridique", .day, "Premier acte juridique de ce lot, s'il commence avant l'opération"),
        PlanKey("travaux_monument", .choice(HeritageWork.allCases.map(\.rawValue)), "Travaux sur un monument : restauration et réparation seules dans l'assiette de la DRAC"),
        PlanKey("quotite", .rate(range: false), "Quotité du poste (chef de projet PVD : au moins 80 %)"),
        PlanKey("justification", .text, "Note justifiant une démolition (Fonds vert friches)"),
        PlanKey("annees", .yearShares, "Répartition par année : montants ou pourcentages"),
        PlanKey("commentaire", .text, "Texte libre"),
    ]

    /// The owner's own resources, written `autofinancement: 150 000` instead of `dispositif:`.
    public static let ownSources: [(key: String, nature: FundingNature)] = [
        ("autofinancement", .autofinancement), ("emprunt", .pret), ("recette", .recette), ("mecenat", .mecenat), ("fctva", .fctva),
    ]

    public static let funding: [PlanKey] =
        [PlanKey("dispositif", .reference(.dispositif), "Dispositif du catalogue ou de financeurs.yaml")]
        + ownSources.map { PlanKey($0.key, .amountOrBalance, $0.key == "autofinancement" ? "Autofinancement : un montant, ou solde" : "Montant (\($0.key))") }
        + [
            PlanKey("libelle", .text, "Libellé"),
            PlanKey("montant", .amount, "Montant de l'aide"),
            PlanKey("taux", .rate(range: true), "Taux de l'assiette éligible, ou fourchette 25 % .. 35 %"),
            PlanKey("assiette", .amount, "Dépense subventionnable retenue"),
            PlanKey("statut", .choice(FundingStatus.allCases.map(\.rawValue) + ["envisagé", "sollicité", "notifié", "versé", "refusé"]), "Statut de la demande"),
            PlanKey("depot", .day, "Date de réception de la demande"),
            PlanKey("notification", .day, "Date de l'arrêté ou de la convention"),
            PlanKey("verse", .amount, "Montant déjà versé"),
            PlanKey("annee_enveloppe", .year, "Année de l'enveloppe sur laquelle la ligne s'impute"),
            PlanKey("derogation_demarrage", .day, "Dérogation du préfet au commencement avant la demande"),
            PlanKey("accuse_reception", .day, "Date de réception de la demande (accusé de réception)"),
            PlanKey("rachat", .object(buyBack), "Portage foncier de l'EPF : année et prix du rachat"),
            PlanKey("garantie_premiere_demande", .yesNo, "L'avance demande une garantie à première demande (acomptes jusqu'à 60 %)"),
            PlanKey("preteur", .text, "Prêteur"),
            PlanKey("probabilite", .rate(range: false), "Chance que la ligne soit accordée (simulation)"),
            PlanKey("commentaire", .text, "Texte libre"),
        ]

    public static let buyBack: [PlanKey] = [
        PlanKey("annee", .year, required: true, "Année du rachat par le maître d'ouvrage"),
        PlanKey("montant", .amount, "Prix du rachat"),
    ]

    public static let period: [PlanKey] = [
        PlanKey("debut", .year, required: true, "Première année du programme"),
        PlanKey("fin", .year, required: true, "Dernière année du programme"),
    ]

    public static let owner: [PlanKey] = [
        PlanKey("id", .id, required: true, "Identifiant du maître d'ouvrage"),
        PlanKey("nom", .text, required: true, "Nom"),
        PlanKey("type", .text, "Texte libre : commune, epci"),
        PlanKey("regime_fctva", .dated(.choice(FCTVARegime.allCases.map(\.rawValue))), "Année de versement du FCTVA, ou son historique daté"),
        PlanKey("faibles_ressources", .yesNo, "Commune à faibles ressources (fonds incitatif et partenarial)"),
        PlanKey("population", .integer, "Population DGF"),
        PlanKey("capacite_autofinancement", .amount, "Capacité d'autofinancement annuelle"),
    ]

    public static let programme: [PlanKey] = [
        PlanKey("id", .id, required: true, "Identifiant du programme"),
        PlanKey("nom", .text, required: true, "Intitulé"),
        PlanKey("periode", .object(period), required: true, "{ debut: 2021, fin: 2028 }"),
        PlanKey("date_reference", .day, "Date de lecture des paramètres par défaut"),
        PlanKey("base", .choice(Basis.allCases.map(\.rawValue)), "Base par défaut des plans"),
        PlanKey("maitres_ouvrage", .list(.object(owner)), required: true, "Liste des maîtres d'ouvrage"),
        PlanKey("date_comite", .day, "Date du Comité régional des financeurs, dans le titre du classeur"),
        PlanKey("signataire", .text, "Signataire de la ligne « Certifié exact » du plan de financement"),
        PlanKey("commentaire", .text, "Texte libre"),
    ]

    public static let scenario: [PlanKey] = [
        PlanKey("id", .id, required: true, "Identifiant du scénario (le nom du fichier)"),
        PlanKey("titre", .text, required: true, "Titre"),
        PlanKey("parent", .reference(.scenario), "Scénario appliqué avant celui-ci"),
        PlanKey("commentaire", .text, "Texte libre"),
        PlanKey("changements", .list(.text), "Liste des changements"),
    ]

    /// The keys of each change of a scenario, by its verb.
    public static let scenarioChanges: [(verb: String, keys: [String])] = [
        ("refuser", ["operation", "ligne"]),
        ("retirer", ["operation", "ligne"]),
        ("modifier_financement", ["operation", "ligne", "montant", "taux", "statut"]),
        ("modifier_dispositif", ["dispositif", "taux-min", "taux-max", "plafond", "plancher", "variation", "enveloppes"]),
        ("modifier_depenses", ["operation", "nature", "libelle", "montant_ht", "variation"]),
        ("decaler", ["operation", "mois", "annees"]),
        ("ajouter_financement", ["operation", "financement"]),
        ("ajouter_operation", []),
    ]
}

extension Array where Element == PlanKey {
    /// The keys' names, for the readers' checks of unknown keys.
    public var names: [String] { map(\.name) }
}
