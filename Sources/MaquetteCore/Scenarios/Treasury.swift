/// The year-by-year cash view of operations: spending TTC, subsidies received following each
/// dispositif's payment schedule, FCTVA received, loans drawn, and the owner's resulting need.
///
/// Payment schedule (dated parameters, décret 2018-514 art. 12 for State aid): an advance of
/// `avance × A` in the works' start year; then instalments so that what was paid by the end of
/// each spending year is A × the share of HT spending done so far, never above `acomptes × A`
/// (nor below the advance); the balance the year after the last spending year. Amounts are
/// rounded down to the cent, the balance taking what is left. The instalment ceiling is 60 % when
/// the advance needed a first-demand guarantee and 90 % for a project over 48 months (décret
/// 2018-514 art. 12); the final subsidy is assumed equal to the amount granted (rate × actual HT
/// expense, capped at it: R2334-30). Loans are drawn pro rata of TTC spending. EPF land carrying
/// (portage foncier) is neither: the EPF pays for the land pro rata of TTC spending, and the owner
/// buys it back in the convention's year at its price (the amount carried when no price is
/// given). Receipts and private funding arrive in the last spending year.
public enum Treasury {
    public struct Year: Sendable, Equatable {
        public var year: Int
        public var spendingHT: Money = .zero
        public var spendingTTC: Money = .zero
        public var subsidies: Money = .zero
        public var fctva: Money = .zero
        public var loans: Money = .zero
        /// What the EPF pays for land it carries for the owner (portage foncier).
        public var landCarrying: Money = .zero
        /// What the owner pays the EPF to buy the land back.
        public var landBuyBack: Money = .zero
        public var otherReceipts: Money = .zero

        public init(year: Int) { self.year = year }

        /// What the owner must find that year, its besoin de trésorerie (negative: a surplus).
        public var need: Money { spendingTTC + landBuyBack - subsidies - fctva - loans - landCarrying - otherReceipts }

        /// Land carrying received net of buy-backs paid (one column of the workbook's schedule).
        public var netLandCarrying: Money { landCarrying - landBuyBack }

        mutating func add(_ other: Year) {
            spendingHT += other.spendingHT
            spendingTTC += other.spendingTTC
            subsidies += other.subsidies
            fctva += other.fctva
            loans += other.loans
            landCarrying += other.landCarrying
            landBuyBack += other.landBuyBack
            otherReceipts += other.otherReceipts
        }
    }

    /// One owner's (or the programme's) years, with the cumulated need.
    public struct Table: Sendable, Equatable {
        public var owner: String?
        public var years: [Year]

        public var cumulatedNeed: [Money] {
            var total = Money.zero
            return years.map {
                total += $0.need
                return total
            }
        }

        public var peakNeed: Money { cumulatedNeed.max() ?? .zero }
    }

    public static func years(of f: OperationFigures, in plans: Plans) -> [Year] {
        var table: [Int: Year] = [:]
        let byYear = f.costsByYear
        guard let first = byYear.first?.year, let last = byYear.last?.year else { return [] }
        for y in byYear {
            table[y.year, default: Year(year: y.year)].spendingTTC += y.ttc
            table[y.year, default: Year(year: y.year)].spendingHT += y.ht
        }
        let start = f.operation.worksStart?.year ?? first
        let htTotal = Money.sum(byYear.map(\.ht))
        let ttcWeights = byYear.map { $0.ttc.cents }
        for line in f.counted {
            if line.isPublicAid {
                for (year, amount) in schedule(line, start: start, byYear: byYear, htTotal: htTotal, last: last, plans: plans, figures: f) {
                    table[year, default: Year(year: year)].subsidies += amount
                }
            } else if line.nature == .pret {
                for (y, part) in zip(byYear, line.amount.split(proportionally: ttcWeights)) { table[y.year, default: Year(year: y.year)].loans += part }
            } else if line.nature == .portageFoncier {
                // The EPF pays for what it carries: the expenses of its eligible natures (land,
                // fees, clearing), by year; all expenses when none is eligible.
                var carried: [Int: Int64] = [:]
                if let d = line.dispositif {
                    for cost in f.operation.costs where Financing.isEligible(cost, for: d) {
                        for part in cost.yearsTTC { carried[part.year, default: 0] &+= part.amountTTC.cents }
                    }
                }
                let years = carried.values.contains { $0 > 0 } ? carried.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } : zip(byYear.map(\.year), ttcWeights).map { ($0, $1) }
                for (y, part) in zip(years.map(\.0), line.amount.split(proportionally: years.map(\.1))) {
                    table[y, default: Year(year: y)].landCarrying += part
                }
                if let buyBack = line.line.buyBack {
                    table[buyBack.year, default: Year(year: buyBack.year)].landBuyBack += buyBack.amount ?? line.amount
                }
            } else if line.nature != .autofinancement {
                table[last, default: Year(year: last)].otherReceipts += line.amount
            }
        }
        for i in f.fctva { table[i.receiptYear, default: Year(year: i.receiptYear)].fctva += i.amount }
        return table.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Whether a subsidy is paid as the State pays (dotations, décret 2018-514).
    static func isPaidAsState(_ line: ResolvedFunding) -> Bool {
        line.dispositif.map { $0.regime == .dotationCGCT || $0.regime == .decret2018514 } ?? false
    }

