import Dispatch

/// Builds the workbook for the Comité régional des financeurs from the plans, their figures and
/// the diagnostics: Synthèse, one sheet per operation, Financeurs, Échéancier, Contrôles and
/// Graphiques. Every total, rate and balance is a live formula carrying the value Maquette
/// computed, so that the workbook and `maquette verifier` agree to the cent.
public struct CommitteeWorkbook: Sendable {
    public let plans: Plans
    public let figures: [OperationFigures]
    public let diagnostics: [Diagnostic]
    /// The diagnostics of each operation, in the order of ``diagnostics``: each operation sheet
    /// looks its own up rather than scanning them all. Made by ``build(streaming:)`` when it
    /// writes operation sheets (a summary-only workbook of 50 000 operations needs none).
    var diagnosticsByOperation: [String: [Diagnostic]] = [:]
    /// The day the workbook is established on, and the file's creation instant.
    public let date: DocumentDate
    public var created: Day { date.day }
    /// The plans folder, so that plan files are named as `operations/ecole-blade.yaml`.
    public var plansFolder: String?
    /// The base and scenarios side by side, for the Scénarios sheet.
    public var comparison: Comparison?
    /// A Monte-Carlo result, for the Simulation sheet.
    public var simulation: MonteCarlo.Result?
    /// What changed since a former version (Évolutions) and what falls due (Échéances), when asked.
    public var changes: ChangesSheet.Input?, deadlines: DeadlinesSheet.Input?
    /// The scenario the main sheets show, if any.
    public var scenarioTitle: String?
    /// The sheets to write (all by default); a region-wide programme wants only the summaries.
    public var sheets: Set<SheetKind> = Set(SheetKind.allCases)
    /// Whether the findings that depend on the workbook's day join ``diagnostics``: the grants
    /// its operations lose by a deadline passed on that day (as warnings) and their statuses ahead
    /// of their dates. The sheets work them out operation by operation as they need them.
    public var datedFindings = false

    public enum SheetKind: String, CaseIterable, Sendable {
        case synthese, operations, financeurs, demandes, echeancier, calendrier, controles, graphiques
    }

    public static let synthesisSheet = "Synthèse"
    public static let fundersSheet = "Financeurs"
    public static let scheduleSheet = "Échéancier"
    public static let checksSheet = "Contrôles"
    public static let chartsSheet = "Graphiques"
    public static let scenariosSheet = "Scénarios"
    public static let simulationSheet = "Simulation"
    public static let parametersSheet = "Paramètres"
    public static let requestsSheet = "Demandes"
    public static let calendarSheet = "Calendrier"

    // Set by `build` for the sheets it builds: whether and where the operation sheets are.
    /// The operation sheets' names, by index in `figures`; nil when they are not exported.
    var operationSheets: [String]?
    /// The defined name of the FCTVA rate, when the operation sheets can use it.
    var fctvaRateName: String?
    /// Where the Paramètres sheet holds each owner's FCTVA delay.
    var parameterRows: ParametersSheet.Rows?
    /// The operation sheets' layouts, by index in `figures`, when they are exported.
    var operationLayouts: [OperationSheet.Layout]?
    /// The Financeurs sheet's rows and envelope verdict cells, when that sheet is exported: worked
    /// out once, on another core while the rest is built (only the Financeurs, the Contrôles and
    /// the operation sheets read them, and the Synthèse comes first).
    var funders: Later<(keys: [FundersSheet.Key], verdicts: (cells: [FundersSheet.Key: String], range: String)?)>?
    /// The Financeurs sheet's rows (dispositif and year).
    var fundersKeys: [FundersSheet.Key]? { funders?.value.keys }
    /// The Financeurs sheet's verdict cell of each declared envelope.
    var envelopeVerdicts: [FundersSheet.Key: String]? { funders?.value.verdicts?.cells }
    /// The Financeurs sheet's column of envelope verdicts, which the Contrôles count.
    var envelopeVerdictRange: String? { funders?.value.verdicts?.range }
    /// The envelopes the lines exceed, for the operation sheets' verdicts.
    var exceededEnvelopes: Set<FundersSheet.Key> = []
    /// The findings on the workbook's day, when ``datedFindings`` asks for them.
    var dated: DatedFindings?

