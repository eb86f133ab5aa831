/// A funding line with everything the rules and reports need worked out.
///
/// Immutable, and a class: the rules, the deadlines and the workbook's rows pass lines around by
/// the ten thousand, and a copy is then one reference, not the line with its dispositif.
public final class ResolvedFunding: Sendable {
    // The small values the rules read line after line come first in the object, before the
    // line and its dispositif (hundreds of bytes): one cache line holds them.
    /// The dispositif's roles, one bit each (testing them through the dispositif, a set hashed
    /// by its names far into the object, was most of what the rules cost).
    let roleBits: UInt16
    public let nature: FundingNature
    /// The eligible base on the dispositif's basis (declared, else computed from eligible natures).
    public let base: Money?
    /// The line's amount (its rate applied, or the balance); refused lines keep theirs for display.
    public let amount: Money
    /// The day parameters are looked up on: the request's receipt (each line's parameters are
    /// those in force on it), else the works' start, else the programme's reference day.
    public let parameterDay: Day
    public let line: FundingLine
    public let dispositif: Dispositif?
    public let funder: Funder?
    /// Whether it counts in totals (not refused nor lapsed).
    public var counts: Bool { line.status.counts }

    public var countedAmount: Money { counts ? amount : .zero }
    public var effectiveRate: Rate? { base.flatMap { Rate.ratio(amount, $0) } }
    /// The amount's share of `base` for messages, `soit 50 % de 100 000,00 €`; with a zero base,
    /// where no rate exists, `pour une assiette nulle`.
    public func share(of base: Money) -> String {
        Rate.ratio(amount, base).map { "soit \($0.formatted) de \(base)" } ?? "pour une assiette nulle"
    }
    /// The dispositif's usual name (`DETR`, `DRAC – monuments historiques`), else the line's
    /// label: how messages name a line, never by the catalogue's internal id.
    public var name: String { dispositif?.usualName ?? label }
    public var isPublicAid: Bool { nature.isPublicAid && (funder?.category.isPublic ?? true) }
    public var label: String { line.label ?? dispositif?.name ?? nature.label }
    public func has(_ role: DispositifRole) -> Bool { roleBits & role.bit != 0 }
    /// Whether the line draws on a dispositif of the catalogue (known without taking the
    /// dispositif out: a copy of it retains a dozen texts and tables shared by every thread).
    public let hasDispositif: Bool
    /// The dispositif's regime, read in place.
    public var regime: AidRegime? { dispositif?.regime }
    /// The dispositif's parameter `name` in force on the line's ``parameterDay``, read in place.
    public func parameter(_ name: String) -> DatedValue? { dispositif?.parameters[name]?.value(at: parameterDay) }
    public var category: FunderCategory? { funder?.category }

    init(line: FundingLine, dispositif: Dispositif?, funder: Funder?, nature: FundingNature, base: Money?, amount: Money, parameterDay: Day) {
        self.line = line
        self.dispositif = dispositif
        self.hasDispositif = dispositif != nil
        self.roleBits = (dispositif?.roles ?? []).reduce(0) { $0 | $1.bit }
        self.funder = funder
        self.nature = nature
        self.base = base
        self.amount = amount
        self.parameterDay = parameterDay
    }
}

/// FCTVA expected on one year's spending.
public struct FCTVAInstalment: Sendable, Equatable {
    public let spendingYear: Int
    public let receiptYear: Int
    public let amount: Money

    public init(spendingYear: Int, receiptYear: Int, amount: Money) {
        self.spendingYear = spendingYear
        self.receiptYear = receiptYear
        self.amount = amount
    }
}

/// The figures of one operation: totals, resolved funding, shares and FCTVA. Totals are worked
/// out once, when the figures are made.
///
/// A class, as ``ResolvedFunding``; its totals and lines come first in the object, the operation
/// as written (hundreds of bytes) after them.
public final class OperationFigures: Sendable {
    public let costHT: Money
    public let costTTC: Money
    public let funding: [ResolvedFunding]
    /// The lines that count and are not nil.
    public let counted: [ResolvedFunding]
    public let totalResources: Money
    public let publicAid: Money
    public let ownersShare: Money
    public let selfFinancing: Money
    public let loans: Money
    public let fctvaTotal: Money
    public let fctva: [FCTVAInstalment]
    public let referenceDay: Day
    public let operation: Operation
    public let maitreOuvrage: MaitreOuvrage?
    /// The roles of the counted lines' dispositifs, one bit each: a rule looking for a role most
    /// operations do not have learns it here, without going through their lines.
    let countedRoleBits: UInt16

