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
///
/// A value, whose fields live in one shared object until one is changed (copy on write): every
/// resolved funding line keeps its dispositif, and a copy is then one reference count, not one per
/// text and table of the dispositif. Its fields read and change as its own (`d.regime`,
/// `d.parameters[name] = …`).
@dynamicMemberLookup
public struct Dispositif: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
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
        /// The name people use for it in messages and the workbook (`DETR`, `DRAC – monuments
        /// historiques`); `nil`: its full name.
        public var shortName: String?
        /// Whether the request must be received before the commencement d'exécution; `nil`: as its
        /// regime says (State, ANAH and European aid do; Région Occitanie says so in its own rules).
        public var requestBeforeStart: Bool?
        public var location: SourceLocation?
    }

    @usableFromInline var fields: CopyOnWrite<Fields>

    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield fields.value[keyPath: field] }
        _modify { yield &fields.value[keyPath: field] }
    }

    public static func == (a: Dispositif, b: Dispositif) -> Bool { a.fields == b.fields }

    /// How messages and the workbook name it.
    public var usualName: String { self.shortName ?? self.name }
    /// Whether no commencement d'exécution may precede the receipt of the request.
    public var forbidsEarlyStart: Bool { self.requestBeforeStart ?? self.regime.forbidsEarlyStart }

    public init(
        id: String, funder: String, name: String, nature: FundingNature, regime: AidRegime,
        basis: Basis = .ht, eligibleNatures: Set<CostNature>? = nil, roles: Set<DispositifRole> = [],
        parameters: [String: Parameter] = [:], reference: String = "", location: SourceLocation? = nil
    ) {
        fields = CopyOnWrite(
            Fields(
                id: id, funder: funder, name: name, nature: nature, regime: regime, basis: basis, eligibleNatures: eligibleNatures, roles: roles,
                parameters: parameters, reference: reference, probability: nil, shortName: nil, requestBeforeStart: nil, location: location))
    }

    public static let tauxMin = "taux-min"
    public static let tauxMax = "taux-max"
    public static let plafond = "plafond"
    public static let plancher = "plancher"
    /// Month and day of the year before which a request is filed (F2D: 1 and 31, « avant le 31 janvier »).
    public static let depotAvantMois = "depot-avant-mois"
    public static let depotAvantJour = "depot-avant-jour"
    /// A new request every so many months, before the period it covers (ANAH ingénierie: 12).
    public static let renouvellementMois = "renouvellement-mois"
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
    /// The FCTVA payment-timing regime, when no dated value of ``fctvaRegimeHistory`` applies.
    public var fctvaRegime: FCTVARegime
    /// The regime as it changed over time (CGCT L1615-6; a finance law may move a category of
    /// owners, as the 2026 bill proposed for EPCI from N to N+1), oldest first.
    public var fctvaRegimeHistory: [DatedFCTVARegime] = []
    /// A low-resource commune in the sense of the DRAC's fonds incitatif et partenarial; `nil`: not said.
    public var lowResources: Bool?
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

    /// The regime in force on `day`: the latest dated value on or before it, else ``fctvaRegime``.
    public func fctvaRegime(at day: Day) -> FCTVARegime {
        fctvaRegimeHistory.last { $0.since <= day }?.regime ?? fctvaRegime
    }
}

/// One dated value of an owner's FCTVA regime.
public struct DatedFCTVARegime: Sendable, Equatable {
    public var since: Day
    public var regime: FCTVARegime
    public var reference: String

