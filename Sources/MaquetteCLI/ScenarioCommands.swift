import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// Loads the plans with a scenario applied, or reports why they cannot be read (exit 2).
func loadPlans(_ folder: String, scenario: String?) throws -> (LoadResult, Plans) {
    let loaded = PlanLoader.load(folder: folder).applying(scenario: scenario)
    guard let plans = loaded.plans else {
        DiagnosticPrinter.reportUnreadable(loaded, closing: "Les plans ne peuvent pas être lus.\n")
        throw ExitStatus.unreadable.code
    }
    return (loaded, plans)
}

/// The plans of `reference` for `--depuis`: a plans folder when one exists, else a git revision
/// of the repository `folder` is in. An unknown reference is a misuse (exit 64); unreadable plans
/// at the reference are reported as such (exit 2).
func loadReference(_ reference: String, folder: String) throws -> (title: String, plans: Plans) {
    var isFolder: ObjCBool = false
    let former: LoadResult
    let title: String
    if FileManager.default.fileExists(atPath: reference, isDirectory: &isFolder), isFolder.boolValue {
        former = PlanLoader.load(folder: reference)
        title = "le dossier \(reference)"
    } else {
        switch RevisionReader.files(of: folder, at: reference) {
        case .failure(let failure): throw ValidationError(failure.message)
        case .success(let (revision, files, root)):
            former = PlanLoader.load(files: files, root: root)
            title = "la révision \(reference) (\(revision.commit.prefix(12)), \(revision.date) : « \(revision.subject) »)"
        }
    }
    guard let previous = former.plans else {
        DiagnosticPrinter.reportUnreadable(former, closing: "\nLes plans de la référence « \(reference) » ne peuvent pas être lus.\n")
        throw ExitStatus.unreadable.code
    }
    // A commit subject or a folder name is someone's text: never a terminal control sequence.
    return (DiagnosticPrinter.visible(title, singleLine: true), previous)
}

/// The plans the location names, with a scenario applied, restricted to the operation it names
/// if any (the programme's other operations left out).
func loadPlans(_ location: PlansLocation, scenario: String?) throws -> (LoadResult, Plans) {
    var (loaded, plans) = try loadPlans(location.folder, scenario: scenario)
    if let id = try location.operationID(in: plans) { plans.operations = plans.operations.filter { $0.id == id } }
    return (loaded, plans)
}

/// `maquette tresorerie`: the year-by-year cash view per maître d'ouvrage.
struct TreasuryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tresorerie",
        abstract: "Trésorerie par année de chaque maître d'ouvrage.",
        discussion: """
            Trésorerie année par année de chaque maître d'ouvrage : dépenses TTC, subventions reçues, FCTVA, emprunts, besoin de financement.

            Versements des subventions : avance, acomptes au prorata des dépenses HT (plafonnés), solde l'année \
            qui suit la dernière dépense (paramètres datés du catalogue). FCTVA en N, N+1 ou N+2 selon le régime. \
            Avertit quand le besoin de trésorerie cumulé dépasse l'épargne nette disponible déclarée dans programme.yaml.
            """,
        aliases: ["treasury"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario à appliquer aux plans.", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    func run() throws {
        let (_, p) = try loadPlans(plans.resolve(), scenario: scenario)
        let figures = Financing.figures(of: p)
        let (owners, programme) = Treasury.tables(figures, plans: p)
        var report = ReportOutput(command: "tresorerie", programme: p.programme.id, scenario: scenario)
        var out = "Trésorerie — \(p.programme.name)\(scenario.map { " — scénario \($0)" } ?? "")\n"
        for table in owners + [programme] {
            let name = table.owner.flatMap { p.programme.maitreOuvrage($0)?.name } ?? "Ensemble du programme"
            out += "\n\(name)\n"
            var t = TextTable(
                ["Année", "Dépenses TTC", "Subventions reçues", "FCTVA reçu", "Emprunts", "Portage foncier", "Rachat du portage", "Autres recettes", "Besoin de l'année", "Besoin cumulé"],
                [.left, .right, .right, .right, .right, .right, .right, .right, .right, .right], name: "tresorerie-\(table.owner ?? "programme")")
            for (y, cumulated) in zip(table.years, table.cumulatedNeed) {
                t.add([
                    .count(y.year), .money(y.spendingTTC), .money(y.subsidies), .money(y.fctva), .money(y.loans),
                    .money(y.landCarrying), .money(y.landBuyBack), .money(y.otherReceipts), .money(y.need), .money(cumulated),
                ])
            }
            // Years without any movement (before the first spending) say nothing in the terminal.
            t.hideZeroRowsInText()
            out += t.render()
            out += "Pointe du besoin de trésorerie cumulé : \(table.peakNeed)\n"
            report.tables.append(t)
            report.details.append(("pointe_besoin_cumule_\(table.owner ?? "programme")", table.peakNeed.decimalString))
        }
        let warnings = Treasury.capacityWarnings(owners, plans: p)
        if !warnings.isEmpty {
            out += "\n"
            for w in warnings { out += "avertissement: [\(w.rule)] \(w.message)\n  = \(w.notes.joined(separator: "\n  = "))\n" }
            report.notes = warnings.map { "[\($0.rule)] \($0.message)" }
        }
        Console.out(format == .texte ? out : report.render(format))
        ExitStatus.success.exit(keeping: p, figures, owners)
    }
}