    public init(
        operation: Operation, maitreOuvrage: MaitreOuvrage?, costHT: Money, costTTC: Money, funding: [ResolvedFunding],
        fctva: [FCTVAInstalment], referenceDay: Day
    ) {
        self.operation = operation
        self.maitreOuvrage = maitreOuvrage
        self.costHT = costHT
        self.costTTC = costTTC
        self.funding = funding
        self.fctva = fctva
        self.referenceDay = referenceDay
        var total = Money.zero, aid = Money.zero, own = Money.zero, selfFinancing = Money.zero, loans = Money.zero
        var counted: [ResolvedFunding] = []
        var roles: UInt16 = 0
        for line in funding where line.counts {
            total += line.amount
            if line.isPublicAid { aid += line.amount }
            if line.nature.isOwnersShare { own += line.amount }
            if line.nature == .autofinancement { selfFinancing += line.amount }
            if line.nature == .pret { loans += line.amount }
            if !line.amount.isZero {
                counted.append(line)
                roles |= line.roleBits
            }
        }
        self.countedRoleBits = roles
        self.totalResources = total
        self.publicAid = aid
        self.ownersShare = own
        self.selfFinancing = selfFinancing
        self.loans = loans
        self.fctvaTotal = Money.sum(fctva.map(\.amount))
        self.counted = counted
    }

    public var costOnBasis: Money { operation.basis == .ht ? costHT : costTTC }
    /// Resources minus costs on the plan's basis: zero when the plan balances.
    public var balanceGap: Money { totalResources - costOnBasis }
    /// Public aid over the cost on the plan's basis.
    public var publicAidRate: Rate? { Rate.ratio(publicAid, costOnBasis) }
    /// The owner's share of public financing as CGCT L1111-10 counts it: own / (own + public aid).
    public var ownersShareOfPublicFinancing: Rate? { Rate.ratio(ownersShare, ownersShare + publicAid) }

    public func amount(for category: FunderCategory) -> Money {
        Money.sum(funding.filter { $0.isPublicAid && $0.category == category }.map(\.countedAmount))
    }

    /// Costs by year on both bases.
    public var costsByYear: [(year: Int, ht: Money, ttc: Money)] {
        var byYear: [Int: (Money, Money)] = [:]
        for line in operation.costs {
            for (part, ttc) in zip(line.years, line.yearsTTC) {
                let current = byYear[part.year] ?? (.zero, .zero)
                byYear[part.year] = (current.0 + part.amountHT, current.1 + ttc.amountTTC)
            }
        }
        return byYear.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }
    }
}

/// Works out the figures of operations. Pure: the same plans give the same figures.
public enum Financing {
    public static func figures(of operation: Operation, in plans: Plans) -> OperationFigures {
        let catalogue = plans.catalogue
        // Both totals in one pass over the lines, read in place, added in the same order.
        var (costHT, costTTC) = (Money.zero, Money.zero)
        operation.costs.withUnsafeBufferPointer { lines in
            for i in lines.indices { costHT = costHT + lines[i].amountHT }
            for i in lines.indices { costTTC = costTTC + lines[i].amountTTC }
        }
        let referenceDay = operation.worksStart ?? plans.programme.referenceDay
        let costOnBasis = operation.basis == .ht ? costHT : costTTC

        var resolved: [ResolvedFunding] = []
        resolved.reserveCapacity(operation.funding.count)
        var balanceIndex: Int?
        for (index, line) in operation.funding.enumerated() {
            let dispositif = line.dispositifID.flatMap { catalogue.dispositifs[$0] }
            let funder = dispositif.flatMap { catalogue.funder(of: $0) }
            let nature: FundingNature
            switch line.source {
            case .dispositif: nature = dispositif?.nature ?? .subvention
            case .own(let n): nature = n
            }
            let base = eligibleBase(of: line, dispositif: dispositif, in: operation)
            let day = line.requestReceived ?? referenceDay
            let amount: Money
            switch line.amount {
            case .fixed(let m): amount = m
            case .rate(let r): amount = (base ?? .zero).applying(r)
            case .balance:
                balanceIndex = index
                amount = .zero
            }
            resolved.append(ResolvedFunding(
                line: line, dispositif: dispositif, funder: funder, nature: nature, base: base,
                amount: amount, parameterDay: day))
        }
        if let b = balanceIndex, resolved.indices.contains(b) {
            let line = resolved[b]
            let others = Money.sum(resolved.enumerated().filter { $0.offset != b }.map { $0.element.countedAmount })
            resolved[b] = ResolvedFunding(
                line: line.line, dispositif: nil, funder: nil, nature: line.nature, base: nil,
                amount: costOnBasis - others, parameterDay: line.parameterDay)
        }

        let mo = plans.programme.maitreOuvrage(operation.maitreOuvrage)
        return OperationFigures(
            operation: operation, maitreOuvrage: mo, costHT: costHT, costTTC: costTTC,
            funding: resolved,
            fctva: fctva(of: operation, owner: mo, catalogue: catalogue),
            referenceDay: referenceDay)
    }