    /// Every finding the workbook shows, in order: ``diagnostics`` and, when asked for, those of
    /// the workbook's day.
    var allDiagnostics: [Diagnostic] { dated.map { Diagnostic.merged(diagnostics, $0.all()) } ?? diagnostics }

    /// Terms a formula adds up at most, beyond which a cell keeps Maquette's value (a formula
    /// has at most 8 192 characters).
    static let maximumTerms = 40

    public static let statusLabels = WorkbookLabels.statuses

    public init(plans: Plans, figures: [OperationFigures], diagnostics: [Diagnostic], date: DocumentDate) {
        self.plans = plans
        self.figures = figures
        self.diagnostics = diagnostics
        self.date = date
    }

    public init(plans: Plans, figures: [OperationFigures], diagnostics: [Diagnostic], created: Day) {
        self.init(plans: plans, figures: figures, diagnostics: diagnostics, date: DocumentDate(day: created))
    }

    /// The workbook's model. With `streaming`, the big sheets' data rows (Synthèse, Contrôles) are
    /// left ``SheetModel/deferred``: the writer produces them on another core while it writes,
    /// and never holds them all at once. Without, every row is in ``SheetModel/rows``.
    public func build(streaming: Bool = false) -> WorkbookModel {
        var model = WorkbookModel(
            title: "Plans de financement – \(plans.programme.name)\(scenarioTitle.map { " – scénario : \($0)" } ?? "")", subject: committee,
            author: plans.programme.name, comments: "Établi avec Maquette à partir des fichiers de plans", created: date.timestamp)
        var names = SheetNames(reserved: [
            Self.synthesisSheet, Self.fundersSheet, Self.scheduleSheet, Self.checksSheet, Self.chartsSheet, Self.scenariosSheet, Self.simulationSheet,
            Self.parametersSheet, Self.requestsSheet, Self.calendarSheet, ChangesSheet.name, DeadlinesSheet.name, PaymentsSheet.name,
        ])
        // The sheets refer to one another's cells where the operation sheets are exported.
        var linked = self
        if datedFindings { linked.dated = DatedFindings(plans: plans, figures: figures, day: created) }
        if sheets.contains(.operations) {
            // The tabs' short names on every core, made unique in order.
            let tabs = Concurrent.map(figures, minimumChunk: 256) { Self.tabName($0.operation.title) }
            linked.operationSheets = tabs.map { names.make($0) }
            linked.parameterRows = ParametersSheet.rows(plans)
            if ParametersSheet.fctvaRate(plans) != nil { linked.fctvaRateName = ParametersSheet.fctvaRateName }
            linked.exceededEnvelopes = FundersSheet.exceeded(linked)
        }
        if sheets.contains(.financeurs) {
            let book = linked
            linked.funders = Later {
                let keys = FundersSheet.keys(book)
                return (keys, FundersSheet.envelopeVerdicts(book, keys: keys))
            }
        }
        if linked.operationSheets != nil {
            var byOperation: [String: [Diagnostic]] = [:]
            for d in diagnostics { if let op = d.operation { byOperation[op, default: []].append(d) } }
            if let dated = linked.dated {
                let found = Concurrent.map(Array(figures.indices), minimumChunk: 64) { dated.of($0) }
                for (f, mine) in zip(figures, found) where !mine.isEmpty { byOperation[f.id] = Diagnostic.merged(byOperation[f.id] ?? [], mine) }
            }
            linked.diagnosticsByOperation = byOperation
            let plain = linked
            linked.operationLayouts = Concurrent.map(figures) { OperationSheet.Layout($0, book: plain) }
        }
        let book = linked
        let synthesis = SynthesisSheet(book: book)
        // Each sheet is a pure function of the plans, listed with about the rows it will have (for
        // progress bars). Streaming, they are built one after the other by the writer's producer
        // thread while it writes; otherwise on all cores, and put back in the workbook's order.
        var builders: [(name: String, rows: Int, build: @Sendable () -> SheetModel)] = []
        if sheets.contains(.synthese) || sheets.contains(.graphiques) {
            builders.append((Self.synthesisSheet, synthesis.totalRow + 1, { synthesis.build() }))
        }
        if let names = book.operationSheets {
            for (i, (f, name)) in zip(figures, names).enumerated() {
                let layout = book.operationLayouts?[i]
                builders.append((name, 40, { OperationSheet(book: book, figures: f, name: name, layout: layout).build() }))
            }
        }
        // The programme's sheets after the Synthèse and the operation sheets are built while
        // those are written.
        let afterOperations = builders.count
        if sheets.contains(.financeurs) { builders.append((Self.fundersSheet, 40, { FundersSheet(book: book).build() })) }
        if sheets.contains(.demandes) { builders.append((Self.requestsSheet, 40, { RequestsSheet(book: book).build() })) }
        if sheets.contains(.echeancier) {
            builders.append((Self.scheduleSheet, 40, { ScheduleSheet(book: book, synthesis: synthesis).build() }))
            // The subsidies' payments line by line, which the Échéancier adds up.
            if book.operationSheets != nil { builders.append((PaymentsSheet.name, 4 * figures.count + 4, { PaymentsSheet(book: book).build() })) }
        }
        if sheets.contains(.calendrier) { builders.append((Self.calendarSheet, figures.count + 4, { CalendarSheet(book: book).build() })) }
        if sheets.contains(.controles) {
            builders.append((Self.checksSheet, 4 + max(1, diagnostics.count), { ChecksSheet(book: book, synthesis: synthesis).build() }))
        }
        if sheets.contains(.graphiques) { builders.append((Self.chartsSheet, figures.count + 20, { ChartsSheet(book: book, synthesis: synthesis).build() })) }
        if book.operationSheets != nil { builders.append((Self.parametersSheet, 20, { ParametersSheet(book: book).build() })) }
        if let comparison { builders.append((Self.scenariosSheet, 40, { ScenariosSheet(book: book, comparison: comparison).build() })) }
        if let simulation { builders.append((Self.simulationSheet, 40, { SimulationSheet(book: book, result: simulation).build() })) }
        if let changes { builders.append((ChangesSheet.name, changes.changes.count + 4, { ChangesSheet(book: book, input: changes).build() })) }
        if let deadlines { builders.append((DeadlinesSheet.name, deadlines.expectedRows, { DeadlinesSheet(book: book, input: deadlines).build() })) }
        if streaming {
            model.sheets = builders.enumerated().map { i, builder in
                var sheet = SheetModel.pending(builder.name, expectedRows: builder.rows, builder.build)
                sheet.buildEarly = i >= afterOperations
                return sheet
            }
        } else {
            model.sheets = Concurrent.map(builders, minimumChunk: 1) { $0.build() }
            for i in model.sheets.indices { model.sheets[i].materialise() }
        }
        if sheets.contains(.synthese) || sheets.contains(.graphiques) { model.definedNames = synthesis.definedNames }
        if book.operationSheets != nil { model.definedNames += ParametersSheet.paymentShareNames(plans) }
        if let name = book.fctvaRateName {
            model.definedNames.append(
                (name, "=\(A1.sheet(Self.parametersSheet))!\(A1.cell(ParametersSheet.fctvaRateRow, ParametersSheet.Column.value, absolute: true))"))
        }
        return model
    }

