/// SplitMix64: a small, well-known generator; the same seed gives the same draws on every machine
/// and every Swift version (unlike the standard library's random APIs, whose algorithms may change).
public struct SeededGenerator: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `0..<bound`, by the multiply-high method.
    public mutating func next(below bound: UInt64) -> UInt64 {
        UInt64((UInt128(next()) * UInt128(bound)) >> 64)
    }

    /// True with probability `rate` (a draw among a million equally likely values).
    public mutating func chance(_ rate: Rate) -> Bool {
        Int64(next(below: UInt64(Rate.scale))) < rate.millionths
    }
}

/// Monte-Carlo on uncertain funding: each line still `envisagé` or `sollicité` is granted with its
/// probability (the line's, else its dispositif's, else the default for its status), at a rate
/// drawn uniformly in its range when it has one; a refused line falls back on the owner.
public struct MonteCarlo {
    public struct Uncertain: Sendable {
        public let operation: String
        public let owner: String
        public let dispositif: String
        public let amount: Money
        public let probability: Rate
        /// Expected shortfall: (1 − p) × amount.
        public var expectedShortfall: Money { amount.applying(Rate.hundredPercent - probability) }
    }

    public struct Distribution: Sendable, Equatable {
        public let mean: Money
        public let p10: Money
        public let p50: Money
        public let p90: Money
    }

    public struct Summary: Sendable {
        public let owner: String?
        public let ownersShare: Distribution
        public let ownersShareRuleBreaks: Int
        public let anyRuleBreaks: Int
        public let capacityExceeded: Int
    }

    public struct Result: Sendable {
        public let draws: Int
        public let seed: UInt64
        public let owners: [Summary]
        public let programme: Summary
        public let uncertain: [Uncertain]

        public func probability(_ count: Int) -> Rate { Rate.ratio(Money(cents: Int64(count)), Money(cents: Int64(draws))) ?? .zero }
    }

    public let plans: Plans

    public init(plans: Plans) { self.plans = plans }

    /// The probability a line is granted, and whether it is uncertain at all.
    public func probability(of line: FundingLine) -> Rate? {
        guard line.status == .envisage || line.status == .sollicite, let id = line.dispositifID else { return nil }
        if let p = line.probability { return p }
        if let p = plans.catalogue.dispositifs[id]?.probability { return p }
        let name = line.status == .envisage ? ParameterName.probabiliteEnvisage : ParameterName.probabiliteSollicite
        if case .rate(let r)? = plans.catalogue.parameters[name]?.value(at: plans.programme.referenceDay)?.value { return r }
        return nil
    }

    /// Nearest-rank percentile of sorted values: the value at rank ⌈q × n⌉.
    public static func percentile(_ sorted: [Money], _ q: Int) -> Money {
        guard !sorted.isEmpty else { return .zero }
        let rank = max(1, (q * sorted.count + 99) / 100)
        return sorted[min(sorted.count, rank) - 1]
    }

    static func distribution(_ values: [Money]) -> Distribution {
        let sorted = values.sorted()
        let total = values.reduce(Int128(0)) { $0 + Int128($1.cents) }
        let mean = values.isEmpty ? Money.zero : Money(cents: Int64(total / Int128(values.count)))
        return Distribution(mean: mean, p10: percentile(sorted, 10), p50: percentile(sorted, 50), p90: percentile(sorted, 90))
    }

