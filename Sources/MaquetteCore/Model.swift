/// A funder: the State, the Région, a bank, an intercommunality…
public struct Funder: Sendable, Equatable {
    public var id: String
    public var name: String
    public var category: FunderCategory
    public var location: SourceLocation?

    public init(id: String, name: String, category: FunderCategory, location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.category = category
        self.location = location
    }
}

/// A funding scheme of a funder (DETR, Fonds vert recyclage foncier, Bourgs-Centres…).
public struct Dispositif: Sendable, Equatable {
    public var id: String
    public var funder: String
    public var name: String
    public var nature: FundingNature
    public var regime: AidRegime
    public var basis: Basis
    /// `nil`: every nature is eligible.
    public var eligibleNatures: Set<CostNature>?
    public var roles: Set<DispositifRole>
    /// Parameters by name: `taux-min`, `taux-max`, `plafond`, `plancher`.
    public var parameters: [String: Parameter]
    public var reference: String
    /// Chance that a request to this dispositif is granted (Monte-Carlo), when known.
    public var probability: Rate?
    public var location: SourceLocation?

    public init(
        id: String, funder: String, name: String, nature: FundingNature, regime: AidRegime,
        basis: Basis = .ht, eligibleNatures: Set<CostNature>? = nil, roles: Set<DispositifRole> = [],
        parameters: [String: Parameter] = [:], reference: String = "", location: SourceLocation? = nil
    ) {
        self.id = id
        self.funder = funder
        self.name = name
        self.nature = nature
        self.regime = regime
        self.basis = basis
        self.eligibleNatures = eligibleNatures
        self.roles = roles
        self.parameters = parameters
        self.reference = reference
        self.location = location
    }

    public static let tauxMin = "taux-min"
    public static let tauxMax = "taux-max"
    public static let plafond = "plafond"
    public static let plancher = "plancher"
}

/// A funder's yearly envelope for a dispositif, shared by all operations of the programme.
public struct Envelope: Sendable, Equatable {
    public var dispositif: String
    public var year: Int
    public var amount: Money
    public var label: String?
    public var location: SourceLocation?

    public init(dispositif: String, year: Int, amount: Money, label: String? = nil, location: SourceLocation? = nil) {
        self.dispositif = dispositif
        self.year = year
        self.amount = amount
        self.label = label
        self.location = location
    }
}

/// The funders, dispositifs and programme-wide parameters in force: the built-in catalogue with
/// the programme's own additions and overrides.
public struct Catalogue: Sendable, Equatable {
    public var funders: [String: Funder]
    public var dispositifs: [String: Dispositif]
    public var parameters: [String: Parameter]
    public var envelopes: [Envelope]

    public init(
        funders: [String: Funder] = [:], dispositifs: [String: Dispositif] = [:],
        parameters: [String: Parameter] = [:], envelopes: [Envelope] = []
    ) {
        self.funders = funders
        self.dispositifs = dispositifs
        self.parameters = parameters
        self.envelopes = envelopes
    }

    public func funder(of dispositif: Dispositif) -> Funder? { funders[dispositif.funder] }
}

/// A commune or intercommunality that carries operations.
public struct MaitreOuvrage: Sendable, Equatable {
    public var id: String
    public var name: String
    public var fctvaRegime: FCTVARegime
    public var population: Int?
    /// Yearly self-financing capacity, when declared (used by treasury warnings).
    public var selfFinancingCapacity: Money?
    public var location: SourceLocation?

    public init(
        id: String, name: String, fctvaRegime: FCTVARegime = .n2, population: Int? = nil,
        selfFinancingCapacity: Money? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.fctvaRegime = fctvaRegime
        self.population = population
        self.selfFinancingCapacity = selfFinancingCapacity
        self.location = location
    }
}

/// The programme: who carries operations, over which years, on which basis by default.
public struct Programme: Sendable, Equatable {
    public var id: String
    public var name: String
    public var firstYear: Int
    public var lastYear: Int
    /// The day parameters are looked up on when an operation gives no better date.
    public var referenceDay: Day
    public var maitresOuvrage: [MaitreOuvrage] {
        didSet { ownerIndex = Programme.index(maitresOuvrage) }
    }
    /// Position of each owner by id, for constant-time look-ups in large programmes.
    private var ownerIndex: [String: Int] = [:]
    public var defaultBasis: Basis
    public var location: SourceLocation?
    /// The meeting of the Comité régional des financeurs the plans are prepared for, if known.
    public var committeeDay: Day?
    /// Who certifies the plans on the owners' behalf ("Le président, …"), if given.
    public var signatory: String?