    /// Every operation's figures, worked out on all cores.
    public static func figures(of plans: Plans) -> [OperationFigures] {
        Concurrent.map(plans.operations) { figures(of: $0, in: plans) }
    }

    /// The line's eligible base: the declared one, else the operation's costs of the dispositif's
    /// eligible natures on the dispositif's basis. `nil` for the owner's own lines.
    public static func eligibleBase(of line: FundingLine, dispositif: Dispositif?, in operation: Operation) -> Money? {
        if let declared = line.declaredBase { return declared }
        guard let dispositif else {
            if case .own = line.source { return nil }
            return Money.sum(operation.costs.map { $0.amount(on: operation.basis) })
        }
        return eligibleCosts(of: dispositif, in: operation)
    }

    public static func eligibleCosts(of dispositif: Dispositif, in operation: Operation) -> Money {
        // The lines' fields read in place: a copy of each line would retain its texts and arrays.
        operation.costs.withUnsafeBufferPointer { lines in
            var total = Money.zero
            for i in lines.indices where isEligible(nature: lines[i].nature, heritageWork: lines[i].heritageWork, for: dispositif) {
                total = total + CostLine.amount(ht: lines[i].amountHT, vatRate: lines[i].vatRate, on: dispositif.basis)
            }
            return total
        }
    }

    /// Whether an expense line is in a dispositif's base: its nature is eligible and, for the
    /// DRAC (monuments historiques, FIP), it is not an extension nor a new fitting (Code du
    /// patrimoine L621-29: restoration and repair works only).
    public static func isEligible(_ line: CostLine, for dispositif: Dispositif) -> Bool {
        isEligible(nature: line.nature, heritageWork: line.heritageWork, for: dispositif)
    }

    static func isEligible(nature: CostNature, heritageWork: HeritageWork?, for dispositif: Dispositif) -> Bool {
        guard dispositif.eligibleNatures?.contains(nature) ?? true else { return false }
        if let work = heritageWork, dispositif.roles.contains(.dracMonuments) || dispositif.roles.contains(.dracFIP) {
            return work.isInDRACBase
        }
        return true
    }

    /// The commencement d'exécution that matters for a line of `dispositif`: the earliest first
    /// legal act (the lot's own date, else the operation's) among the expenses of its base; for
    /// the State dotations, studies and land purchase are not a start (CGCT R2334-24 I). When no
    /// first legal act is written, the works' start (`debut_travaux`) is returned, marked as not
    /// declared: the first legal act came before it, so it only proves a start that is too early.
    public static func commencement(for dispositif: Dispositif, in operation: Operation) -> (day: Day, declared: Bool)? {
        var earliest: Day?
        var anyCounted = false
        // The lines' fields read in place: a copy of each line would retain its texts and arrays.
        operation.costs.withUnsafeBufferPointer { lines in
            for i in lines.indices where isEligible(nature: lines[i].nature, heritageWork: lines[i].heritageWork, for: dispositif) {
                if dispositif.regime == .dotationCGCT && lines[i].nature.isStudyOrLand { continue }
                anyCounted = true
                guard let day = lines[i].firstLegalAct ?? operation.firstLegalAct else { continue }
                if earliest.map({ day < $0 }) ?? true { earliest = day }
            }
        }
        if let earliest { return (earliest, true) }
        guard anyCounted || operation.costs.isEmpty, let start = operation.worksStart else { return nil }
        return (start, false)
    }

