/// Each subsidy's payments and each loan's drawings, line by line and year by year, as formulas
/// of the operation sheets' cells (amount, status, yearly spending) and of the payment shares of
/// the Paramètres sheet: the schedule `Treasury` works out, said in formulas, which the
/// Échéancier adds up by owner. In cents, as Maquette counts: the advance (share × amount, rounded
/// down) in the works' start year; by the end of each spending year, amount × HT spent so far ÷
/// HT spending (rounded down), at least the advance and at most the instalments' share; the
/// balance the year after the last spending. A loan is drawn pro rata of each year's TTC spending
/// (rounded down, the last year taking what is left). Only with the operation sheets.
struct PaymentsSheet {
    let book: CommitteeWorkbook

    static let name = "Versements"
    enum Column {
        static let line = 0, kind = 1, amount = 2, advance = 3, ceiling = 4, firstYear = 5
    }
    static let headerRow = 3

    /// Where the lines are: each owner's rows of aid and of loans, and each year's column.
    struct Layout {
        var aidRows: [String: ClosedRange<Int>] = [:]
        var loanRows: [String: ClosedRange<Int>] = [:]
        var yearColumns: [Int: Int] = [:]
    }

    /// The lines in the sheet's order: by owner (the programme's order), aid before loans, by
    /// operation, in the operation sheet's order.
    static func entries(_ book: CommitteeWorkbook) -> [(owner: String, loans: Bool, operation: Int, line: Int)] {
        guard let layouts = book.operationLayouts else { return [] }
        var byOwner: [String: [Int]] = [:]
        for (i, f) in book.figures.enumerated() { byOwner[f.operation.maitreOuvrage, default: []].append(i) }
        var out: [(owner: String, loans: Bool, operation: Int, line: Int)] = []
        for owner in book.plans.programme.maitresOuvrage.map(\.id) where byOwner[owner] != nil {
            for loans in [false, true] {
                for i in byOwner[owner] ?? [] where !layouts[i].years.isEmpty {
                    for (index, line) in layouts[i].ordered.enumerated() where loans ? line.nature == .pret : line.isPublicAid {
                        out.append((owner, loans, i, index))
                    }
                }
            }
        }
        return out
    }

    /// The years of the Échéancier, which are the sheet's columns.
    static func years(_ book: CommitteeWorkbook) -> [Int] {
        Treasury.tables(book.figures, plans: book.plans).owners.first?.years.map(\.year) ?? []
    }

    /// The sheet's layout without building it, for the Échéancier; nil without the operation sheets.
    static func layout(_ book: CommitteeWorkbook, years: [Int]) -> Layout? {
        guard book.operationLayouts != nil, book.operationSheets != nil, !years.isEmpty else { return nil }
        var out = Layout()
        for (i, y) in years.enumerated() { out.yearColumns[y] = Column.firstYear + i }
        for (k, entry) in entries(book).enumerated() {
            let r = headerRow + 1 + k
            if entry.loans {
                out.loanRows[entry.owner] = (out.loanRows[entry.owner]?.lowerBound ?? r)...r
            } else {
                out.aidRows[entry.owner] = (out.aidRows[entry.owner]?.lowerBound ?? r)...r
            }
        }
        return out
    }

