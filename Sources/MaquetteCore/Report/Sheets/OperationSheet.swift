/// One sheet per operation: its expenses (yearly split and TTC by year as formulas of the amounts),
/// its resources (the balancing line a formula), its indicators, its FCTVA by year (a formula of
/// the eligible TTC spending, the rate of the Paramètres sheet and the owner's regime) and the
/// verdicts of the rules that apply to it, live where a formula can say them.
struct OperationSheet {
    let book: CommitteeWorkbook
    let figures: OperationFigures
    let name: String
    /// Its layout, if already worked out.
    var layout: Layout? = nil

    /// Columns of the expenses table.
    enum CostColumn {
        static let label = 0, nature = 1, amountHT = 2, vatRate = 3, amountTTC = 4, fctva = 5, firstYear = 6
    }
    /// Columns of the resources table; the indicators below it put their figures under `amount`.
    enum ResourceColumn {
        static let funder = 0, dispositif = 1, countsAs = 2, base = 3, rate = 4, amount = 5, status = 6, requested = 7, notified = 8, paid = 9
        /// The Synthèse column the line adds to (its header's words).
        static let rubric = 10
        /// The line's share of the operation's total cost (the préfectures' and funders' forms).
        static let shareOfCost = 11
        static let minimum = 6, note = 7
    }
    /// Columns of the FCTVA table.
    enum FCTVAColumn {
        static let spendingYear = 0, eligibleTTC = 1, receiptYear = 2, amount = 3
    }
    /// Columns of the rules' verdicts; the detail is merged up to `lastDetail`.
    enum CheckColumn {
        static let rule = 0, reference = 1, verdict = 2, how = 3, detail = 4, lastDetail = 11
    }

    /// What a FCTVA line's eligibility cell says.
    static let eligible = "oui", notEligible = "non"

    /// A rule's verdict on the operation, as Maquette found it.
    struct Check: Sendable {
        enum Live: Sendable {
            case balance, ownersShare
            /// Each line's amount within its dispositif's rates of its base: (row, minimum, maximum).
            case rates([(row: Int, minimum: Rate?, maximum: Rate?)])
            /// The State's dotations together within `cap` of the largest of their bases: their rows.
            case dotations(rows: [Int], cap: Rate)
            /// The fonds de concours within the beneficiary's share net of subsidies: their rows.
            case fondsDeConcours(rows: [Int])
            /// The programme's envelopes the lines draw on: each line's row and its envelope's
            /// verdict cell on the Financeurs sheet.
            case envelopes([(row: Int, verdict: String)])
            /// Décret 2018-514 art. 10, for each State subsidy under it: the public aid on its
            /// expense within `cap` of its base.
            case publicAidCap([PublicAidCap])
        }
        /// One subsidy under décret 2018-514 and the aid counted on its expense: its own row, and
        /// each other aid's row with the expense rows of its base (`own`) and of those the ones in
        /// this subsidy's base too (`common`); the part counted is amount × common ÷ own.
        struct PublicAidCap: Sendable {
            let row: Int
            let cap: Rate
            let others: [(row: Int, own: [Int], common: [Int])]
        }
        let title: String
        let reference: String
        let verdict: String
        let messages: [String]
        /// Set when a formula of the sheet decides the verdict.
        let live: Live?
        /// The verdict when the live condition does not hold (other findings of the same rule).
        let otherwise: String
        /// A rule on the whole programme (the envelopes): its finding is counted once, on the
        /// Contrôles sheet, not in each operation's count.
        var programmeWide = false
    }

    /// Where the blocks of an operation sheet are, worked out without building it: the Synthèse,
    /// the Financeurs and the Échéancier refer to these cells.
    struct Layout: Sendable {
        let id: String
        let years: [Int]
        let ordered: [ResolvedFunding]
        let firstCost: Int, lastCost: Int, costTotalRow: Int, costTTCRow: Int
        let firstResource: Int, lastResource: Int, totalResourcesRow: Int, gapRow: Int
        let aidRow: Int, ownRow: Int, ownShareRow: Int, fctvaTotalRow: Int
        /// The FCTVA table's years (spending), first and last row; empty without FCTVA.
        let fctvaYears: [Int]
        let firstFCTVA: Int, lastFCTVA: Int
        let checks: [Check]
        let firstCheck: Int, lastCheck: Int
        /// Errors and warnings on the operation that no row of its checks shows (read from the plans).
        let unshownErrors: Int, unshownWarnings: Int

        init(_ f: OperationFigures, book: CommitteeWorkbook) {
            let op = f.operation
            id = op.id
            years = Array(Set(op.costs.flatMap { $0.years.map(\.year) })).sorted()
            ordered = f.funding.filter { $0.line.amount != .balance } + f.funding.filter { $0.line.amount == .balance }
            var r = 3 + 2  // title block, then the section and header rows
            firstCost = r
            r += op.costs.count
            lastCost = r - 1
            costTotalRow = r
            costTTCRow = r + 1
            r += 2 + 1 + 2  // totals, blank, section and header
            firstResource = r
            r += ordered.count
            lastResource = r - 1
            totalResourcesRow = r
            gapRow = r + 2
            r += 3 + 1 + 1  // totals, blank, section
            aidRow = r
            ownRow = r + 2
            // The owner's share, then what it is made of (loans are not aid).
            ownShareRow = r + 3 + Self.ownShareParts.count
            fctvaTotalRow = ownShareRow + 1
            r = fctvaTotalRow + 2
            let worksYear = Financing.studiesFCTVAYear(of: op)
            let hasFCTVA = op.section == .investissement && (!f.fctva.isEmpty || op.costs.contains { Financing.isInFCTVABase($0, worksYear: worksYear) })
            let fctvaYears = hasFCTVA ? Array(Set(years + f.fctva.map(\.spendingYear))).sorted() : []
            if !fctvaYears.isEmpty {
                self.fctvaYears = fctvaYears
                r += 2  // section and header
                firstFCTVA = r
                r += fctvaYears.count
                lastFCTVA = r - 1
                r += 2  // total, blank
            } else {
                self.fctvaYears = []
                firstFCTVA = r
                lastFCTVA = r - 1
            }
            r += OperationSheet.timetableRows(op) + OperationSheet.certificationRows(book)
            r += 2  // section and header
            let (checks, unshown) = Self.checks(f, book: book, ordered: ordered, firstCost: firstCost, firstResource: firstResource)
            self.checks = checks
            firstCheck = r
            lastCheck = r + checks.count - 1
            unshownErrors = unshown.errors
            unshownWarnings = unshown.warnings
        }

