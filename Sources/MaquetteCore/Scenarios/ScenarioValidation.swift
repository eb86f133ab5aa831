extension ScenarioEngine {
    /// The chain's problems on `plans` (as ``apply(_:to:)-(_,Plans)``), and when there are none,
    /// what ``revalidated(_:_:from:to:in:)`` needs to check it again after an edit.
    ///
    /// The changes are not applied to a copy of the whole programme: each one is applied to the
    /// operations it can reach alone (``Workspace``), in their order, and the programme's total is
    /// kept as one total per operation. Every change transforms operations one by one and looks at
    /// no other, so what it says and does on those operations is what it says and does on the whole
    /// programme. `operationTotals`, when given, are the plans' ``AmountBounds/operationTotal(_:)``
    /// in the order of `plans.operations`.
    public static func validate(_ chain: [Scenario], on base: Plans, operationTotals: [Int128]? = nil) -> (diagnostics: [Diagnostic], validation: Validation?) {
        var workspace = Workspace(base, totals: operationTotals ?? base.operations.map(AmountBounds.operationTotal))
        var diagnostics: [Diagnostic] = []
        var totals: [Int128] = []
        let count = chain.reduce(0) { $0 + $1.changes.count }
        for scenario in chain {
            for change in scenario.changes {
                totals.append(0)
                // The last change's operations are needed for their totals only.
                let (problem, total) = workspace.apply(change, keepingOperations: totals.count < count)
                if let problem { diagnostics.append(problem) }
                totals[totals.count - 1] = total
            }
        }
        return (diagnostics, diagnostics.isEmpty ? Validation(totals: totals) : nil)
    }

    /// The plans as the changes so far leave them, without copying them: the base operations, the
    /// ones a change replaced, those added, and each one's ``AmountBounds/operationTotal(_:)``.
    struct Workspace {
        let programme: Programme
        var catalogue: Catalogue
        let base: [Operation]
        var replaced: [Int: Operation] = [:]
        var added: [Operation] = []
        /// One per operation: the base ones, then the added ones.
        var totals: [Int128]

        init(_ plans: Plans, totals: [Int128]) {
            (programme, catalogue, base, self.totals) = (plans.programme, plans.catalogue, plans.operations, totals)
        }

        var count: Int { base.count + added.count }

        func operation(_ i: Int) -> Operation { i < base.count ? replaced[i] ?? base[i] : added[i - base.count] }

        /// The first operation with this identifier (identifiers never change; an added one is
        /// never one of the base's).
        func index(of id: String) -> Int? {
            if let i = base.firstIndex(where: { $0.id == id }) { return i }
            return added.firstIndex { $0.id == id }.map { base.count + $0 }
        }

        /// The operations `change` can transform, in order: those it names, or all of those with
        /// a line it matches. A change that names no existing operation gets none, and says so.
        func reach(_ change: ScenarioChange) -> [Int] {
            func one(_ id: String) -> [Int] { index(of: id).map { [$0] } ?? [] }
            switch change.kind {
            case .refuse(let id, _), .remove(let id, _), .changeFunding(let id, _, _, _), .addFunding(let id, _): return one(id)
            case .addOperation(let operation): return one(operation.id)
            case .shift(.one(let id), _), .changeCost(.one(let id), _, _, _, _): return one(id)
            case .shift(.all, _): return Array(0..<count)
            case .changeCost(.all, let nature, let label, _, _):
                // Operations with no matching line are left as they are; with none at all, the
                // change says there is no such expense in the programme, as on the whole of it.
                return reaching(costs: { costs in
                    costs.withUnsafeBufferPointer { lines in
                        lines.indices.contains { i in (nature == nil || lines[i].nature == nature) && (label == nil || lines[i].label == label) }
                    }
                })
            case .changeDispositif(let id, _, let variation, _):
                guard variation != nil else { return [] }
                return reaching(funding: { funding in
                    funding.withUnsafeBufferPointer { lines in lines.indices.contains { lines[$0].dispositifID == id } }
                })
            }
        }

        /// The indexes of the operations whose expense lines satisfy `test`, in order (the lines
        /// taken from each operation in place: a copy of an operation retains all it holds).
        func reaching(costs test: ([CostLine]) -> Bool) -> [Int] {
            var reached: [Int] = []
            for i in 0..<count where test(i < base.count ? replaced[i]?.costs ?? base[i].costs : added[i - base.count].costs) { reached.append(i) }
            return reached
        }

        /// ``reaching(costs:)`` for the funding lines.
        func reaching(funding test: ([FundingLine]) -> Bool) -> [Int] {
            var reached: [Int] = []
            for i in 0..<count where test(i < base.count ? replaced[i]?.funding ?? base[i].funding : added[i - base.count].funding) { reached.append(i) }
            return reached
        }

        /// ``ScenarioEngine/applyTotal(_:to:)`` on these plans: the change's problem, or the
        /// change applied; the programme's total after it either way. Without `keep` (the chain's
        /// last change), the operations it transforms are not kept: only the problem and the
        /// total are wanted (``totalsOnly(_:_:)``, or the change applied without splitting the
        /// expense lines' years again).
        mutating func apply(_ change: ScenarioChange, keepingOperations keep: Bool) -> (problem: Diagnostic?, total: Int128) {
            let reached = reach(change)
            let (newCatalogue, after): (Catalogue, [Int128])
            var part: Plans?
            if !keep, let shortcut = totalsOnly(change, reached) {
                switch shortcut {
                case .failure(let problem): return (problem, total)
                case .success(let result): (newCatalogue, after) = result
                }
            } else {
                var changed = Plans(programme: programme, catalogue: catalogue, operations: reached.map(operation))
                if let problem = ScenarioEngine.transform(change, &changed, splittingYears: keep) { return (problem, total) }
                var totals = self.totals
                for (k, i) in reached.enumerated() { totals[i] = AmountBounds.operationTotal(changed.operations[k]) }
                for new in changed.operations.dropFirst(reached.count) { totals.append(AmountBounds.operationTotal(new)) }
                (newCatalogue, after, part) = (changed.catalogue, totals, changed)
            }
            let total = AmountBounds.programmeTotal(operationTotals: after, catalogue: newCatalogue, programme: programme)
            // The total before the change matters only when the one after is past the bound.
            if total > Int128(Money.maximumProgrammeAmount.cents) {
                let before = self.total
                if total > before { return (pastTheProgrammeBound(change), before) }
            }
            (catalogue, totals) = (newCatalogue, after)
            if keep, let part {
                for (k, i) in reached.enumerated() {
                    if i < base.count { replaced[i] = part.operations[k] } else { added[i - base.count] = part.operations[k] }
                }
                added += part.operations.dropFirst(reached.count)
            }
            return (nil, total)
        }

        /// The catalogue and the operations' totals after a change that scales amounts (expenses,
        /// a dispositif's lines), worked out from the new amounts without changing an operation;
        /// or the change's problem, the same as ``ScenarioEngine/transform(_:_:splittingYears:)``'s.
        /// nil for the other changes, and when the change's problem is that it reaches no line.
        func totalsOnly(_ change: ScenarioChange, _ reached: [Int]) -> Result<(Catalogue, [Int128]), Diagnostic>? {
            var after = totals
            switch change.kind {
            case .changeCost(_, let nature, let label, let amount, let variation):
                var touched = 0
                for i in reached {
                    let result = read(i) { operation -> Result<(Int, Int128), Diagnostic> in
                        switch newCosts(of: operation, nature: nature, label: label, amount: amount, variation: variation, change) {
                        case .failure(let problem): return .failure(problem)
                        case .success(let lines): return .success((lines.count, AmountBounds.operationTotal(operation, costs: lines, funding: [])))
                        }
                    }
                    switch result {
                    case .failure(let problem): return .failure(problem)
                    case .success(let (count, total)): (touched, after[i]) = (touched + count, total)
                    }
                }
                return touched == 0 ? nil : .success((catalogue, after))
            case .changeDispositif(let id, let parameters, let variation?, let envelopes):
                // The catalogue's part of the change first, as the change itself does.
                var plans = Plans(programme: programme, catalogue: catalogue, operations: [])
                let catalogueOnly = ScenarioChange(.changeDispositif(dispositif: id, parameters: parameters, variation: nil, envelopes: envelopes), at: change.location)
                if let problem = ScenarioEngine.transform(catalogueOnly, &plans) { return .failure(problem) }
                for i in reached {
                    let result = read(i) { operation -> Result<Int128, Diagnostic> in
                        switch newFunding(of: operation, dispositif: id, variation: variation, change) {
                        case .failure(let problem): return .failure(problem)
                        case .success(let lines): return .success(AmountBounds.operationTotal(operation, costs: [], funding: lines))
                        }
                    }
                    switch result {
                    case .failure(let problem): return .failure(problem)
                    case .success(let total): after[i] = total
                    }
                }
                return .success((plans.catalogue, after))
            default:
                return nil
            }
        }

        /// `body` given the operation at `i` in place.
        func read<R>(_ i: Int, _ body: (Operation) -> R) -> R {
            guard i < base.count else { return body(added[i - base.count]) }
            if !replaced.isEmpty, let operation = replaced[i] { return body(operation) }
            return base.withUnsafeBufferPointer { body($0[i]) }
        }

        var total: Int128 { AmountBounds.programmeTotal(operationTotals: totals, catalogue: catalogue, programme: programme) }
    }
}
