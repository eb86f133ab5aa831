import Dispatch

/// Builds the workbook for the Comité régional des financeurs from the plans, their figures and
/// the diagnostics: Synthèse, one sheet per operation, Financeurs, Échéancier, Contrôles and
/// Graphiques. Every total, rate and balance is a live formula carrying the value Maquette
/// computed, so that the workbook and `maquette verifier` agree to the cent.
public struct CommitteeWorkbook: Sendable {
    public let plans: Plans
    public let figures: [OperationFigures]
    public let diagnostics: [Diagnostic]
    public let created: Day
    /// The base and scenarios side by side, for the Scénarios sheet.
    public var comparison: Comparison?
    /// A Monte-Carlo result, for the Simulation sheet.
    public var simulation: MonteCarlo.Result?
    /// The scenario the main sheets show, if any.
    public var scenarioTitle: String?
    /// The sheets to write (all by default); a region-wide programme wants only the summaries.
    public var sheets: Set<SheetKind> = Set(SheetKind.allCases)

    public enum SheetKind: String, CaseIterable, Sendable {
        case synthese, operations, financeurs, echeancier, controles, graphiques
    }

    public static let synthesisSheet = "Synthèse"
    public static let fundersSheet = "Financeurs"
    public static let scheduleSheet = "Échéancier"
    public static let checksSheet = "Contrôles"
    public static let chartsSheet = "Graphiques"
    public static let scenariosSheet = "Scénarios"
    public static let simulationSheet = "Simulation"

    public static let statusLabels = FundingStatus.allCases.map(\.label)

    public init(plans: Plans, figures: [OperationFigures], diagnostics: [Diagnostic], created: Day) {
        self.plans = plans
        self.figures = figures
        self.diagnostics = diagnostics
        self.created = created
    }

    /// The day a workbook is dated: `SOURCE_DATE_EPOCH` when given, else the latest date in the
    /// plans (never the clock), so the same plans give the same file.
    public static func creationDay(of plans: Plans, sourceDateEpoch: Int?) -> Day {
        if let epoch = sourceDateEpoch {
            var day = Day(year: 1970, month: 1, day: 1)!
            var remaining = epoch / 86_400
            // Whole months first, then days: exact and cheap for any realistic epoch.
            while remaining > 0 {
                let length = Day.daysIn(month: day.month, year: day.year) - day.day + 1
                if remaining >= length {
                    remaining -= length
                    day = Day(year: day.month == 12 ? day.year + 1 : day.year, month: day.month % 12 + 1, day: 1) ?? day
                } else {
                    day = Day(year: day.year, month: day.month, day: day.day + remaining) ?? day
                    remaining = 0
                }
            }
            return day
        }
        var latest = plans.programme.referenceDay
        func see(_ day: Day?) {
            if let day, day > latest { latest = day }
        }
        for o in plans.operations.indices {
            see(plans.operations[o].worksStart)
            for l in plans.operations[o].funding.indices {
                see(plans.operations[o].funding[l].requestDay)
                see(plans.operations[o].funding[l].notificationDay)
            }
        }
        return latest
    }

    /// The workbook's model. With `streaming`, the big sheets' data rows (Synthèse, Contrôles) are
    /// left ``SheetModel/deferred``: the writer produces them on another core while it writes,
    /// and never holds them all at once. Without, every row is in ``SheetModel/rows``.
    public func build(streaming: Bool = false) -> WorkbookModel {
        var model = WorkbookModel(
            title: "Plans de financement – \(plans.programme.name)", subject: "Comité régional des financeurs",
            author: plans.programme.name, comments: "Établi avec Maquette à partir des fichiers de plans", created: created.daysSinceEpoch * 86_400)
        var names = SheetNames(reserved: [
            Self.synthesisSheet, Self.fundersSheet, Self.scheduleSheet, Self.checksSheet, Self.chartsSheet, Self.scenariosSheet, Self.simulationSheet,
        ])
        let synthesis = SynthesisSheet(book: self)
        // Each sheet is a pure function of the plans, listed with about the rows it will have (for
        // progress bars). Streaming, they are built one after the other by the writer's producer
        // thread while it writes; otherwise on all cores, and put back in the workbook's order.
        var builders: [(name: String, rows: Int, build: @Sendable () -> SheetModel)] = []
        if sheets.contains(.synthese) || sheets.contains(.graphiques) {
            builders.append((Self.synthesisSheet, synthesis.totalRow + 1, { synthesis.build() }))
        }
        if sheets.contains(.operations) {
            for f in figures {
                let name = names.make(f.operation.id)
                builders.append((name, 40, { OperationSheet(book: self, figures: f, name: name).build() }))
            }
        }
        if sheets.contains(.financeurs) { builders.append((Self.fundersSheet, 40, { FundersSheet(book: self).build() })) }
        if sheets.contains(.echeancier) { builders.append((Self.scheduleSheet, 40, { ScheduleSheet(book: self).build() })) }
        if sheets.contains(.controles) { builders.append((Self.checksSheet, 4 + max(1, diagnostics.count), { ChecksSheet(book: self).build() })) }
        if sheets.contains(.graphiques) { builders.append((Self.chartsSheet, figures.count + 20, { ChartsSheet(book: self, synthesis: synthesis).build() })) }
        if let comparison { builders.append((Self.scenariosSheet, 40, { ScenariosSheet(book: self, comparison: comparison).build() })) }
        if let simulation { builders.append((Self.simulationSheet, 40, { SimulationSheet(book: self, result: simulation).build() })) }
        if streaming {
            model.sheets = builders.map { SheetModel.pending($0.name, expectedRows: $0.rows, $0.build) }
        } else {
            model.sheets = Concurrent.map(builders, minimumChunk: 1) { $0.build() }
            for i in model.sheets.indices { model.sheets[i].materialise() }
        }
        if sheets.contains(.synthese) || sheets.contains(.graphiques) { model.definedNames = synthesis.definedNames }
        return model
    }

    // MARK: Shared helpers