    func build() -> SheetModel {
        let years = Self.years(book)
        var sheet = book.newSheet(
            Self.name, title: "Versements des aides et tirages des emprunts, ligne par ligne",
            subtitle:
                "Formules des feuilles des opérations (montant, statut, dépenses par année) et des parts de la feuille Paramètres : avance l'année du début des travaux ; acomptes au prorata des dépenses HT, au plus la part des acomptes ; solde l'année qui suit la dernière dépense. Emprunts tirés au prorata des dépenses TTC. L'Échéancier en fait la somme par maître d'ouvrage.",
            lastColumn: Column.firstYear + max(0, years.count - 1))
        sheet.append(
            Cell.headings(["Opération – ligne", "Nature", "Montant compté", "Avance", "Acomptes : au plus"] + years.map(String.init)) { $0 >= Column.amount })
        precondition(sheet.nextRow == Self.headerRow + 1)
        guard let layouts = book.operationLayouts, let names = book.operationSheets else { return sheet }
        let shares = ParametersSheet.paymentShares(book.plans)
        func share(_ rate: Rate, named name: String) -> String {
            // The Paramètres cell when the line's share is the programme's, else its own.
            let cell = shares.first { $0.name == name && $0.value == rate }.map { "ROUND(\($0.name)*1000000,0)" }
            return cell ?? "\(rate.millionths)"
        }
        typealias R = OperationSheet.ResourceColumn
        typealias C = OperationSheet.CostColumn
        for entry in Self.entries(book) {
            let loans = entry.loans
            let i = entry.operation
            let f = book.figures[i], layout = layouts[i]
            let index = entry.line, line = layout.ordered[index]
            let opSheet = A1.sheet(names[i]) + "!"
            let spending = layout.years
            guard let firstSpending = spending.first, let lastSpending = spending.last else { continue }
            let start = f.operation.worksStart?.year ?? firstSpending
            let r = sheet.nextRow
            let row = layout.firstResource + index
            let status = opSheet + A1.cell(row, R.status, absolute: true)
            let amount = "ROUND(\(A1.cell(r, Column.amount, absolute: true))*100,0)"
            var cells: [Cell] = [
                .text("\(f.operation.title) – \(line.name)", .textWrap), .text(loans ? "emprunt" : "aide"),
                .formula(
                    "IF(OR(\(status)=\"\(WorkbookLabels.refused)\",\(status)=\"\(WorkbookLabels.lapsed)\"),0,\(opSheet)\(A1.cell(row, R.amount, absolute: true)))",
                    .money(line.countedAmount), .money),
            ]
            var flows: [Int: Money] = [:]
            var terms: [Int: [String]] = [:]
            if loans {
                cells += [.empty, .empty]
                let weights = spending.indices.map { k in "MAX(0,ROUND(\(opSheet)\(A1.cell(layout.costTTCRow, C.firstYear + k, absolute: true))*100,0))" }
                let total = "(" + weights.joined(separator: "+") + ")"
                let parts = spending.indices.map { k in "IF(\(total)=0,ROUNDDOWN(\(amount)/\(spending.count),0),ROUNDDOWN(\(amount)*\(weights[k])/\(total),0))" }
                for k in spending.indices {
                    terms[spending[k], default: []].append(k < spending.count - 1 ? parts[k] : "\(amount)-" + (["0"] + parts.dropLast()).joined(separator: "-"))
                }
                if line.counts {
                    let ttc = f.costsByYear.map(\.ttc.cents)
                    for (y, part) in zip(spending, line.amount.split(proportionally: ttc)) { flows[y, default: .zero] += part }
                }
            } else {
                let (advanceRate, ceilingRate) = Treasury.paymentRates(line, plans: book.plans, figures: f)
                let state = Treasury.isPaidAsState(line)
                let counted = line.counts ? line.amount : .zero
                cells.append(
                    .formula(
                        "ROUNDDOWN(\(amount)*\(share(advanceRate, named: state ? "Avance_Etat" : "Avance_Autres"))/1000000,0)/100",
                        .money(counted.applyingRoundedDown(advanceRate)), .money))
                cells.append(
                    .formula(
                        "ROUNDDOWN(\(amount)*\(share(ceilingRate, named: state ? "Acomptes_Etat" : "Acomptes_Autres"))/1000000,0)/100",
                        .money(counted.applyingRoundedDown(ceilingRate)), .money))
                let advance = "ROUND(\(A1.cell(r, Column.advance, absolute: true))*100,0)"
                let ceiling = "ROUND(\(A1.cell(r, Column.ceiling, absolute: true))*100,0)"
                let totals = { (k: Int) in
                    "ROUND(SUM(\(opSheet)\(A1.range(layout.costTotalRow, C.firstYear, layout.costTotalRow, C.firstYear + k, absolute: true)))*100,0)"
                }
                let htTotal = totals(spending.count - 1)
                let paidBy = { (k: Int) in
                    "MAX(\(advance),MIN(IF(\(htTotal)=0,\(ceiling),ROUNDDOWN(\(amount)*\(totals(k))/\(htTotal),0)),\(ceiling)))"
                }
                terms[start, default: []].append(advance)
                for k in spending.indices {
                    terms[spending[k], default: []].append("\(paidBy(k))-" + (k == 0 ? advance : paidBy(k - 1)))
                }
                terms[lastSpending + 1, default: []].append("\(amount)-\(paidBy(spending.count - 1))")
                if line.counts {
                    let byYear = f.costsByYear
                    for (y, m) in Treasury.schedule(
                        line, start: start, byYear: byYear, htTotal: Money.sum(byYear.map(\.ht)), last: lastSpending, plans: book.plans, figures: f)
                    {
                        flows[y, default: .zero] += m
                    }
                }
            }
            for y in years {
                guard let t = terms[y] else {
                    cells.append(.empty)
                    continue
                }
                cells.append(.formula("(\(t.joined(separator: "+")))/100", .money(flows[y] ?? .zero), .money))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        if last > Self.headerRow {
            sheet.autofilter = CellRange(Self.headerRow, 0, last, Column.firstYear + years.count - 1)
        }
        sheet.frozenRows = Self.headerRow + 1
        sheet.frozenColumns = 1
        sheet.repeatRows = Self.headerRow...Self.headerRow
        sheet.columnWidths = [Column.line: 48, Column.kind: 9]
        for c in Column.amount..<(Column.firstYear + years.count) { sheet.columnWidths[c] = 15 }
        sheet.fitRowHeights()
        return sheet
    }
}
