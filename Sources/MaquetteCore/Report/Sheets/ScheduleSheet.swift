/// Cash flows and needs by owner and year.
struct ScheduleSheet {
    let book: CommitteeWorkbook
    let synthesis: SynthesisSheet

    enum Column {
        static let owner = 0, year = 1, spendingHT = 2, spendingTTC = 3, subsidies = 4, fctva = 5, loans = 6, otherReceipts = 7
        static let need = 8, cumulatedNeed = 9, capacity = 10
    }

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.scheduleSheet, title: "Échéancier et trésorerie par maître d'ouvrage et par année",
            subtitle:
                "Subventions : avance, acomptes au prorata des dépenses HT (plafonnés), solde l'année qui suit la dernière dépense (paramètres datés du catalogue). FCTVA à l'année de versement selon le régime. Emprunts tirés au prorata des dépenses TTC ; portage foncier de l'EPF reçu au prorata des dépenses qu'il porte, rachat déduit l'année prévue par la convention.",
            lastColumn: 10)
        let headers = [
            "Maître d'ouvrage", "Année", "Dépenses HT", "Dépenses TTC", "Subventions reçues", "FCTVA reçu", "Emprunts et portage foncier (rachats déduits)", "Autres recettes",
            "Besoin de trésorerie de l'année", "Besoin de trésorerie cumulé", "Épargne nette disponible cumulée",
        ]
        sheet.append(Cell.headings(headers) { $0 >= Column.spendingHT })
        let (tables, _) = Treasury.tables(book.figures, plans: book.plans)
        // With the operation sheets, spending and FCTVA read them: each owner's operations' yearly
        // totals, their FCTVA by year of receipt. Subsidies and loans add up the Versements sheet,
        // line by line, itself a formula of the operation sheets.
        var members: [String: [Int]] = [:]
        for (i, f) in book.figures.enumerated() { members[f.operation.maitreOuvrage, default: []].append(i) }
        func sheetCell(_ i: Int, _ row: Int, _ column: Int) -> String {
            A1.sheet(book.operationSheets?[i] ?? "") + "!" + A1.cell(row, column, absolute: true)
        }
        func linked(_ owner: String, _ year: Int, _ value: Money, _ term: (Int, OperationSheet.Layout) -> String?) -> Cell {
            guard let layouts = book.operationLayouts, book.operationSheets != nil, let ops = members[owner] else { return .money(value) }
            let terms = ops.compactMap { term($0, layouts[$0]) }
            guard !terms.isEmpty, terms.count <= CommitteeWorkbook.maximumTerms else { return .money(value) }
            return .formula(terms.joined(separator: "+"), .money(value), .money)
        }
        typealias C = OperationSheet.CostColumn
        typealias F = OperationSheet.FCTVAColumn
        let first = sheet.nextRow
        /// The rows of each owner and year, whose subsidies and loans the Versements sheet gives.
        var ownerYearRows: [(owner: String, year: Int, row: Int)] = []
        for table in tables {
            guard let id = table.owner else { continue }
            let owner = book.plans.programme.maitreOuvrage(id)
            let firstOfOwner = sheet.nextRow
            let capacityStart = Treasury.capacityStart(of: table, otherwise: book.plans.programme.firstYear)
            for (y, cumulated) in zip(table.years, table.cumulatedNeed) where y != Treasury.Year(year: y.year) || sheet.nextRow > firstOfOwner {
                let r = sheet.nextRow
                let need = "\(A1.cell(r, Column.spendingTTC))-\(A1.cell(r, Column.subsidies))-\(A1.cell(r, Column.fctva))-\(A1.cell(r, Column.loans))-\(A1.cell(r, Column.otherReceipts))"
                let cumul = r == firstOfOwner ? A1.cell(r, Column.need) : "\(A1.cell(r - 1, Column.cumulatedNeed))+\(A1.cell(r, Column.need))"
                var cells: [Cell] = [
                    .text(owner?.name ?? id), Cell(.integer(y.year), .year),
                    linked(id, y.year, y.spendingHT) { i, l in l.years.firstIndex(of: y.year).map { sheetCell(i, l.costTotalRow, C.firstYear + $0) } },
                    linked(id, y.year, y.spendingTTC) { i, l in l.years.firstIndex(of: y.year).map { sheetCell(i, l.costTTCRow, C.firstYear + $0) } },
                    .money(y.subsidies),
                    linked(id, y.year, y.fctva) { i, l in
                        guard !l.fctvaYears.isEmpty else { return nil }
                        let sheet = A1.sheet(book.operationSheets?[i] ?? "") + "!"
                        return "SUMIFS(\(sheet)\(A1.range(l.firstFCTVA, F.amount, l.lastFCTVA, F.amount, absolute: true)),\(sheet)\(A1.range(l.firstFCTVA, F.receiptYear, l.lastFCTVA, F.receiptYear, absolute: true)),\(y.year))"
                    }, .money(y.loans + y.netLandCarrying), .money(y.otherReceipts), .formula(need, .money(y.need), .moneyBold),
                    .formula(cumul, .money(cumulated), .moneyBold),
                ]
                ownerYearRows.append((id, y.year, r))
                if let capacity = owner?.selfFinancingCapacity {
                    cells.append(.money(Treasury.available(capacity, through: y.year, since: capacityStart)))
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
            let totalRow = sheet.nextRow
            sheet.append(
                [.text("Total", .labelTotal), .text("", .labelTotal)]
                    + (Column.spendingHT...Column.need).map { c in .formula("SUM(\(A1.range(first, c, last, c)))", .money(totals[c - Column.spendingHT]), .moneyTotal) })
            bridge(&sheet, need: (A1.cell(totalRow, Column.need), totals[6]))
            if let payments = PaymentsSheet.layout(book, years: tables.first?.years.map(\.year) ?? []) {
                let source = A1.sheet(PaymentsSheet.name) + "!"
                // Each owner's and year's subsidies and loans: the sum of its lines' payments on the
                // Versements sheet; the EPF's land carrying, net of buy-backs, stays Maquette's
                // figure beside the loans.
                let landCarrying = Dictionary(
                    tables.flatMap { t in t.years.map { ("\(t.owner ?? "")|\($0.year)", $0.netLandCarrying) } }, uniquingKeysWith: { a, _ in a })
                for (owner, year, r) in ownerYearRows {
                    guard let column = payments.yearColumns[year] else { continue }
                    let y = tables.first { $0.owner == owner }?.years.first { $0.year == year } ?? Treasury.Year(year: year)
                    if let rows = payments.aidRows[owner] {
                        sheet.rows[r][Column.subsidies] = .formula(
                            "SUM(\(source)\(A1.range(rows.lowerBound, column, rows.upperBound, column, absolute: true)))", .money(y.subsidies), .money)
                    }
                    if let rows = payments.loanRows[owner] {
                        let carried = landCarrying["\(owner)|\(year)"] ?? .zero
                        sheet.rows[r][Column.loans] = .formula(
                            "SUM(\(source)\(A1.range(rows.lowerBound, column, rows.upperBound, column, absolute: true)))" + (carried.isZero ? "" : (carried.isNegative ? "" : "+") + FormulaText.number(carried)),
                            .money(y.loans + y.netLandCarrying), .money)
                    }
                }
            }
            sheet.autofilter = CellRange(3, 0, last, Column.capacity)
            sheet.problemHighlights = [
                (CellRange(first, Column.cumulatedNeed, last, Column.cumulatedNeed), "AND(ISNUMBER(\(A1.cell(first, Column.capacity))),\(A1.cell(first, Column.cumulatedNeed))>\(A1.cell(first, Column.capacity)))")
            ]
        }
        sheet.frozenRows = 4
        sheet.repeatRows = 3...3
        // The owners' names whole (the bridge's labels below wrap in the same width).
        let longestName = book.plans.programme.maitresOuvrage.map(\.name.count).max() ?? 0
        sheet.columnWidths = [Column.owner: Double(min(50, max(36, longestName + 3))), Column.year: 8]
        for c in Column.spendingHT...Column.capacity { sheet.columnWidths[c] = 16 }
        sheet.columnWidths[Column.capacity] = 19
        sheet.rowHeights[3] = 47
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }

    /// From the owner's share on the plans' basis (the Synthèse) to the cash need TTC (the total
    /// above): the EPF's land carrying and the loans are receipts of the schedule, the VAT is paid
    /// out, the FCTVA comes back; what remains is aid and FCTVA received after the last year shown.
    private func bridge(_ sheet: inout SheetModel, need: (cell: String, value: Money)) {
        let sums = synthesis.totalSums
        typealias S = SynthesisSheet.Column
        let live = book.sheets.contains(.synthese)
        let source = A1.sheet(CommitteeWorkbook.synthesisSheet) + "!"
        func total(_ column: Int) -> String { source + A1.cell(synthesis.totalRow, column, absolute: true) }
        // The VAT the owners pay: on the plans drawn up HT (a plan TTC already counts it).
        let htPlans = book.figures.filter { $0.operation.basis == .ht }
        let vat = Money.sum(htPlans.map { $0.costTTC - $0.costHT })
        let allHT = htPlans.count == book.figures.count
        sheet.skip()
        sheet.append([.text("Du besoin HT de la synthèse au besoin de trésorerie TTC", .section)])
        let first = sheet.nextRow
        // The EPF's buy-backs are paid out by the owners, in the years the conventions set.
        let buyBacks = Money.sum(book.figures.flatMap { f in
            f.counted.filter { $0.nature == .portageFoncier && $0.line.buyBack != nil }.map { $0.line.buyBack?.amount ?? $0.amount }
        })
        let items: [(String, Money, String?)] = [
            ("Part du maître d'ouvrage (synthèse, base de chaque plan)", sums[S.ownShare], live ? total(S.ownShare) : nil),
            ("− portage foncier de l'EPF (avec les emprunts dans l'échéancier)", -sums[S.portage], live ? "-" + total(S.portage) : nil),
            ("− emprunts (recettes de l'échéancier)", -sums[S.loan], live ? "-" + total(S.loan) : nil),
            ("+ rachats du portage foncier (dépenses de l'échéancier)", buyBacks, nil),
            ("+ TVA payée sur les plans établis HT", vat, live && allHT ? "\(total(S.costTTC))-\(total(S.costHT))" : nil),
            ("− FCTVA attendu", -sums[S.fctva], live ? "-" + total(S.fctva) : nil),
        ]
        for (label, value, formula) in items {
            sheet.append([.text(label, .textWrap), .empty, formula.map { .formula($0, .money(value), .money) } ?? .money(value)])
        }
        let last = sheet.nextRow - 1
        let explained = Money.sum(items.map(\.1))
        let sum = "SUM(\(A1.range(first, Column.spendingHT, last, Column.spendingHT)))"
        sheet.append([
            .text("Reste : versements après la dernière année (feuille Versements)", .textWrap), .empty,
            .formula("\(need.cell)-\(sum)", .money(need.value - explained), .money),
        ])
        sheet.append([.text("= Besoin de trésorerie cumulé (total ci-dessus)", .labelTotal), .text("", .labelTotal), .formula(need.cell, .money(need.value), .moneyTotal)])
    }
}
