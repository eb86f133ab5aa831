/// A dated obligation the plans imply: a request to file, a decision awaited, a start or a
/// completion required before a subsidy lapses, a payment to ask for, a buy-back.
public struct Deadline: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case depotDemande = "depot-demande"
        case decisionAttendue = "decision-attendue"
        case commencement
        case prorogationCommencement = "prorogation-commencement"
        case achevement
        case demandeAvance = "demande-avance"
        case demandeAcompte = "demande-acompte"
        case demandeSolde = "demande-solde"
        case renouvellement
        case enveloppe
        case rachatPortage = "rachat-portage"
        case finProgramme = "fin-programme"

        public var label: String {
            switch self {
            case .depotDemande: return "dépôt de la demande"
            case .decisionAttendue: return "décision attendue"
            case .commencement: return "commencement d'exécution"
            case .prorogationCommencement: return "demande de prorogation"
            case .achevement: return "achèvement"
            case .demandeAvance: return "demande d'avance"
            case .demandeAcompte: return "demande d'acompte"
            case .demandeSolde: return "demande de solde"
            case .renouvellement: return "demande annuelle"
            case .enveloppe: return "enveloppe annuelle"
            case .rachatPortage: return "rachat du portage"
            case .finProgramme: return "fin de la convention"
            }
        }
    }

    /// How pressing it is on the day the list is made.
    public enum Urgency: String, Sendable, CaseIterable {
        /// Past, and the subsidy (or a year of it) is lost: an error.
        case perdue
        /// Past, without loss of the subsidy: to catch up.
        case depassee
        /// A request filed, no decision yet.
        case enAttente = "en-attente"
        case aVenir = "a-venir"

        public var label: String {
            switch self {
            case .perdue: return "dépassée : aide perdue"
            case .depassee: return "dépassée"
            case .enAttente: return "en attente"
            case .aVenir: return "à venir"
            }
        }
    }

    public var kind: Kind
    /// The day by which it is due (for a decision awaited: the day the request was received).
    public var day: Day
    public var operation: String?
    public var operationTitle: String?
    /// The funder's name, and the dispositif's usual name.
    public var funder: String?
    public var dispositif: String?
    /// What to do, in French.
    public var title: String
    /// The legal text or the catalogue parameter the date comes from.
    public var reference: String
    public var location: SourceLocation?
    /// Whether missing it loses the subsidy.
    public var losesGrant: Bool
    /// A stable identity, the same from one run to the next while the line it comes from stays:
    /// the calendar's UID, so that importing again updates the event instead of adding one.
    public var key: String
    /// Days from the day the list is made to ``day`` (negative: past).
    public var daysLeft: Int
    public var urgency: Urgency

    public init(
        _ kind: Kind, day: Day, operation: String?, operationTitle: String?, funder: String?, dispositif: String?, title: String, reference: String,
        location: SourceLocation?, losesGrant: Bool, key: String, today: Day
    ) {
        self.kind = kind
        self.day = day
        self.operation = operation
        self.operationTitle = operationTitle
        self.funder = funder
        self.dispositif = dispositif
        self.title = title
        self.reference = reference
        self.location = location
        self.losesGrant = losesGrant
        self.key = key
        self.daysLeft = today.days(to: day)
        if kind == .decisionAttendue {
            urgency = .enAttente
        } else if day < today {
            urgency = losesGrant ? .perdue : .depassee
        } else {
            urgency = .aVenir
        }
    }

    /// Where it stands in a list: lost first, then past, then awaited decisions, then what is to
    /// come (the urgencies' declaration order); by day within each, then by key.
    public var order: (urgency: Int, day: Day, key: String) {
        (Urgency.allCases.firstIndex(of: urgency) ?? 0, day, key)
    }

    /// Lost first, then past, then awaited decisions, then what is to come; by day within each.
    public static func ordered(_ a: Deadline, _ b: Deadline) -> Bool { a.order < b.order }
}

extension Deadline {
    /// An overdue deadline that loses a grant, as an error with its reference.
    public var diagnostic: Diagnostic {
        Diagnostic(
            .erreur, rule: .echeanceDepassee, "\(kind.label) dépassée de \(-daysLeft) jours (\(day.formatted)) : \(title)", at: location,
            operation: operation, notes: [reference])
    }
}
