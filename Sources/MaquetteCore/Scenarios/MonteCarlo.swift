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

    /// What one operation gives for one outcome of its uncertain lines.
    struct Outcome {
        let own: Int64
        let shareBroken: Bool
        let anyBroken: Bool
        /// (envelope index, amount drawn on it).
        let envelopes: [(Int, Int64)]
        /// Owner's cash need by year, from `firstYear`.
        let need: [Int64]
    }

    /// Evaluates one operation with some of its uncertain lines refused (and drawn rates), alone:
    /// its figures, its own rules (envelopes are summed over the programme separately), its treasury.
    func outcome(of op: Operation, firstYear: Int, years: Int, single: Plans) -> Outcome {
        var alone = single
        alone.operations = [op]
        let figures = Financing.figures(of: op, in: alone)
        let errors = Rules.check(alone, figures: [figures]).filter { $0.severity == .erreur }
        var envelopes: [(Int, Int64)] = []
        for line in figures.counted {
            guard let d = line.dispositif else { continue }
            let year = EnvelopeRule.year(of: line, in: figures)
            if let e = plans.catalogue.envelopes.firstIndex(where: { $0.dispositif == d.id && $0.year == year }) { envelopes.append((e, line.amount.cents)) }
        }
        var need = [Int64](repeating: 0, count: years)
        for y in Treasury.years(of: figures, in: alone) where y.year >= firstYear && y.year - firstYear < years {
            need[y.year - firstYear] += y.need.cents
        }
        return Outcome(
            own: figures.ownersShare.cents, shareBroken: errors.contains { $0.rule == "part-maitre-ouvrage" }, anyBroken: !errors.isEmpty,
            envelopes: envelopes, need: need)
    }

    /// Runs `draws` draws from `seed`; `progress` is called with the number of draws done.
    ///
    /// Operations are independent but for the shared envelopes and the owners' treasuries, so
    /// each operation's outcome is computed once per combination of granted lines and reused
    /// across draws (lines with a rate range are evaluated at every draw).
    public func run(draws: Int, seed: UInt64, progress: ((Int) -> Void)? = nil) -> Result {
        var generator = SeededGenerator(seed: seed)
        let carrying = Set(plans.operations.map(\.maitreOuvrage))
        let ownerIDs = plans.programme.maitresOuvrage.map(\.id).filter { carrying.contains($0) }
        let ownerIndex = Dictionary(uniqueKeysWithValues: ownerIDs.enumerated().map { ($1, $0) })
        let baseFigures = Financing.figures(of: plans)
        var single = plans
        single.catalogue.envelopes = []
        single.operations = []
        // The years the treasury can touch: from the programme's start to three years after the last spending.
        let firstYear = min(plans.programme.firstYear, baseFigures.compactMap { $0.costsByYear.first?.year }.min() ?? plans.programme.firstYear)
        let lastYear = (baseFigures.compactMap { $0.costsByYear.last?.year }.max() ?? plans.programme.lastYear) + 3
        let years = max(1, lastYear - firstYear + 1)
        struct OpenLine { let line: Int; let p: Rate; let ranged: Bool }
        let uncertainByOp: [[OpenLine]] = plans.operations.map { op in
            op.funding.indices.compactMap { i in probability(of: op.funding[i]).map { OpenLine(line: i, p: $0, ranged: op.funding[i].rateRange != nil) } }
        }
        // Outcomes are kept in flat arrays, found by (operation, mask of granted lines).
        var memo: [[Int32]] = uncertainByOp.map { list in
            list.contains(where: \.ranged) || list.count > 12 ? [] : [Int32](repeating: -1, count: 1 << list.count)
        }
        // Flat storage of the outcomes (no reference counting in the draw loop).
        var outcomeOwn: [Int64] = []
        var outcomeFlags: [UInt8] = []
        var outcomeEnvelopeStart: [Int] = [0]
        var envelopePairs: [(Int, Int64)] = []
        var outcomeNeedStart: [Int] = [0]
        var needPairs: [(Int, Int64)] = []
        let capacities: [Int64?] = ownerIDs.map { plans.programme.maitreOuvrage($0)?.selfFinancingCapacity?.cents }
        let ownerOf: [Int] = plans.operations.map { ownerIndex[$0.maitreOuvrage] ?? -1 }
        var ownShares = [[Money]](repeating: [], count: ownerIDs.count)
        var programmeShares: [Money] = []
        var shareBreaks = [Int](repeating: 0, count: ownerIDs.count)
        var anyBreaks = [Int](repeating: 0, count: ownerIDs.count)
        var capacity = [Int](repeating: 0, count: ownerIDs.count)
        var programmeShareBreaks = 0, programmeAnyBreaks = 0, programmeCapacity = 0
        for w in ownerIDs.indices { ownShares[w].reserveCapacity(draws) }
        programmeShares.reserveCapacity(draws)
        var own = [Int64](repeating: 0, count: ownerIDs.count)
        var shareBroken = [Bool](repeating: false, count: ownerIDs.count)
        var anyBroken = [Bool](repeating: false, count: ownerIDs.count)
        var need = [Int64](repeating: 0, count: ownerIDs.count * years)
        var envelopeUse = [Int64](repeating: 0, count: plans.catalogue.envelopes.count)
        var drawnRates: [(Int, Rate)] = []
        for draw in 0..<draws {
            for w in ownerIDs.indices {
                own[w] = 0
                shareBroken[w] = false
                anyBroken[w] = false
            }
            for i in need.indices { need[i] = 0 }
            for i in envelopeUse.indices { envelopeUse[i] = 0 }
            for o in plans.operations.indices {
                let uncertain = uncertainByOp[o]
                var mask = 0
                drawnRates.removeAll(keepingCapacity: true)
                for k in uncertain.indices where generator.chance(uncertain[k].p) {
                    let u = uncertain[k]
                    mask |= 1 << k
                    if u.ranged, let range = plans.operations[o].funding[u.line].rateRange {
                        let span = UInt64(range.upperBound.millionths - range.lowerBound.millionths + 1)
                        drawnRates.append((u.line, Rate(millionths: range.lowerBound.millionths + Int64(generator.next(below: span)))))
                    }
                }
                let index: Int
                if !memo[o].isEmpty, memo[o][mask] >= 0 {
                    index = Int(memo[o][mask])
                } else {
                    var drawn = plans.operations[o]
                    for (k, u) in uncertain.enumerated() where mask & (1 << k) == 0 { drawn.funding[u.line].status = .refuse }
                    for (line, rate) in drawnRates { drawn.funding[line].amount = .rate(rate) }
                    let result = outcome(of: drawn, firstYear: firstYear, years: years, single: single)
                    outcomeOwn.append(result.own)
                    outcomeFlags.append((result.shareBroken ? 1 : 0) | (result.anyBroken ? 2 : 0))
                    envelopePairs += result.envelopes
                    outcomeEnvelopeStart.append(envelopePairs.count)
                    for (y, amount) in result.need.enumerated() where amount != 0 { needPairs.append((y, amount)) }
                    outcomeNeedStart.append(needPairs.count)
                    index = outcomeOwn.count - 1
                    if !memo[o].isEmpty { memo[o][mask] = Int32(index) }
                }
                let w = ownerOf[o]
                guard w >= 0 else { continue }
                own[w] += outcomeOwn[index]
                let flags = outcomeFlags[index]
                if flags & 1 != 0 { shareBroken[w] = true }
                if flags & 2 != 0 { anyBroken[w] = true }
                for i in outcomeEnvelopeStart[index]..<outcomeEnvelopeStart[index + 1] { envelopeUse[envelopePairs[i].0] += envelopePairs[i].1 }
                let base = w * years
                for i in outcomeNeedStart[index]..<outcomeNeedStart[index + 1] { need[base + needPairs[i].0] += needPairs[i].1 }
            }
            var programmeShare = Int64(0)
            var anyOver = false
            for w in ownerIDs.indices {
                ownShares[w].append(Money(cents: own[w]))
                programmeShare += own[w]
                if shareBroken[w] { shareBreaks[w] += 1 }
                if anyBroken[w] { anyBreaks[w] += 1 }
                if let yearly = capacities[w] {
                    var cumulated = Int64(0)
                    for y in 0..<years {
                        cumulated += need[w * years + y]
                        let available = yearly * Int64(max(1, firstYear + y - plans.programme.firstYear + 1))
                        if cumulated > available {
                            capacity[w] += 1
                            anyOver = true
                            break
                        }
                    }
                }
            }
            let envelopeBroken = zip(envelopeUse, plans.catalogue.envelopes).contains { $0 > $1.amount.cents }
            programmeShares.append(Money(cents: programmeShare))
            if shareBroken.contains(true) { programmeShareBreaks += 1 }
            if anyBroken.contains(true) || envelopeBroken { programmeAnyBreaks += 1 }
            if anyOver { programmeCapacity += 1 }
            progress?(draw + 1)
        }
        let owners = ownerIDs
        let ownSharesByOwner = Dictionary(uniqueKeysWithValues: ownerIDs.enumerated().map { ($1, ownShares[$0]) })
        let shareBreaksByOwner = Dictionary(uniqueKeysWithValues: ownerIDs.enumerated().map { ($1, shareBreaks[$0]) })
        let anyBreaksByOwner = Dictionary(uniqueKeysWithValues: ownerIDs.enumerated().map { ($1, anyBreaks[$0]) })
        let capacityByOwner = Dictionary(uniqueKeysWithValues: ownerIDs.enumerated().map { ($1, capacity[$0]) })
        let uncertainIndices: [(op: Int, line: Int, p: Rate)] = uncertainByOp.enumerated().flatMap { o, list in list.map { (o, $0.line, $0.p) } }
        let summaries = owners.map { owner in
            Summary(
                owner: owner, ownersShare: Self.distribution(ownSharesByOwner[owner] ?? []), ownersShareRuleBreaks: shareBreaksByOwner[owner] ?? 0,
                anyRuleBreaks: anyBreaksByOwner[owner] ?? 0, capacityExceeded: capacityByOwner[owner] ?? 0)
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
