/// One sheet per operation: its expenses, its resources (the balancing line a formula), its
/// indicators, its FCTVA by year and the verdicts of the rules that apply to it.
struct OperationSheet {
    let book: CommitteeWorkbook
    let figures: OperationFigures
    let name: String

    /// Columns of the expenses table.
    enum CostColumn {
        static let label = 0, nature = 1, amountHT = 2, vatRate = 3, amountTTC = 4, firstYear = 5
    }
    /// Columns of the resources table; the indicators below it put their figures under `amount`.
    enum ResourceColumn {
        static let funder = 0, dispositif = 1, countsAs = 2, base = 3, rate = 4, amount = 5, status = 6, requested = 7, notified = 8, paid = 9
        static let note = 6
    }
    /// Columns of the FCTVA table.
    enum FCTVAColumn {
        static let spendingYear = 0, receiptYear = 1, amount = 2
    }
    /// Columns of the rules' verdicts; the detail is merged up to `lastDetail`.
    enum CheckColumn {
        static let rule = 0, reference = 1, verdict = 2, detail = 3, lastDetail = 9
    }

    func build() -> SheetModel {
        let f = figures
        let op = f.operation
        var facts = ["Maître d'ouvrage : \(f.maitreOuvrage?.name ?? op.maitreOuvrage)", "identifiant \(op.id)", "plan établi en \(op.basis.rawValue)"]
        if let s = op.worksStart { facts.append("début des travaux \(s.formatted)" + (op.end.map { ", fin \($0.formatted)" } ?? "")) }
        if op.section == .fonctionnement { facts.append("dépense de fonctionnement") }
        if op.protection != .aucune { facts.append("monument historique \(op.protection == .classe ? "classé" : "inscrit")") }
        facts.append("fichier \(book.planFile(op.file))")
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
                    .formula("\(A1.cell(r, CostColumn.amountHT))+ROUND(\(A1.cell(r, CostColumn.amountHT))*\(A1.cell(r, CostColumn.vatRate)),2)", .money(line.amountTTC), .money),
                ] + years.map { y in byYear[y].map { Cell.money($0) } ?? .empty })
        }
        let lastCost = sheet.nextRow - 1
        let costTotalRow = sheet.nextRow
        let totalsByYear = f.costsByYear
        sheet.append(
            [
                .text("Total des dépenses", .labelTotal), .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, CostColumn.amountHT, lastCost, CostColumn.amountHT)))", .money(f.costHT), .moneyTotal), .text("", .labelTotal),
                .formula("SUM(\(A1.range(firstCost, CostColumn.amountTTC, lastCost, CostColumn.amountTTC)))", .money(f.costTTC), .moneyTotal),
            ]
                + years.enumerated().map { i, y in
                    .formula(
                        "SUM(\(A1.range(firstCost, CostColumn.firstYear + i, lastCost, CostColumn.firstYear + i)))", .money(totalsByYear.first { $0.year == y }?.ht ?? .zero),
                        .moneyTotal)
                })
        let costCell = A1.cell(costTotalRow, op.basis == .ht ? CostColumn.amountHT : CostColumn.amountTTC)
        sheet.skip()

        // Resources, the balancing line last so its formula refers only to the lines above.
        sheet.append([.text("Ressources", .section)])
        sheet.append(Cell.headings(["Financeur", "Dispositif", "Compte comme", "Assiette", "Taux", "Montant", "Statut", "Dépôt", "Notification", "Versé"]) { [ResourceColumn.base, ResourceColumn.rate, ResourceColumn.amount, ResourceColumn.paid].contains($0) })
        let ordered = f.funding.filter { $0.line.amount != .balance } + f.funding.filter { $0.line.amount == .balance }
        let firstResource = sheet.nextRow
        var statusRows: [Int] = []
        for line in ordered {
            let r = sheet.nextRow
            let isBalance = line.line.amount == .balance
            var cells: [Cell] = [
                .text(line.funder?.name ?? (line.dispositif == nil ? "Maître d'ouvrage" : "")),
                .text(line.dispositif?.name ?? (isBalance ? "Autofinancement (solde)" : line.line.label ?? line.nature.label)),
                .text(CommitteeWorkbook.countsAs(line)),
            ]
            cells.append(line.base.map { Cell.money($0) } ?? .empty)
            let amountCell = A1.cell(r, ResourceColumn.amount)
            let baseCell = A1.cell(r, ResourceColumn.base)
            if case .rate(let rate) = line.line.amount {
                cells.append(.rate(rate, .inputRate))
                cells.append(.formula("ROUND(\(baseCell)*\(A1.cell(r, ResourceColumn.rate)),2)", .money(line.amount), .money))
            } else if isBalance {
                cells.append(.empty)
                let others = r > firstResource ? A1.range(firstResource, ResourceColumn.amount, r - 1, ResourceColumn.amount) : nil
                let statuses = r > firstResource ? A1.range(firstResource, ResourceColumn.status, r - 1, ResourceColumn.status) : nil
                let formula = others.map { "\(costCell)-SUMIFS(\($0),\(WorkbookLabels.counted(statuses!)))" } ?? costCell
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
        let amounts = A1.range(firstResource, ResourceColumn.amount, lastResource, ResourceColumn.amount)
        let statuses = A1.range(firstResource, ResourceColumn.status, lastResource, ResourceColumn.status)
        let kinds = A1.range(firstResource, ResourceColumn.countsAs, lastResource, ResourceColumn.countsAs)
        let counted = WorkbookLabels.counted(statuses)
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
                + [.formula("\(A1.cell(totalResourcesRow, ResourceColumn.amount))-\(A1.cell(totalResourcesRow + 1, ResourceColumn.amount))", .money(f.balanceGap), .moneyBold)])
        sheet.skip()

        // Indicators.
        sheet.append([.text("Indicateurs", .section)])
        let aidRow = sheet.nextRow
        sheet.append([.text("Aides publiques"), .empty, .empty, .empty, .empty, .formula("SUMIFS(\(amounts),\(kinds),\"\(WorkbookLabels.CountsAs.publicAid)\",\(counted))", .money(f.publicAid), .moneyBold)])
        sheet.append([
            .text("Taux d'aide publique (sur le coût \(op.basis.rawValue))"), .empty, .empty, .empty, .empty,
            .formula("IF(\(costCell)=0,0,\(A1.cell(aidRow, ResourceColumn.amount))/\(costCell))", .rate(f.publicAidRate ?? .zero), .rateBold),
        ])
        let ownRow = sheet.nextRow
        sheet.append([
            .text("Part du maître d'ouvrage"), .empty, .empty, .empty, .empty,
            .formula("SUMIFS(\(amounts),\(kinds),\"\(WorkbookLabels.CountsAs.ownersShare)\",\(counted))", .money(f.ownersShare), .moneyBold),
        ])
        let ownShareRow = sheet.nextRow
        let own = A1.cell(ownRow, ResourceColumn.amount)
        let aid = A1.cell(aidRow, ResourceColumn.amount)
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
            sheet.append([.text("Total", .labelTotal), .text("", .labelTotal), .formula("SUM(\(A1.range(first, FCTVAColumn.amount, last, FCTVAColumn.amount)))", .money(f.fctvaTotal), .moneyTotal)])
            sheet.rows[fctvaTotalRow][ResourceColumn.amount] = .formula(A1.cell(last + 1, FCTVAColumn.amount), .money(f.fctvaTotal), .moneyBold)
            sheet.skip()
        }

        // Verdicts of the rules that apply.
        sheet.append([.text("Contrôles", .section)])
        let checksHeader = sheet.nextRow
        sheet.append([.text("Règle", .header), .text("Référence", .header), .text("Verdict", .header), .text("Détail", .header)] + Array(repeating: .text("", .header), count: 6))
        let context = RuleContext(plans: book.plans, figures: book.figures)
        let firstCheck = sheet.nextRow
        var checkMerges: [CellRange] = [CellRange(checksHeader, CheckColumn.detail, checksHeader, CheckColumn.lastDetail)]
        let mine = book.diagnostics.filter { $0.operation == op.id }
        for rule in Rules.all where rule.applies(to: f, in: context) {
            let found = mine.filter { $0.rule == rule.id }
            let verdict =
                found.contains { $0.severity == .erreur } ? WorkbookLabels.Verdict.broken : found.isEmpty ? WorkbookLabels.Verdict.respected : WorkbookLabels.Verdict.watch
            checkMerges.append(CellRange(sheet.nextRow, CheckColumn.detail, sheet.nextRow, CheckColumn.lastDetail))
            sheet.append([
                .text(rule.title, .textWrap), .text(rule.reference, .textWrap), .text(verdict),
                .text(found.map(\.message).joined(separator: "\n"), .textWrap),
            ])
        }
        for d in mine where d.stage == .regle && Rules.rule(d.rule) == nil {
            checkMerges.append(CellRange(sheet.nextRow, CheckColumn.detail, sheet.nextRow, CheckColumn.lastDetail))
            sheet.append([.text(d.rule, .textWrap), .text(""), .text(d.severity == .erreur ? WorkbookLabels.Verdict.broken : WorkbookLabels.Verdict.watch), .text(d.message, .textWrap)])
        }
        let lastCheck = sheet.nextRow - 1

        sheet.frozenRows = 3
        sheet.repeatRows = 0...0
        sheet.merges += checkMerges
        if !statusRows.isEmpty {
            sheet.listValidations = [(CellRange(firstResource, ResourceColumn.status, lastResource, ResourceColumn.status), WorkbookLabels.statuses)]
        }
        sheet.problemHighlights = [(CellRange(gapRow, ResourceColumn.amount, gapRow, ResourceColumn.amount), "ROUND(\(A1.cell(gapRow, ResourceColumn.amount)),2)<>0")]
        if let minimum {
            sheet.problemHighlights.append(
                (CellRange(ownShareRow, ResourceColumn.amount, ownShareRow, ResourceColumn.amount), "\(A1.cell(ownShareRow, ResourceColumn.amount))<\(Double(minimum.millionths) / Double(Rate.scale))"))
        }
        if lastCheck >= firstCheck {
            sheet.problemHighlights.append((CellRange(firstCheck, CheckColumn.verdict, lastCheck, CheckColumn.verdict), "\(A1.cell(firstCheck, CheckColumn.verdict))=\"\(WorkbookLabels.Verdict.broken)\""))
        }
        sheet.columnWidths = [0: 44, 1: 52, 2: 22, 3: 16, 4: 16, 5: 16, 6: 12, 7: 12, 8: 13, 9: 14]
        for i in years.indices { sheet.columnWidths[CostColumn.firstYear + i] = max(sheet.columnWidths[CostColumn.firstYear + i] ?? 0, 15) }
        sheet.fitRowHeights()
        return sheet
    }
}
