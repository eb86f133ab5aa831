import Dispatch

/// SplitMix64: a small, well-known generator; the same seed gives the same draws on every machine
/// and every Swift version (unlike the standard library's random APIs, whose algorithms may change).
public struct SeededGenerator: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The generator of draw `index` of stream `stream` (an operation): its numbers depend on the
    /// seed, the stream and the index only, so that draws can be shared among cores in any way.
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        state = Self.mix(Self.mix(Self.mix(seed &+ 0x9E37_79B9_7F4A_7C15) ^ stream) &+ index)
    }

    /// SplitMix64's output function, a bijection that mixes every bit into every other.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
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
public struct MonteCarlo: Sendable {
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

    /// How many draws a simulation may make: memory grows with them (about 0.3 KiB a draw on the
    /// shipped programme).
    public static let drawRange = 1...1_000_000

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
            need[y.year - firstYear].addSaturating(y.need.cents)
        }
        return Outcome(
            own: figures.ownersShare.cents, shareBroken: errors.contains { $0.rule == .partMaitreOuvrage }, anyBroken: !errors.isEmpty,
            envelopes: envelopes, need: need)
    }

    /// Runs `draws` draws from `seed`; `progress` is told how many operations are done, out of
    /// how many, on the calling thread.
    ///
    /// Every operation's draw `d` has a generator of its own, seeded from (`seed`, operation, `d`):
    /// the result is the same however the work is shared among cores. Operations are taken owner
    /// by owner, on all cores (`chunks` independent slices of owners, summed at the end); each
    /// operation's outcome is computed once per combination of granted lines that its draws
    /// reach (lines with a rate range are evaluated at every draw), then added to its owner's
    /// figures of each draw. Owners' treasuries are checked draw by draw once their operations
    /// are in; shared envelopes are summed over the whole programme.
    public func run(draws: Int, seed: UInt64, chunks: Int = 8, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> Result {
        // The commands keep to `drawRange`; the core never builds an array of a negative size.
        let draws = min(max(0, draws), Self.drawRange.upperBound)
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
        var operationsOf = [[Int]](repeating: [], count: ownerIDs.count)
        for (o, op) in plans.operations.enumerated() {
            if let w = ownerIndex[op.maitreOuvrage] { operationsOf[w].append(o) }
        }
        let capacities: [Int64?] = ownerIDs.map { plans.programme.maitreOuvrage($0)?.selfFinancingCapacity?.cents }
        // Each owner's capacity accrues from its first year with spending (as the treasury counts it).
        let capacityStarts: [Int] = operationsOf.map { members in
            members.compactMap { baseFigures[$0].costsByYear.first { !$0.ttc.isZero }?.year }.min() ?? plans.programme.firstYear
        }
        let envelopes = plans.catalogue.envelopes
        let context = Context(plans: plans, single: single, firstYear: firstYear, years: years, draws: draws, seed: seed)

        // Slices of owners with about the same number of operations, in rounds (for the progress bar).
        // No more slices than owners: each slice holds accumulators the size of the draws.
        let chunkCount = max(1, min(chunks, ownerIDs.count))
        var accumulators = (0..<chunkCount).map { _ in Accumulator(draws: draws, envelopes: envelopes.count) }
        var ownerCounts = [Accumulator.OwnerCounts?](repeating: nil, count: ownerIDs.count)
        let totalOperations = operationsOf.reduce(0) { $0 + $1.count }
        let rounds = 20
        var done = 0
        var w0 = 0
        for round in 0..<rounds where w0 < ownerIDs.count {
            // The owners of this round: up to a twentieth of the operations (at least one owner).
            let target = totalOperations * (round + 1) / rounds
            var w1 = w0
            var count = done
            while w1 < ownerIDs.count && (w1 == w0 || count + operationsOf[w1].count <= target || round == rounds - 1) {
                count += operationsOf[w1].count
                w1 += 1
            }
            let owners = Array(w0..<w1)
            // Share the owners among the chunks by operations, greedily, in a fixed way.
            var parts = [[Int]](repeating: [], count: chunkCount)
            var load = [Int](repeating: 0, count: chunkCount)
            for w in owners.sorted(by: { (operationsOf[$0].count, $1) > (operationsOf[$1].count, $0) }) {
                guard let c = load.indices.min(by: { (load[$0], $0) < (load[$1], $1) }) else { break }
                parts[c].append(w)
                load[c] += operationsOf[w].count
            }
            ownerCounts.withUnsafeMutableBufferPointer { slots in
                accumulators.withUnsafeMutableBufferPointer { buffer in
                    // Each chunk writes only its own slots: no two threads touch the same memory.
                    nonisolated(unsafe) let (results, chunks) = (slots, buffer)
                    let (parts, operationsOf, capacityStarts) = (parts, operationsOf, capacityStarts)
                    // Each chunk writes only its own owners' slots, and its accumulator.
                    DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                        for w in parts[c] {
                            results[w] = chunks[c].add(
                                owner: operationsOf[w], capacity: capacities[w], capacityStart: capacityStarts[w], context: context, monteCarlo: self)
                        }
                    }
                }
            }
            done = count
            w0 = w1
            progress?(done, totalOperations)
        }

        // The programme, draw by draw: chunks summed.
        var programmeShares = [Int64](repeating: 0, count: draws)
        var envelopeUse = [Int64](repeating: 0, count: envelopes.count * draws)
        var shareBroken = [Bool](repeating: false, count: draws)
        var anyBroken = [Bool](repeating: false, count: draws)
        var overCapacity = [Bool](repeating: false, count: draws)
        for a in accumulators {
            for d in 0..<draws {
                programmeShares[d].addSaturating(a.programmeShare[d])
                shareBroken[d] = shareBroken[d] || a.shareBroken[d]
                anyBroken[d] = anyBroken[d] || a.anyBroken[d]
                overCapacity[d] = overCapacity[d] || a.overCapacity[d]
            }
            for i in envelopeUse.indices { envelopeUse[i].addSaturating(a.envelopeUse[i]) }
        }
        var programmeAnyBreaks = 0
        for d in 0..<draws {
            let envelopeBroken = envelopes.indices.contains { envelopeUse[$0 * draws + d] > envelopes[$0].amount.cents }
            if anyBroken[d] || envelopeBroken { programmeAnyBreaks += 1 }
        }
        let summaries = ownerIDs.indices.map { w in
            let counts = ownerCounts[w] ?? Accumulator.OwnerCounts(ownersShare: Distribution(mean: .zero, p10: .zero, p50: .zero, p90: .zero))
            return Summary(
                owner: ownerIDs[w], ownersShare: counts.ownersShare, ownersShareRuleBreaks: counts.shareBreaks, anyRuleBreaks: counts.anyBreaks,
                capacityExceeded: counts.capacityExceeded)
        }
        let uncertain = plans.operations.indices.flatMap { o in
            plans.operations[o].funding.indices.compactMap { i -> Uncertain? in
                probability(of: plans.operations[o].funding[i]).map { p in
                    Uncertain(
                        operation: plans.operations[o].id, owner: plans.operations[o].maitreOuvrage,
                        dispositif: plans.operations[o].funding[i].dispositifID ?? "", amount: baseFigures[o].funding[i].amount, probability: p)
                }
            }
        }.sorted { ($0.expectedShortfall, $0.operation) > ($1.expectedShortfall, $1.operation) }
        return Result(
            draws: draws, seed: seed, owners: summaries,
            programme: Summary(
                owner: nil, ownersShare: Self.distribution(programmeShares.map { Money(cents: $0) }),
                ownersShareRuleBreaks: shareBroken.filter { $0 }.count, anyRuleBreaks: programmeAnyBreaks,
                capacityExceeded: overCapacity.filter { $0 }.count),
            uncertain: uncertain)
    }

    /// Operations with at most this many uncertain lines have their outcomes tabulated by
    /// combination of granted lines (4 096 at most).
    static let tabulatedLines = 12

    /// What every operation's evaluation needs.
    struct Context {
        let plans: Plans
        /// The plans without operations nor envelopes, to evaluate one operation alone.
        let single: Plans
        let firstYear: Int
        let years: Int
        let draws: Int
        let seed: UInt64
    }

    /// One slice of owners' share of the programme's figures, draw by draw.
    struct Accumulator {
        let draws: Int
        var programmeShare: [Int64]
        var shareBroken: [Bool]
        var anyBroken: [Bool]
        var overCapacity: [Bool]
        /// Amount drawn on each envelope, envelope by envelope then draw by draw.
        var envelopeUse: [Int64]
        // Scratch space, reused from one owner or operation to the next.
        private var need: [Int64] = []
        private var masks: [UInt16] = []
        /// The owner's own share, draw by draw.
        private var row: [Int64] = []
        private var ownerShareBroken: [Bool]
        private var ownerAnyBroken: [Bool]

        init(draws: Int, envelopes: Int) {
            self.draws = draws
            programmeShare = [Int64](repeating: 0, count: draws)
            shareBroken = [Bool](repeating: false, count: draws)
            anyBroken = [Bool](repeating: false, count: draws)
            overCapacity = [Bool](repeating: false, count: draws)
            envelopeUse = [Int64](repeating: 0, count: envelopes * draws)
            masks = [UInt16](repeating: 0, count: draws)
            row = [Int64](repeating: 0, count: draws)
            ownerShareBroken = [Bool](repeating: false, count: draws)
            ownerAnyBroken = [Bool](repeating: false, count: draws)
        }

        /// Outcomes kept in flat arrays (no reference counting in the loops over draws).
        struct OutcomeTable {
            var own: [Int64] = []
            /// 1: owner's share rule broken; 2: some rule broken.
            var flags: [UInt8] = []
            var envelopeStart = [0]
            var envelopePairs: [(Int, Int64)] = []
            var needStart = [0]
            var needPairs: [(Int, Int64)] = []

            /// Keeps `outcome`; returns its index.
            mutating func append(_ outcome: Outcome) -> Int {
                own.append(outcome.own)
                flags.append((outcome.shareBroken ? 1 : 0) | (outcome.anyBroken ? 2 : 0))
                envelopePairs += outcome.envelopes
                envelopeStart.append(envelopePairs.count)
                for (y, amount) in outcome.need.enumerated() where amount != 0 { needPairs.append((y, amount)) }
                needStart.append(needPairs.count)
                return own.count - 1
            }
        }

        /// Adds outcome `i` of `table` to draw `d` (and to the owner's cash need by year if `need`).
        private mutating func add(_ table: OutcomeTable, _ i: Int, draw d: Int, need counting: Bool) {
            row[d].addSaturating(table.own[i])
            programmeShare[d].addSaturating(table.own[i])
            if table.flags[i] & 1 != 0 { ownerShareBroken[d] = true }
            if table.flags[i] & 2 != 0 { ownerAnyBroken[d] = true }
            for j in table.envelopeStart[i]..<table.envelopeStart[i + 1] { envelopeUse[table.envelopePairs[j].0 * draws + d].addSaturating(table.envelopePairs[j].1) }
            if counting {
                for j in table.needStart[i]..<table.needStart[i + 1] { need[table.needPairs[j].0 * draws + d].addSaturating(table.needPairs[j].1) }
            }
        }

        struct OwnerCounts {
            var ownersShare: Distribution
            var shareBreaks = 0
            var anyBreaks = 0
            var capacityExceeded = 0
        }

        /// Adds one owner's operations, draw by draw, to the accumulator; returns the owner's own
        /// figures.
        mutating func add(owner operations: [Int], capacity: Int64?, capacityStart: Int, context: Context, monteCarlo: MonteCarlo) -> OwnerCounts {
            let draws = context.draws
            let years = context.years
            for d in 0..<draws {
                row[d] = 0
                ownerShareBroken[d] = false
                ownerAnyBroken[d] = false
            }
            if capacity != nil {
                if need.count != years * draws { need = [Int64](repeating: 0, count: years * draws) } else {
                    for i in need.indices { need[i] = 0 }
                }
            }
            for o in operations {
                let op = context.plans.operations[o]
                let uncertain: [(line: Int, p: Rate, range: ClosedRange<Rate>?)] = op.funding.indices.compactMap { i in
                    monteCarlo.probability(of: op.funding[i]).map { (i, $0, op.funding[i].rateRange) }
                }
                func evaluate(refusing refused: [Int], rates: [(Int, Rate)]) -> Outcome {
                    var drawn = op
                    for line in refused { drawn.funding[line].status = .refuse }
                    for (line, rate) in rates { drawn.funding[line].amount = .rate(rate) }
                    return monteCarlo.outcome(of: drawn, firstYear: context.firstYear, years: years, single: context.single)
                }
                if uncertain.count > MonteCarlo.tabulatedLines || uncertain.contains(where: { $0.range != nil }) {
                    // Rates drawn in a range, or too many lines for a table of combinations: every
                    // draw is evaluated.
                    for d in 0..<draws {
                        var generator = SeededGenerator(seed: context.seed, stream: UInt64(o), index: UInt64(d))
                        var refused: [Int] = []
                        var rates: [(Int, Rate)] = []
                        for u in uncertain {
                            guard generator.chance(u.p) else {
                                refused.append(u.line)
                                continue
                            }
                            if let range = u.range {
                                let span = UInt64(range.upperBound.millionths - range.lowerBound.millionths + 1)
                                rates.append((u.line, Rate(millionths: range.lowerBound.millionths + Int64(generator.next(below: span)))))
                            }
                        }
                        var one = OutcomeTable()
                        let i = one.append(evaluate(refusing: refused, rates: rates))
                        add(one, i, draw: d, need: capacity != nil)
                    }
                    continue
                }
                // Which lines each draw grants (a mask), and each mask's outcome computed once.
                var index = [Int32](repeating: -1, count: 1 << uncertain.count)
                var table = OutcomeTable()
                for d in 0..<draws {
                    var generator = SeededGenerator(seed: context.seed, stream: UInt64(o), index: UInt64(d))
                    var mask = 0
                    for k in uncertain.indices where generator.chance(uncertain[k].p) { mask |= 1 << k }
                    masks[d] = UInt16(mask)
                    guard index[mask] < 0 else { continue }
                    let outcome = evaluate(refusing: uncertain.indices.filter { mask & (1 << $0) == 0 }.map { uncertain[$0].line }, rates: [])
                    index[mask] = Int32(table.append(outcome))
                }
                for d in 0..<draws { add(table, Int(index[Int(masks[d])]), draw: d, need: capacity != nil) }
            }
            var counts = OwnerCounts(ownersShare: MonteCarlo.distribution(row.map { Money(cents: $0) }))
            for d in 0..<draws {
                if ownerShareBroken[d] {
                    counts.shareBreaks += 1
                    shareBroken[d] = true
                }
                if ownerAnyBroken[d] {
                    counts.anyBreaks += 1
                    anyBroken[d] = true
                }
            }
            if let yearly = capacity {
                for d in 0..<draws {
                    var cumulated = Int64(0)
                    for y in 0..<years {
                        cumulated.addSaturating(need[y * draws + d])
                        let available = Treasury.available(Money(cents: yearly), through: context.firstYear + y, since: capacityStart).cents
                        if cumulated > available {
                            counts.capacityExceeded += 1
                            overCapacity[d] = true
                            break
                        }
                    }
                }
            }
            return counts
        }
    }
}

extension Int64 {
    /// `self += other`, stopping at the bounds instead of trapping. Amounts in cents within the
    /// plan bounds (``Money/maximumProgrammeAmount``) never reach them.
    @inline(__always)
    mutating func addSaturating(_ other: Int64) {
        let (sum, overflow) = addingReportingOverflow(other)
        self = overflow ? (other > 0 ? .max : .min) : sum
    }
}