    // MARK: Shared helpers

    /// A sheet opening as every sheet of the workbook does: its title, a subtitle under it (both
    /// merged up to `lastColumn`), a blank row; the programme's and the sheet's names in the
    /// printed header, the common footer.
    func newSheet(_ name: String, title: String, subtitle: String, lastColumn: Int) -> SheetModel {
        var sheet = SheetModel(name: name)
        sheet.append([.text(title + (scenarioTitle.map { " — scénario : \($0)" } ?? ""), .title)])
        sheet.append([.text(subtitle, .subtitle)])
        sheet.skip()
        sheet.merges = [CellRange(0, 0, 0, lastColumn), CellRange(1, 0, 1, lastColumn)]
        sheet.header = header(name)
        sheet.footer = footer
        return sheet
    }

    func header(_ sheet: String) -> String {
        "&L\(escape(plans.programme.name))&R\(scenarioTitle.map { "SCÉNARIO : \(escape($0)) · " } ?? "")\(escape(sheet))"
    }

    /// The owners the simulation finds over their self-financing capacity in at least half the
    /// draws, in a sentence for the Synthèse and the Contrôles; nil without such a risk.
    var risks: String? {
        guard let simulation else { return nil }
        let found = simulation.owners.filter { $0.owner != nil && simulation.probability($0.capacityExceeded) >= Rate(percent: 50) }
        guard !found.isEmpty else { return nil }
        let named = found.map { s in
            "\(s.owner.flatMap { plans.programme.maitreOuvrage($0)?.name } ?? s.owner ?? "programme") dans \(simulation.probability(s.capacityExceeded).formatted) des tirages"
        }
        return "RISQUE (simulation, \(simulation.draws) tirages) : besoin de trésorerie au-delà de l'épargne nette disponible pour "
            + named.joined(separator: " ; ") + " (voir la feuille Simulation)."
    }