/// `maquette simuler`: Monte-Carlo on the uncertain grants.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simuler",
        abstract: "Simulation de Monte-Carlo des aides incertaines.",
        discussion: """
            Simulation de Monte-Carlo des aides incertaines (envisagées, sollicitées) : part du maître d'ouvrage, règles, trésorerie.

            Chaque ligne envisagée ou sollicitée est accordée avec sa probabilité (`probabilite` de la ligne, \
            sinon du dispositif dans financeurs.yaml, sinon probabilite-envisage / probabilite-sollicite), à un taux \
            tiré dans sa fourchette (`taux: 25 % .. 35 %`). Même graine, même résultat. \
            Centiles exacts jusqu'à 4 096 montants distincts, sinon à 0,05 % près (et la simulation le dit) ; \
            la mémoire ne croît pas avec le nombre de tirages. Limitée à une opération, les autres comptent \
            dans les enveloppes partagées pour les montants de leur plan.
            """,
        aliases: ["simulate"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Nombre de tirages.")
    var tirages: Int = 10_000

    @Option(name: .long, help: "Graine du générateur (reproductible).")
    var graine: UInt64 = 42

    @Option(name: .long, help: "Scénario à appliquer aux plans.", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    func validate() throws {
        guard MonteCarlo.drawRange.contains(tirages) else { throw ValidationError("--tirages : entre 1 et 1 000 000") }
    }

    func run() throws {
        let location = try plans.resolve()
        var (_, p) = try loadPlans(location.folder, scenario: scenario)
        // One operation is simulated against what the others leave of the shared envelopes.
        let alone = try location.operationID(in: p)
        if let alone { p = p.keepingOnly(alone) }
        let bar = ProgressBar(total: 1, label: "Simulation")
        let result = MonteCarlo(plans: p).run(draws: tirages, seed: graine) { bar.update($0, of: $1) }
        bar.finish()
        var report = ReportOutput(command: "simuler", programme: p.programme.id, scenario: scenario)
        var text = SimulationReport.text(result, plans: p, scenario: scenario, into: &report)
        if alone != nil, !p.catalogue.envelopes.isEmpty {
            let note = "Opération simulée seule : dans les enveloppes partagées, les autres opérations comptent pour les montants de leur plan."
            text += "\n" + note + "\n"
            report.notes.append(note)
        }
        Console.out(format == .texte ? text : report.render(format))
        ExitStatus.success.exit(keeping: p, result)
    }
}

enum SimulationReport {
    static func text(_ r: MonteCarlo.Result, plans p: Plans, scenario: String?) -> String {
        var report = ReportOutput(command: "simuler", programme: p.programme.id, scenario: scenario)
        return text(r, plans: p, scenario: scenario, into: &report)
    }

    static func text(_ r: MonteCarlo.Result, plans p: Plans, scenario: String?, into report: inout ReportOutput) -> String {
        report.details = [
            ("tirages", String(r.draws)), ("graine", String(r.seed)), ("lignes_incertaines", String(r.uncertain.count)),
            ("centiles_exacts", r.percentilesExact ? "oui" : "non"),
        ]
        var out = "Simulation de Monte-Carlo — \(p.programme.name)\(scenario.map { " — scénario \($0)" } ?? "")\n"
        out += "\(French.count(r.draws, "tirage", "tirages")), graine \(r.seed) ; \(French.count(r.uncertain.count, "ligne incertaine", "lignes incertaines")).\n\n"
        var t = TextTable(
            ["Maître d'ouvrage", "Part MO moyenne", "P10", "P50", "P90", "Part minimale enfreinte", "Une règle enfreinte", "Épargne nette dépassée"],
            [.left, .right, .right, .right, .right, .right, .right, .right], name: "parts")
        for s in r.owners + [r.programme] {
            t.add([
                .text(s.owner.flatMap { p.programme.maitreOuvrage($0)?.name } ?? "Ensemble du programme"), .money(s.ownersShare.mean),
                .money(s.ownersShare.p10), .money(s.ownersShare.p50), .money(s.ownersShare.p90),
                .rate(r.probability(s.ownersShareRuleBreaks), decimals: 1), .rate(r.probability(s.anyRuleBreaks), decimals: 1),
                .rate(r.probability(s.capacityExceeded), decimals: 1),
            ])
        }
        out += t.render()
        if let note = r.precisionNote(name: { p.programme.maitreOuvrage($0)?.name ?? $0 }) {
            out += note + "\n"
            report.notes.append(note)
        }
        var lines = TextTable(["Opération", "Dispositif", "Montant", "Probabilité", "Manque attendu"], [.left, .left, .right, .right, .right], name: "lignes")
        for u in r.uncertain.prefix(8) {
            lines.add([.text(u.operation), .text(p.catalogue.dispositifs[u.dispositif]?.usualName ?? u.dispositif), .money(u.amount), .rate(u.probability), .money(u.expectedShortfall)])
        }
        if r.uncertain.isEmpty {
            out += "\nAucune ligne envisagée ni sollicitée : chaque tirage donne le plan tel quel.\n"
        } else {
            out += "\nLignes qui pèsent le plus (manque attendu = (1 − probabilité) × montant) :\n"
            out += lines.render()
        }
        report.tables = [t, lines]
        return out
    }
}

/// A progress bar on standard error, only when it is a terminal that can move its cursor
/// (not with `TERM=dumb`), and only for work that lasts: it appears after ``delay`` and erases
/// itself when the work ends, leaving the terminal as it was. Updated from any thread (the
/// reader and the Monte-Carlo report progress from their workers), one update at a time.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Int
    let label: String
    let enabled: Bool
    /// Work shorter than this shows no bar at all.
    let delay: Double
    private let start = DispatchTime.now().uptimeNanoseconds
    private var shown = -1
    private var started = false
    private let write: @Sendable (String) -> Void

    init(total: Int, label: String, delay: Double = 0.5, enabled: Bool? = nil, write: @escaping @Sendable (String) -> Void = { Console.err($0) }) {
        self.total = total
        self.label = label
        self.delay = delay
        self.write = write
        self.enabled = enabled ?? (total > 0 && Self.terminalCanShowIt())
    }

    /// Standard error is a terminal, and one that can move its cursor back.
    static func terminalCanShowIt(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isatty(STDERR_FILENO) == 1 else { return false }
        let term = environment["TERM"] ?? ""
        return term != "dumb" && !term.isEmpty
    }

    /// For a total known only once the work starts.
    func update(_ done: Int, of total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.total = max(1, total)
        draw(done)
    }

    func update(_ done: Int) {
        lock.lock()
        defer { lock.unlock() }
        draw(done)
    }

    private var width: Int { 30 }

    private func draw(_ done: Int) {
        guard enabled else { return }
        if !started {
            guard Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 >= delay else { return }
            started = true
        }
        // Totals announced ahead may be a little short: never past 100 %.
        let percent = min(100, done * 100 / max(1, total))
        guard percent != shown else { return }
        shown = percent
        let filled = percent * width / 100
        write("\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(percent) %")
    }

    /// Erases the bar, if it was shown.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if enabled && started {
            write("\r\(String(repeating: " ", count: label.count + width + 9))\r")
            started = false
        }
    }
}