    /// A sheet opening as every sheet of the workbook does: its title, a subtitle under it (both
    /// merged up to `lastColumn`), a blank row; the programme's and the sheet's names in the
    /// printed header, the common footer.
    func newSheet(_ name: String, title: String, subtitle: String, lastColumn: Int) -> SheetModel {
        var sheet = SheetModel(name: name)
        sheet.append([.text(title, .title)])
        sheet.append([.text(subtitle, .subtitle)])
        sheet.skip()
        sheet.merges = [CellRange(0, 0, 0, lastColumn), CellRange(1, 0, 1, lastColumn)]
        sheet.header = header(name)
        sheet.footer = footer
        return sheet
    }

    func header(_ sheet: String) -> String { "&L\(escape(plans.programme.name))&R\(escape(sheet))" }
    var footer: String { "&LMaquette – plans de financement&CPage &P sur &N&Rétabli le \(created.formatted)" }
    private func escape(_ s: String) -> String { s.replacingAll("&", "&&") }

    static func countsAs(_ line: ResolvedFunding) -> String {
        if line.isPublicAid { return "aide publique" }
        if line.nature.isOwnersShare { return "part du maître d'ouvrage" }
        return "autre ressource"
    }

    static func aidStatus(_ f: OperationFigures) -> String {
        let aids = f.counted.filter { $0.isPublicAid && $0.dispositif != nil }
        if aids.isEmpty { return "sans aide" }
        if aids.allSatisfy({ $0.line.status.isCertain }) { return "acquises" }
        if aids.contains(where: { $0.line.status.isCertain }) { return "en partie acquises" }
        if aids.contains(where: { $0.line.status == .sollicite }) { return "en instruction" }
        return "à solliciter"
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { out += c == target ? replacement : String(c) }
        return out
    }
}