    /// Runs `draws` draws from `seed`; `progress` is called with the number of draws done.
    public func run(draws: Int, seed: UInt64, progress: ((Int) -> Void)? = nil) -> Result {
        var generator = SeededGenerator(seed: seed)
        let owners = plans.programme.maitresOuvrage.map(\.id).filter { id in plans.operations.contains { $0.maitreOuvrage == id } }
        var ownShares: [String: [Money]] = [:]
        var programmeShares: [Money] = []
        var shareBreaks: [String: Int] = [:]
        var anyBreaks: [String: Int] = [:]
        var capacity: [String: Int] = [:]
        var programmeShareBreaks = 0, programmeAnyBreaks = 0, programmeCapacity = 0
        let uncertainIndices: [(op: Int, line: Int, p: Rate)] = plans.operations.indices.flatMap { op in
            plans.operations[op].funding.indices.compactMap { i in probability(of: plans.operations[op].funding[i]).map { (op, i, $0) } }
        }
        let baseFigures = Financing.figures(of: plans)
        let touched = Set(uncertainIndices.map(\.op))
        for draw in 0..<draws {
            var drawn = plans
            for u in uncertainIndices {
                let granted = generator.chance(u.p)
                var line = drawn.operations[u.op].funding[u.line]
                if granted {
                    // The line keeps its status: envisagé and sollicité lines both count.
                    if let range = line.rateRange {
                        let span = UInt64(range.upperBound.millionths - range.lowerBound.millionths + 1)
                        line.amount = .rate(Rate(millionths: range.lowerBound.millionths + Int64(generator.next(below: span))))
                    }
                } else {
                    line.status = .refuse
                }
                drawn.operations[u.op].funding[u.line] = line
            }
            // Only operations with an uncertain line change; the others keep their base figures.
            let figures = plans.operations.indices.map { touched.contains($0) ? Financing.figures(of: drawn.operations[$0], in: drawn) : baseFigures[$0] }
            let diagnostics = Rules.check(drawn, figures: figures).filter { $0.severity == .erreur }
            let (tables, _) = Treasury.tables(figures, plans: drawn)
            let over = Set(Treasury.overCapacity(tables, plans: drawn).map(\.owner.id))
            var programmeShare = Money.zero
            var programmeShareBroken = false, programmeAnyBroken = false
            for owner in owners {
                let mine = figures.filter { $0.operation.maitreOuvrage == owner }
                let share = Money.sum(mine.map(\.ownersShare))
                ownShares[owner, default: []].append(share)
                programmeShare += share
                let ids = Set(mine.map(\.operation.id))
                let broken = diagnostics.filter { $0.operation.map(ids.contains) ?? false }
                if broken.contains(where: { $0.rule == "part-maitre-ouvrage" }) {
                    shareBreaks[owner, default: 0] += 1
                    programmeShareBroken = true
                }
                if !broken.isEmpty {
                    anyBreaks[owner, default: 0] += 1
                    programmeAnyBroken = true
                }
                if over.contains(owner) { capacity[owner, default: 0] += 1 }
            }
            if diagnostics.contains(where: { $0.operation == nil }) { programmeAnyBroken = true }
            programmeShares.append(programmeShare)
            if programmeShareBroken { programmeShareBreaks += 1 }
            if programmeAnyBroken { programmeAnyBreaks += 1 }
            if !over.isEmpty { programmeCapacity += 1 }
            progress?(draw + 1)
        }
        let summaries = owners.map { owner in
            Summary(
                owner: owner, ownersShare: Self.distribution(ownShares[owner] ?? []), ownersShareRuleBreaks: shareBreaks[owner] ?? 0,
                anyRuleBreaks: anyBreaks[owner] ?? 0, capacityExceeded: capacity[owner] ?? 0)
        }
        let uncertain = uncertainIndices.map { u -> Uncertain in
            let op = plans.operations[u.op]
            return Uncertain(
                operation: op.id, owner: op.maitreOuvrage, dispositif: op.funding[u.line].dispositifID ?? "",
                amount: baseFigures[u.op].funding[u.line].amount, probability: u.p)
        }.sorted { ($0.expectedShortfall, $0.operation) > ($1.expectedShortfall, $1.operation) }
        return Result(
            draws: draws, seed: seed, owners: summaries,
            programme: Summary(
                owner: nil, ownersShare: Self.distribution(programmeShares), ownersShareRuleBreaks: programmeShareBreaks,
                anyRuleBreaks: programmeAnyBreaks, capacityExceeded: programmeCapacity),
            uncertain: uncertain)
    }
}
