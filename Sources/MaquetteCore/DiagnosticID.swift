/// Every kind of problem Maquette reports, declared once: its stable id, the stage it belongs to
/// (which decides the exit code) and what it means.
///
/// The ids are public API: they appear in messages (`[part-maitre-ouvrage]`), in `--seulement` /
/// `--sauf`, in the JSON output, in `docs/erreurs.md` and `docs/regles.md`, and in the runnable
/// error catalogue under `Tests/Catalogue/`. Tests fail when any of those drift from this list.
public enum DiagnosticID: String, CaseIterable, Sendable, CustomStringConvertible {
    // MARK: Reading the plans (exit 2)
    case fichier = "fichier"
    case syntaxeYAML = "syntaxe-yaml"
    case yamlNonAccepte = "yaml-non-accepte"
    case type = "type"
    case valeur = "valeur"
    case cleInconnue = "cle-inconnue"
    case cleManquante = "cle-manquante"
    case cleEnDouble = "cle-en-double"
    case reference = "reference"
    case identifiantEnDouble = "identifiant-en-double"
    case parametreAFournir = "parametre-a-fournir"
    case repartitionAnnuelle = "repartition-annuelle"
    case scenario = "scenario"

    // MARK: Financing rules (exit 1), one per type in `Rules.all`, in its order
    case equilibre = "equilibre"
    case partMaitreOuvrage = "part-maitre-ouvrage"
    case tauxDispositif = "taux-dispositif"
    case plafondDispositif = "plafond-dispositif"
    case naturesEligibles = "natures-eligibles"
    case dotationsPlafond = "dotations-plafond"
    case aidesPubliquesPlafond = "aides-publiques-plafond"
    case demarrageAnticipe = "demarrage-anticipe"
    case dotationsDelais = "dotations-delais"
    case detrCommission = "detr-commission"
    case fondsDeConcours = "fonds-de-concours"
    case dracMonuments = "drac-monuments"
    case dracFIP = "drac-fip"
    case pvdChefDeProjet = "pvd-chef-de-projet"
    case anahChefDeProjet = "anah-chef-de-projet"
    case fondsVertDeficit = "fonds-vert-deficit"
    case fondsVertFrichesConditions = "fonds-vert-friches-conditions"
    case leaderContrepartie = "leader-contrepartie"
    case cumulRegionDepartement = "cumul-region-departement"
    case enveloppeAnnuelle = "enveloppe-annuelle"
    case statutCoherent = "statut-coherent"
    case versements = "versements-plafond"
    case portageRachat = "portage-foncier-rachat"

    // MARK: Computations on readable plans (never blocking)
    case tresorerieCapacite = "tresorerie-capacite"
    case echeanceDepassee = "echeance-depassee"

    public var description: String { rawValue }

    public var stage: DiagnosticStage {
        switch self {
        case .fichier, .syntaxeYAML, .yamlNonAccepte, .type, .valeur, .cleInconnue, .cleManquante, .cleEnDouble, .reference,
            .identifiantEnDouble, .parametreAFournir, .repartitionAnnuelle, .scenario:
            return .lecture
        case .equilibre, .partMaitreOuvrage, .tauxDispositif, .plafondDispositif, .naturesEligibles, .dotationsPlafond,
            .aidesPubliquesPlafond, .demarrageAnticipe, .dotationsDelais, .detrCommission, .fondsDeConcours, .dracMonuments, .dracFIP,
            .pvdChefDeProjet, .anahChefDeProjet, .fondsVertDeficit, .fondsVertFrichesConditions, .leaderContrepartie,
            .cumulRegionDepartement, .enveloppeAnnuelle, .statutCoherent, .versements, .portageRachat:
            return .regle
        case .tresorerieCapacite, .echeanceDepassee:
            return .analyse
        }
    }

    /// What a reading or analysis id means, in French (the rules carry their own title).
    public var summary: String {
        switch self {
        case .fichier: return "dossier ou fichier introuvable, illisible, pas en UTF-8, ou d'une sorte inattendue"
        case .syntaxeYAML: return "YAML invalide (indentation, guillemet non fermé, tabulation, fichier trop gros)"
        case .yamlNonAccepte: return "ancres, alias et étiquettes YAML, imbrication trop profonde"
        case .type: return "une liste ou une table là où une valeur simple est attendue, ou l'inverse"
        case .valeur: return "montant, taux, date, année, oui/non, identifiant, texte ou valeur de vocabulaire illisible ou hors limites"
        case .cleInconnue: return "clé qui n'existe pas (faute de frappe)"
        case .cleManquante: return "clé obligatoire absente, fichier vide"
        case .cleEnDouble: return "la même clé deux fois dans une table"
        case .reference: return "dispositif, financeur, maître d'ouvrage ou opération inconnu"
        case .identifiantEnDouble: return "deux opérations, maîtres d'ouvrage ou scénarios avec le même identifiant"
        case .parametreAFournir: return "un paramètre légal est « à fournir » (ou manque) : la règle qui en dépend n'est pas vérifiée"
        case .repartitionAnnuelle: return "la répartition par année d'une dépense ne totalise pas son montant ou 100 %"
        case .scenario: return "scénario inconnu, en boucle, ou dont un changement ne s'applique pas"
        case .tresorerieCapacite: return "le besoin de trésorerie d'une année dépasse l'épargne nette disponible déclarée du maître d'ouvrage"
        case .echeanceDepassee: return "`echeances` : une échéance est dépassée et l'aide qui en dépend est perdue"
        default: return "règle de financement (voir docs/regles.md)"
        }
    }

    /// What a workbook reader sees in the rule column for an id that is not a rule's (the rules
    /// carry their own titles).
    public var label: String {
        switch self {
        case .echeanceDepassee: return "Échéance dépassée : aide perdue"
        case .tresorerieCapacite: return "Besoin de trésorerie au-delà de l'épargne nette disponible"
        default: return summary.prefix(1).uppercased() + summary.dropFirst()
        }
    }

    /// The ids of a stage, in declaration order.
    public static func of(_ stage: DiagnosticStage) -> [DiagnosticID] { allCases.filter { $0.stage == stage } }
}