/// `maquette comparer`: the base and scenarios side by side, or (`--depuis REF`) what changed
/// since a former version of the plans.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comparer",
        abstract: "Compare des scénarios, ou les plans depuis un comité.",
        discussion: """
            Compare le plan de base et des scénarios : aides, part du maître d'ouvrage, pointe de trésorerie, règles enfreintes.

            Exemples : maquette comparer base dsil-refusee-halle travaux-decales
                       maquette comparer Plans --depuis comite-2026-06
            Avec --depuis, REF est une révision git du dépôt des plans (étiquette, HEAD~1, @{2026-06-15}), lue sans \
            toucher aux fichiers, ou un dossier de plans (un dossier existant l'emporte). Les changements sont classés \
            du plus grand écart en euros au plus petit. Une référence introuvable sort avec le code 64.
            """,
        aliases: ["compare"]
    )

    @Option(name: .customLong("dossier"), help: .hidden)
    var deprecatedFolder: String?

    @Argument(
        help: ArgumentHelp("Dossier des plans (facultatif, comme pour les autres commandes), puis `base` et des identifiants de scénarios.", valueName: "dossier] <variantes"),
        completion: Completions.variants)
    var arguments: [String] = []

    @Option(name: .long, help: ArgumentHelp("Révision git ou dossier de plans de référence : compare les plans d'aujourd'hui avec cette version.", valueName: "REF"))
    var depuis: String?

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    /// The plans folder, when the first argument names one (a folder, or a path), and the variants.
    var split: (folder: String?, variants: [String]) {
        if let deprecatedFolder { return (deprecatedFolder, arguments) }
        guard let first = arguments.first else { return (nil, []) }
        var isDirectory: ObjCBool = false
        if depuis != nil || first.contains("/") || (FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return (first, Array(arguments.dropFirst()))
        }
        return (nil, arguments)
    }

    func validate() throws {
        if depuis != nil {
            guard split.variants.isEmpty else {
                throw ValidationError("avec --depuis, donnez au plus un dossier de plans, par exemple `maquette comparer Plans --depuis HEAD~1`")
            }
            return
        }
        guard split.variants.count >= 2 else { throw ValidationError("donnez au moins deux variantes, par exemple `base dsil-refusee-halle`") }
    }

    func run() throws {
        let (written, variantes) = split
        let dossier = try PlansLocation.resolve(written).folder
        if let depuis { return try compare(since: depuis, folder: dossier) }
        let base = PlanLoader.load(folder: dossier)
        var variants: [(id: String, title: String, plans: Plans)] = []
        for id in variantes {
            let scenario = id == "base" ? nil : id
            let (_, p) = try loadPlans(dossier, scenario: scenario)
            variants.append((id, base.scenarios.first { $0.id == id }?.title ?? "Plan de base", p))
        }
        var report = ReportOutput(command: "comparer", programme: variants[0].plans.programme.id, scenario: nil)
        let text = ComparisonReport.text(Comparison(variants), plans: variants[0].plans, into: &report)
        Console.out(format == .texte ? text : report.render(format))
        ExitStatus.success.exit(keeping: base, variants)
    }

    /// The plans today against those of `reference`: a plans folder, else a git revision.
    func compare(since reference: String, folder: String) throws {
        let (_, current) = try loadPlans(folder, scenario: nil)
        let (title, previous) = try loadReference(reference, folder: folder)
        let changes = PlanChanges.between(previous, current)
        switch format {
        case .texte: Console.out(ChangesReport.text(changes, since: title, plans: current))
        case .json: Console.out(ChangesReport.json(changes, since: title) + "\n")
        case .csv: Console.out(ChangesReport.csv(changes))
        }
        ExitStatus.success.exit(keeping: current, previous, changes)
    }
}