        /// The rules that apply, each with its verdict, then the findings of unknown rules.
        static func checks(
            _ f: OperationFigures, book: CommitteeWorkbook, ordered: [ResolvedFunding], firstCost: Int, firstResource: Int
        ) -> ([Check], (errors: Int, warnings: Int)) {
            let op = f.operation
            let context = RuleContext(plans: book.plans, figures: book.figures)
            let mine = book.diagnosticsByOperation[op.id] ?? []
            var shown: Set<DiagnosticID> = []
            var checks: [Check] = []
            func verdict(_ found: [Diagnostic]) -> String {
                found.contains { $0.severity == .erreur } ? WorkbookLabels.Verdict.broken : found.isEmpty ? WorkbookLabels.Verdict.respected : WorkbookLabels.Verdict.watch
            }
            for rule in Rules.all where rule.applies(to: f, in: context) {
                let found = mine.filter { $0.rule == rule.id }
                shown.insert(rule.id)
                var live: Check.Live?
                var otherwise = verdict(found)
                var shownVerdict = verdict(found)
                var programmeWide = false
                switch rule.id {
                case .equilibre:
                    live = .balance
                    // The rule finds nothing but the imbalance (or a negative balance) a formula sees.
                    otherwise = WorkbookLabels.Verdict.respected
                case .partMaitreOuvrage where OperationSheet.minimumOwnersShare(f, book: book) != nil:
                    live = .ownersShare
                    let condition = Self.ownersShareBroken(f, book: book)
                    otherwise = condition ? verdict(Array(found.dropFirst())) : verdict(found)
                case .tauxDispositif:
                    var bounds: [(row: Int, minimum: Rate?, maximum: Rate?)] = []
                    for (index, line) in ordered.enumerated() {
                        guard let d = line.dispositif, line.base != nil else { continue }
                        func rate(_ name: String) -> Rate? {
                            if case .rate(let r)? = d.parameters[name]?.value(at: line.parameterDay)?.value { return r }
                            return nil
                        }
                        let bound = (row: firstResource + index, minimum: rate(Dispositif.tauxMin), maximum: rate(Dispositif.tauxMax))
                        if bound.minimum != nil || bound.maximum != nil { bounds.append(bound) }
                    }
                    // Every error of the rule is a rate out of bounds a formula sees; warnings
                    // (a rate not known) stay Maquette's.
                    live = .rates(bounds)
                    otherwise = verdict(found.filter { $0.severity != .erreur })
                case .dotationsPlafond:
                    let rows = ordered.indices.filter { ordered[$0].has(.dotationEtat) }.map { firstResource + $0 }
                    let day = f.referenceDay
                    if !rows.isEmpty, case .rate(let cap)? = book.plans.catalogue.parameters[ParameterName.dotationsPlafond]?.value(at: day)?.value {
                        live = .dotations(rows: rows, cap: cap)
                        otherwise = verdict(found.filter { $0.severity != .erreur })
                    }
                case .dracMonuments where op.protection == .inscrit:
                    // The 40 % cap on an inscrit building, on the DRAC line's own base: a rate cap
                    // a formula sees (a missing protection stays Maquette's verdict).
                    var bounds: [(row: Int, minimum: Rate?, maximum: Rate?)] = []
                    for (index, line) in ordered.enumerated() where line.has(.dracMonuments) && line.base != nil {
                        if case .rate(let cap)? = book.plans.catalogue.parameters[ParameterName.dracInscritTauxMax]?.value(at: line.parameterDay)?.value {
                            bounds.append((firstResource + index, nil, cap))
                        }
                    }
                    if !bounds.isEmpty {
                        live = .rates(bounds)
                        otherwise = verdict(found.filter { $0.severity != .erreur })
                    }
                case .fondsDeConcours:
                    let rows = ordered.indices.filter { ordered[$0].nature == .fondsDeConcours }.map { firstResource + $0 }
                    if !rows.isEmpty {
                        live = .fondsDeConcours(rows: rows)
                        otherwise = verdict(found.filter { $0.severity != .erreur })
                    }
                case .enveloppeAnnuelle:
                    // Found on the programme, not on the operation: its verdict is its envelopes'.
                    programmeWide = true
                    var drawn: [(row: Int, verdict: String)] = []
                    for (index, line) in ordered.enumerated() {
                        guard let d = line.dispositif else { continue }
                        let key = FundersSheet.Key(dispositif: d.id, year: EnvelopeRule.year(of: line, in: f))
                        if line.counts && !line.amount.isZero && book.exceededEnvelopes.contains(key) { shownVerdict = WorkbookLabels.Verdict.broken }
                        if let cell = book.envelopeVerdicts?[key] { drawn.append((firstResource + index, cell)) }
                    }
                    if !drawn.isEmpty, book.envelopeVerdicts != nil {
                        live = .envelopes(drawn)
                        otherwise = WorkbookLabels.Verdict.respected
                    }
                case .aidesPubliquesPlafond:
                    var caps: [Check.PublicAidCap] = []
                    let costs = f.operation.costs
                    for (index, line) in ordered.enumerated() {
                        guard let d = line.dispositif, d.regime == .decret2018514, line.base != nil,
                            case .rate(let cap)? = book.plans.catalogue.parameters[ParameterName.aidesPubliquesPlafond]?.value(at: line.parameterDay)?.value
                        else { continue }
                        var others: [(row: Int, own: [Int], common: [Int])] = []
                        for (o, aid) in ordered.enumerated() where o != index && aid.isPublicAid {
                            let own = costs.indices.filter { i in aid.dispositif.map { Financing.isEligible(costs[i], for: $0) } ?? true }
                            others.append((firstResource + o, own.map { firstCost + $0 }, own.filter { Financing.isEligible(costs[$0], for: d) }.map { firstCost + $0 }))
                        }
                        caps.append(Check.PublicAidCap(row: firstResource + index, cap: cap, others: others))
                    }
                    // Every finding of the rule is an excess a formula sees.
                    if !caps.isEmpty {
                        live = .publicAidCap(caps)
                        otherwise = verdict(found.filter { $0.severity != .erreur })
                    }
                default: break
                }
                var check = Check(
                    title: rule.title, reference: rule.reference, verdict: shownVerdict, messages: found.map(\.message), live: live, otherwise: otherwise)
                check.programmeWide = programmeWide
                checks.append(check)
            }
            for d in mine where d.stage == .regle && Rules.rule(d.rule) == nil {
                shown.insert(d.rule)
                let v = d.severity == .erreur ? WorkbookLabels.Verdict.broken : WorkbookLabels.Verdict.watch
                checks.append(Check(title: d.rule.label, reference: "", verdict: v, messages: [d.message], live: nil, otherwise: v))
            }
            let unshown = mine.filter { !shown.contains($0.rule) }
            return (checks, (unshown.filter { $0.severity == .erreur }.count, unshown.filter { $0.severity != .erreur }.count))
        }

