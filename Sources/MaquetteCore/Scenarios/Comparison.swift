/// Side-by-side figures of the base plans and scenarios, per operation and per owner.
public struct Comparison: Sendable {
    public struct Figures: Sendable, Equatable {
        public var publicAid = Money.zero
        public var ownersShare = Money.zero
        public var treasuryPeak = Money.zero
        public var brokenRules = 0
    }

    public struct Column: Sendable {
        public let id: String
        public let title: String
        public let operations: [String: Figures]
        public let owners: [String: Figures]
        public let programme: Figures
    }

    public let columns: [Column]
    public let operations: [String]
    public let owners: [String]

    /// `variants`: the label, title and plans of each column, the base first.
    public init(_ variants: [(id: String, title: String, plans: Plans)]) {
        var columns: [Column] = []
        var operationIDs: [String] = []
        var ownerIDs: [String] = []
        var knownOperations: Set<String> = []
        var knownOwners: Set<String> = []
        for v in variants {
            let figures = Financing.figures(of: v.plans)
            let errors = Rules.check(v.plans, figures: figures).filter { $0.severity == .erreur }
            let (tables, programmeTable) = Treasury.tables(figures, plans: v.plans)
            var ops: [String: Figures] = [:]
            var owners: [String: Figures] = [:]
            var programme = Figures()
            for f in figures {
                let broken = Set(errors.filter { $0.operation == f.operation.id }.map(\.rule)).count
                let row = Figures(publicAid: f.publicAid, ownersShare: f.ownersShare, treasuryPeak: .zero, brokenRules: broken)
                ops[f.operation.id] = row
                if knownOperations.insert(f.operation.id).inserted { operationIDs.append(f.operation.id) }
                var o = owners[f.operation.maitreOuvrage] ?? Figures()
                o.publicAid += f.publicAid
                o.ownersShare += f.ownersShare
                o.brokenRules += broken
                owners[f.operation.maitreOuvrage] = o
                programme.publicAid += f.publicAid
                programme.ownersShare += f.ownersShare
                programme.brokenRules += broken
            }
            for t in tables {
                if let id = t.owner {
                    owners[id, default: Figures()].treasuryPeak = t.peakNeed
                    if knownOwners.insert(id).inserted { ownerIDs.append(id) }
                }
            }
            programme.brokenRules += Set(errors.filter { $0.operation == nil }.map(\.rule)).count
            programme.treasuryPeak = programmeTable.peakNeed
            columns.append(Column(id: v.id, title: v.title, operations: ops, owners: owners, programme: programme))
        }
        self.columns = columns
        self.operations = operationIDs
        self.owners = ownerIDs
    }
}
