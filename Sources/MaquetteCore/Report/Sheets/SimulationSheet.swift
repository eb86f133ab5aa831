/// The Monte-Carlo simulation of uncertain aid.
struct SimulationSheet {
    let book: CommitteeWorkbook
    let result: MonteCarlo.Result

    func build() -> SheetModel {
        let r = result
        var sheet = book.newSheet(
            CommitteeWorkbook.simulationSheet, title: "Simulation de Monte-Carlo des aides incertaines",
            subtitle:
                "\(r.draws) tirages sur \(book.scenarioTitle.map { "le scénario \($0)" } ?? "le plan de base"), graine \(r.seed) : les mêmes plans, tirages et graine donnent les mêmes résultats. P10, P50, P90 : part du maître d'ouvrage que 10 %, 50 %, 90 % des tirages ne dépassent pas."
                + (r.precisionNote(name: { book.plans.programme.maitreOuvrage($0)?.name ?? $0 }).map { " " + $0 } ?? ""),
            lastColumn: 7)
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
        // A risk where it is more likely than not.
        sheet.problemHighlights = [(CellRange(4, 5, 4 + r.owners.count, 7), "\(A1.cell(4, 5))>=0.5")]
        sheet.skip()
        let titles = book.operationTitles
        sheet.append([.text("Lignes incertaines, par manque attendu", .section)])
        sheet.append(Cell.headings(["Opération", "Dispositif", "Montant", "Probabilité", "Manque attendu"]) { $0 >= 2 })
        for u in r.uncertain {
            let row = sheet.nextRow
            sheet.append([
                .text(titles[u.operation] ?? u.operation, .textWrap), .text(book.plans.catalogue.dispositifs[u.dispositif]?.name ?? u.dispositif, .textWrap), .money(u.amount), .rate(u.probability),
                .formula("ROUND(\(A1.cell(row, 2))*(1-\(A1.cell(row, 3))),2)", .money(u.expectedShortfall), .moneyBold),
            ])
        }
        sheet.columnWidths = [0: 44, 1: 26]
        for c in 2...7 { sheet.columnWidths[c] = 17 }
        sheet.rowHeights[3] = 32
        sheet.repeatRows = 3...3
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }
}