    public init(since: Day, regime: FCTVARegime, reference: String) {
        self.since = since
        self.regime = regime
        self.reference = reference
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

    /// Whether an owner of this id is declared (without copying it out).
    public func declares(maitreOuvrage id: String) -> Bool { ownerIndex[id] != nil }
}

/// One expense line of an operation.
public struct CostLine: Sendable, Equatable {
    public var label: String
    public var nature: CostNature
    public var amountHT: Money
    public var vatRate: Rate
    /// Whether FCTVA can be claimed on it (no VAT paid, e.g. land bought from a private seller: no).
    public var fctvaEligible: Bool
    /// What the asset is used for: a VAT-liable activity or a third party not eligible to FCTVA
    /// puts the line outside the FCTVA base (CGCT L1615-7; DGCL guide).
    public var assetUse: AssetUse = .servicePublic
    /// The commencement d'exécution of this lot, when it differs from the operation's: its first
    /// legal act (signed quote, order, acte d'engagement).
    public var firstLegalAct: Day?
    /// For works on a protected building: restoration or repair (in the DRAC's base) or
    /// extension and new fittings (outside it, Code du patrimoine L621-29); `nil`: not said.
    public var heritageWork: HeritageWork?
    /// For a post: its share of a full-time position (PVD project manager: at least 80 %).
    public var fullTimeShare: Rate?
    /// The justification note of a demolition (Fonds vert friches since 2025), its title or reference.
    public var justification: String?
    /// HT amount by year; sums exactly to `amountHT` once read.
    public var years: [(year: Int, amountHT: Money)]
    /// The split by year as written in percentages (`annees: { 2025: 60 %, 2026: 40 % }`), one per
    /// year of `years`; `nil` when written in amounts or not written. Kept so that a line of 0 €
    /// given an amount by a scenario keeps its proportions (see ``splitWeights``).
    public var shares: [Rate]?
    public var location: SourceLocation?

    public init(
        label: String, nature: CostNature, amountHT: Money, vatRate: Rate, fctvaEligible: Bool = true,
        years: [(year: Int, amountHT: Money)], shares: [Rate]? = nil, location: SourceLocation? = nil
    ) {
        self.label = label
        self.nature = nature
        self.amountHT = amountHT
        self.vatRate = vatRate
        self.fctvaEligible = fctvaEligible
        self.years = years
        self.shares = shares
        self.location = location
    }

    /// The proportions a new amount is spread by over `years`: the current amounts by year; when
    /// they are all zero (a line of 0 €), the percentages written; else evenly over the years
    /// written (``Money/split(proportionally:)``). A line with no split written has one year, the
    /// works' start year or the programme's reference year (the reader's default), and takes it all.
    public var splitWeights: [Int64] {
        if years.contains(where: { !$0.amountHT.isZero }) { return years.map { $0.amountHT.cents } }
        if let shares, shares.count == years.count { return shares.map(\.millionths) }
        return years.map { _ in 0 }
    }

    /// VAT, rounded half away from zero to the cent on the whole line.
    public var vat: Money { amountHT.applying(vatRate) }
    public var amountTTC: Money { amountHT + vat }

    public func amount(on basis: Basis) -> Money { Self.amount(ht: amountHT, vatRate: vatRate, on: basis) }

    /// ``amount(on:)`` of a line of `ht` at `vatRate`.
    static func amount(ht: Money, vatRate: Rate, on basis: Basis) -> Money { basis == .ht ? ht : ht + ht.applying(vatRate) }

    /// TTC by year: each year's VAT rounded down, the last year taking the cents left, so the
    /// years add up exactly to the line's TTC.
    public var yearsTTC: [(year: Int, amountTTC: Money)] { Self.yearsTTC(of: years, vat: vat) }

    /// ``yearsTTC`` of a line spending `years` HT with `vat` in all.
    static func yearsTTC(of years: [(year: Int, amountHT: Money)], vat: Money) -> [(year: Int, amountTTC: Money)] {
        var ttc: [(year: Int, amountTTC: Money)] = []
        ttc.reserveCapacity(years.count)
        vat.splitting(years.count, weight: { years[$0].amountHT.cents }) { i, part in ttc.append((years[i].year, years[i].amountHT + part)) }
        return ttc
    }

