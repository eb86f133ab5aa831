/// An operation's timetable, as the grant forms ask for it: its phases with their start and end
/// (month and year where the plan gives them, else the year) and their HT spending by year.
///
/// The phases are derived from the expenses: each nature belongs to one phase, and a phase runs
/// over the years its lines spend in. The works run from `calendrier.debut_travaux` to
/// `calendrier.fin` when the plan gives them; the studies start at their earliest first legal act.
public struct OperationTimetable: Sendable, Equatable {
    public enum Kind: Int, Sendable, CaseIterable {
        case studies, land, works, running

        public var label: String {
            switch self {
            case .studies: return "Études et maîtrise d'œuvre"
            case .land: return "Acquisition foncière"
            case .works: return "Travaux"
            case .running: return "Mission (rémunération, animation)"
            }
        }

        /// The phase of an expense of nature `nature`.
        public init(_ nature: CostNature) {
            switch nature {
            case .etudes, .amo, .maitriseOeuvre: self = .studies
            case .acquisition, .fraisAcquisition: self = .land
            case .controles, .demolition, .depollution, .travaux, .equipement, .assurances, .publicite, .aleas: self = .works
            case .remuneration, .animation: self = .running
            }
        }
    }

    public struct Phase: Sendable, Equatable {
        public let kind: Kind
        /// Indices of the operation's expense lines in the phase, in the plan's order.
        public let lines: [Int]
        /// "02/2027" where the month is known, else "2027".
        public let start: String
        public let end: String
        public let years: [Int]
    }

    public let phases: [Phase]

    public init(_ op: Operation) {
        var byKind: [Kind: [Int]] = [:]
        for (i, line) in op.costs.enumerated() { byKind[Kind(line.nature), default: []].append(i) }
        func month(_ d: Day) -> String { (d.month < 10 ? "0" : "") + "\(d.month)/\(d.year)" }
        phases = Kind.allCases.compactMap { kind in
            guard let lines = byKind[kind] else { return nil }
            let years = Array(Set(lines.flatMap { op.costs[$0].years.map(\.year) })).sorted()
            guard let first = years.first, let last = years.last else { return nil }
            var start = "\(first)", end = "\(last)"
            switch kind {
            case .works:
                if let s = op.worksStart { start = month(s) }
                if let e = op.end { end = month(e) }
            case .studies, .land:
                // The earliest first legal act of its lots (an order, a signed quote, a deed).
                if let act = lines.compactMap({ op.costs[$0].firstLegalAct }).min() { start = month(act) }
            case .running:
                if let s = op.worksStart { start = month(s) }
                if let e = op.end { end = month(e) }
            }
            return Phase(kind: kind, lines: lines, start: start, end: end, years: years)
        }
    }
}

extension OperationSheet {
    /// Appends the timetable block: one row per phase, its HT amount and its years as sums of the
    /// expense cells above (they follow the amounts), the years it spends in filled as bars.
    static func appendTimetable(_ op: Operation, to sheet: inout SheetModel, years: [Int], firstCost: Int) {
        let timetable = OperationTimetable(op)
        guard !timetable.phases.isEmpty else { return }
        sheet.append([.text("Calendrier de l'opération (phases déduites de la nature des dépenses et de leur répartition par année)", .section)])
        sheet.append(
            Cell.headings(["Phase", "Dépenses", "Montant HT", "Début", "Fin", ""] + years.map { "\($0)" }, centred: [CostColumn.vatRate, CostColumn.amountTTC]) {
                $0 == CostColumn.amountHT || $0 >= CostColumn.firstYear
            })
        let first = sheet.nextRow
        for phase in timetable.phases {
            let natures = Array(Set(phase.lines.map { op.costs[$0].nature })).sorted { $0.label < $1.label }.map(\.label).joined(separator: ", ")
            let amount = Money.sum(phase.lines.map { op.costs[$0].amountHT })
            var cells: [Cell] = [
                .text(phase.kind.label, .textBold), .text(natures, .textWrap),
                .formula(phase.lines.map { A1.cell(firstCost + $0, CostColumn.amountHT) }.joined(separator: "+"), .money(amount), .moneyBold),
                .text(phase.start, .textCenter), .text(phase.end, .textCenter), .empty,
            ]
            // A line that names a year twice has its years as values: the phase's are values too.
            let live = phase.lines.allSatisfy { Set(op.costs[$0].years.map(\.year)).count == op.costs[$0].years.count }
            for year in years {
                let parts = phase.lines.filter { op.costs[$0].years.contains { $0.year == year } }
                guard let column = years.firstIndex(of: year).map({ CostColumn.firstYear + $0 }), !parts.isEmpty else {
                    cells.append(.empty)
                    continue
                }
                let value = Money.sum(parts.flatMap { i in op.costs[i].years.filter { $0.year == year }.map(\.amountHT) })
                cells.append(live ? .formula(parts.map { A1.cell(firstCost + $0, column) }.joined(separator: "+"), .money(value), .money) : .money(value))
            }
            sheet.append(cells)
        }
        let last = sheet.nextRow - 1
        if !years.isEmpty {
            let firstYear = CostColumn.firstYear, lastYear = CostColumn.firstYear + years.count - 1
            sheet.fills.append((CellRange(first, firstYear, last, lastYear), "\(A1.cell(first, firstYear))<>0"))
        }
        sheet.skip()
    }

    /// Rows the timetable takes: section, header, one per phase, blank.
    static func timetableRows(_ op: Operation) -> Int {
        let count = OperationTimetable(op).phases.count
        return count == 0 ? 0 : count + 3
    }

    /// The owner's certification, as the grant forms end; a scenario is a hypothesis, which
    /// nobody certifies.
    static func appendCertification(_ f: OperationFigures, book: CommitteeWorkbook, to sheet: inout SheetModel) {
        let op = f.operation
        if let scenario = book.scenarioTitle {
            sheet.append([.text("Hypothèse (scénario : \(scenario)) : ce plan n'est pas à certifier ni à déposer.", .textBold)])
        } else {
            sheet.append([
                .text(
                    "Certifié exact le plan de financement ci-dessus, établi le \(book.created.formatted)\(book.plans.programme.committeeDay == nil ? "" : " pour le \(book.committee)"), par le maître d'ouvrage (\(f.maitreOuvrage?.name ?? op.maitreOuvrage)).",
                    .textBold)
            ])
            sheet.append([.text(book.plans.programme.signatory.map { "Signataire : \($0)" } ?? "Signature et cachet du maître d'ouvrage :", .text)])
        }
        sheet.skip()
    }

    /// Rows the certification takes, blank after it included.
    static func certificationRows(_ book: CommitteeWorkbook) -> Int { book.scenarioTitle == nil ? 3 : 2 }
}