    /// FCTVA (CGCT L1615-1 and following): rate in force on 1 January of the year the spending
    /// counts in × its TTC, each line and year rounded half away from zero to the cent; received in
    /// N, N+1 or N+2 by the owner's regime in force that year. Not in the base: operating
    /// expenses, lines without VAT or marked `fctva: non`, assets used for a VAT-liable activity
    /// or handed to a third party not eligible. Studies (account 2031) count only when followed by
    /// works of the operation, in the year the works start (arrêté du 30 décembre 2020, art. 2).
    public static func fctva(of operation: Operation, owner: MaitreOuvrage?, catalogue: Catalogue) -> [FCTVAInstalment] {
        guard operation.section == .investissement, let parameter = catalogue.parameters[ParameterName.fctvaTaux]
        else { return [] }
        let worksYear = studiesFCTVAYear(of: operation)
        // Each year's FCTVA, in order of years: an operation spends over a handful of years, so a
        // short sorted list does without a dictionary and its sorting.
        // The rate in force on 1 January of each year listed is kept with it, looked up once.
        var byYear: [(year: Int, amount: Money, rate: Rate)] = []
        func add(_ year: Int, _ ttc: Money) {
            var at = byYear.count
            while at > 0, byYear[at - 1].year > year { at -= 1 }
            if at > 0, byYear[at - 1].year == year {
                byYear[at - 1].amount += ttc.applying(byYear[at - 1].rate)
                return
            }
            guard let day = Day(year: year, month: 1, day: 1), case .rate(let rate)? = parameter.value(at: day)?.value else { return }
            byYear.insert((year, ttc.applying(rate), rate), at: at)
        }
        // The lines' fields read in place: a copy of each line would retain its texts and arrays.
        operation.costs.withUnsafeBufferPointer { costs in
            for i in costs.indices
            where isInFCTVABase(
                fctvaEligible: costs[i].fctvaEligible, assetUse: costs[i].assetUse, vatRate: costs[i].vatRate, nature: costs[i].nature, worksYear: worksYear)
            {
                let (ht, vatRate) = (costs[i].amountHT, costs[i].vatRate)
                if costs[i].nature == .etudes {
                    add(worksYear ?? 0, CostLine.amount(ht: ht, vatRate: vatRate, on: .ttc))
                } else {
                    // TTC by year as ``CostLine/yearsTTC`` gives it, without its array.
                    costs[i].years.withUnsafeBufferPointer { years in
                        ht.applying(vatRate).splitting(years.count, weight: { years[$0].amountHT.cents }) { j, vat in add(years[j].year, years[j].amountHT + vat) }
                    }
                }
            }
        }
        var instalments: [FCTVAInstalment] = []
        instalments.reserveCapacity(byYear.count)
        for (year, amount, _) in byYear {
            let regime = owner?.fctvaRegime(at: Day.january1(year)) ?? .n2
            instalments.append(FCTVAInstalment(spendingYear: year, receiptYear: year + regime.delayInYears, amount: amount))
        }
        return instalments
    }

    /// The year studies followed by works count in for the FCTVA: the works' start, else the
    /// first year works (travaux, démolition, dépollution, équipement) are spent; `nil` without works.
    public static func studiesFCTVAYear(of operation: Operation) -> Int? {
        if let start = operation.worksStart { return start.year }
        var first: Int?
        for line in operation.costs where line.nature.isWorks {
            for part in line.years where !part.amountHT.isZero { first = min(first ?? part.year, part.year) }
        }
        return first
    }

    /// Whether an expense line is in the FCTVA base: VAT paid, not excluded (`fctva: non`), the
    /// asset not used for a VAT-liable activity nor handed to a third party; studies only when
    /// followed by works (`worksYear`, from ``studiesFCTVAYear(of:)``).
    public static func isInFCTVABase(_ line: CostLine, worksYear: Int?) -> Bool {
        isInFCTVABase(fctvaEligible: line.fctvaEligible, assetUse: line.assetUse, vatRate: line.vatRate, nature: line.nature, worksYear: worksYear)
    }

    static func isInFCTVABase(fctvaEligible: Bool, assetUse: AssetUse, vatRate: Rate, nature: CostNature, worksYear: Int?) -> Bool {
        fctvaEligible && assetUse.isFCTVAEligible && vatRate > .zero && (nature != .etudes || worksYear != nil)
    }

    /// ``fctva(of:owner:catalogue:)`` with one regime for every year.
    public static func fctva(of operation: Operation, regime: FCTVARegime, catalogue: Catalogue) -> [FCTVAInstalment] {
        fctva(of: operation, owner: MaitreOuvrage(id: "", name: "", fctvaRegime: regime), catalogue: catalogue)
    }
}