    public static func == (a: CostLine, b: CostLine) -> Bool {
        a.label == b.label && a.nature == b.nature && a.amountHT == b.amountHT && a.vatRate == b.vatRate
            && a.fctvaEligible == b.fctvaEligible && a.assetUse == b.assetUse && a.firstLegalAct == b.firstLegalAct
            && a.heritageWork == b.heritageWork && a.fullTimeShare == b.fullTimeShare && a.justification == b.justification && a.years.map { $0.year } == b.years.map { $0.year }
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
///
/// A value whose fields live in one shared object until one is changed (``CopyOnWrite``): the
/// figures keep each line of each operation (``ResolvedFunding/line``) at one reference count,
/// not a copy of its texts and dates. Its fields read and change as its own (`line.status = …`).
@dynamicMemberLookup
public struct FundingLine: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
        public var source: FundingSource
        public var label: String?
        public var amount: FundingAmount
        /// The eligible base declared for this line (the arrêté's dépense subventionnable); when
        /// absent it is computed from the dispositif's eligible natures.
        public var declaredBase: Money?
        public var status: FundingStatus
        /// The day the request was filed (`depot`).
        public var requestDay: Day?
        /// The day the funder acknowledged receipt (`accuse_reception`), when it differs from ``requestDay``.
        public var receiptAcknowledged: Day?
        /// The day of the arrêté or convention (`notification`).
        public var notificationDay: Day?
        /// The EPF's buy-back: the year the owner buys the land back, and at what price.
        public var buyBack: LandBuyBack?
        /// The advance is paid against a first-demand bank guarantee (décret 2018-514 art. 12).
        public var firstDemandGuarantee: Bool = false
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
        public var keyLocations: KeyLocations
    }

    @usableFromInline var fields: CopyOnWrite<Fields>

    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield fields.value[keyPath: field] }
        _modify { yield &fields.value[keyPath: field] }
    }

    public static func == (a: FundingLine, b: FundingLine) -> Bool { a.fields == b.fields }

    public init(
        source: FundingSource, label: String? = nil, amount: FundingAmount, declaredBase: Money? = nil,
        status: FundingStatus = .envisage, requestDay: Day? = nil, notificationDay: Day? = nil,
        paid: Money? = nil, envelopeYear: Int? = nil, earlyStartDerogation: Day? = nil, probability: Rate? = nil,
        rateRange: ClosedRange<Rate>? = nil, location: SourceLocation? = nil, keyLocations: KeyLocations = KeyLocations()
    ) {
        fields = CopyOnWrite(
            Fields(
                source: source, label: label, amount: amount, declaredBase: declaredBase, status: status, requestDay: requestDay,
                receiptAcknowledged: nil, notificationDay: notificationDay, buyBack: nil, firstDemandGuarantee: false, paid: paid,
                envelopeYear: envelopeYear, earlyStartDerogation: earlyStartDerogation, probability: probability, rateRange: rateRange,
                location: location, keyLocations: keyLocations))
    }

    public var dispositifID: String? {
        if case .dispositif(let id) = fields.value.source { return id }
        return nil
    }

    /// The réception de la demande (accusé de réception): the day the start of works is compared
    /// with (CGCT R2334-24; décret 2018-514 art. 3) and parameters are looked up on.
    public var requestReceived: Day? { fields.value.receiptAcknowledged ?? fields.value.requestDay }

    /// Where the line is written; read here rather than through the dynamic member, which
    /// ``location(of:)``'s name would hide.
    @inlinable public var location: SourceLocation? {
        _read { yield fields.value.location }
        _modify { yield &fields.value.location }
    }

    public func location(of key: String) -> SourceLocation? { fields.value.keyLocations[key] ?? fields.value.location }
}

/// The EPF's buy-back of land it carries for the owner (portage foncier).
public struct LandBuyBack: Sendable, Equatable {
    public var year: Int
    /// The price; `nil`: the amount carried.
    public var amount: Money?

    public init(year: Int, amount: Money? = nil) {
        self.year = year
        self.amount = amount
    }
}

/// A declared derogation to the owner's minimum share, with the préfet's decision.
public struct Derogation: Sendable, Equatable {
    public var ground: OwnerShareDerogation
    public var decisionDay: Day?
    /// The lowered share the préfet set, when the derogation lowers the share rather than waives it.
    public var minimumShare: Rate?
    public var location: SourceLocation?
    /// Where `part_minimale` is written, when it is.
    public var minimumShareLocation: SourceLocation?

    public init(ground: OwnerShareDerogation, decisionDay: Day?, minimumShare: Rate? = nil, location: SourceLocation? = nil, minimumShareLocation: SourceLocation? = nil) {
        self.ground = ground
        self.decisionDay = decisionDay
        self.minimumShare = minimumShare
        self.location = location
        self.minimumShareLocation = minimumShareLocation
    }
}