// MARK: - Synthèse

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
    static let firstAid = 5
    static var lastAid: Int { firstAid + aidColumns.count - 1 }  // 12
    static let totalAid = 13, aidRate = 14, portage = 15, loan = 16, selfFinancing = 17, ownShare = 18, ownShareRate = 19
    static let otherResources = 20, gap = 21, fctva = 22, status = 23, verdict = 24
    static let headerRow = 3

    /// The grand total row.
    var totalRow: Int { firstDataRow + lines.count - 1 }
    var firstDataRow: Int { Self.headerRow + 1 }
    var definedNames: [(name: String, reference: String)] {
        let sheet = A1.sheet(CommitteeWorkbook.synthesisSheet)
        return [
            ("Cout_HT_programme", 3), ("Cout_TTC_programme", 4), ("Aides_publiques_programme", Self.totalAid),
            ("Part_MO_programme", Self.ownShare), ("Autofinancement_programme", Self.selfFinancing), ("FCTVA_programme", Self.fctva),
        ].map { ($0.0, "=\(sheet)!\(A1.cell(totalRow, $0.1, absolute: true))") }
    }

    /// An operation's amounts by Synthèse column (zero where the column holds no amount).
    static func values(of f: OperationFigures) -> [Money] {
        var v = [Money](repeating: .zero, count: verdict + 1)
        v[3] = f.costHT
        v[4] = f.costTTC
        for line in f.counted {
            let column: Int
            if line.isPublicAid {
                let index = aidColumns.firstIndex { $0.categories.contains(line.category ?? .autre) } ?? aidColumns.count - 1
                column = firstAid + index
            } else {
                switch line.nature {
                case .portageFoncier: column = portage
                case .pret: column = loan
                case .autofinancement: column = selfFinancing
                default: column = otherResources
                }
            }
            v[column] += line.amount
        }
        v[totalAid] = f.publicAid
        v[ownShare] = f.ownersShare
        v[gap] = f.balanceGap
        v[fctva] = f.fctvaTotal
        return v
    }

    /// Column sums of `values(of:)` over some operations.
    func sums<S: Sequence>(_ members: S) -> [Money] where S.Element == Int {
        var s = [Money](repeating: .zero, count: Self.verdict + 1)
        for i in members {
            let v = Self.values(of: book.figures[i])
            for c in 3...Self.fctva { s[c] += v[c] }
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
            title: "\(book.plans.programme.name) — synthèse des plans de financement\(book.scenarioTitle.map { " — scénario : \($0)" } ?? "")",
            subtitle:
                "Montants en euros. Coûts HT et TTC ; aides rapportées au coût sur la base de chaque plan (HT sauf mention). Établi le \(book.created.formatted) à partir des fichiers de plans.",
            lastColumn: 12)
        let headers =
            ["Maître d'ouvrage", "Opération", "Intitulé", "Coût HT", "Coût TTC"] + Self.aidColumns.map(\.label) + [
                "Total des aides publiques", "Taux d'aide publique", "Portage foncier", "Emprunt", "Autofinancement (reste à financer)",
                "Part du maître d'ouvrage", "Part du MO dans les financements publics", "Autres ressources", "Écart ressources − dépenses",
                "FCTVA attendu", "Aides", "Contrôles",
            ]
        sheet.append(Cell.headings(headers) { (3...Self.fctva).contains($0) })
        // The data rows, from the first operation to the grand total, are produced on demand.
        let me = self
        let verdicts = Verdicts(book.diagnostics)
        sheet.deferred = DeferredRows(count: lines.count) { range in range.map { me.row(me.lines[$0], at: me.firstDataRow + $0, verdicts: verdicts) } }

        let lastRow = totalRow
        sheet.frozenRows = Self.headerRow + 1
        sheet.frozenColumns = 2
        sheet.autofilter = CellRange(Self.headerRow, 0, lastRow, Self.verdict)
        sheet.repeatRows = Self.headerRow...Self.headerRow
        let gapColumn = A1.column(Self.gap)
        let verdictColumn = A1.column(Self.verdict)
        let r = Self.headerRow + 2
        sheet.problemHighlights = [
            (CellRange(Self.headerRow + 1, Self.gap, lastRow, Self.gap), "ROUND($\(gapColumn)\(r),2)<>0"),
            (CellRange(Self.headerRow + 1, Self.verdict, lastRow, Self.verdict), "ISNUMBER(SEARCH(\"erreur\",$\(verdictColumn)\(r)))"),
        ]
        sheet.columnWidths[0] = 22
        sheet.columnWidths[1] = 22
        sheet.columnWidths[2] = 34
        for c in 3...Self.fctva { sheet.columnWidths[c] = 14.5 }
        sheet.columnWidths[Self.status] = 16
        sheet.columnWidths[Self.verdict] = 16
        sheet.paperA3 = true
        sheet.columnWidths[Self.selfFinancing] = 16
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
        let cost = c(f.operation.basis == .ht ? 3 : 4)
        let totalAid = c(Self.totalAid), ownShare = c(Self.ownShare)
        var cells: [Cell] = [
            .text(f.maitreOuvrage?.name ?? f.operation.maitreOuvrage, .textWrap), .text(f.operation.id), .text(f.operation.title, .textWrap),
            .money(f.costHT), .money(f.costTTC),
        ]
        cells.reserveCapacity(Self.verdict + 1)
        for column in Self.firstAid...Self.lastAid { cells.append(.money(v[column])) }
        cells.append(.formula("SUM(\(c(Self.firstAid)):\(c(Self.lastAid)))", .money(f.publicAid), .moneyBold))
        cells.append(.formula("IF(\(cost)=0,0,\(totalAid)/\(cost))", .rate(f.publicAidRate ?? .zero), .rate))
        cells += [.money(v[Self.portage]), .money(v[Self.loan]), .money(v[Self.selfFinancing])]
        cells.append(.formula("\(c(Self.portage))+\(c(Self.loan))+\(c(Self.selfFinancing))", .money(f.ownersShare), .moneyBold))
        cells.append(.formula("IF(\(ownShare)+\(totalAid)=0,0,\(ownShare)/(\(ownShare)+\(totalAid)))", .rate(f.ownersShareOfPublicFinancing ?? .zero), .rate))
        cells.append(.money(v[Self.otherResources]))
        cells.append(.formula("\(totalAid)+\(ownShare)+\(c(Self.otherResources))-\(cost)", .money(f.balanceGap), .money))
        cells.append(.money(f.fctvaTotal))
        cells.append(.text(CommitteeWorkbook.aidStatus(f)))
        cells.append(.text(verdicts.verdict(for: f.operation.id)))
        return cells
    }

    private func totalRow(label: String, first: Int, last: Int, sums: [Money], at r: Int) -> [Cell] {
        var cells: [Cell] = [.text(label, .labelTotal), .text("", .labelTotal), .text("", .labelTotal)]
        let c = { (column: Int) in A1.cell(r, column) }
        for column in 3...Self.fctva {
            switch column {
            case Self.aidRate:
                cells.append(.formula("IF(\(c(3))=0,0,\(c(Self.totalAid))/\(c(3)))", .rate(Rate.ratio(sums[Self.totalAid], sums[3]) ?? .zero), .rateTotal))
            case Self.ownShareRate:
                let own = sums[Self.ownShare]
                let aid = sums[Self.totalAid]
                cells.append(
                    .formula(
                        "IF(\(c(Self.ownShare))+\(c(Self.totalAid))=0,0,\(c(Self.ownShare))/(\(c(Self.ownShare))+\(c(Self.totalAid))))",
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

// MARK: - One sheet per operation

struct OperationSheet {
    let book: CommitteeWorkbook
    let figures: OperationFigures
    let name: String

    func build() -> SheetModel {
        let f = figures
        let op = f.operation
        var facts = ["Maître d'ouvrage : \(f.maitreOuvrage?.name ?? op.maitreOuvrage)", "opération \(op.id)", "plan établi en \(op.basis.rawValue)"]
        if let act = op.firstLegalAct { facts.append("commencement d'exécution (premier acte juridique) \(act.formatted)") }
        if let s = op.worksStart { facts.append("début des travaux \(s.formatted)" + (op.end.map { ", fin \($0.formatted)" } ?? "")) }
        for line in f.counted where line.nature == .portageFoncier {
            if let buyBack = line.line.buyBack { facts.append("portage foncier racheté en \(buyBack.year) pour \(buyBack.amount ?? line.amount)") }
        }
        if op.section == .fonctionnement { facts.append("dépense de fonctionnement") }
        if op.protection != .aucune { facts.append("monument historique \(op.protection == .classe ? "classé" : "inscrit")") }
        facts.append("fichier \(op.file)")
        var sheet = book.newSheet(name, title: op.title, subtitle: facts.joined(separator: " · "), lastColumn: 9)

        // Expenses.
        let years = Array(Set(op.costs.flatMap { $0.years.map(\.year) })).sorted()
        sheet.append([.text("Dépenses", .section)])
        sheet.append(
            [.text("Libellé", .header), .text("Nature", .header), .text("Montant HT", .headerRight), .text("TVA", .headerRight), .text("Montant TTC", .headerRight)]
                + years.map { .text("HT \($0)", .headerRight) })
        let firstCost = sheet.nextRow
        for line in op.costs {
            let r = sheet.nextRow
            let byYear = Dictionary(line.years.map { ($0.year, $0.amountHT) }, uniquingKeysWith: +)
            sheet.append(
                [
                    .text(line.label), .text(line.nature.label), .money(line.amountHT, .inputMoney), .rate(line.vatRate, .inputRate),
                    .formula("\(A1.cell(r, 2))+ROUND(\(A1.cell(r, 2))*\(A1.cell(r, 3)),2)", .money(line.amountTTC), .money),
                ] + years.map { y in byYear[y].map { Cell.money($0) } ?? .empty })
        }
        let lastCost = sheet.nextRow - 1
        let costTotalRow = sheet.nextRow
        let totalsByYear = f.costsByYear
        sheet.append(
            [
                .text("Total des dépenses", .labelTotal), .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, 2, lastCost, 2)))", .money(f.costHT), .moneyTotal), .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, 4, lastCost, 4)))", .money(f.costTTC), .moneyTotal),
            ]
                + years.enumerated().map { i, y in
                    .formula(
                        "SUM(\(A1.range(firstCost, 5 + i, lastCost, 5 + i)))", .money(totalsByYear.first { $0.year == y }?.ht ?? .zero),
                        .moneyTotal)
                })
        let costCell = A1.cell(costTotalRow, op.basis == .ht ? 2 : 4)
        sheet.skip()

        // Resources, the balancing line last so its formula refers only to the lines above.
        sheet.append([.text("Ressources", .section)])
        sheet.append(Cell.headings(["Financeur", "Dispositif", "Compte comme", "Assiette", "Taux", "Montant", "Statut", "Dépôt", "Notification", "Versé"]) { [3, 4, 5, 9].contains($0) })
        let ordered = f.funding.filter { $0.line.amount != .balance } + f.funding.filter { $0.line.amount == .balance }
        let firstResource = sheet.nextRow
        var statusRows: [Int] = []
        for line in ordered {
            let r = sheet.nextRow
            let isBalance = line.line.amount == .balance
            var cells: [Cell] = [
                .text(line.funder?.name ?? (line.dispositif == nil ? "Maître d'ouvrage" : "")),
                .text(line.dispositif?.name ?? (isBalance ? "Autofinancement (reste à financer)" : line.line.label ?? line.nature.label)),
                .text(CommitteeWorkbook.countsAs(line)),
            ]
            cells.append(line.base.map { Cell.money($0) } ?? .empty)
            let amountCell = A1.cell(r, 5)
            let baseCell = A1.cell(r, 3)
            if case .rate(let rate) = line.line.amount {
                cells.append(.rate(rate, .inputRate))
                cells.append(.formula("ROUND(\(baseCell)*\(A1.cell(r, 4)),2)", .money(line.amount), .money))
            } else if isBalance {
                cells.append(.empty)
                let others = r > firstResource ? A1.range(firstResource, 5, r - 1, 5) : nil
                let statuses = r > firstResource ? A1.range(firstResource, 6, r - 1, 6) : nil
                let formula = others.map { "\(costCell)-SUMIFS(\($0),\(statuses!),\"<>refusé\",\(statuses!),\"<>caduc\")" } ?? costCell
                cells.append(.formula(formula, .money(line.amount), .moneyBold))
            } else {
                if let rate = line.effectiveRate {
                    cells.append(.formula("IF(\(baseCell)=0,0,\(amountCell)/\(baseCell))", .rate(rate), .rate))
                } else {
                    cells.append(.empty)
                }
                cells.append(.money(line.amount, .inputMoney))
            }
            if line.dispositif != nil {
                cells.append(.text(line.line.status.label, .input))
                statusRows.append(r)
            } else {
                cells.append(.empty)
            }
            cells.append(line.line.requestDay.map { Cell(.date($0), .date) } ?? .empty)
            cells.append(line.line.notificationDay.map { Cell(.date($0), .date) } ?? .empty)
            cells.append(line.line.paid.map { Cell.money($0) } ?? .empty)
            sheet.append(cells)
        }
        let lastResource = sheet.nextRow - 1
        let amounts = A1.range(firstResource, 5, lastResource, 5)
        let statuses = A1.range(firstResource, 6, lastResource, 6)
        let kinds = A1.range(firstResource, 2, lastResource, 2)
        let counted = "\(statuses),\"<>refusé\",\(statuses),\"<>caduc\""
        let totalResourcesRow = sheet.nextRow
        sheet.append(
            [.text("Total des ressources", .labelTotal)] + Array(repeating: .text("", .labelTotal), count: 4)
                + [.formula("SUMIFS(\(amounts),\(counted))", .money(f.totalResources), .moneyTotal)])
        sheet.append(
            [.text("Total des dépenses (\(op.basis.rawValue))", .textBold)] + Array(repeating: .empty, count: 4)
                + [.formula(costCell, .money(f.costOnBasis), .moneyBold)])
        let gapRow = sheet.nextRow
        sheet.append(
            [.text("Écart ressources − dépenses (doit être nul)", .textBold)] + Array(repeating: .empty, count: 4)
                + [.formula("\(A1.cell(totalResourcesRow, 5))-\(A1.cell(totalResourcesRow + 1, 5))", .money(f.balanceGap), .moneyBold)])
        sheet.skip()

        // Indicators.
        sheet.append([.text("Indicateurs", .section)])
        let aidRow = sheet.nextRow
        sheet.append([.text("Aides publiques"), .empty, .empty, .empty, .empty, .formula("SUMIFS(\(amounts),\(kinds),\"aide publique\",\(counted))", .money(f.publicAid), .moneyBold)])
        sheet.append([
            .text("Taux d'aide publique (sur le coût \(op.basis.rawValue))"), .empty, .empty, .empty, .empty,
            .formula("IF(\(costCell)=0,0,\(A1.cell(aidRow, 5))/\(costCell))", .rate(f.publicAidRate ?? .zero), .rateBold),
        ])
        let ownRow = sheet.nextRow
        sheet.append([
            .text("Part du maître d'ouvrage"), .empty, .empty, .empty, .empty,
            .formula("SUMIFS(\(amounts),\(kinds),\"part du maître d'ouvrage\",\(counted))", .money(f.ownersShare), .moneyBold),
        ])
        let ownShareRow = sheet.nextRow
        let own = A1.cell(ownRow, 5)
        let aid = A1.cell(aidRow, 5)
        let minimumName = op.chefDeFile ? ParameterName.partMaitreOuvrageChefDeFile : ParameterName.partMaitreOuvrageMin
        let minimum: Rate? = {
            guard op.section == .investissement, op.derogation?.decisionDay == nil,
                case .rate(let r)? = book.plans.catalogue.parameters[minimumName]?.value(at: f.referenceDay)?.value
            else { return nil }
            return r
        }()
        sheet.append([
            .text("Part du maître d'ouvrage dans les financements publics"), .empty, .empty, .empty, .empty,
            .formula("IF(\(own)+\(aid)=0,0,\(own)/(\(own)+\(aid)))", .rate(f.ownersShareOfPublicFinancing ?? .zero), .rateBold),
            minimum.map { Cell.text("minimum \($0.formatted) (CGCT L1111-10)", .note) } ?? .text(op.section == .fonctionnement ? "sans objet (fonctionnement)" : "dérogation accordée", .note),
        ])
        let fctvaTotalRow = sheet.nextRow
        sheet.append([.text("FCTVA attendu"), .empty, .empty, .empty, .empty, .money(f.fctvaTotal, .moneyBold)])
        sheet.skip()

        // FCTVA by year.
        if !f.fctva.isEmpty {
            let regime = f.maitreOuvrage?.fctvaRegime.rawValue ?? "N+2"
            sheet.append([.text("FCTVA attendu par année (régime \(regime), calculé ligne par ligne)", .section)])
            sheet.append([.text("Année de dépense", .header), .text("Année de versement", .header), .text("FCTVA", .headerRight)])
            let first = sheet.nextRow
            for i in f.fctva { sheet.append([Cell(.integer(i.spendingYear), .year), Cell(.integer(i.receiptYear), .year), .money(i.amount)]) }
            let last = sheet.nextRow - 1
            sheet.append([.text("Total", .labelTotal), .text("", .labelTotal), .formula("SUM(\(A1.range(first, 2, last, 2)))", .money(f.fctvaTotal), .moneyTotal)])
            sheet.rows[fctvaTotalRow][5] = .formula(A1.cell(last + 1, 2), .money(f.fctvaTotal), .moneyBold)
            sheet.skip()
        }

        // Verdicts of the rules that apply.
        sheet.append([.text("Contrôles", .section)])
        let checksHeader = sheet.nextRow
        sheet.append([.text("Règle", .header), .text("Référence", .header), .text("Verdict", .header), .text("Détail", .header)] + Array(repeating: .text("", .header), count: 6))
        let context = RuleContext(plans: book.plans, figures: book.figures)
        let firstCheck = sheet.nextRow
        var checkMerges: [CellRange] = [CellRange(checksHeader, 3, checksHeader, 9)]
        let mine = book.diagnostics.filter { $0.operation == op.id }
        for rule in Rules.all where rule.applies(to: f, in: context) {
            let found = mine.filter { $0.rule == rule.id }
            let verdict =
                found.contains { $0.severity == .erreur } ? "non respectée" : found.isEmpty ? "respectée" : "à surveiller"
            checkMerges.append(CellRange(sheet.nextRow, 3, sheet.nextRow, 9))
            sheet.append([
                .text("\(rule.title) [\(rule.id)]", .textWrap), .text(rule.reference, .textWrap), .text(verdict),
                .text(found.map(\.message).joined(separator: "\n"), .textWrap),
            ])
        }
        for d in mine where d.stage == .regle && Rules.rule(d.rule) == nil {
            checkMerges.append(CellRange(sheet.nextRow, 3, sheet.nextRow, 9))
            sheet.append([.text("[\(d.rule)]", .textWrap), .text(""), .text(d.severity == .erreur ? "non respectée" : "à surveiller"), .text(d.message, .textWrap)])
        }
        let lastCheck = sheet.nextRow - 1

        sheet.frozenRows = 3
        sheet.repeatRows = 0...0
        sheet.merges += checkMerges
        if !statusRows.isEmpty {
            sheet.listValidations = [(CellRange(firstResource, 6, lastResource, 6), CommitteeWorkbook.statusLabels)]
        }
        sheet.problemHighlights = [(CellRange(gapRow, 5, gapRow, 5), "ROUND(\(A1.cell(gapRow, 5)),2)<>0")]
        if let minimum {
            sheet.problemHighlights.append(
                (CellRange(ownShareRow, 5, ownShareRow, 5), "\(A1.cell(ownShareRow, 5))<\(Double(minimum.millionths) / Double(Rate.scale))"))
        }
        if lastCheck >= firstCheck {
            sheet.problemHighlights.append((CellRange(firstCheck, 2, lastCheck, 2), "\(A1.cell(firstCheck, 2))=\"non respectée\""))
        }
        sheet.columnWidths = [0: 44, 1: 52, 2: 22, 3: 16, 4: 16, 5: 16, 6: 12, 7: 12, 8: 13, 9: 14]
        for i in years.indices { sheet.columnWidths[5 + i] = max(sheet.columnWidths[5 + i] ?? 0, 15) }
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Financeurs

struct FundersSheet {
    let book: CommitteeWorkbook

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.fundersSheet, title: "Demandes par financeur, dispositif et année, face aux enveloppes",
            subtitle: "Année : celle de l'enveloppe sur laquelle la ligne s'impute (notification, sinon dépôt, sinon début des travaux). Lignes refusées et caduques exclues.",
            lastColumn: 9)
        let headers = ["Financeur", "Dispositif", "Année", "Envisagé", "Sollicité", "Notifié", "Versé", "Total demandé", "Enveloppe", "Reste sur l'enveloppe"]
        sheet.append(Cell.headings(headers) { $0 >= 3 })

        struct Key: Hashable { let dispositif: String; let year: Int }
        var sums: [Key: (envisage: Money, sollicite: Money, notifie: Money, verse: Money)] = [:]
        for f in book.figures {
            for line in f.counted {
                guard let d = line.dispositif else { continue }
                let key = Key(dispositif: d.id, year: EnvelopeRule.year(of: line, in: f))
                var s = sums[key] ?? (.zero, .zero, .zero, .zero)
                switch line.line.status {
                case .envisage: s.envisage += line.amount
                case .sollicite: s.sollicite += line.amount
                case .notifie, .verse: s.notifie += line.amount
                case .refuse, .caduc: break
                }
                s.verse += line.line.paid ?? (line.line.status == .verse ? line.amount : .zero)
                sums[key] = s
            }
        }
        for e in book.plans.catalogue.envelopes where sums[Key(dispositif: e.dispositif, year: e.year)] == nil {
            sums[Key(dispositif: e.dispositif, year: e.year)] = (.zero, .zero, .zero, .zero)
        }
        let catalogue = book.plans.catalogue
        let keys = sums.keys.sorted {
            let fa = catalogue.dispositifs[$0.dispositif]?.funder ?? ""
            let fb = catalogue.dispositifs[$1.dispositif]?.funder ?? ""
            return (fa, $0.dispositif, $0.year) < (fb, $1.dispositif, $1.year)
        }
        let first = sheet.nextRow
        for key in keys {
            let r = sheet.nextRow
            let s = sums[key]!
            let d = catalogue.dispositifs[key.dispositif]
            let total = s.envisage + s.sollicite + s.notifie
            let envelope = catalogue.envelopes.first { $0.dispositif == key.dispositif && $0.year == key.year }
            var cells: [Cell] = [
                .text(d.flatMap { catalogue.funder(of: $0)?.name } ?? ""), .text(d?.name ?? key.dispositif), Cell(.integer(key.year), .year),
                .money(s.envisage), .money(s.sollicite), .money(s.notifie), .money(s.verse),
                .formula("SUM(\(A1.range(r, 3, r, 5)))", .money(total), .moneyBold),
            ]
            if let envelope {
                cells.append(.money(envelope.amount))
                cells.append(.formula("\(A1.cell(r, 8))-\(A1.cell(r, 7))", .money(envelope.amount - total), .moneyBold))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        if last >= first {
            let totals = keys.reduce(into: [Money](repeating: .zero, count: 5)) { acc, key in
                let s = sums[key]!
                acc[0] += s.envisage
                acc[1] += s.sollicite
                acc[2] += s.notifie
                acc[3] += s.verse
                acc[4] += s.envisage + s.sollicite + s.notifie
            }
            sheet.append(
                [.text("Total", .labelTotal), .text("", .labelTotal), .text("", .labelTotal)]
                    + (3...7).map { .formula("SUM(\(A1.range(first, $0, last, $0)))", .money(totals[$0 - 3]), .moneyTotal) })
            sheet.problemHighlights = [(CellRange(first, 9, last, 9), "AND(ISNUMBER(\(A1.cell(first, 9))),\(A1.cell(first, 9))<0)")]
            sheet.autofilter = CellRange(3, 0, last, 9)
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        for c in 3...9 { sheet.columnWidths[c] = 16 }
        sheet.fitColumns(skipRows: [0, 1, 3])
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Échéancier

struct ScheduleSheet {
    let book: CommitteeWorkbook

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.scheduleSheet, title: "Échéancier et trésorerie par maître d'ouvrage et par année",
            subtitle:
                "Subventions : avance, acomptes au prorata des dépenses HT (plafonnés), solde l'année qui suit la dernière dépense (paramètres datés du catalogue). FCTVA à l'année de versement selon le régime. Emprunts tirés au prorata des dépenses TTC ; portage foncier de l'EPF reçu au prorata des dépenses TTC, rachats déduits l'année du rachat.",
            lastColumn: 10)
        let headers = [
            "Maître d'ouvrage", "Année", "Dépenses HT", "Dépenses TTC", "Subventions reçues", "FCTVA reçu", "Emprunts et portage foncier (rachats déduits)", "Autres recettes",
            "Besoin de trésorerie de l'année", "Besoin de trésorerie cumulé", "Épargne nette disponible cumulée",
        ]
        sheet.append(Cell.headings(headers) { $0 >= 2 })
        let (tables, _) = Treasury.tables(book.figures, plans: book.plans)
        let first = sheet.nextRow
        for table in tables {
            guard let id = table.owner else { continue }
            let owner = book.plans.programme.maitreOuvrage(id)
            let firstOfOwner = sheet.nextRow
            for (y, cumulated) in zip(table.years, table.cumulatedNeed) where y != Treasury.Year(year: y.year) || sheet.nextRow > firstOfOwner {
                let r = sheet.nextRow
                let need = "\(A1.cell(r, 3))-\(A1.cell(r, 4))-\(A1.cell(r, 5))-\(A1.cell(r, 6))-\(A1.cell(r, 7))"
                let cumul = r == firstOfOwner ? A1.cell(r, 8) : "\(A1.cell(r - 1, 9))+\(A1.cell(r, 8))"
                var cells: [Cell] = [
                    .text(owner?.name ?? id), Cell(.integer(y.year), .year), .money(y.spendingHT), .money(y.spendingTTC), .money(y.subsidies),
                    .money(y.fctva), .money(y.loans + y.netLandCarrying), .money(y.otherReceipts), .formula(need, .money(y.need), .moneyBold),
                    .formula(cumul, .money(cumulated), .moneyBold),
                ]
                if let capacity = owner?.selfFinancingCapacity {
                    cells.append(.money(Money(cents: capacity.cents * Int64(max(1, y.year - book.plans.programme.firstYear + 1)))))
                }
                sheet.append(cells)
            }
        }
        let last = sheet.nextRow - 1
        if last >= first {
            let totals = tables.reduce(into: [Money](repeating: .zero, count: 7)) { acc, t in
                for y in t.years {
                    acc[0] += y.spendingHT
                    acc[1] += y.spendingTTC
                    acc[2] += y.subsidies
                    acc[3] += y.fctva
                    acc[4] += y.loans + y.netLandCarrying
                    acc[5] += y.otherReceipts
                    acc[6] += y.need
                }
            }
            sheet.append(
                [.text("Total", .labelTotal), .text("", .labelTotal)]
                    + (2...8).map { c in .formula("SUM(\(A1.range(first, c, last, c)))", .money(totals[c - 2]), .moneyTotal) })
            sheet.autofilter = CellRange(3, 0, last, 10)
            sheet.problemHighlights = [
                (CellRange(first, 9, last, 9), "AND(ISNUMBER(\(A1.cell(first, 10))),\(A1.cell(first, 9))>\(A1.cell(first, 10)))")
            ]
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 44, 1: 8]
        for c in 2...10 { sheet.columnWidths[c] = 16 }
        sheet.rowHeights[3] = 47
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Contrôles

struct ChecksSheet {
    let book: CommitteeWorkbook

    func build() -> SheetModel {
        let errors = book.diagnostics.filter { $0.severity == .erreur }.count
        var sheet = book.newSheet(
            CommitteeWorkbook.checksSheet, title: "Contrôles des plans de financement",
            subtitle: errors == 0
                ? "Aucune règle n'est enfreinte. \(book.diagnostics.count) point(s) à surveiller."
                : "PROJET : \(errors) règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.",
            lastColumn: 7)
        sheet.append(Cell.headings(["Gravité", "Règle", "Opération", "Message", "Correction proposée", "Fichier", "Ligne", "Référence"]))
        let first = sheet.nextRow
        let diagnostics = book.diagnostics
        // One row per diagnostic, produced on demand.
        sheet.deferred = DeferredRows(count: diagnostics.count) { range in
            diagnostics[range].map { d in
                [
                    .text(d.severity.rawValue), .text(d.rule.rawValue), .text(d.operation ?? "programme"), .text(d.message, .textWrap),
                    .text(d.notes.joined(separator: "\n"), .textWrap), .text(d.location?.file ?? ""),
                    d.location.map { Cell(.integer($0.line), .integer) } ?? .empty, .text(Rules.rule(d.rule)?.reference ?? "", .textWrap),
                ]
            }
        }
        let last = first + diagnostics.count - 1
        if last >= first {
            sheet.autofilter = CellRange(3, 0, last, 7)
            sheet.problemHighlights = [(CellRange(first, 0, last, 0), "\(A1.cell(first, 0))=\"erreur\"")]
        } else {
            sheet.deferred = nil
            sheet.append([.text("—"), .text(""), .text(""), .text("Aucun problème relevé.")])
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        sheet.columnWidths = [0: 14, 1: 24, 2: 22, 3: 70, 4: 50, 5: 34, 6: 7, 7: 30]
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Graphiques

struct ChartsSheet {
    let book: CommitteeWorkbook
    let synthesis: SynthesisSheet

    static let palette: [UInt32] = [0x1F4E79, 0x2E75B6, 0x9DC3E6, 0x548235, 0xA9D18E, 0xBF9000, 0xFFD966, 0x7F7F7F, 0xC55A11]

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.chartsSheet, title: "Graphiques", subtitle: "Tableaux liés à la synthèse : ils se mettent à jour avec elle.", lastColumn: 9)
        let source = A1.sheet(CommitteeWorkbook.synthesisSheet)
        let me = A1.sheet(CommitteeWorkbook.chartsSheet)
        // Table 1: funding by funder for each operation.
        let labels = SynthesisSheet.aidColumns.map(\.label) + ["Part du maître d'ouvrage"]
        let sourceColumns = Array(SynthesisSheet.firstAid...SynthesisSheet.lastAid) + [SynthesisSheet.ownShare]
        sheet.append([.text("Opération", .header)] + labels.map { .text($0, .headerRight) })
        let first = sheet.nextRow
        for (i, f) in book.figures.enumerated() {
            let r = synthesis.operationRows[i]
            let values = SynthesisSheet.values(of: f)
            var cells: [Cell] = [.formula("\(source)!\(A1.cell(r, 1, absolute: true))", .text(f.operation.id), .text)]
            for column in sourceColumns {
                let amount = values[column]
                cells.append(.formula("\(source)!\(A1.cell(r, column, absolute: true))", .money(amount), .money))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        sheet.skip()
        // Table 2: the programme's funding mix.
        sheet.append([.text("Financement du programme", .header), .text("Montant", .headerRight)])
        let mixFirst = sheet.nextRow
        let total = synthesis.totalRow
        let sums = synthesis.sums(book.figures.indices)
        var mix: [(String, Int, Money)] = sourceColumns.enumerated().map { i, column in (labels[i], column, sums[column]) }
        mix.append(("Autres ressources", SynthesisSheet.otherResources, sums[SynthesisSheet.otherResources]))
        for (label, column, amount) in mix {
            sheet.append([.text(label), .formula("\(source)!\(A1.cell(total, column, absolute: true))", .money(amount), .money)])
        }
        let mixLast = sheet.nextRow - 1

        if last >= first {
            sheet.charts.append(
                ChartModel(
                    kind: .stackedColumn, title: "Financement de chaque opération, par financeur",
                    series: labels.enumerated().map { i, label in
                        .init(
                            name: label, categories: "\(me)!\(A1.range(first, 0, last, 0, absolute: true))",
                            values: "\(me)!\(A1.range(first, i + 1, last, i + 1, absolute: true))", color: Self.palette[i % Self.palette.count])
                    }, row: mixLast + 2, column: 0, xScale: 1.7, yScale: 1.5))
        }
        sheet.charts.append(
            ChartModel(
                kind: .doughnut, title: "Financement du programme",
                series: [
                    .init(
                        name: "Financement du programme", categories: "\(me)!\(A1.range(mixFirst, 0, mixLast, 0, absolute: true))",
                        values: "\(me)!\(A1.range(mixFirst, 1, mixLast, 1, absolute: true))", color: nil)
                ], row: mixLast + 2, column: 7, xScale: 1.25, yScale: 1.5))
        sheet.rowHeights[3] = 32
        sheet.columnWidths[0] = 28
        for c in 1...labels.count { sheet.columnWidths[c] = 15 }
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Scénarios

struct ScenariosSheet {
    let book: CommitteeWorkbook
    let comparison: Comparison

    func build() -> SheetModel {
        let c = comparison
        var sheet = book.newSheet(
            CommitteeWorkbook.scenariosSheet, title: "Comparaison des scénarios", subtitle: c.columns.map { "\($0.id) : \($0.title)" }.joined(separator: " ; "),
            lastColumn: 8)
        func ownerName(_ id: String) -> String { book.plans.programme.maitreOuvrage(id)?.name ?? id }
        var ownShareRows: [Int] = []
        for (title, pick) in [
            ("Part du maître d'ouvrage", { (f: Comparison.Figures) in f.ownersShare }), ("Aides publiques", { (f: Comparison.Figures) in f.publicAid }),
        ] {
            sheet.append([.text(title, .section)])
            var header: [Cell] = [.text("Opération ou maître d'ouvrage", .header)]
            for (i, col) in c.columns.enumerated() {
                header.append(.text(col.id, .headerRight))
                if i > 0 { header.append(.text("écart \(col.id)", .headerRight)) }
            }
            sheet.append(header)
            func row(_ label: String, _ style: CellStyle, _ figures: (Comparison.Column) -> Comparison.Figures?) {
                let r = sheet.nextRow
                var cells: [Cell] = [.text(label, style)]
                let reference = figures(c.columns[0]).map(pick) ?? .zero
                for (i, col) in c.columns.enumerated() {
                    let value = figures(col).map(pick) ?? .zero
                    cells.append(.money(value, style == .labelTotal ? .moneyTotal : .money))
                    if i > 0 {
                        cells.append(.formula("\(A1.cell(r, cells.count - 1))-\(A1.cell(r, 1))", .money(value - reference), style == .labelTotal ? .moneyTotal : .moneyBold))
                    }
                }
                sheet.append(cells)
            }
            for id in c.operations { row(id, .text) { $0.operations[id] } }
            let firstOwner = sheet.nextRow
            for id in c.owners { row(ownerName(id), .textBold) { $0.owners[id] } }
            if title == "Part du maître d'ouvrage" { ownShareRows = Array(firstOwner..<sheet.nextRow) }
            row("Ensemble du programme", .labelTotal) { $0.programme }
            sheet.skip()
        }
        sheet.append([.text("Pointe du besoin de trésorerie cumulé et règles enfreintes", .section)])
        sheet.append([.text("Maître d'ouvrage", .header)] + c.columns.flatMap { [Cell.text("\($0.id) : pointe", .headerRight), .text("règles", .headerRight)] })
        for id in c.owners {
            sheet.append(
                [.text(ownerName(id))]
                    + c.columns.flatMap { [Cell.money($0.owners[id]?.treasuryPeak ?? .zero), Cell(.integer($0.owners[id]?.brokenRules ?? 0), .integer)] })
        }
        sheet.append(
            [.text("Ensemble du programme", .labelTotal)]
                + c.columns.flatMap { [Cell.money($0.programme.treasuryPeak, .moneyTotal), Cell(.integer($0.programme.brokenRules), .integer)] })
        if let first = ownShareRows.first, let last = ownShareRows.last {
            let me = A1.sheet(CommitteeWorkbook.scenariosSheet)
            var valueColumn = 1
            var series: [ChartModel.Series] = []
            for (i, col) in c.columns.enumerated() {
                series.append(
                    .init(
                        name: col.id, categories: "\(me)!\(A1.range(first, 0, last, 0, absolute: true))",
                        values: "\(me)!\(A1.range(first, valueColumn, last, valueColumn, absolute: true))",
                        color: ChartsSheet.palette[i % ChartsSheet.palette.count]))
                valueColumn += i == 0 ? 1 : 2
            }
            sheet.charts.append(
                ChartModel(kind: .column, title: "Part du maître d'ouvrage selon le scénario", series: series, row: sheet.nextRow + 1, column: 0, xScale: 1.8, yScale: 1.3))
        }
        sheet.columnWidths[0] = 44
        for i in 1...(2 * c.columns.count) { sheet.columnWidths[i] = 17 }
        sheet.fitRowHeights()
        return sheet
    }
}

// MARK: - Simulation

struct SimulationSheet {
    let book: CommitteeWorkbook
    let result: MonteCarlo.Result

    func build() -> SheetModel {
        let r = result
        var sheet = book.newSheet(
            CommitteeWorkbook.simulationSheet, title: "Simulation de Monte-Carlo des aides incertaines",
            subtitle: "\(r.draws) tirages, graine \(r.seed) : les mêmes plans, tirages et graine donnent les mêmes résultats.", lastColumn: 7)
        sheet.append(
            Cell.headings(["Maître d'ouvrage", "Part MO moyenne", "P10", "P50", "P90", "Part minimale enfreinte", "Une règle enfreinte", "Épargne nette dépassée"]) {
                $0 > 0
            })
        for s in r.owners + [r.programme] {
            let total = s.owner == nil
            sheet.append([
                .text(s.owner.flatMap { book.plans.programme.maitreOuvrage($0)?.name } ?? "Ensemble du programme", total ? .labelTotal : .text),
                .money(s.ownersShare.mean, total ? .moneyTotal : .money), .money(s.ownersShare.p10, total ? .moneyTotal : .money),
                .money(s.ownersShare.p50, total ? .moneyTotal : .money), .money(s.ownersShare.p90, total ? .moneyTotal : .money),
                .rate(r.probability(s.ownersShareRuleBreaks), total ? .rateTotal : .rate), .rate(r.probability(s.anyRuleBreaks), total ? .rateTotal : .rate),
                .rate(r.probability(s.capacityExceeded), total ? .rateTotal : .rate),
            ])
        }
        sheet.skip()
        sheet.append([.text("Lignes incertaines, par manque attendu", .section)])
        sheet.append(Cell.headings(["Opération", "Dispositif", "Montant", "Probabilité", "Manque attendu"]) { $0 >= 2 })
        for u in r.uncertain {
            let row = sheet.nextRow
            sheet.append([
                .text(u.operation), .text(book.plans.catalogue.dispositifs[u.dispositif]?.usualName ?? u.dispositif), .money(u.amount), .rate(u.probability),
                .formula("ROUND(\(A1.cell(row, 2))*(1-\(A1.cell(row, 3))),2)", .money(u.expectedShortfall), .moneyBold),
            ])
        }
        sheet.columnWidths = [0: 44, 1: 26]
        for c in 2...7 { sheet.columnWidths[c] = 17 }
        sheet.rowHeights[3] = 32
        sheet.fitRowHeights()
        return sheet
    }
}
