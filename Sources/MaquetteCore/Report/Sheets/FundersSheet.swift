/// Requests by funder, dispositif and year, against the envelopes of the catalogue: each
/// envelope's verdict is a formula of what is requested on it (`enveloppe-annuelle`).
struct FundersSheet {
    let book: CommitteeWorkbook

    enum Column {
        static let funder = 0, dispositif = 1, year = 2, envisaged = 3, solicited = 4, notified = 5, paid = 6, requested = 7, envelope = 8, left = 9
        /// The envelope's verdict, beside the envelopes only.
        static let verdict = 10
    }
    static let headerRow = 3
    static let firstRow = headerRow + 1

    /// A dispositif's year: one row of the sheet.
    struct Key: Hashable, Sendable {
        let dispositif: String
        let year: Int
    }

    /// The sheet's rows, in order: every dispositif and year a line draws on (with the operation
    /// sheets, refused and lapsed lines too, so that a change of status shows here) and every
    /// declared envelope, by funder and dispositif as people read their names, then year.
    static func keys(_ book: CommitteeWorkbook) -> [Key] {
        var found: Set<Key> = []
        let all = book.operationSheets != nil
        for f in book.figures {
            for line in all ? f.funding : f.counted {
                // The id alone: the dispositif taken whole would be copied, its texts retained.
                guard let id = line.dispositif?.id else { continue }
                found.insert(Key(dispositif: id, year: EnvelopeRule.year(of: line, in: f)))
            }
        }
        for e in book.plans.catalogue.envelopes { found.insert(Key(dispositif: e.dispositif, year: e.year)) }
        let catalogue = book.plans.catalogue
        func names(_ key: Key) -> (String, String) {
            let d = catalogue.dispositifs[key.dispositif]
            let funder = d.flatMap { catalogue.funders[$0.funder]?.name } ?? d?.funder ?? ""
            return (FrenchOrder.key(funder), FrenchOrder.key(d?.name ?? key.dispositif))
        }
        return found.map { ($0, names($0)) }.sorted { a, b in
            (a.1.0, a.1.1, a.0.dispositif, a.0.year) < (b.1.0, b.1.1, b.0.dispositif, b.0.year)
        }.map(\.0)
    }

    /// `'Financeurs'!$K$5`: the verdict cell of each declared envelope, for the operation sheets
    /// and the Contrôles to read; and the range of the verdict column, where only they are.
    static func envelopeVerdicts(_ book: CommitteeWorkbook, keys: [Key]) -> (cells: [Key: String], range: String)? {
        guard !book.plans.catalogue.envelopes.isEmpty else { return nil }
        let declared = Set(book.plans.catalogue.envelopes.map { Key(dispositif: $0.dispositif, year: $0.year) })
        let sheet = A1.sheet(CommitteeWorkbook.fundersSheet) + "!"
        var out: [Key: String] = [:]
        for (i, key) in keys.enumerated() where declared.contains(key) {
            out[key] = sheet + A1.cell(firstRow + i, Column.verdict, absolute: true)
        }
        return (out, sheet + A1.range(firstRow, Column.verdict, firstRow + keys.count - 1, Column.verdict, absolute: true))
    }