    /// "Comité régional des financeurs", with its date when the programme gives it.
    var committee: String { "Comité régional des financeurs" + (plans.programme.committeeDay.map { " du \($0.formatted)" } ?? "") }

    /// A plan file's path inside the plans folder (`operations/ecole-blade.yaml`), never a path of
    /// the machine that exported it.
    func planFile(_ path: String) -> String { PlanFiles(plansFolder).relative(path) }

    /// Plan files' paths inside a plans folder, the folder's prefix worked out once (a sheet
    /// names thousands of files).
    struct PlanFiles {
        /// `folder/`, or nil without a folder.
        let prefix: String?

        init(_ folder: String?) {
            guard var folder else {
                prefix = nil
                return
            }
            while folder.hasSuffix("/") && folder.count > 1 { folder.removeLast() }
            prefix = folder + "/"
        }

        func relative(_ path: String) -> String {
            guard let prefix else { return path }
            var relative = path
            if relative.hasPrefix(prefix) { relative.removeFirst(prefix.count) }
            while relative.hasPrefix("./") { relative.removeFirst(2) }
            return relative
        }
    }

    /// Operations' intitulés by id (build it once per sheet: it walks the plans).
    var operationTitles: [String: String] { Dictionary(plans.operations.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a }) }

    /// Words that do not end a tab's name.
    private static let weakEndings: Set<String> = ["de", "du", "des", "la", "le", "les", "l'", "d'", "dans", "en", "et", "à", "au", "aux", "pour", "sur", "–", "-"]

    /// A short tab name from an operation's intitulé: what comes before a dash, a colon or a
    /// parenthesis, cut after a whole word within 28 characters (room for a "~2"), without a dangling "de".
    public static func tabName(_ title: String) -> String {
        var text = Substring(title)
        if text.isEmpty { return "Opération" }
        let separators = [" – ", " — ", " - ", ":", "(", ","]
        var i = text.index(after: text.startIndex)
        while i < text.endIndex {
            // A separator begins with one of these characters: the others are passed at once.
            let c = text[i]
            if c == " " || c == ":" || c == "(" || c == ",", separators.contains(where: { text[i...].hasPrefix($0) }) {
                text = text[..<i]
                break
            }
            i = text.index(after: i)
        }
        var words: [Substring] = []
        var length = 0
        for word in text.split(separator: " ") {
            let added = (words.isEmpty ? 0 : 1) + word.count
            if length + added > 28 { break }
            words.append(word)
            length += added
        }
        while words.count > 1, let last = words.last, weakEndings.contains(last.lowercased()) { words.removeLast() }
        if words.isEmpty { return String(text.prefix(28)) }
        return words.joined(separator: " ")
    }
    var footer: String { "&LMaquette – plans de financement&CPage &P sur &N&Rétabli le \(created.formatted)" }
    private func escape(_ s: String) -> String { s.replacingAll("&", "&&") }

    static func countsAs(_ line: ResolvedFunding) -> String {
        if line.isPublicAid { return WorkbookLabels.CountsAs.publicAid }
        if line.nature.isOwnersShare { return WorkbookLabels.CountsAs.ownersShare }
        return WorkbookLabels.CountsAs.other
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