    public init(
        id: String, name: String, firstYear: Int, lastYear: Int, referenceDay: Day,
        maitresOuvrage: [MaitreOuvrage], defaultBasis: Basis = .ht, location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.firstYear = firstYear
        self.lastYear = lastYear
        self.referenceDay = referenceDay
        self.maitresOuvrage = maitresOuvrage
        self.ownerIndex = Programme.index(maitresOuvrage)
        self.defaultBasis = defaultBasis
        self.location = location
    }

    private static func index(_ owners: [MaitreOuvrage]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, o) in owners.enumerated() where index[o.id] == nil { index[o.id] = i }
        return index
    }

    public func maitreOuvrage(_ id: String) -> MaitreOuvrage? { ownerIndex[id].map { maitresOuvrage[$0] } }
}

/// One expense line of an operation.
public struct CostLine: Sendable, Equatable {
    public var label: String
    public var nature: CostNature
    public var amountHT: Money
    public var vatRate: Rate
    /// Whether FCTVA can be claimed on it (no VAT paid, e.g. land bought from a private seller: no).
    public var fctvaEligible: Bool
    /// HT amount by year; sums exactly to `amountHT` once read.
    public var years: [(year: Int, amountHT: Money)]
    public var location: SourceLocation?

    public init(
        label: String, nature: CostNature, amountHT: Money, vatRate: Rate, fctvaEligible: Bool = true,
        years: [(year: Int, amountHT: Money)], location: SourceLocation? = nil
    ) {
        self.label = label
        self.nature = nature
        self.amountHT = amountHT
        self.vatRate = vatRate
        self.fctvaEligible = fctvaEligible
        self.years = years
        self.location = location
    }

    /// VAT, rounded half away from zero to the cent on the whole line.
    public var vat: Money { amountHT.applying(vatRate) }
    public var amountTTC: Money { amountHT + vat }

    public func amount(on basis: Basis) -> Money { basis == .ht ? amountHT : amountTTC }

    /// TTC by year: each year's VAT rounded down, the last year taking the cents left, so the
    /// years add up exactly to the line's TTC.
    public var yearsTTC: [(year: Int, amountTTC: Money)] {
        let vatParts = vat.split(proportionally: years.map { $0.amountHT.cents })
        return zip(years, vatParts).map { ($0.year, $0.amountHT + $1) }
    }

    public static func == (a: CostLine, b: CostLine) -> Bool {
        a.label == b.label && a.nature == b.nature && a.amountHT == b.amountHT && a.vatRate == b.vatRate
            && a.fctvaEligible == b.fctvaEligible && a.years.map { $0.year } == b.years.map { $0.year }
            && a.years.map { $0.amountHT } == b.years.map { $0.amountHT } && a.location == b.location
    }
}

/// How a funding line's amount is given.
public enum FundingAmount: Sendable, Equatable {
    case fixed(Money)
    /// A rate of the line's eligible base.
    case rate(Rate)
    /// The remainder that balances the plan (autofinancement only).
    case balance
}

/// What a funding line is: a dispositif of the catalogue, or the owner's own resources.
public enum FundingSource: Sendable, Equatable {
    case dispositif(String)
    case own(FundingNature)
}

/// One resource line of an operation.
public struct FundingLine: Sendable, Equatable {
    public var source: FundingSource
    public var label: String?
    public var amount: FundingAmount
    /// The eligible base declared for this line (the arrêté's dépense subventionnable); when
    /// absent it is computed from the dispositif's eligible natures.
    public var declaredBase: Money?
    public var status: FundingStatus
    public var requestDay: Day?
    public var notificationDay: Day?
    /// Amount already paid.
    public var paid: Money?
    /// The year whose envelope the line draws on; else the notification's, else the request's.
    public var envelopeYear: Int?
    /// The préfet's derogation allowing a start of works before the request.
    public var earlyStartDerogation: Day?
    /// Chance that an uncertain line is granted (Monte-Carlo), when given for this line.
    public var probability: Rate?
    /// An uncertain rate, `taux: 25 % .. 35 %`: the plan itself takes the lower bound.
    public var rateRange: ClosedRange<Rate>?
    public var location: SourceLocation?
    /// Where individual keys were written, for precise diagnostics (`montant`, `taux`, `statut`…).
    public var keyLocations: [String: SourceLocation]

