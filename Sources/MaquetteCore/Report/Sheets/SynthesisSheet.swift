/// The programme on one sheet: one row per operation, sub-totals by owner, the grand total.
struct SynthesisSheet: Sendable {
    let book: CommitteeWorkbook
    /// Operations grouped by owner, in the programme's order of owners: indices in `book.figures`.
    let groups: [(owner: String, name: String, members: [Int])]
    /// What each data row shows, from the first data row to the grand total.
    let lines: [Line]
    /// Row of each operation in the Synthèse, by index in `book.figures`.
    let operationRows: [Int]

    enum Line {
        case operation(Int)
        case subtotal(group: Int, first: Int, last: Int)
        case total
    }

    init(book: CommitteeWorkbook) {
        self.book = book
        var byOwner: [String: [Int]] = [:]
        var order: [String] = []
        for i in book.figures.indices {
            let owner = book.figures[i].operation.maitreOuvrage
            if byOwner[owner] == nil { order.append(owner) }
            byOwner[owner, default: []].append(i)
        }
        let declared = book.plans.programme.maitresOuvrage.map(\.id).filter { byOwner[$0] != nil }
        let declaredSet = Set(declared)
        let owners = declared + order.filter { !declaredSet.contains($0) }
        groups = owners.map { ($0, book.plans.programme.maitreOuvrage($0)?.name ?? $0, byOwner[$0]!) }
        var lines: [Line] = []
        lines.reserveCapacity(book.figures.count + groups.count + 1)
        var rows = [Int](repeating: 0, count: book.figures.count)
        let first = Self.headerRow + 1
        for (g, group) in groups.enumerated() {
            let start = first + lines.count
            for i in group.members {
                rows[i] = first + lines.count
                lines.append(.operation(i))
            }
            lines.append(.subtotal(group: g, first: start, last: first + lines.count - 1))
        }
        lines.append(.total)
        self.lines = lines
        operationRows = rows
    }

    /// Public aid columns, by funder category, in order.
    static let aidColumns: [(label: String, categories: Set<FunderCategory>)] = [
        ("État", [.etat]), ("Région", [.region]), ("Département", [.departement]),
        ("Banque des Territoires", [.banqueDesTerritoires]), ("ANAH", [.anah]), ("ADEME", [.ademe]), ("Europe", [.europe]),
        ("Autres financeurs publics", [.epf, .intercommunalite, .commune, .autre]),
    ]
    /// The Synthèse's columns, shared by its cells, its formulas and the sheets that refer to it.
    enum Column {
        static let owner = 0, operation = 1, title = 2, costHT = 3, costTTC = 4
        /// The public aid columns, one per entry of ``aidColumns``.
        static let firstAid = 5
        static let lastAid = firstAid + aidColumns.count - 1
        static let totalAid = lastAid + 1, aidRate = lastAid + 2, portage = lastAid + 3, loan = lastAid + 4, selfFinancing = lastAid + 5
        static let ownShare = lastAid + 6, ownShareRate = lastAid + 7, otherResources = lastAid + 8, gap = lastAid + 9, fctva = lastAid + 10
        static let status = lastAid + 11, verdict = lastAid + 12
        /// The amounts, from the costs to the FCTVA.
        static let amounts = costHT...fctva
    }
    static let headerRow = 3

    /// The grand total row.
    var totalRow: Int { firstDataRow + lines.count - 1 }
    var firstDataRow: Int { Self.headerRow + 1 }
    var definedNames: [(name: String, reference: String)] {
        let sheet = A1.sheet(CommitteeWorkbook.synthesisSheet)
        return [
            ("Cout_HT_programme", Column.costHT), ("Cout_TTC_programme", Column.costTTC), ("Aides_publiques_programme", Column.totalAid),
            ("Part_MO_programme", Column.ownShare), ("Autofinancement_programme", Column.selfFinancing), ("FCTVA_programme", Column.fctva),
        ].map { ($0.0, "=\(sheet)!\(A1.cell(totalRow, $0.1, absolute: true))") }
    }

