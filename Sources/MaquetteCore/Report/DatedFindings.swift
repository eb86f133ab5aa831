/// The findings that depend on the workbook's day: grants lost by a passed deadline (warnings in
/// the workbook, since `verifier`, which has no day, does not see them) and statuses ahead of
/// their dates. They are worked out operation by operation when a sheet first needs them, on the
/// thread that builds it, and kept: while the writer writes a block of Synthèse rows, the
/// producer words the next block's findings, and the Contrôles list them all without working
/// them out again.
final class DatedFindings: @unchecked Sendable {
    private let plans: Plans
    private let figures: [OperationFigures]
    private let day: Day
    /// Each operation's, once worked out (sheets may be built on several threads at once).
    private let found: IndexedMemo<[Diagnostic]>

    init(plans: Plans, figures: [OperationFigures], day: Day) {
        self.plans = plans
        self.figures = figures
        self.day = day
        found = IndexedMemo(count: figures.count)
    }

    /// The findings of one operation on `day`, in the order of ``Diagnostic/ordered``.
    static func of(_ f: OperationFigures, plans: Plans, day: Day) -> [Diagnostic] {
        let lost = Deadlines.of(f, plans: plans, today: day, selection: .lostBefore(day)).filter { $0.urgency == .perdue }.map { deadline in
            var d = deadline.diagnostic
            d.severity = .avertissement
            return d
        }
        return Diagnostic.inOrder(lost + StatusRule.datesToCome(f, today: day))
    }

    /// The findings of the operation at `index` in the figures.
    func of(_ index: Int) -> [Diagnostic] {
        found.value(index) { Self.of(figures[index], plans: plans, day: day) }
    }

    /// Errors and warnings of the operation at `index`.
    func counts(_ index: Int) -> (errors: Int, warnings: Int) {
        let list = of(index)
        let errors = list.reduce(0) { $0 + ($1.severity == .erreur ? 1 : 0) }
        return (errors, list.count - errors)
    }

    /// Every operation's findings, in the order of ``Diagnostic/ordered``.
    func all() -> [Diagnostic] {
        Diagnostic.inOrder(figures.indices.flatMap { of($0) })
    }
}
