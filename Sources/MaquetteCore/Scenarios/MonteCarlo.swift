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
        /// False when the draws took too many distinct values to be counted one by one: each
        /// percentile is then within ``QuantileSketch/relativeError`` of its exact value.
        public let exact: Bool

        public init(mean: Money, p10: Money, p50: Money, p90: Money, exact: Bool = true) {
            (self.mean, self.p10, self.p50, self.p90, self.exact) = (mean, p10, p50, p90, exact)
        }

        init(_ sketch: QuantileSketch) {
            self.init(
                mean: Money(cents: sketch.mean), p10: Money(cents: sketch.percentile(10)), p50: Money(cents: sketch.percentile(50)),
                p90: Money(cents: sketch.percentile(90)), exact: sketch.isExact)
        }
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

        /// Whether every percentile is exact (see ``Distribution/exact``).
        public var percentilesExact: Bool { (owners + [programme]).allSatisfy(\.ownersShare.exact) }

        /// The French sentence stating the percentiles' precision when some are not exact, naming
        /// the owners (by `name`) whose percentiles are not.
        public func precisionNote(name: (String) -> String) -> String? {
            let owned = owners.filter { !$0.ownersShare.exact }.compactMap { $0.owner.map(name) }
            var approximate = owned.count <= 5 ? owned : ["\(owned.count) maîtres d'ouvrage"]
            if !programme.ownersShare.exact { approximate.append("l'ensemble du programme") }
            guard !approximate.isEmpty else { return nil }
            // The bound in hundredths of a percent, rounded up (0,0489 % → 0,05 %).
            let hundredths = (QuantileSketch.relativeError.millionths + 99) / 100
            let bound = "0,\(hundredths < 10 ? "0" : "")\(hundredths) %"
            return "P10, P50 et P90 à \(bound) près pour \(approximate.count > 1 ? approximate.dropLast().joined(separator: ", ") + " et " + (approximate.last ?? "") : approximate.joined()) : plus de 4 096 montants distincts, comptés par classes (les moyennes restent exactes)."
        }

        public func probability(_ count: Int) -> Rate { Rate.ratio(Money(cents: Int64(count)), Money(cents: Int64(draws))) ?? .zero }
    }

    public let plans: Plans

    /// How many draws a simulation may make (memory does not grow with them: ``blockSize``).
    public static let drawRange = 1...1_000_000

    /// Each envelope's position in the catalogue, by dispositif and year.
    let envelopeIndex: [Catalogue.EnvelopeKey: Int]

    public init(plans: Plans) {
        self.plans = plans
        envelopeIndex = plans.catalogue.envelopeIndex
    }

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
            if let e = envelopeIndex[Catalogue.EnvelopeKey(dispositif: d.id, year: year)] { envelopes.append((e, line.amount.cents)) }
        }
        var need = [Int64](repeating: 0, count: years)
        for y in Treasury.years(of: figures, in: alone) where y.year >= firstYear && y.year - firstYear < years {
            need[y.year - firstYear].addSaturating(y.need.cents)
        }
        return Outcome(
            own: figures.ownersShare.cents, shareBroken: errors.contains { $0.rule == .partMaitreOuvrage }, anyBroken: !errors.isEmpty,
            envelopes: envelopes, need: need)
    }

    /// Draws are taken in blocks of this many: the memory of a run holds one block's figures
    /// (per slice: the envelopes and the treasury years of each draw of the block), not every draw's.
    public static let blockSize = 4_096

    /// Runs `draws` draws from `seed`; `progress` is told how much is done, out of how much, on
    /// the calling thread.
    ///
    /// Every operation's draw `d` has a generator of its own, seeded from (`seed`, operation, `d`):
    /// the result is the same however the work is shared among cores and cut into blocks. Draws
    /// are taken in blocks of `blockSize`; in each block, operations are taken owner by owner, on
    /// all cores (`chunks` independent slices of owners, summed at the end); each operation's
    /// outcome is computed once per combination of granted lines that its draws reach (kept from
    /// one block to the next; lines with a rate range are evaluated at every draw), then added to
    /// its owner's figures of each draw. Owners' treasuries are checked draw by draw once their
    /// operations are in; shared envelopes are summed over the whole programme. Each owner's share
    /// and the programme's go into a ``QuantileSketch``: memory does not grow with the draws.
    public func run(
        draws: Int, seed: UInt64, chunks: Int = 8, blockSize: Int = MonteCarlo.blockSize, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) -> Result {
        // The commands keep to `drawRange`; the core never builds an array of a negative size.
        let draws = min(max(0, draws), Self.drawRange.upperBound)
        let block = max(1, min(blockSize, draws))
        let blockCount = (draws + block - 1) / block
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
        let context = Context(plans: plans, single: single, firstYear: firstYear, years: years, seed: seed)

        // Rounds of owners with about a twentieth of the operations each (for the progress bar),
        // each shared among slices by operations, greedily, in a fixed way. No more slices than
        // owners: each slice holds a block's accumulators.
        let chunkCount = max(1, min(chunks, ownerIDs.count))
        let totalOperations = operationsOf.reduce(0) { $0 + $1.count }
        var rounds: [(parts: [[Int]], done: Int)] = []
        var w0 = 0
        var done = 0
        for round in 0..<20 where w0 < ownerIDs.count {
            let target = totalOperations * (round + 1) / 20
            var w1 = w0
            var count = done
            while w1 < ownerIDs.count && (w1 == w0 || count + operationsOf[w1].count <= target || round == 19) {
                count += operationsOf[w1].count
                w1 += 1
            }
            var parts = [[Int]](repeating: [], count: chunkCount)
            var load = [Int](repeating: 0, count: chunkCount)
            for w in (w0..<w1).sorted(by: { (operationsOf[$0].count, $1) > (operationsOf[$1].count, $0) }) {
                guard let c = load.indices.min(by: { (load[$0], $0) < (load[$1], $1) }) else { break }
                parts[c].append(w)
                load[c] += operationsOf[w].count
            }
            rounds.append((parts, count))
            done = count
            w0 = w1
        }

        var accumulators = (0..<chunkCount).map { _ in Accumulator(block: block, envelopes: envelopes.count, years: years) }
        var ownerCounts = [Accumulator.OwnerCounts](repeating: Accumulator.OwnerCounts(), count: ownerIDs.count)
        var tables = [Accumulator.Tabulated?](repeating: nil, count: plans.operations.count)
        var programmeShare = QuantileSketch()
        var programmeShareBreaks = 0
        var programmeAnyBreaks = 0
        var programmeOverCapacity = 0
        var values = [Int64](repeating: 0, count: block)
        for b in 0..<blockCount {
            let first = b * block
            let count = min(block, draws - first)
            for c in accumulators.indices { accumulators[c].start(first: first, count: count) }
            for round in rounds {
                ownerCounts.withUnsafeMutableBufferPointer { slots in
                    tables.withUnsafeMutableBufferPointer { tabulated in
                        accumulators.withUnsafeMutableBufferPointer { buffer in
                            // Each chunk writes only its own owners' slots, their operations'
                            // tables, and its accumulator: no two threads touch the same memory.
                            nonisolated(unsafe) let (results, tabulated, chunks) = (slots, tabulated, buffer)
                            let (parts, operationsOf, capacityStarts) = (round.parts, operationsOf, capacityStarts)
                            DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                                for w in parts[c] {
                                    chunks[c].add(
                                        owner: operationsOf[w], capacity: capacities[w], capacityStart: capacityStarts[w], context: context,
                                        monteCarlo: self, tables: tabulated, counts: &results[w])
                                }
                            }
                        }
                    }
                }
                progress?(b * totalOperations + round.done, blockCount * totalOperations)
            }
            // The programme, draw by draw: slices summed.
            for d in 0..<count {
                var share = Int64(0)
                var shareBroken = false
                var anyBroken = false
                var overCapacity = false
                for a in accumulators {
                    share.addSaturating(a.programmeShare[d])
                    shareBroken = shareBroken || a.shareBroken[d]
                    anyBroken = anyBroken || a.anyBroken[d]
                    overCapacity = overCapacity || a.overCapacity[d]
                }
                values[d] = share
                if shareBroken { programmeShareBreaks += 1 }
                if overCapacity { programmeOverCapacity += 1 }
                if !anyBroken {
                    anyBroken = envelopes.indices.contains { e in
                        var used = Int64(0)
                        for a in accumulators { used.addSaturating(a.envelopeUse[e * block + d]) }
                        return used > envelopes[e].amount.cents
                    }
                }
                if anyBroken { programmeAnyBreaks += 1 }
            }
            programmeShare.add(values[0..<count])
        }

        let summaries = ownerIDs.indices.map { w in
            Summary(
                owner: ownerIDs[w], ownersShare: Distribution(ownerCounts[w].ownersShare), ownersShareRuleBreaks: ownerCounts[w].shareBreaks,
                anyRuleBreaks: ownerCounts[w].anyBreaks, capacityExceeded: ownerCounts[w].capacityExceeded)
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
                owner: nil, ownersShare: Distribution(programmeShare), ownersShareRuleBreaks: programmeShareBreaks, anyRuleBreaks: programmeAnyBreaks,
                capacityExceeded: programmeOverCapacity),
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
        let seed: UInt64
    }

    /// One slice of owners' share of the programme's figures, draw by draw, for one block of draws.
    struct Accumulator {
        /// The most draws a block holds: the stride of the per-envelope and per-year arrays.
        let block: Int
        let years: Int
        /// The block's first draw, and how many draws it has.
        private(set) var first = 0
        private(set) var count = 0
        var programmeShare: [Int64]
        var shareBroken: [Bool]
        var anyBroken: [Bool]
        var overCapacity: [Bool]
        /// Amount drawn on each envelope, envelope by envelope then draw by draw.
        var envelopeUse: [Int64]
        // Scratch space, reused from one owner or operation to the next.
        private var need: [Int64]
        private var masks: [UInt16]
        /// The owner's own share, draw by draw.
        private var row: [Int64]
        private var ownerShareBroken: [Bool]
        private var ownerAnyBroken: [Bool]

        init(block: Int, envelopes: Int, years: Int) {
            self.block = block
            self.years = years
            programmeShare = [Int64](repeating: 0, count: block)
            shareBroken = [Bool](repeating: false, count: block)
            anyBroken = [Bool](repeating: false, count: block)
            overCapacity = [Bool](repeating: false, count: block)
            envelopeUse = [Int64](repeating: 0, count: envelopes * block)
            need = [Int64](repeating: 0, count: years * block)
            masks = [UInt16](repeating: 0, count: block)
            row = [Int64](repeating: 0, count: block)
            ownerShareBroken = [Bool](repeating: false, count: block)
            ownerAnyBroken = [Bool](repeating: false, count: block)
        }

        /// Starts the block of `count` draws from draw `first`.
        mutating func start(first: Int, count: Int) {
            self.first = first
            self.count = count
            for d in 0..<block {
                programmeShare[d] = 0
                shareBroken[d] = false
                anyBroken[d] = false
                overCapacity[d] = false
            }
            for i in envelopeUse.indices { envelopeUse[i] = 0 }
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

        /// An operation's outcomes by combination of granted lines, kept from one block to the next.
        struct Tabulated {
            /// For each mask of granted lines, its outcome's index in `table`, or −1.
            var index: [Int32]
            var table = OutcomeTable()
        }

        /// Adds outcome `i` of `table` to draw `d` of the block (and to the owner's cash need by
        /// year if `counting`).
        private mutating func add(_ table: OutcomeTable, _ i: Int, draw d: Int, need counting: Bool) {
            row[d].addSaturating(table.own[i])
            programmeShare[d].addSaturating(table.own[i])
            if table.flags[i] & 1 != 0 { ownerShareBroken[d] = true }
            if table.flags[i] & 2 != 0 { ownerAnyBroken[d] = true }
            for j in table.envelopeStart[i]..<table.envelopeStart[i + 1] { envelopeUse[table.envelopePairs[j].0 * block + d].addSaturating(table.envelopePairs[j].1) }
            if counting {
                for j in table.needStart[i]..<table.needStart[i + 1] { need[table.needPairs[j].0 * block + d].addSaturating(table.needPairs[j].1) }
            }
        }

        /// One owner's figures, summed over the blocks.
        struct OwnerCounts {
            var ownersShare = QuantileSketch()
            var shareBreaks = 0
            var anyBreaks = 0
            var capacityExceeded = 0
        }

        /// Adds one owner's operations, draw by draw of the block, to the accumulator and to the
        /// owner's own figures `counts`.
        mutating func add(
            owner operations: [Int], capacity: Int64?, capacityStart: Int, context: Context, monteCarlo: MonteCarlo,
            tables: UnsafeMutableBufferPointer<Tabulated?>, counts: inout OwnerCounts
        ) {
            let years = context.years
            for d in 0..<count {
                row[d] = 0
                ownerShareBroken[d] = false
                ownerAnyBroken[d] = false
            }
            if capacity != nil {
                for i in need.indices { need[i] = 0 }
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
                    for d in 0..<count {
                        var generator = SeededGenerator(seed: context.seed, stream: UInt64(o), index: UInt64(first + d))
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
                var tabulated = tables[o] ?? Tabulated(index: [Int32](repeating: -1, count: 1 << uncertain.count))
                // Moved out of the shared slot, so that adding an outcome does not copy the table.
                tables[o] = nil
                for d in 0..<count {
                    var generator = SeededGenerator(seed: context.seed, stream: UInt64(o), index: UInt64(first + d))
                    var mask = 0
                    for k in uncertain.indices where generator.chance(uncertain[k].p) { mask |= 1 << k }
                    masks[d] = UInt16(mask)
                    guard tabulated.index[mask] < 0 else { continue }
                    let outcome = evaluate(refusing: uncertain.indices.filter { mask & (1 << $0) == 0 }.map { uncertain[$0].line }, rates: [])
                    tabulated.index[mask] = Int32(tabulated.table.append(outcome))
                }
                for d in 0..<count { add(tabulated.table, Int(tabulated.index[Int(masks[d])]), draw: d, need: capacity != nil) }
                tables[o] = tabulated
            }
            counts.ownersShare.add(row[0..<count])
            for d in 0..<count {
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
                let available = (0..<years).map { Treasury.available(Money(cents: yearly), through: context.firstYear + $0, since: capacityStart).cents }
                for d in 0..<count {
                    var cumulated = Int64(0)
                    for y in 0..<years {
                        cumulated.addSaturating(need[y * block + d])
                        if cumulated > available[y] {
                            counts.capacityExceeded += 1
                            overCapacity[d] = true
                            break
                        }
                    }
                }
            }
        }
    }
}

extension Catalogue {
    /// An envelope's dispositif and year: a line draws on the envelope of its dispositif and year.
    public struct EnvelopeKey: Hashable, Sendable {
        public let dispositif: String
        public let year: Int
    }

    /// Each envelope's position in `envelopes`, by dispositif and year (one envelope per pair:
    /// the reader refuses a second).
    public var envelopeIndex: [EnvelopeKey: Int] {
        Dictionary(envelopes.enumerated().map { (EnvelopeKey(dispositif: $1.dispositif, year: $1.year), $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Plans {
    /// The plans of operation `id` alone, to simulate it: every envelope it could draw on is
    /// reduced by what the programme's other operations draw on it at their plan's amounts, so
    /// that the operation is not simulated against envelopes others already use.
    public func keepingOnly(_ id: String) -> Plans {
        var out = self
        out.operations = operations.filter { $0.id == id }
        guard !catalogue.envelopes.isEmpty else { return out }
        let others = Plans(programme: programme, catalogue: catalogue, operations: operations.filter { $0.id != id })
        let index = catalogue.envelopeIndex
        for f in Financing.figures(of: others) {
            for line in f.counted {
                guard let dispositif = line.dispositif?.id else { continue }
                let year = EnvelopeRule.year(of: line, in: f)
                guard let e = index[Catalogue.EnvelopeKey(dispositif: dispositif, year: year)] else { continue }
                out.catalogue.envelopes[e].amount = out.catalogue.envelopes[e].amount - line.amount
            }
        }
        return out
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