    public init(
        source: FundingSource, label: String? = nil, amount: FundingAmount, declaredBase: Money? = nil,
        status: FundingStatus = .envisage, requestDay: Day? = nil, notificationDay: Day? = nil,
        paid: Money? = nil, envelopeYear: Int? = nil, earlyStartDerogation: Day? = nil, probability: Rate? = nil,
        rateRange: ClosedRange<Rate>? = nil, location: SourceLocation? = nil, keyLocations: [String: SourceLocation] = [:]
    ) {
        self.probability = probability
        self.rateRange = rateRange
        self.source = source
        self.label = label
        self.amount = amount
        self.declaredBase = declaredBase
        self.status = status
        self.requestDay = requestDay
        self.notificationDay = notificationDay
        self.paid = paid
        self.envelopeYear = envelopeYear
        self.earlyStartDerogation = earlyStartDerogation
        self.location = location
        self.keyLocations = keyLocations
    }

    public var dispositifID: String? {
        if case .dispositif(let id) = source { return id }
        return nil
    }

    public func location(of key: String) -> SourceLocation? { keyLocations[key] ?? location }
}

/// A declared derogation to the owner's minimum share, with the préfet's decision.
public struct Derogation: Sendable, Equatable {
    public var ground: OwnerShareDerogation
    public var decisionDay: Day?
    public var location: SourceLocation?

    public init(ground: OwnerShareDerogation, decisionDay: Day?, location: SourceLocation? = nil) {
        self.ground = ground
        self.decisionDay = decisionDay
        self.location = location
    }
}

/// One investment (or operating) operation of the programme, from its own file.
public struct Operation: Sendable, Equatable {
    public var id: String
    public var title: String
    public var maitreOuvrage: String
    public var perimeters: [String]
    public var section: Section
    public var basis: Basis
    public var worksStart: Day?
    public var end: Day?
    /// A competence exercised as chef de file (CGCT L1111-9): 30 % own share, no Région+Département.
    public var chefDeFile: Bool
    /// In the CPER or a CTEC: the Région+Département cumulation is allowed.
    public var cperOrCtec: Bool
    public var protection: HeritageProtection
    public var derogation: Derogation?
    public var costs: [CostLine]
    public var funding: [FundingLine]
    public var file: String
    public var location: SourceLocation?
    public var keyLocations: [String: SourceLocation]

    public init(
        id: String, title: String, maitreOuvrage: String, perimeters: [String] = [],
        section: Section = .investissement, basis: Basis = .ht, worksStart: Day? = nil, end: Day? = nil,
        chefDeFile: Bool = false, cperOrCtec: Bool = false, protection: HeritageProtection = .aucune,
        derogation: Derogation? = nil, costs: [CostLine], funding: [FundingLine], file: String = "",
        location: SourceLocation? = nil, keyLocations: [String: SourceLocation] = [:]
    ) {
        self.id = id
        self.title = title
        self.maitreOuvrage = maitreOuvrage
        self.perimeters = perimeters
        self.section = section
        self.basis = basis
        self.worksStart = worksStart
        self.end = end
        self.chefDeFile = chefDeFile
        self.cperOrCtec = cperOrCtec
        self.protection = protection
        self.derogation = derogation
        self.costs = costs
        self.funding = funding
        self.file = file
        self.location = location
        self.keyLocations = keyLocations
    }

    public func location(of key: String) -> SourceLocation? { keyLocations[key] ?? location }
}

/// Everything read from a plans folder.
public struct Plans: Sendable, Equatable {
    public var programme: Programme
    public var catalogue: Catalogue
    public var operations: [Operation]

    public init(programme: Programme, catalogue: Catalogue, operations: [Operation]) {
        self.programme = programme
        self.catalogue = catalogue
        self.operations = operations
    }
}
