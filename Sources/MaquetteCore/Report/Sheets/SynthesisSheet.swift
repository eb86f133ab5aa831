/// The programme on one sheet: one row per operation, sub-totals by owner, the grand total.
struct SynthesisSheet: Sendable {
    let book: CommitteeWorkbook
    /// Operations grouped by owner, in the programme's order of owners: indices in `book.figures`.
    let groups: [(owner: String, name: String, members: [Int])]
    /// What each data row shows, from the first data row to the grand total.
    let lines: [Line]
    /// Row of each operation in the Synthèse, by index in `book.figures`.
    let operationRows: [Int]
    /// The operation sheets' layouts, by index in `book.figures`, when they are exported.
    let layouts: [OperationSheet.Layout]?
    /// Errors and warnings of each operation from the reader and the rules, by index in
    /// `book.figures`; ``counts(_:)`` adds the findings of the workbook's day.
    private let found: [(errors: Int, warnings: Int)]
    /// Each operation's amounts by column and each owner group's sums, worked out once: an
    /// operation's row, its group's sub-total and the grand total read them.
    private let amounts: IndexedMemo<[Money]>
    private let groupSums: IndexedMemo<[Money]>

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
        groups = owners.map { ($0, book.plans.programme.maitreOuvrage($0)?.name ?? $0, byOwner[$0, default: []]) }
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
        amounts = IndexedMemo(count: book.figures.count)
        groupSums = IndexedMemo(count: groups.count)
        operationRows = rows
        if let layouts = book.operationLayouts {
            self.layouts = layouts
            found = layouts.map(\.counts)
        } else {
            layouts = nil
            let verdicts = Verdicts(book.diagnostics)
            found = book.figures.map { verdicts.counts(for: $0.operation.id) }
        }
    }

    /// Errors and warnings of the operation at `index` in `book.figures`, as its row shows them
    /// (an operation sheet's layout counts the day's findings already).
    func counts(_ index: Int) -> (errors: Int, warnings: Int) {
        guard layouts == nil, let dated = book.dated else { return found[index] }
        let day = dated.counts(index)
        return (found[index].errors + day.errors, found[index].warnings + day.warnings)
    }

    /// Errors and warnings of every operation.
    var totalCounts: (errors: Int, warnings: Int) { count(book.figures.indices) }

    /// Public aid columns, in order: the State's by dispositif as the committee reads them (by
    /// the dispositifs' roles in the catalogue; the Fonds vert by its catalogue ids), the others by
    /// funder category. A line goes to the first column that takes it; the last takes the rest.
    static let aidColumns: [(label: String, takes: @Sendable (ResolvedFunding) -> Bool)] = [
        ("DETR", { $0.category == .etat && $0.has(.detr) }),
        ("DSIL et autres dotations", { $0.category == .etat && $0.has(.dotationEtat) }),
        ("Fonds vert", { $0.category == .etat && ($0.has(.fondsVertFriches) || ($0.dispositif?.id.hasPrefix("etat.fonds-vert") ?? false)) }),
        ("DRAC", { $0.category == .etat && ($0.has(.dracMonuments) || $0.has(.dracFIP)) }),
        ("Autres aides de l'État", { $0.category == .etat }),
        ("Région", { $0.category == .region }), ("Département", { $0.category == .departement }),
        ("Banque des Territoires", { $0.category == .banqueDesTerritoires }), ("ANAH", { $0.category == .anah }),
        ("ADEME", { $0.category == .ademe }), ("Europe", { $0.category == .europe }),
        ("Autres financeurs publics", { _ in true }),
    ]
    /// The Synthèse's columns, shared by its cells, its formulas and the sheets that refer to it.
    enum Column {
        static let owner = 0, operation = 1, title = 2, costHT = 3, costTTC = 4
        /// The public aid columns, one per entry of ``aidColumns``.
        static let firstAid = 5
        static let lastAid = firstAid + aidColumns.count - 1
        static let totalAid = lastAid + 1, aidRate = lastAid + 2, portage = lastAid + 3, loan = lastAid + 4, selfFinancing = lastAid + 5
        static let ownShare = lastAid + 6, ownShareRate = lastAid + 7, otherResources = lastAid + 8, gap = lastAid + 9, fctva = lastAid + 10
        static let status = lastAid + 11, errors = lastAid + 12, warnings = lastAid + 13
        static let last = warnings
        /// The amounts, from the costs to the FCTVA.
        static let amounts = costHT...fctva
    }
    static let headerRow = 3

    /// Column headings, by column; the operation sheets' "Rubrique" names a column by its heading.
    static let headers =
        ["Maître d'ouvrage", "Identifiant", "Intitulé", "Coût HT", "Coût TTC"] + aidColumns.map(\.label) + [
            "Total des aides publiques", "Taux d'aide publique", "Portage foncier", "Emprunt", "Autofinancement",
            "Part du maître d'ouvrage", "Part du MO dans les financements publics", "Autres ressources", "Écart ressources − dépenses",
            "FCTVA attendu", "Aides", "Erreurs", "Avertissements",
        ]

    /// The column a counted funding line adds to.
    static func column(of line: ResolvedFunding) -> Int {
        if line.isPublicAid {
            let index = aidColumns.firstIndex { $0.takes(line) } ?? aidColumns.count - 1
            return Column.firstAid + index
        }
        switch line.nature {
        case .portageFoncier: return Column.portage
        case .pret: return Column.loan
        case .autofinancement: return Column.selfFinancing
        default: return Column.otherResources
        }
    }

    /// The columns whose amounts come from the operation sheets' resources, by their "Rubrique".
    static let resourceColumns = Array(Column.firstAid...Column.lastAid) + [Column.portage, Column.loan, Column.selfFinancing, Column.otherResources]

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
        var v = [Money](repeating: .zero, count: Column.fctva + 1)
        v[Column.costHT] = f.costHT
        v[Column.costTTC] = f.costTTC
        for line in f.counted { v[column(of: line)] += line.amount }
        v[Column.totalAid] = f.publicAid
        v[Column.ownShare] = f.ownersShare
        v[Column.gap] = f.balanceGap
        v[Column.fctva] = f.fctvaTotal
        return v
    }

    /// `values(of:)` of the operation at `index` in `book.figures`.
    func values(_ index: Int) -> [Money] { amounts.value(index) { Self.values(of: book.figures[index]) } }

    /// Column sums of `values(of:)` over some operations.
    func sums<S: Sequence>(_ members: S) -> [Money] where S.Element == Int {
        var s = [Money](repeating: .zero, count: Column.fctva + 1)
        for i in members {
            let v = values(i)
            for c in Column.amounts { s[c] += v[c] }
        }
        return s
    }

    /// Column sums of an owner group's operations.
    func sums(group g: Int) -> [Money] { groupSums.value(g) { sums(groups[g].members) } }

    /// Column sums of every operation: the groups' sums added (each operation is in one group).
    var totalSums: [Money] {
        var s = [Money](repeating: .zero, count: Column.fctva + 1)
        for g in groups.indices {
            let v = sums(group: g)
            for c in Column.amounts { s[c] += v[c] }
        }
        return s
    }

    /// Errors and warnings per operation.
    struct Verdicts: Sendable {
        let counts: [String: (errors: Int, warnings: Int)]

        init(_ diagnostics: [Diagnostic]) {
            var counts: [String: (errors: Int, warnings: Int)] = [:]
            // By index: a diagnostic taken whole would be copied, its texts retained, for two fields.
            for i in diagnostics.indices {
                guard let op = diagnostics[i].operation else { continue }
                if diagnostics[i].severity == .erreur { counts[op, default: (0, 0)].errors += 1 } else { counts[op, default: (0, 0)].warnings += 1 }
            }
            self.counts = counts
        }

        func counts(for operation: String) -> (errors: Int, warnings: Int) { counts[operation] ?? (0, 0) }
    }

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.synthesisSheet,
            title: "\(book.plans.programme.name) — synthèse des plans de financement",
            subtitle:
                "Montants arrondis à l'euro (les feuilles des opérations donnent les centimes). Coûts HT et TTC ; aides rapportées au coût sur la base de chaque plan (HT sauf mention). Établi le \(book.created.formatted) à partir des fichiers de plans\(book.plans.programme.committeeDay == nil ? "" : ", pour le \(book.committee)")."
                + (layouts == nil
                    ? " Erreurs et avertissements : vérifiés par Maquette le \(book.created.formatted)."
                    : " Chaque ligne reprend la feuille de l'opération : elle suit ses modifications.")
                + (book.risks.map { "\n" + $0 } ?? ""),
            lastColumn: 12)
        sheet.append(Cell.headings(Self.headers, centred: [Column.status]) { Column.amounts.contains($0) || $0 >= Column.errors })
        // The data rows, from the first operation to the grand total, are produced on demand.
        let me = self
        sheet.deferred = DeferredRows(count: lines.count) { range in range.map { me.row(me.lines[$0], at: me.firstDataRow + $0) } }

        let lastRow = totalRow
        sheet.frozenRows = Self.headerRow + 1
        sheet.frozenColumns = 2
        sheet.autofilter = CellRange(Self.headerRow, 0, lastRow, Column.last)
        sheet.repeatRows = Self.headerRow...Self.headerRow
        let gapColumn = A1.column(Column.gap)
        let errorsColumn = A1.column(Column.errors)
        let r = Self.headerRow + 2
        sheet.problemHighlights = [
            (CellRange(Self.headerRow + 1, Column.gap, lastRow, Column.gap), "ROUND($\(gapColumn)\(r),2)<>0"),
            (CellRange(Self.headerRow + 1, Column.errors, lastRow, Column.errors), "$\(errorsColumn)\(r)>0"),
        ]
        sheet.columnWidths[Column.owner] = 20
        sheet.columnWidths[Column.operation] = 21
        sheet.columnWidths[Column.title] = 30
        for c in Column.amounts { sheet.columnWidths[c] = 11.5 }
        sheet.columnWidths[Column.status] = 16
        sheet.columnWidths[Column.errors] = 10
        sheet.columnWidths[Column.warnings] = 13
        sheet.paperA3 = true
        // Two blocks on paper, each with the operations' names: costs and aid, then own funds,
        // FCTVA and checks.
        sheet.columnBreaks = [Column.portage]
        sheet.repeatColumns = Column.owner...Column.title
        sheet.columnWidths[Column.selfFinancing] = 15
        sheet.columnWidths[Column.aidRate] = 9
        sheet.columnWidths[Column.ownShareRate] = 11
        // The title block within the columns printed on every page, so that no page cuts it.
        sheet.merges[0] = CellRange(0, 0, 0, Column.title)
        sheet.merges[1] = CellRange(1, 0, 1, Column.title)
        sheet.rowHeights[Self.headerRow] = 62
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }

    private func row(_ line: Line, at r: Int) -> [Cell] {
        switch line {
        case .operation(let i): return row(i, at: r)
        case .subtotal(let g, let first, let last):
            return totalRow(label: "Sous-total \(groups[g].name)", first: first, last: last, sums: sums(group: g), counts: count(groups[g].members), at: r)
        case .total:
            return totalRow(label: "Total du programme", first: firstDataRow, last: r - 1, sums: totalSums, counts: count(book.figures.indices), at: r)
        }
    }

    private func count<S: Sequence>(_ members: S) -> (errors: Int, warnings: Int) where S.Element == Int {
        members.reduce((0, 0)) { sum, i in
            let c = counts(i)
            return (sum.0 + c.errors, sum.1 + c.warnings)
        }
    }

    private func row(_ i: Int, at r: Int) -> [Cell] {
        let f = book.figures[i]
        let v = values(i)
        let number = String(r + 1)
        let c = { (column: Int) in A1.column(column) + number }
        let cost = c(f.operation.basis == .ht ? Column.costHT : Column.costTTC)
        let totalAid = c(Column.totalAid), ownShare = c(Column.ownShare)
        // Where the operation sheet is exported, the row reads it: its totals, its resources by
        // "Rubrique" (lines refused or lapsed left out), its FCTVA and its verdicts.
        var source: [Int: Cell] = [:]
        if let layout = layouts?[i], let name = book.operationSheets?[i] {
            let sheet = A1.sheet(name) + "!"
            typealias R = OperationSheet.ResourceColumn
            source[Column.costHT] = .formula(sheet + A1.cell(layout.costTotalRow, OperationSheet.CostColumn.amountHT, absolute: true), .money(f.costHT), .money)
            source[Column.costTTC] = .formula(sheet + A1.cell(layout.costTotalRow, OperationSheet.CostColumn.amountTTC, absolute: true), .money(f.costTTC), .money)
            if layout.lastResource >= layout.firstResource {
                let range = { (column: Int) in sheet + A1.range(layout.firstResource, column, layout.lastResource, column, absolute: true) }
                let counted = WorkbookLabels.counted(range(R.status))
                let present = Set(layout.ordered.map { Self.column(of: $0) })
                for column in Self.resourceColumns where present.contains(column) {
                    source[column] = .formula("SUMIFS(\(range(R.amount)),\(range(R.rubric)),\"\(Self.headers[column])\",\(counted))", .money(v[column]), .money)
                }
                // Where the aid stands, from the statuses of the aid lines that count (a dispositif,
                // an amount), as `CommitteeWorkbook.aidStatus` says it.
                let aids = { (statuses: [FundingStatus]) in
                    "(" + statuses.map {
                        "COUNTIFS(\(range(R.countsAs)),\"\(WorkbookLabels.CountsAs.publicAid)\",\(range(R.status)),\"\($0.label)\",\(range(R.amount)),\"<>0\")"
                    }.joined(separator: "+") + ")"
                }
                let certain = aids([.notifie, .verse]), solicited = aids([.sollicite]), envisaged = aids([.envisage])
                source[Column.status] = .formula(
                    "IF(\(certain)+\(solicited)+\(envisaged)=0,\"sans aide\",IF(\(solicited)+\(envisaged)=0,\"acquises\",IF(\(certain)>0,\"en partie acquises\",IF(\(solicited)>0,\"en instruction\",\"à solliciter\"))))",
                    .text(CommitteeWorkbook.aidStatus(f)), .textCenter)
            }
            source[Column.fctva] = .formula(sheet + A1.cell(layout.fctvaTotalRow, R.amount, absolute: true), .money(f.fctvaTotal), .money)
            if layout.lastCheck >= layout.firstCheck {
                let verdicts = sheet + A1.range(layout.firstCheck, OperationSheet.CheckColumn.verdict, layout.lastCheck, OperationSheet.CheckColumn.verdict, absolute: true)
                let extra = { (n: Int) in n == 0 ? "" : "+\(n)" }
                // The envelopes are the programme's: counted once, on the Contrôles sheet.
                let programmeWide = { (label: String) in
                    layout.programmeWideRows.map { "-COUNTIF(\(sheet)\(A1.cell($0, OperationSheet.CheckColumn.verdict, absolute: true)),\"\(label)\")" }.joined()
                }
                source[Column.errors] = .formula(
                    "COUNTIF(\(verdicts),\"\(WorkbookLabels.Verdict.broken)\")\(programmeWide(WorkbookLabels.Verdict.broken))\(extra(layout.unshownErrors))",
                    .number(counts(i).errors), .count)
                source[Column.warnings] = .formula(
                    "COUNTIF(\(verdicts),\"\(WorkbookLabels.Verdict.watch)\")\(programmeWide(WorkbookLabels.Verdict.watch))\(extra(layout.unshownWarnings))",
                    .number(counts(i).warnings), .count)
            }
        }
        func amount(_ column: Int) -> Cell {
            var cell = source[column] ?? .money(v[column])
            cell.style = .euros
            return cell
        }
        var cells: [Cell] = [
            .text(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage, .textWrap), .text(f.operation.id), .text(f.operation.title, .textWrap),
            amount(Column.costHT), amount(Column.costTTC),
        ]
        cells.reserveCapacity(Column.last + 1)
        for column in Column.firstAid...Column.lastAid { cells.append(amount(column)) }
        cells.append(.formula("SUM(\(c(Column.firstAid)):\(c(Column.lastAid)))", .money(f.publicAid), .eurosBold))
        cells.append(.formula("IF(\(cost)=0,0,\(totalAid)/\(cost))", .rate(f.publicAidRate ?? .zero), .rateOrDash))
        cells += [amount(Column.portage), amount(Column.loan), amount(Column.selfFinancing)]
        cells.append(.formula("\(c(Column.portage))+\(c(Column.loan))+\(c(Column.selfFinancing))", .money(f.ownersShare), .eurosBold))
        cells.append(.formula("IF(\(ownShare)+\(totalAid)=0,0,\(ownShare)/(\(ownShare)+\(totalAid)))", .rate(f.ownersShareOfPublicFinancing ?? .zero), .rateOrDash))
        cells.append(amount(Column.otherResources))
        cells.append(.formula("\(totalAid)+\(ownShare)+\(c(Column.otherResources))-\(cost)", .money(f.balanceGap), .euros))
        cells.append(amount(Column.fctva))
        cells.append(source[Column.status] ?? .text(CommitteeWorkbook.aidStatus(f), .textCenter))
        let counted = counts(i)
        cells.append(source[Column.errors] ?? Cell(.integer(counted.errors), .count))
        cells.append(source[Column.warnings] ?? Cell(.integer(counted.warnings), .count))
        return cells
    }

    private func totalRow(label: String, first: Int, last: Int, sums: [Money], counts: (errors: Int, warnings: Int), at r: Int) -> [Cell] {
        var cells: [Cell] = [.text(label, .labelTotal), .text("", .labelTotal), .text("", .labelTotal)]
        let c = { (column: Int) in A1.cell(r, column) }
        for column in Column.amounts {
            switch column {
            case Column.aidRate:
                cells.append(
                    .formula(
                        "IF(\(c(Column.costHT))=0,0,\(c(Column.totalAid))/\(c(Column.costHT)))", .rate(Rate.ratio(sums[Column.totalAid], sums[Column.costHT]) ?? .zero),
                        .rateOrDashTotal))
            case Column.ownShareRate:
                let own = sums[Column.ownShare]
                let aid = sums[Column.totalAid]
                cells.append(
                    .formula(
                        "IF(\(c(Column.ownShare))+\(c(Column.totalAid))=0,0,\(c(Column.ownShare))/(\(c(Column.ownShare))+\(c(Column.totalAid))))",
                        .rate(Rate.ratio(own, own + aid) ?? .zero), .rateOrDashTotal))
            default:
                let range = "\(A1.cell(first, column)):\(A1.cell(last, column))"
                cells.append(.formula("SUBTOTAL(9,\(range))", .money(sums[column]), .eurosTotal))
            }
        }
        cells.append(.text("", .labelTotal))
        for (column, n) in [(Column.errors, counts.errors), (Column.warnings, counts.warnings)] {
            cells.append(.formula("SUBTOTAL(9,\(A1.cell(first, column)):\(A1.cell(last, column)))", .number(n), .integerTotal))
        }
        return cells
    }
}