    /// An operation's amounts by Synthèse column (zero where the column holds no amount).
    static func values(of f: OperationFigures) -> [Money] {
        var v = [Money](repeating: .zero, count: Column.verdict + 1)
        v[Column.costHT] = f.costHT
        v[Column.costTTC] = f.costTTC
        for line in f.counted {
            let column: Int
            if line.isPublicAid {
                let index = aidColumns.firstIndex { $0.categories.contains(line.category ?? .autre) } ?? aidColumns.count - 1
                column = Column.firstAid + index
            } else {
                switch line.nature {
                case .portageFoncier: column = Column.portage
                case .pret: column = Column.loan
                case .autofinancement: column = Column.selfFinancing
                default: column = Column.otherResources
                }
            }
            v[column] += line.amount
        }
        v[Column.totalAid] = f.publicAid
        v[Column.ownShare] = f.ownersShare
        v[Column.gap] = f.balanceGap
        v[Column.fctva] = f.fctvaTotal
        return v
    }

    /// Column sums of `values(of:)` over some operations.
    func sums<S: Sequence>(_ members: S) -> [Money] where S.Element == Int {
        var s = [Money](repeating: .zero, count: Column.verdict + 1)
        for i in members {
            let v = Self.values(of: book.figures[i])
            for c in Column.amounts { s[c] += v[c] }
        }
        return s
    }

    /// Errors and warnings per operation.
    struct Verdicts: Sendable {
        let counts: [String: (errors: Int, warnings: Int)]

        init(_ diagnostics: [Diagnostic]) {
            var counts: [String: (errors: Int, warnings: Int)] = [:]
            for d in diagnostics {
                guard let op = d.operation else { continue }
                if d.severity == .erreur { counts[op, default: (0, 0)].errors += 1 } else { counts[op, default: (0, 0)].warnings += 1 }
            }
            self.counts = counts
        }