/// One investment (or operating) operation of the programme, from its own file.
///
/// A value whose fields live in one shared object until one is changed (``CopyOnWrite``): the
/// programme's list of operations is copied, filtered and put together again at one reference
/// count per operation. Its fields read and change as its own (`op.costs[i].amountHT = …`).
@dynamicMemberLookup
public struct Operation: Sendable, Equatable {
    public struct Fields: Sendable, Equatable {
        public var id: String
        public var title: String
        public var maitreOuvrage: String
        public var perimeters: [String]
        public var section: Section
        public var basis: Basis
        /// When works begin on site (`debut_travaux`): the calendar, not the legal start.
        public var worksStart: Day?
        /// The commencement d'exécution: the operation's first legal act (signed quote, order, acte
        /// d'engagement of a contract), CGCT R2334-24 I and décret 2018-514 art. 3.
        public var firstLegalAct: Day?
        public var end: Day?
        /// Whether the building belongs to the owner (DRAC FIP); `nil`: not said.
        public var buildingOwned: Bool?
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
        public var keyLocations: KeyLocations
    }

    @usableFromInline var fields: CopyOnWrite<Fields>

    @inlinable public subscript<T>(dynamicMember field: WritableKeyPath<Fields, T>) -> T {
        _read { yield fields.value[keyPath: field] }
        _modify { yield &fields.value[keyPath: field] }
    }

    public static func == (a: Operation, b: Operation) -> Bool { a.fields == b.fields }

    public init(
        id: String, title: String, maitreOuvrage: String, perimeters: [String] = [],
        section: Section = .investissement, basis: Basis = .ht, worksStart: Day? = nil, end: Day? = nil,
        chefDeFile: Bool = false, cperOrCtec: Bool = false, protection: HeritageProtection = .aucune,
        derogation: Derogation? = nil, costs: [CostLine], funding: [FundingLine], file: String = "",
        location: SourceLocation? = nil, keyLocations: KeyLocations = KeyLocations()
    ) {
        fields = CopyOnWrite(
            Fields(
                id: id, title: title, maitreOuvrage: maitreOuvrage, perimeters: perimeters, section: section, basis: basis,
                worksStart: worksStart, firstLegalAct: nil, end: end, buildingOwned: nil, chefDeFile: chefDeFile, cperOrCtec: cperOrCtec,
                protection: protection, derogation: derogation, costs: costs, funding: funding, file: file, location: location,
                keyLocations: keyLocations))
    }

    /// Where the operation is written (its file's first key); read here rather than through the
    /// dynamic member, which ``location(of:)``'s name would hide.
    @inlinable public var location: SourceLocation? {
        _read { yield fields.value.location }
        _modify { yield &fields.value.location }
    }

    public func location(of key: String) -> SourceLocation? { fields.value.keyLocations[key] ?? fields.value.location }
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

extension Programme {
    /// Years a date or a spending year may lie before the programme's first year or after its
    /// last: 10. It covers land bought and studies made ahead of the works (an EPF's portage runs
    /// up to ten years), and after the works the State dotations' deadlines (2 years to start,
    /// 4 to complete, 2 more by prorogation) with the FCTVA received in N+2. Beyond, a date is a
    /// typing error (`2205`) or a scenario gone astray (`decaler: { annees: 1200 }`), and the
    /// treasury and the workbook would span centuries.
    public static let yearMargin = 10

    /// The years dates and spending years may take: the programme's period widened by
    /// ``yearMargin`` on each side (`2014...2038` for a 2024-2028 programme).
    public var acceptedYears: ClosedRange<Int> {
        let low = min(firstYear, lastYear), high = max(firstYear, lastYear)
        let (lower, o1) = low.subtractingReportingOverflow(Programme.yearMargin)
        let (upper, o2) = high.addingReportingOverflow(Programme.yearMargin)
        return (o1 ? Int.min : lower)...(o2 ? Int.max : upper)
    }