    /// A subsidy's advance and instalment ceiling, as shares of its amount, in force on its
    /// parameters' day; the ceiling lowered or raised by décret 2018-514 art. 12 when the line says so.
    static func paymentRates(_ line: ResolvedFunding, plans: Plans, figures: OperationFigures?) -> (advance: Rate, ceiling: Rate) {
        let state = isPaidAsState(line)
        let day = line.parameterDay
        func rate(_ name: String) -> Rate {
            if case .rate(let r)? = plans.catalogue.parameters[name]?.value(at: day)?.value { return r }
            return .zero
        }
        let advanceRate = rate(state ? ParameterName.versementAvanceEtat : ParameterName.versementAvanceAutres)
        var ceilingRate = rate(state ? ParameterName.versementAcomptesPlafondEtat : ParameterName.versementAcomptesPlafondAutres)
        if state, let f = figures, let (r, _) = PaymentsRule.instalmentCap(line, f, RuleContext(plans: plans, figures: [])) { ceilingRate = r }
        return (advanceRate, ceilingRate)
    }

    /// When a subsidy's money arrives, year by year.
    static func schedule(
        _ line: ResolvedFunding, start: Int, byYear: [(year: Int, ht: Money, ttc: Money)], htTotal: Money, last: Int, plans: Plans,
        figures: OperationFigures? = nil
    ) -> [(Int, Money)] {
        let (advanceRate, ceilingRate) = paymentRates(line, plans: plans, figures: figures)
        let amount = line.amount
        let advance = amount.applyingRoundedDown(advanceRate)
        let ceiling = amount.applyingRoundedDown(ceilingRate)
        var out: [(Int, Money)] = []
        var paid = Money.zero
        if !advance.isZero {
            out.append((start, advance))
            paid = advance
        }
        var spent = Money.zero
        for y in byYear {
            spent += y.ht
            let due = htTotal.isZero ? ceiling : Money(cents: Int64(clamping: Int128(amount.cents) * Int128(spent.cents) / Int128(htTotal.cents)))
            let target = max(paid, min(due, ceiling))
            if target > paid {
                out.append((y.year, target - paid))
                paid = target
            }
        }
        if amount > paid { out.append((last + 1, amount - paid)) }
        return out
    }

    /// Tables per owner (in the programme's order) and for the whole programme, over all years.
    public static func tables(_ figures: [OperationFigures], plans: Plans) -> (owners: [Table], programme: Table) {
        var byOwner: [String: [Int: Year]] = [:]
        for f in figures {
            for y in years(of: f, in: plans) {
                byOwner[f.operation.maitreOuvrage, default: [:]][y.year, default: Year(year: y.year)].add(y)
            }
        }
        let allYears = Set(byOwner.values.flatMap(\.keys)).sorted()
        let owners = plans.programme.maitresOuvrage.map(\.id).filter { byOwner[$0] != nil }
        let tables = owners.map { owner in Table(owner: owner, years: allYears.map { byOwner[owner]?[$0] ?? Year(year: $0) }) }
        var total: [Int: Year] = [:]
        for t in tables { for y in t.years { total[y.year, default: Year(year: y.year)].add(y) } }
        return (tables, Table(owner: nil, years: allYears.map { total[$0] ?? Year(year: $0) }))
    }

    /// The year an owner's self-financing capacity starts to accrue: its first year with spending.
    /// Counted from the programme's start instead, an owner whose works begin three years later
    /// would be lent three years of savings it never put aside.
    public static func capacityStart(of table: Table, otherwise year: Int) -> Int {
        table.years.first { !$0.spendingTTC.isZero }?.year ?? year
    }

    /// What `yearly` capacity has put aside by the end of `year`, counted from `start`.
    public static func available(_ yearly: Money, through year: Int, since start: Int) -> Money {
        yearly.saturatingMultiplied(by: max(1, year - start + 1))
    }

    /// The first year each owner's cumulated need exceeds its cumulated self-financing capacity
    /// (the yearly capacity of programme.yaml times the years since its first spending).
    public static func overCapacity(_ tables: [Table], plans: Plans) -> [(owner: MaitreOuvrage, year: Int, need: Money, available: Money, since: Int)] {
        var out: [(MaitreOuvrage, Int, Money, Money, Int)] = []
        for table in tables {
            guard let id = table.owner, let owner = plans.programme.maitreOuvrage(id), let capacity = owner.selfFinancingCapacity else { continue }
            let start = capacityStart(of: table, otherwise: plans.programme.firstYear)
            for (year, cumulated) in zip(table.years.map(\.year), table.cumulatedNeed) {
                let available = available(capacity, through: year, since: start)
                if cumulated > available {
                    out.append((owner, year, cumulated, available, start))
                    break
                }
            }
        }
        return out
    }

    public static func capacityWarnings(_ tables: [Table], plans: Plans) -> [Diagnostic] {
        overCapacity(tables, plans: plans).map { o in
            Diagnostic(
                .avertissement, rule: .tresorerieCapacite,
                "\(o.owner.name) : besoin de trésorerie cumulé de \(o.need) fin \(o.year), au-delà de son épargne nette disponible cumulée (\(o.owner.selfFinancingCapacity ?? .zero) par an depuis \(o.since), première année de dépenses, soit \(o.available))",
                at: o.owner.location, operation: nil, notes: ["prévoyez un emprunt, décalez une opération ou sollicitez une avance"])
        }
    }
}