        func verdict(for operation: String) -> String {
            let (errors, warnings) = counts[operation] ?? (0, 0)
            if errors > 0 { return "\(errors) erreur\(errors > 1 ? "s" : "")" }
            if warnings > 0 { return "\(warnings) avertissement\(warnings > 1 ? "s" : "")" }
            return "conforme"
        }
    }

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.synthesisSheet,
            title: "\(book.plans.programme.name) — synthèse des plans de financement",
            subtitle:
                "Montants en euros. Coûts HT et TTC ; aides rapportées au coût sur la base de chaque plan (HT sauf mention). Établi le \(book.created.formatted) à partir des fichiers de plans\(book.plans.programme.committeeDay == nil ? "" : ", pour le \(book.committee)").",
            lastColumn: 12)
        let headers =
            ["Maître d'ouvrage", "Identifiant", "Intitulé", "Coût HT", "Coût TTC"] + Self.aidColumns.map(\.label) + [
                "Total des aides publiques", "Taux d'aide publique", "Portage EPF", "Emprunt", "Autofinancement",
                "Part du maître d'ouvrage", "Part du MO dans les financements publics", "Autres ressources", "Écart ressources − dépenses",
                "FCTVA attendu", "Aides", "Contrôles",
            ]
        sheet.append(Cell.headings(headers) { (Column.amounts).contains($0) })
        // The data rows, from the first operation to the grand total, are produced on demand.
        let me = self
        let verdicts = Verdicts(book.diagnostics)
        sheet.deferred = DeferredRows(count: lines.count) { range in range.map { me.row(me.lines[$0], at: me.firstDataRow + $0, verdicts: verdicts) } }

        let lastRow = totalRow
        sheet.frozenRows = Self.headerRow + 1
        sheet.frozenColumns = 2
        sheet.autofilter = CellRange(Self.headerRow, 0, lastRow, Column.verdict)
        sheet.repeatRows = Self.headerRow...Self.headerRow
        let gapColumn = A1.column(Column.gap)
        let verdictColumn = A1.column(Column.verdict)
        let r = Self.headerRow + 2
        sheet.problemHighlights = [
            (CellRange(Self.headerRow + 1, Column.gap, lastRow, Column.gap), "ROUND($\(gapColumn)\(r),2)<>0"),
            (CellRange(Self.headerRow + 1, Column.verdict, lastRow, Column.verdict), "ISNUMBER(SEARCH(\"erreur\",$\(verdictColumn)\(r)))"),
        ]
        sheet.columnWidths[Column.owner] = 22
        sheet.columnWidths[Column.operation] = 22
        sheet.columnWidths[Column.title] = 34
        for c in Column.amounts { sheet.columnWidths[c] = 14.5 }
        sheet.columnWidths[Column.status] = 16
        sheet.columnWidths[Column.verdict] = 16
        sheet.paperA3 = true
        sheet.columnWidths[Column.selfFinancing] = 16
        sheet.rowHeights[Self.headerRow] = 62
        sheet.fitRowHeights()
        return sheet
    }

    private func row(_ line: Line, at r: Int, verdicts: Verdicts) -> [Cell] {
        switch line {
        case .operation(let i): return row(book.figures[i], at: r, verdicts: verdicts)
        case .subtotal(let g, let first, let last):
            return totalRow(label: "Sous-total \(groups[g].name)", first: first, last: last, sums: sums(groups[g].members), at: r)
        case .total:
            return totalRow(label: "Total du programme", first: firstDataRow, last: r - 1, sums: sums(book.figures.indices), at: r)
        }
    }

    private func row(_ f: OperationFigures, at r: Int, verdicts: Verdicts) -> [Cell] {
        let v = Self.values(of: f)
        let number = String(r + 1)
        let c = { (column: Int) in A1.column(column) + number }
        let cost = c(f.operation.basis == .ht ? Column.costHT : Column.costTTC)
        let totalAid = c(Column.totalAid), ownShare = c(Column.ownShare)
        var cells: [Cell] = [
            .text(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage, .textWrap), .text(f.operation.id), .text(f.operation.title, .textWrap),
            .money(f.costHT), .money(f.costTTC),
        ]
        cells.reserveCapacity(Column.verdict + 1)
        for column in Column.firstAid...Column.lastAid { cells.append(.money(v[column])) }
        cells.append(.formula("SUM(\(c(Column.firstAid)):\(c(Column.lastAid)))", .money(f.publicAid), .moneyBold))
        cells.append(.formula("IF(\(cost)=0,0,\(totalAid)/\(cost))", .rate(f.publicAidRate ?? .zero), .rate))
        cells += [.money(v[Column.portage]), .money(v[Column.loan]), .money(v[Column.selfFinancing])]
        cells.append(.formula("\(c(Column.portage))+\(c(Column.loan))+\(c(Column.selfFinancing))", .money(f.ownersShare), .moneyBold))
        cells.append(.formula("IF(\(ownShare)+\(totalAid)=0,0,\(ownShare)/(\(ownShare)+\(totalAid)))", .rate(f.ownersShareOfPublicFinancing ?? .zero), .rate))
        cells.append(.money(v[Column.otherResources]))
        cells.append(.formula("\(totalAid)+\(ownShare)+\(c(Column.otherResources))-\(cost)", .money(f.balanceGap), .money))
        cells.append(.money(f.fctvaTotal))
        cells.append(.text(CommitteeWorkbook.aidStatus(f)))
        cells.append(.text(verdicts.verdict(for: f.operation.id)))
        return cells
    }

    private func totalRow(label: String, first: Int, last: Int, sums: [Money], at r: Int) -> [Cell] {
        var cells: [Cell] = [.text(label, .labelTotal), .text("", .labelTotal), .text("", .labelTotal)]
        let c = { (column: Int) in A1.cell(r, column) }
        for column in Column.amounts {
            switch column {
            case Column.aidRate:
                cells.append(.formula("IF(\(c(Column.costHT))=0,0,\(c(Column.totalAid))/\(c(Column.costHT)))", .rate(Rate.ratio(sums[Column.totalAid], sums[Column.costHT]) ?? .zero), .rateTotal))
            case Column.ownShareRate:
                let own = sums[Column.ownShare]
                let aid = sums[Column.totalAid]
                cells.append(
                    .formula(
                        "IF(\(c(Column.ownShare))+\(c(Column.totalAid))=0,0,\(c(Column.ownShare))/(\(c(Column.ownShare))+\(c(Column.totalAid))))",
                        .rate(Rate.ratio(own, own + aid) ?? .zero), .rateTotal))
            default:
                let range = "\(A1.cell(first, column)):\(A1.cell(last, column))"
                cells.append(.formula("SUBTOTAL(9,\(range))", .money(sums[column]), .moneyTotal))
            }
        }
        cells += [.text("", .labelTotal), .text("", .labelTotal)]
        return cells
    }
}