    /// French words for ``acceptedYears``, for messages: `2014 à 2038 (période 2024-2028 ± 10 ans)`.
    public var acceptedYearsText: String {
        "\(acceptedYears.lowerBound) à \(acceptedYears.upperBound) (période \(firstYear)-\(lastYear) ± \(Programme.yearMargin) ans)"
    }
}

/// The bounds on amounts that make every sum of the figures fit in 64 bits (see
/// ``Money/maximumLineAmount`` and ``Money/maximumProgrammeAmount``). Worked out in 128 bits, so
/// the check itself cannot overflow.
public enum AmountBounds {
    /// An upper bound of the magnitude of every amount the plans hold or imply, in cents: each
    /// expense line HT and TTC, each funding line's amount (a rate taken on the largest base it
    /// could have), declared base and amount paid, each envelope and self-financing capacity.
    public static func programmeTotal(_ plans: Plans) -> Int128 {
        var total = Int128(0)
        for operation in plans.operations { total = add(total, operationTotal(operation)) }
        for envelope in plans.catalogue.envelopes { total = add(total, magnitude(envelope.amount)) }
        for owner in plans.programme.maitresOuvrage { total = add(total, magnitude(owner.selfFinancingCapacity ?? .zero)) }
        return total
    }

    /// ``programmeTotal(_:)`` for one operation.
    public static func operationTotal(_ operation: Operation) -> Int128 { operationTotal(operation, costs: [], funding: []) }

    /// ``operationTotal(_:)`` of the operation with some lines' amounts replaced: expense lines'
    /// HT amounts and funding lines' amounts, each by line index, in order.
    static func operationTotal(
        _ operation: Operation, costs newCosts: [(line: Int, amount: Money)], funding newFunding: [(line: Int, amount: FundingAmount)]
    ) -> Int128 {
        // The lines' fields read in place: a copy of each line would retain its texts and arrays.
        var costs = Int128(0)
        var next = 0
        operation.costs.withUnsafeBufferPointer { lines in
            for i in lines.indices {
                var amount = lines[i].amountHT
                if next < newCosts.count, newCosts[next].line == i { (amount, next) = (newCosts[next].amount, next + 1) }
                let ht = magnitude(amount)
                costs = add(costs, add(ht, add(ht, multiply(ht, Int128(lines[i].vatRate.millionths.magnitude)) / Int128(Rate.scale))))
            }
        }
        var total = costs
        next = 0
        operation.funding.withUnsafeBufferPointer { lines in
            for i in lines.indices {
                let declared = magnitude(lines[i].declaredBase ?? .zero)
                var amount = lines[i].amount
                if next < newFunding.count, newFunding[next].line == i { (amount, next) = (newFunding[next].amount, next + 1) }
                switch amount {
                case .fixed(let m): total = add(total, magnitude(m))
                case .rate(let r): total = add(total, multiply(max(declared, costs), Int128(r.millionths.magnitude)) / Int128(Rate.scale))
                case .balance: total = add(total, costs)
                }
                total = add(total, add(declared, magnitude(lines[i].paid ?? .zero)))
                total = add(total, magnitude(lines[i].buyBack?.amount ?? .zero))
            }
        }
        return total
    }

    /// Whether the plans stay within ``Money/maximumProgrammeAmount``.
    public static func fits(_ plans: Plans) -> Bool {
        programmeTotal(plans) <= Int128(Money.maximumProgrammeAmount.cents)
    }

    /// ``fits(_:)`` with each operation's ``operationTotal(_:)`` already known, in the order of
    /// `plans.operations` (a reader that keeps them need not go through every line again). The
    /// saturating sum of non-negative values does not depend on the order of its terms.
    public static func fits(_ plans: Plans, operationTotals: [Int128]) -> Bool {
        programmeTotal(operationTotals: operationTotals, catalogue: plans.catalogue, programme: plans.programme) <= Int128(Money.maximumProgrammeAmount.cents)
    }

    /// ``programmeTotal(_:)`` of plans whose operations' ``operationTotal(_:)`` are known.
    public static func programmeTotal(operationTotals: [Int128], catalogue: Catalogue, programme: Programme) -> Int128 {
        var total = Int128(0)
        for t in operationTotals { total = add(total, t) }
        for envelope in catalogue.envelopes { total = add(total, magnitude(envelope.amount)) }
        for owner in programme.maitresOuvrage { total = add(total, magnitude(owner.selfFinancingCapacity ?? .zero)) }
        return total
    }

    static func magnitude(_ m: Money) -> Int128 { Int128(m.cents.magnitude) }
    /// Saturating, on non-negative values.
    static func add(_ a: Int128, _ b: Int128) -> Int128 {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : r
    }
    static func multiply(_ a: Int128, _ b: Int128) -> Int128 {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : r
    }
}