    /// The declared envelopes the lines that count request more than, as `enveloppe-annuelle`
    /// finds them.
    static func exceeded(_ book: CommitteeWorkbook) -> Set<Key> {
        let envelopes = book.plans.catalogue.envelopes
        guard !envelopes.isEmpty else { return [] }
        let declared = Set(envelopes.map { Key(dispositif: $0.dispositif, year: $0.year) })
        var drawn: [Key: Money] = [:]
        for f in book.figures {
            for line in f.counted {
                guard let d = line.dispositif else { continue }
                let key = Key(dispositif: d.id, year: EnvelopeRule.year(of: line, in: f))
                if declared.contains(key) { drawn[key, default: .zero] += line.amount }
            }
        }
        return Set(envelopes.filter { (drawn[Key(dispositif: $0.dispositif, year: $0.year)] ?? .zero) > $0.amount }.map { Key(dispositif: $0.dispositif, year: $0.year) })
    }

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.fundersSheet, title: "Demandes par financeur, dispositif et année, face aux enveloppes",
            subtitle: "Année : celle de l'enveloppe sur laquelle la ligne s'impute (notification, sinon dépôt, sinon début des travaux). Lignes refusées et caduques exclues.",
            lastColumn: Column.verdict)
        let headers = [
            "Financeur", "Dispositif", "Année", "Envisagé", "Sollicité", "Notifié", "Versé", "Total demandé", "Enveloppe", "Reste sur l'enveloppe", "Enveloppe respectée",
        ]
        sheet.append(Cell.headings(headers, centred: [Column.verdict]) { $0 >= Column.envisaged && $0 != Column.verdict })
        precondition(sheet.nextRow == Self.firstRow)

        var sums: [Key: (envisage: Money, sollicite: Money, notifie: Money, verse: Money)] = [:]
        // With the operation sheets, each amount reads the lines it adds up (their amount and
        // status), refused and lapsed lines included so that a change of status shows here.
        var lines: [Key: [(sheet: String, row: Int)]] = [:]
        let live = book.operationSheets != nil && book.operationLayouts != nil
        for (i, f) in book.figures.enumerated() {
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
            if live, let names = book.operationSheets, let layout = book.operationLayouts?[i] {
                for (index, line) in layout.ordered.enumerated() {
                    guard let d = line.dispositif else { continue }
                    let key = Key(dispositif: d.id, year: EnvelopeRule.year(of: line, in: f))
                    if sums[key] == nil { sums[key] = (.zero, .zero, .zero, .zero) }
                    lines[key, default: []].append((names[i], layout.firstResource + index))
                }
            }
        }
        let catalogue = book.plans.catalogue
        let keys = book.fundersKeys ?? Self.keys(book)
        typealias R = OperationSheet.ResourceColumn
        func cell(_ sheet: String, _ row: Int, _ column: Int) -> String { A1.sheet(sheet) + "!" + A1.cell(row, column, absolute: true) }
        /// The amounts of the key's lines whose status passes `test` (a formula of the status cell).
        func amount(_ key: Key, _ value: Money, _ test: (String) -> String) -> Cell {
            guard let refs = lines[key], !refs.isEmpty, refs.count <= CommitteeWorkbook.maximumTerms else { return .money(value) }
            let terms = refs.map { "IF(\(test(cell($0.sheet, $0.row, R.status))),\(cell($0.sheet, $0.row, R.amount)),0)" }
            return .formula(terms.joined(separator: "+"), .money(value), .money)
        }
        /// What was paid: the "Versé" cell, else the whole amount of a line "versé"; nothing on a
        /// refused or lapsed line.
        func paid(_ key: Key, _ value: Money) -> Cell {
            guard let refs = lines[key], !refs.isEmpty, refs.count <= CommitteeWorkbook.maximumTerms else { return .money(value) }
            let terms = refs.map { ref in
                let status = cell(ref.sheet, ref.row, R.status), paid = cell(ref.sheet, ref.row, R.paid)
                return "IF(\(WorkbookLabels.statusIs([.refuse, .caduc])(status)),0,IF(ISNUMBER(\(paid)),\(paid),IF(\(WorkbookLabels.statusIs([.verse])(status)),\(cell(ref.sheet, ref.row, R.amount)),0)))"
            }
            return .formula(terms.joined(separator: "+"), .money(value), .money)
        }
        let first = sheet.nextRow
        for key in keys {
            let r = sheet.nextRow
            let s = sums[key] ?? (.zero, .zero, .zero, .zero)
            let d = catalogue.dispositifs[key.dispositif]
            let total = s.envisage + s.sollicite + s.notifie
            let envelope = catalogue.envelopes.first { $0.dispositif == key.dispositif && $0.year == key.year }
            var cells: [Cell] = [
                .text(d.flatMap { catalogue.funder(of: $0)?.name } ?? ""), .text(d?.name ?? key.dispositif), Cell(.integer(key.year), .year),
                amount(key, s.envisage, WorkbookLabels.statusIs([.envisage])), amount(key, s.sollicite, WorkbookLabels.statusIs([.sollicite])),
                amount(key, s.notifie, WorkbookLabels.statusIs([.notifie, .verse])), paid(key, s.verse),
                .formula("SUM(\(A1.range(r, Column.envisaged, r, Column.notified)))", .money(total), .moneyBold),
            ]
            if let envelope {
                cells.append(.money(envelope.amount, .inputMoney))
                cells.append(.formula("\(A1.cell(r, Column.envelope))-\(A1.cell(r, Column.requested))", .money(envelope.amount - total), .moneyBold))
                // The rule's own test, to the cent: what the lines request above the envelope.
                let exceeded = "ROUND(\(A1.cell(r, Column.requested))*100,0)>ROUND(\(A1.cell(r, Column.envelope))*100,0)"
                cells.append(
                    .formula(
                        "IF(\(exceeded),\"\(WorkbookLabels.Verdict.broken)\",\"\(WorkbookLabels.Verdict.respected)\")",
                        .text(total > envelope.amount ? WorkbookLabels.Verdict.broken : WorkbookLabels.Verdict.respected), .textCenter))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        if last >= first {
            let totals = keys.reduce(into: [Money](repeating: .zero, count: 5)) { acc, key in
                let s = sums[key] ?? (.zero, .zero, .zero, .zero)
                acc[0] += s.envisage
                acc[1] += s.sollicite
                acc[2] += s.notifie
                acc[3] += s.verse
                acc[4] += s.envisage + s.sollicite + s.notifie
            }
            sheet.append(
                [.text("Total", .labelTotal), .text("", .labelTotal), .text("", .labelTotal)]
                    + (Column.envisaged...Column.requested).map { .formula("SUM(\(A1.range(first, $0, last, $0)))", .money(totals[$0 - Column.envisaged]), .moneyTotal) })
            sheet.problemHighlights = [
                (CellRange(first, Column.left, last, Column.left), "AND(ISNUMBER(\(A1.cell(first, Column.left))),\(A1.cell(first, Column.left))<0)"),
                (CellRange(first, Column.verdict, last, Column.verdict), "\(A1.cell(first, Column.verdict))=\"\(WorkbookLabels.Verdict.broken)\""),
            ]
            sheet.autofilter = CellRange(Self.headerRow, 0, last, Column.verdict)
        }
        sheet.frozenRows = 4
        sheet.repeatRows = Self.headerRow...Self.headerRow
        for c in Column.envisaged...Column.left { sheet.columnWidths[c] = 16 }
        sheet.fitColumns(skipRows: [0, 1, 3])
        sheet.wholeEuros = true
        sheet.fitRowHeights()
        return sheet
    }
}