enum ComparisonReport {
    static func text(_ c: Comparison, plans p: Plans, into report: inout ReportOutput) -> String {
        report.details = c.columns.map { ("variante_\($0.id)", $0.title) }
        var out = "Comparaison — \(c.columns.map { "\($0.id) (\($0.title))" }.joined(separator: " ; "))\n"
        let base = c.columns[0]
        for (title, name, pick) in [
            ("Aides publiques", "aides-publiques", { (f: Comparison.Figures) in f.publicAid }),
            ("Part du maître d'ouvrage", "part-maitre-ouvrage", { (f: Comparison.Figures) in f.ownersShare }),
        ] {
            out += "\n\(title)\n"
            var header = ["Opération"]
            var alignments: [TextTable.Alignment] = [.left]
            for (i, col) in c.columns.enumerated() {
                header.append(col.id)
                alignments.append(.right)
                if i > 0 {
                    header.append("écart")
                    alignments.append(.right)
                }
            }
            var t = TextTable(header, alignments, name: name)
            func row(_ label: String, _ figures: (Comparison.Column) -> Comparison.Figures?) {
                var cells: [TextTable.Cell] = [.text(label)]
                let reference = figures(base).map(pick) ?? .zero
                for (i, col) in c.columns.enumerated() {
                    let value = figures(col).map(pick) ?? .zero
                    cells.append(.money(value))
                    // The terminal shows the sign of a rise; CSV and JSON keep the number.
                    if i > 0 { cells.append(.difference(value - reference)) }
                }
                t.add(cells)
            }
            for id in c.operations { row(id) { $0.operations[id] } }
            t.separate()
            for id in c.owners { row(p.programme.maitreOuvrage(id)?.name ?? id) { $0.owners[id] } }
            row("Ensemble du programme") { $0.programme }
            out += t.render()
            report.tables.append(t)
        }
        out += "\nPointe du besoin de trésorerie cumulé et règles enfreintes\n"
        var t = TextTable(
            ["Maître d'ouvrage"] + c.columns.flatMap { ["\($0.id) : pointe", "règles"] }, [.left] + c.columns.flatMap { _ in [TextTable.Alignment.right, .right] },
            name: "tresorerie-regles")
        for id in c.owners {
            t.add([.text(p.programme.maitreOuvrage(id)?.name ?? id)] + c.columns.flatMap { [.money($0.owners[id]?.treasuryPeak ?? .zero), .count($0.owners[id]?.brokenRules ?? 0)] })
        }
        t.add([.text("Ensemble du programme")] + c.columns.flatMap { [.money($0.programme.treasuryPeak), .count($0.programme.brokenRules)] })
        out += t.render()
        report.tables.append(t)
        return out
    }
}