        static func ownersShareBroken(_ f: OperationFigures, book: CommitteeWorkbook) -> Bool {
            guard let minimum = OperationSheet.minimumOwnersShare(f, book: book) else { return false }
            let publicFinancing = f.ownersShare + f.publicAid
            return !publicFinancing.isZero && !f.ownersShare.isAtLeast(minimum, of: publicFinancing)
        }

        /// The parts of the owner's share shown under it, by Synthèse column.
        static let ownShareParts: [(label: String, column: Int)] = [
            ("dont autofinancement", SynthesisSheet.Column.selfFinancing), ("dont emprunts (ce ne sont pas des aides)", SynthesisSheet.Column.loan),
            ("dont portage foncier de l'EPF", SynthesisSheet.Column.portage),
        ]

        /// The rows of the checks on the whole programme, which the operation's counts leave out.
        var programmeWideRows: [Int] { checks.indices.filter { checks[$0].programmeWide }.map { firstCheck + $0 } }

        /// Rules found broken and to watch, as the checks' rows say them, plus the findings no row shows.
        var counts: (errors: Int, warnings: Int) {
            (
                checks.filter { $0.verdict == WorkbookLabels.Verdict.broken && !$0.programmeWide }.count + unshownErrors,
                checks.filter { $0.verdict == WorkbookLabels.Verdict.watch && !$0.programmeWide }.count + unshownWarnings
            )
        }
    }

    /// The first lines of the expense and funding entries of `op` that a change since the
    /// reference of `exporter --depuis` falls in (a change points at the entry, or at one of its
    /// keys written on a later line of the same entry).
    static func changedLines(of op: Operation, since changes: [PlanChange]) -> Set<Int> {
        let starts = (op.costs.compactMap { $0.location } + op.funding.compactMap { $0.location })
            .filter { $0.file == op.file }.map(\.line).sorted()
        var found: Set<Int> = []
        for change in changes where change.operation == op.id {
            guard let at = change.location, at.file == op.file, change.kind == .depense || change.kind == .financementAjoute || change.kind == .financementModifie
            else { continue }
            if let start = starts.last(where: { $0 <= at.line }) { found.insert(start) }
        }
        return found
    }

    /// The owner's minimum share of public financing (CGCT L1111-10), when the rule applies.
    static func minimumOwnersShare(_ f: OperationFigures, book: CommitteeWorkbook) -> Rate? {
        let op = f.operation
        let name = op.chefDeFile ? ParameterName.partMaitreOuvrageChefDeFile : ParameterName.partMaitreOuvrageMin
        guard op.section == .investissement, op.derogation?.decisionDay == nil,
            case .rate(let r)? = book.plans.catalogue.parameters[name]?.value(at: f.referenceDay)?.value
        else { return nil }
        return r
    }

    func build() -> SheetModel {
        let f = figures
        let op = f.operation
        let studiesYear = Financing.studiesFCTVAYear(of: op)
        let layout = self.layout ?? Layout(f, book: book)
        var facts = ["Maître d'ouvrage : \(f.maitreOuvrage?.name ?? op.maitreOuvrage)", "identifiant \(op.id)", "plan établi en \(op.basis.rawValue)"]
        if let act = op.firstLegalAct { facts.append("commencement d'exécution (premier acte juridique) \(act.formatted)") }
        if let s = op.worksStart { facts.append("début des travaux \(s.formatted)" + (op.end.map { ", fin \($0.formatted)" } ?? "")) }
        for line in f.counted where line.nature == .portageFoncier {
            if let buyBack = line.line.buyBack { facts.append("portage foncier racheté en \(buyBack.year) pour \(buyBack.amount ?? line.amount)") }
        }
        if op.section == .fonctionnement { facts.append("dépense de fonctionnement") }
        if op.protection != .aucune { facts.append("monument historique \(op.protection == .classe ? "classé" : "inscrit")") }
        if !op.perimeters.isEmpty { facts.append("périmètres \(op.perimeters.map { $0.uppercased() }.joined(separator: ", "))") }
        facts.append("fichier \(book.planFile(op.file))")
        var sheet = book.newSheet(name, title: op.title, subtitle: facts.joined(separator: " · "), lastColumn: CheckColumn.lastDetail)
        let changed = Self.changedLines(of: op, since: book.changes?.changes ?? [])
        let mark = Cell.text(WorkbookLabels.changedSinceReference, .note)

        // Expenses: each year's HT a share of the line's amount (the last year what is left), each
        // year's TTC with the line's VAT split as Maquette splits it (rounded down, the last year
        // taking the cents left).
        let years = layout.years
        let yearColumn = { (year: Int) in CostColumn.firstYear + (years.firstIndex(of: year) ?? 0) }
        sheet.append([.text("Dépenses", .section)])
        sheet.append(
            Cell.headings(["Libellé", "Nature", "Montant HT", "TVA", "Montant TTC", "FCTVA"] + years.map { "HT \($0)" }, centred: [CostColumn.fctva]) {
                $0 != CostColumn.label && $0 != CostColumn.nature && $0 != CostColumn.fctva
            })
        precondition(sheet.nextRow == layout.firstCost)
        /// TTC of year `year` of the cost line at row `r`, as an expression, or nil if the line spends nothing that year.
        var ttcOfYear: [[Int: String]] = []
        for line in op.costs {
            let r = sheet.nextRow
            let ht = A1.cell(r, CostColumn.amountHT)
            let vat = "(\(A1.cell(r, CostColumn.amountTTC))-\(ht))"
            let distinctYears = Set(line.years.map(\.year)).count == line.years.count
            var yearCells: [Int: Cell] = [:]
            var ttc: [Int: String] = [:]
            if !distinctYears || line.amountHT.isZero {
                for part in line.years { yearCells[part.year] = .money(part.amountHT) }
            } else if line.years.count == 1 {
                yearCells[line.years[0].year] = .formula(ht, .money(line.amountHT), .money)
                ttc[line.years[0].year] = A1.cell(r, CostColumn.amountTTC)
            } else {
                var vatParts: [String] = []
                for (i, part) in line.years.enumerated() {
                    let cell = A1.cell(r, yearColumn(part.year))
                    if i < line.years.count - 1 {
                        yearCells[part.year] = .formula(
                            "ROUND(\(ht)*\(FormulaText.number(part.amountHT))/\(FormulaText.number(line.amountHT)),2)", .money(part.amountHT), .money)
                        let vatPart = "ROUNDDOWN(ROUND(\(vat)*\(cell)/\(ht),6),2)"
                        vatParts.append(vatPart)
                        ttc[part.year] = "\(cell)+\(vatPart)"
                    } else {
                        let others = line.years.dropLast().map { A1.cell(r, yearColumn($0.year)) }.joined(separator: "-")
                        yearCells[part.year] = .formula("\(ht)-\(others)", .money(part.amountHT), .money)
                        ttc[part.year] = "\(cell)+\(vat)-" + vatParts.joined(separator: "-")
                    }
                }
            }
            ttcOfYear.append(ttc)
            sheet.append(
                [
                    .text(line.label), .text(line.nature.label), .money(line.amountHT, .inputMoney), .rate(line.vatRate, .inputRate),
                    .formula("\(ht)+ROUND(\(ht)*\(A1.cell(r, CostColumn.vatRate)),2)", .money(line.amountTTC), .money),
                    .text(op.section == .investissement && Financing.isInFCTVABase(line, worksYear: studiesYear) ? Self.eligible : Self.notEligible, .input),
                ] + years.map { yearCells[$0] ?? .empty } + (line.location.map { changed.contains($0.line) } == true ? [mark] : []))
        }
        let firstCost = layout.firstCost, lastCost = layout.lastCost
        let costTotalRow = sheet.nextRow
        let totalsByYear = f.costsByYear
        let linesTTCLive = op.costs.allSatisfy { line in line.amountHT.isZero || Set(line.years.map(\.year)).count == line.years.count }
        sheet.append(
            [
                .text("Total des dépenses", .labelTotal), .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, CostColumn.amountHT, lastCost, CostColumn.amountHT)))", .money(f.costHT), .moneyTotal),
                .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, CostColumn.amountTTC, lastCost, CostColumn.amountTTC)))", .money(f.costTTC), .moneyTotal),
                .text("", .labelTotal),
            ]
                + years.enumerated().map { i, y in
                    .formula(
                        "SUM(\(A1.range(firstCost, CostColumn.firstYear + i, lastCost, CostColumn.firstYear + i)))",
                        .money(totalsByYear.first { $0.year == y }?.ht ?? .zero), .moneyTotal)
                })
        // The same years, TTC: the cash the owner pays out.
        sheet.append(
            [.text("dont TTC par année", .textBold)] + Array(repeating: Cell.empty, count: CostColumn.firstYear - 1)
                + years.map { y in
                    let value = totalsByYear.first { $0.year == y }?.ttc ?? .zero
                    let terms = op.costs.indices.compactMap { ttcOfYear[$0][y] }
                    let staticPart = Money.sum(
                        op.costs.indices.filter { ttcOfYear[$0][y] == nil }.flatMap { i in op.costs[i].yearsTTC.filter { $0.year == y }.map(\.amountTTC) })
                    if terms.isEmpty { return Cell.money(value, .moneyBold) }
                    let formula = (terms + (staticPart.isZero ? [] : [FormulaText.number(staticPart)])).joined(separator: "+")
                    return formula.isEmpty ? Cell.money(value, .moneyBold) : Cell.formula(formula, .money(value), .moneyBold)
                })
        precondition(sheet.nextRow == layout.costTTCRow + 1)
        let costCell = A1.cell(costTotalRow, op.basis == .ht ? CostColumn.amountHT : CostColumn.amountTTC)
        sheet.skip()

        // Resources, the balancing line last so its formula refers only to the lines above.
        sheet.append([.text("Ressources", .section)])
        sheet.append(
            Cell.headings(
                [
                    "Financeur", "Dispositif", "Compte comme", "Assiette", "Taux sur l'assiette", "Montant", "Statut", "Dépôt", "Notification", "Versé",
                    "Rubrique de la synthèse", "Part du coût total",
                ],
                centred: [ResourceColumn.status, ResourceColumn.requested, ResourceColumn.notified, ResourceColumn.rubric]
            ) {
                [ResourceColumn.base, ResourceColumn.rate, ResourceColumn.amount, ResourceColumn.paid, ResourceColumn.shareOfCost].contains($0)
            })
        let firstResource = layout.firstResource
        precondition(sheet.nextRow == firstResource)
        var statusRows: [Int] = []
        for line in layout.ordered {
            let r = sheet.nextRow
            let isBalance = line.line.amount == .balance
            var cells: [Cell] = [
                .text(line.funder?.name ?? (line.dispositif == nil ? "Maître d'ouvrage" : "")),
                .text(line.line.label ?? line.dispositif?.name ?? (isBalance ? "Autofinancement (reste à financer)" : line.nature.label), .textWrap),
                .text(CommitteeWorkbook.countsAs(line)),
            ]
            cells.append(line.base.map { base in Self.baseCell(of: line, base: base, in: op, firstCost: firstCost) } ?? .empty)
            let amountCell = A1.cell(r, ResourceColumn.amount)
            let baseCell = A1.cell(r, ResourceColumn.base)
            if case .rate(let rate) = line.line.amount {
                cells.append(.rate(rate, .inputRate))
                cells.append(.formula("ROUND(\(baseCell)*\(A1.cell(r, ResourceColumn.rate)),2)", .money(line.amount), .money))
            } else if isBalance {
                cells.append(.empty)
                let formula =
                    r > firstResource
                    ? "\(costCell)-SUMIFS(\(A1.range(firstResource, ResourceColumn.amount, r - 1, ResourceColumn.amount)),\(WorkbookLabels.counted(A1.range(firstResource, ResourceColumn.status, r - 1, ResourceColumn.status))))"
                    : costCell
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
            cells.append(.text(SynthesisSheet.headers[SynthesisSheet.column(of: line)], .textCenter))
            // Refused and lapsed lines take no share of the cost.
            let status = A1.cell(r, ResourceColumn.status)
            let share = Rate.ratio(line.countedAmount, f.costOnBasis) ?? .zero
            cells.append(
                .formula(
                    "IF(OR(\(costCell)=0,\(status)=\"\(WorkbookLabels.refused)\",\(status)=\"\(WorkbookLabels.lapsed)\"),0,\(amountCell)/\(costCell))",
                    .rate(share), .rate))
            if line.line.location.map({ changed.contains($0.line) }) == true { cells.append(mark) }
            sheet.append(cells)
        }
        let lastResource = layout.lastResource
        let amounts = A1.range(firstResource, ResourceColumn.amount, lastResource, ResourceColumn.amount)
        let statuses = A1.range(firstResource, ResourceColumn.status, lastResource, ResourceColumn.status)
        let kinds = A1.range(firstResource, ResourceColumn.countsAs, lastResource, ResourceColumn.countsAs)
        let counted = WorkbookLabels.counted(statuses)
        let totalResourcesRow = sheet.nextRow
        let amountColumnPad = Array(repeating: Cell.empty, count: ResourceColumn.amount - 1)
        sheet.append(
            [.text("Total des ressources", .labelTotal)] + Array(repeating: .text("", .labelTotal), count: ResourceColumn.amount - 1)
                + [.formula("SUMIFS(\(amounts),\(counted))", .money(f.totalResources), .moneyTotal)]
                + Array(repeating: .text("", .labelTotal), count: ResourceColumn.shareOfCost - ResourceColumn.amount - 1)
                + [
                    .formula(
                        "SUM(\(A1.range(firstResource, ResourceColumn.shareOfCost, lastResource, ResourceColumn.shareOfCost)))",
                        .rate(Rate.ratio(f.totalResources, f.costOnBasis) ?? .zero), .rateTotal)
                ])
        sheet.append(
            [.text("Total des dépenses (\(op.basis.rawValue))", .textBold)] + amountColumnPad + [.formula(costCell, .money(f.costOnBasis), .moneyBold)])
        let gapRow = sheet.nextRow
        precondition(gapRow == layout.gapRow)
        sheet.append(
            [.text("Écart ressources − dépenses (doit être nul)", .textBold)] + amountColumnPad
                + [
                    .formula(
                        "\(A1.cell(totalResourcesRow, ResourceColumn.amount))-\(A1.cell(totalResourcesRow + 1, ResourceColumn.amount))", .money(f.balanceGap),
                        .moneyBold)
                ])
        sheet.skip()

        // Indicators.
        sheet.append([.text("Indicateurs", .section)])
        let aidRow = sheet.nextRow
        precondition(aidRow == layout.aidRow)
        sheet.append(
            [.text("Aides publiques")] + amountColumnPad
                + [.formula("SUMIFS(\(amounts),\(kinds),\"\(WorkbookLabels.CountsAs.publicAid)\",\(counted))", .money(f.publicAid), .moneyBold)])
        sheet.append(
            [.text("Taux d'aide publique (sur le coût \(op.basis.rawValue))")] + amountColumnPad
                + [.formula("IF(\(costCell)=0,0,\(A1.cell(aidRow, ResourceColumn.amount))/\(costCell))", .rate(f.publicAidRate ?? .zero), .rateBold)])
        let ownRow = sheet.nextRow
        sheet.append(
            [.text("Part du maître d'ouvrage")] + amountColumnPad
                + [.formula("SUMIFS(\(amounts),\(kinds),\"\(WorkbookLabels.CountsAs.ownersShare)\",\(counted))", .money(f.ownersShare), .moneyBold)])
        let parts = SynthesisSheet.values(of: f)
        let rubrics = A1.range(firstResource, ResourceColumn.rubric, lastResource, ResourceColumn.rubric)
        for part in Layout.ownShareParts {
            sheet.append(
                [.text(part.label)] + amountColumnPad
                    + [.formula("SUMIFS(\(amounts),\(rubrics),\"\(SynthesisSheet.headers[part.column])\",\(counted))", .money(parts[part.column]), .money)])
        }
        let ownShareRow = sheet.nextRow
        precondition(ownShareRow == layout.ownShareRow)
        let own = A1.cell(ownRow, ResourceColumn.amount)
        let aid = A1.cell(aidRow, ResourceColumn.amount)
        let minimum = Self.minimumOwnersShare(f, book: book)
        sheet.append(
            [.text("Part du maître d'ouvrage dans les financements publics")] + amountColumnPad
                + [.formula("IF(\(own)+\(aid)=0,0,\(own)/(\(own)+\(aid)))", .rate(f.ownersShareOfPublicFinancing ?? .zero), .rateBold)]
                + (minimum.map { [Cell.rate($0, .rate), .text("minimum (CGCT L1111-10)", .note)] }
                    ?? [.text(op.section == .fonctionnement ? "sans objet (fonctionnement)" : "dérogation accordée", .note)]))
        let fctvaTotalRow = sheet.nextRow
        precondition(fctvaTotalRow == layout.fctvaTotalRow)
        sheet.append([.text("FCTVA attendu")] + amountColumnPad + [.money(f.fctvaTotal, .moneyBold)])
        sheet.skip()

        // FCTVA by year: eligible TTC × the rate of the Paramètres sheet, line by line, received
        // after the delay of the owner's regime.
        if !layout.fctvaYears.isEmpty {
            let regime = f.maitreOuvrage?.fctvaRegime ?? .n2
            sheet.append([.text("FCTVA attendu par année (régime \(regime.rawValue), calculé ligne par ligne)", .section)])
            sheet.append(
                Cell.headings(["Année de dépense", "Dépenses TTC éligibles", "Année de versement", "FCTVA"], centred: [FCTVAColumn.receiptYear]) {
                    $0 == FCTVAColumn.eligibleTTC || $0 == FCTVAColumn.amount
                })
            let first = sheet.nextRow
            precondition(first == layout.firstFCTVA)
            let rateName = book.fctvaRateName
            let delay = book.parameterRows?.ownerDelayCell(op.maitreOuvrage)
            for y in layout.fctvaYears {
                let r = sheet.nextRow
                let instalment = f.fctva.first { $0.spendingYear == y }
                let amount = instalment?.amount ?? .zero
                var eligibleTTC = Money.zero
                for line in op.costs where Financing.isInFCTVABase(line, worksYear: studiesYear) {
                    // Studies followed by works count whole in the works' start year.
                    if line.nature == .etudes {
                        if y == studiesYear { eligibleTTC += line.amountTTC }
                    } else {
                        eligibleTTC += Money.sum(line.yearsTTC.filter { $0.year == y }.map(\.amountTTC))
                    }
                }
                var ttcTerms: [String] = []
                var fctvaTerms: [String] = []
                var live = rateName != nil && linesTTCLive
                for (i, line) in op.costs.enumerated() {
                    if line.nature == .etudes {
                        // In the works' start year, by its TTC; in no other year.
                        guard y == studiesYear else { continue }
                        let row = firstCost + i
                        let condition = "AND(\(A1.cell(row, CostColumn.fctva))=\"\(Self.eligible)\",\(A1.cell(row, CostColumn.vatRate))>0)"
                        ttcTerms.append("IF(\(condition),\(A1.cell(row, CostColumn.amountTTC)),0)")
                        fctvaTerms.append("IF(\(condition),ROUND((\(A1.cell(row, CostColumn.amountTTC)))*\(rateName ?? "0"),2),0)")
                        continue
                    }
                    guard line.years.contains(where: { $0.year == y }) else { continue }
                    guard let e = ttcOfYear[i][y] else {
                        if !line.amountHT.isZero { live = false }
                        continue
                    }
                    let row = firstCost + i
                    let condition = "AND(\(A1.cell(row, CostColumn.fctva))=\"\(Self.eligible)\",\(A1.cell(row, CostColumn.vatRate))>0)"
                    ttcTerms.append("IF(\(condition),\(e),0)")
                    fctvaTerms.append("IF(\(condition),ROUND((\(e))*\(rateName ?? "0"),2),0)")
                }
                let receipt = instalment?.receiptYear ?? y + regime.delayInYears
                sheet.append([
                    Cell(.integer(y), .year),
                    live && !ttcTerms.isEmpty ? .formula(ttcTerms.joined(separator: "+"), .money(eligibleTTC), .money) : .money(eligibleTTC),
                    delay.map { .formula("\(A1.cell(r, FCTVAColumn.spendingYear))+\($0)", .number(receipt), .textCenter) } ?? Cell(.integer(receipt), .textCenter),
                    live && !fctvaTerms.isEmpty ? .formula(fctvaTerms.joined(separator: "+"), .money(amount), .money) : .money(amount),
                ])
            }
            let last = sheet.nextRow - 1
            sheet.append(
                [.text("Total", .labelTotal)] + Array(repeating: .text("", .labelTotal), count: FCTVAColumn.amount - 1)
                    + [.formula("SUM(\(A1.range(first, FCTVAColumn.amount, last, FCTVAColumn.amount)))", .money(f.fctvaTotal), .moneyTotal)])
            sheet.rows[fctvaTotalRow][ResourceColumn.amount] = .formula(A1.cell(last + 1, FCTVAColumn.amount), .money(f.fctvaTotal), .moneyBold)
            sheet.skip()
        }

        // The timetable and the owner's certification close the plan de financement, on its page;
        // the checks follow on the next.
        Self.appendTimetable(op, to: &sheet, years: years, firstCost: firstCost)
        Self.appendCertification(f, book: book, to: &sheet)
        sheet.rowBreaks = [sheet.nextRow]

        // Verdicts of the rules that apply: a formula where one can decide, else Maquette's, dated.
        sheet.append([.text("Contrôles", .section)])
        let checksHeader = sheet.nextRow
        sheet.append(
            Cell.headings(["Règle", "Référence", "Verdict", "Vérification", "Détail"])
                + Array(repeating: .text("", .header), count: CheckColumn.lastDetail - CheckColumn.detail))
        let firstCheck = sheet.nextRow
        precondition(firstCheck == layout.firstCheck)
        var checkMerges: [CellRange] = [CellRange(checksHeader, CheckColumn.detail, checksHeader, CheckColumn.lastDetail)]
        let checkedBy = "vérifié par Maquette le \(book.created.formatted)"
        for check in layout.checks {
            let r = sheet.nextRow
            checkMerges.append(CellRange(r, CheckColumn.detail, r, CheckColumn.lastDetail))
            let broken = WorkbookLabels.Verdict.broken
            var verdict = Cell.text(check.verdict)
            switch check.live {
            case .balance:
                let solde = layout.ordered.last?.line.amount == .balance ? A1.cell(lastResource, ResourceColumn.amount) : nil
                let condition = "ROUND(\(A1.cell(gapRow, ResourceColumn.amount)),2)<>0" + (solde.map { ",ROUND(\($0),2)<0" } ?? "")
                verdict = .formula("IF(OR(\(condition)),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
            case .ownersShare:
                let publicFinancing = "ROUND((\(own)+\(aid))*100,0)"
                let minimumCell = A1.cell(ownShareRow, ResourceColumn.minimum)
                let condition = "AND(\(publicFinancing)<>0,ROUND(\(own)*100,0)*1000000<ROUND(\(minimumCell)*1000000,0)*\(publicFinancing))"
                verdict = .formula("IF(\(condition),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
            case .rates(let bounds):
                typealias R = ResourceColumn
                var terms: [String] = []
                for b in bounds {
                    let amount = "ROUND(\(A1.cell(b.row, R.amount))*100,0)*1000000", base = "ROUND(\(A1.cell(b.row, R.base))*100,0)"
                    let status = A1.cell(b.row, R.status)
                    var outside: [String] = []
                    if let max = b.maximum { outside.append("\(amount)>\(max.millionths)*\(base)") }
                    if let min = b.minimum { outside.append("\(amount)<\(min.millionths)*\(base)") }
                    terms.append(
                        "AND(\(status)<>\"\(WorkbookLabels.refused)\",\(status)<>\"\(WorkbookLabels.lapsed)\",\(A1.cell(b.row, R.amount))<>0,\(A1.cell(b.row, R.base))<>0,"
                            + (outside.count == 1 ? outside[0] : "OR(\(outside.joined(separator: ",")))") + ")")
                }
                if !terms.isEmpty {
                    verdict = .formula("IF(OR(\(terms.joined(separator: ","))),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
                }
            case .dotations(let rows, let cap):
                typealias R = ResourceColumn
                let counted = { (row: Int) in
                    "IF(AND(\(A1.cell(row, R.status))<>\"\(WorkbookLabels.refused)\",\(A1.cell(row, R.status))<>\"\(WorkbookLabels.lapsed)\"),\(A1.cell(row, R.amount)),0)"
                }
                let total = "ROUND((" + rows.map(counted).joined(separator: "+") + ")*100,0)"
                let base = "ROUND(MAX(" + rows.map { A1.cell($0, R.base) }.joined(separator: ",") + ")*100,0)"
                verdict = .formula(
                    "IF(AND(\(base)<>0,\(total)*1000000>\(cap.millionths)*\(base)),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
            case .fondsDeConcours(let rows):
                typealias R = ResourceColumn
                let counted = { (row: Int) in
                    "IF(AND(\(A1.cell(row, R.status))<>\"\(WorkbookLabels.refused)\",\(A1.cell(row, R.status))<>\"\(WorkbookLabels.lapsed)\"),\(A1.cell(row, R.amount)),0)"
                }
                let fdc = "ROUND((" + rows.map(counted).joined(separator: "+") + ")*100,0)"
                // fdc ≤ cost − other aid − fdc, that is fdc ≤ cost − public aid (the fdc included).
                let net = "ROUND((\(costCell)-\(aid))*100,0)"
                verdict = .formula("IF(\(fdc)>\(net),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
            case .envelopes(let drawn):
                typealias R = ResourceColumn
                let terms = drawn.map { d in
                    let status = A1.cell(d.row, R.status)
                    return "AND(\(status)<>\"\(WorkbookLabels.refused)\",\(status)<>\"\(WorkbookLabels.lapsed)\",\(A1.cell(d.row, R.amount))<>0,\(d.verdict)=\"\(broken)\")"
                }
                verdict = .formula("IF(OR(\(terms.joined(separator: ","))),\"\(broken)\",\"\(check.otherwise)\")", .text(check.verdict), .text)
            case .publicAidCap(let caps):
                let terms = caps.map { Self.publicAidCapExceeded($0) }
                let formula = "IF(OR(\(terms.joined(separator: ","))),\"\(broken)\",\"\(check.otherwise)\")"
                // A formula has at most 8 192 characters: beyond, the verdict stays Maquette's.
                if formula.utf16.count < 8_000 { verdict = .formula(formula, .text(check.verdict), .text) }
            case nil: break
            }
            let how = verdict.value.isFormula ? (check.programmeWide ? "formule du classeur (enveloppes de la feuille Financeurs, comptées une fois dans Contrôles)" : "formule du classeur") : checkedBy
            sheet.append([
                .text(check.title, .textWrap), .text(check.reference, .textWrap), verdict, .text(how, .note),
                .text(check.messages.joined(separator: "\n"), .textWrap),
            ])
        }
        let lastCheck = sheet.nextRow - 1

        sheet.frozenRows = 3
        sheet.repeatRows = 0...0
        sheet.merges += checkMerges
        if !statusRows.isEmpty {
            sheet.listValidations = [(CellRange(firstResource, ResourceColumn.status, lastResource, ResourceColumn.status), WorkbookLabels.statuses)]
        }
        if lastCost >= firstCost {
            sheet.listValidations.append((CellRange(firstCost, CostColumn.fctva, lastCost, CostColumn.fctva), [Self.eligible, Self.notEligible]))
        }
        sheet.problemHighlights = [
            (CellRange(gapRow, ResourceColumn.amount, gapRow, ResourceColumn.amount), "ROUND(\(A1.cell(gapRow, ResourceColumn.amount)),2)<>0")
        ]
        if minimum != nil {
            sheet.problemHighlights.append(
                (
                    CellRange(ownShareRow, ResourceColumn.amount, ownShareRow, ResourceColumn.amount),
                    "\(A1.cell(ownShareRow, ResourceColumn.amount))<\(A1.cell(ownShareRow, ResourceColumn.minimum))"
                ))
        }
        if !statusRows.isEmpty {
            // A refused or lapsed line keeps its amount (the officer may change the status back),
            // shown as not counted: no total takes it.
            sheet.notCountedHighlights = [
                (
                    CellRange(firstResource, ResourceColumn.rate, lastResource, ResourceColumn.amount),
                    WorkbookLabels.notCounted("$\(A1.column(ResourceColumn.status))\(firstResource + 1)")
                )
            ]
        }
        if lastCheck >= firstCheck {
            sheet.problemHighlights.append(
                (
                    CellRange(firstCheck, CheckColumn.verdict, lastCheck, CheckColumn.verdict),
                    "\(A1.cell(firstCheck, CheckColumn.verdict))=\"\(WorkbookLabels.Verdict.broken)\""
                ))
        }
        sheet.columnWidths = [0: 44, 1: 52, 2: 22, 3: 31, 4: 16, 5: 17, 6: 13, 7: 12, 8: 13, 9: 14, 10: 22, 11: 12]
        for i in years.indices { sheet.columnWidths[CostColumn.firstYear + i] = max(sheet.columnWidths[CostColumn.firstYear + i] ?? 0, 15) }
        sheet.fitRowHeights()
        return sheet
    }

    /// Décret 2018-514 art. 10 as a condition of the sheet's cells, in cents as the rule counts:
    /// the subsidy counts (its status, a non-zero amount) and its amount plus each other aid that
    /// counts, for the part of its base in this subsidy's (amount × common ÷ own, rounded down;
    /// whole when it has no expense to share by), exceeds `cap` × its base.
    static func publicAidCapExceeded(_ cap: Check.PublicAidCap) -> String {
        typealias R = ResourceColumn
        func counts(_ row: Int) -> String {
            "AND(\(A1.cell(row, R.status))<>\"\(WorkbookLabels.refused)\",\(A1.cell(row, R.status))<>\"\(WorkbookLabels.lapsed)\")"
        }
        func cents(_ rows: [Int]) -> String {
            rows.isEmpty ? "0" : "ROUND((" + rows.map { A1.cell($0, OperationSheet.CostColumn.amountHT) }.joined(separator: "+") + ")*100,0)"
        }
        var terms = ["ROUND(\(A1.cell(cap.row, R.amount))*100,0)"]
        for other in cap.others {
            let amount = "ROUND(\(A1.cell(other.row, R.amount))*100,0)"
            let part =
                other.common == other.own
                ? amount : "IF(\(cents(other.common))>=\(cents(other.own)),\(amount),ROUNDDOWN(\(amount)*\(cents(other.common))/\(cents(other.own)),0))"
            terms.append("IF(\(counts(other.row)),\(part),0)")
        }
        let base = "ROUND(\(A1.cell(cap.row, R.base))*100,0)"
        return "AND(\(counts(cap.row)),\(A1.cell(cap.row, R.amount))<>0,(\(terms.joined(separator: "+")))*1000000>\(cap.cap.millionths)*\(base))"
    }

    /// A funding line's base: a sum of the cost cells it is worked out from, so that it follows
    /// the expenses; a declared base stays as declared.
    static func baseCell(of line: ResolvedFunding, base: Money, in op: Operation, firstCost: Int) -> Cell {
        guard line.line.declaredBase == nil, !op.costs.isEmpty else { return .money(base) }
        let basis: Basis
        let natures: Set<CostNature>?
        if let dispositif = line.dispositif {
            basis = dispositif.basis
            natures = dispositif.eligibleNatures
        } else {
            basis = op.basis
            natures = nil
        }
        let column = basis == .ht ? CostColumn.amountHT : CostColumn.amountTTC
        let rows = op.costs.indices.filter { natures?.contains(op.costs[$0].nature) ?? true }.map { firstCost + $0 }
        if rows.isEmpty { return .money(base) }
        let formula =
            rows.count == op.costs.count
            ? "SUM(\(A1.range(firstCost, column, firstCost + op.costs.count - 1, column)))"
            : rows.map { A1.cell($0, column) }.joined(separator: "+")
        return .formula(formula, .money(base), .money)
    }
}
