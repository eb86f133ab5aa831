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

/// `maquette tresorerie`: the year-by-year cash view per maître d'ouvrage.
struct TreasuryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tresorerie",
        abstract: "Trésorerie année par année de chaque maître d'ouvrage : dépenses TTC, subventions reçues, FCTVA, emprunts, portage foncier et son rachat, besoin de trésorerie.",
        discussion: """
            Versements des subventions : avance, acomptes au prorata des dépenses HT (plafonnés), solde l'année \
            qui suit la dernière dépense (paramètres datés du catalogue). FCTVA en N, N+1 ou N+2 selon le régime. \
            Avertit quand le besoin de trésorerie cumulé dépasse l'épargne nette disponible déclarée dans programme.yaml.
            """,
        aliases: ["treasury"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario à appliquer aux plans.")
    var scenario: String?

    func run() throws {
        let (_, p) = try loadPlans(plans.dossier, scenario: scenario)
        let figures = Financing.figures(of: p)
        let (owners, programme) = Treasury.tables(figures, plans: p)
        var out = "Trésorerie — \(p.programme.name)\(scenario.map { " — scénario \($0)" } ?? "")\n"
        for table in owners + [programme] {
            let name = table.owner.flatMap { p.programme.maitreOuvrage($0)?.name } ?? "Ensemble du programme"
            out += "\n\(name)\n"
            var t = TextTable(
                ["Année", "Dépenses TTC", "Subventions reçues", "FCTVA reçu", "Emprunts", "Portage foncier", "Rachat du portage", "Autres recettes", "Besoin de l'année", "Besoin cumulé"],
                [.left, .right, .right, .right, .right, .right, .right, .right, .right, .right])
            for (y, cumulated) in zip(table.years, table.cumulatedNeed) {
                t.add([
                    String(y.year), y.spendingTTC.formatted, y.subsidies.formatted, y.fctva.formatted, y.loans.formatted,
                    y.landCarrying.formatted, y.landBuyBack.formatted, y.otherReceipts.formatted, y.need.formatted, cumulated.formatted,
                ])
            }
            out += t.render()
            out += "Pointe du besoin de trésorerie cumulé : \(table.peakNeed)\n"
        }
        let warnings = Treasury.capacityWarnings(owners, plans: p)
        if !warnings.isEmpty {
            out += "\n"
            for w in warnings { out += "avertissement: [\(w.rule)] \(w.message)\n  = \(w.notes.joined(separator: "\n  = "))\n" }
        }
        Console.out(out)
    }
}

/// `maquette simuler`: Monte-Carlo on the uncertain grants.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simuler",
        abstract: "Simulation de Monte-Carlo des aides incertaines (envisagées, sollicitées) : part du maître d'ouvrage, règles, trésorerie.",
        discussion: """
            Chaque ligne envisagée ou sollicitée est accordée avec sa probabilité (`probabilite` de la ligne, \
            sinon du dispositif dans financeurs.yaml, sinon probabilite-envisage / probabilite-sollicite), à un taux \
            tiré dans sa fourchette (`taux: 25 % .. 35 %`). Même graine, même résultat.
            """,
        aliases: ["simulate"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Nombre de tirages.")
    var tirages: Int = 10_000

    @Option(name: .long, help: "Graine du générateur (reproductible).")
    var graine: UInt64 = 42

    @Option(name: .long, help: "Scénario à appliquer aux plans.")
    var scenario: String?

    func validate() throws {
        guard MonteCarlo.drawRange.contains(tirages) else { throw ValidationError("--tirages : entre 1 et 1 000 000") }
    }

    func run() throws {
        let (_, p) = try loadPlans(plans.dossier, scenario: scenario)
        let bar = ProgressBar(total: 1, label: "Simulation")
        let result = MonteCarlo(plans: p).run(draws: tirages, seed: graine) { bar.update($0, of: $1) }
        bar.finish()
        Console.out(SimulationReport.text(result, plans: p, scenario: scenario))
    }
}

enum SimulationReport {
    static func text(_ r: MonteCarlo.Result, plans p: Plans, scenario: String?) -> String {
        var out = "Simulation de Monte-Carlo — \(p.programme.name)\(scenario.map { " — scénario \($0)" } ?? "")\n"
        out += "\(r.draws) tirages, graine \(r.seed) ; \(r.uncertain.count) lignes incertaines.\n\n"
        var t = TextTable(
            ["Maître d'ouvrage", "Part MO moyenne", "P10", "P50", "P90", "Part minimale enfreinte", "Une règle enfreinte", "Épargne nette dépassée"],
            [.left, .right, .right, .right, .right, .right, .right, .right])
        for s in r.owners + [r.programme] {
            t.add([
                s.owner.flatMap { p.programme.maitreOuvrage($0)?.name } ?? "Ensemble du programme", s.ownersShare.mean.formatted,
                s.ownersShare.p10.formatted, s.ownersShare.p50.formatted, s.ownersShare.p90.formatted,
                r.probability(s.ownersShareRuleBreaks).formatted(decimals: 1), r.probability(s.anyRuleBreaks).formatted(decimals: 1),
                r.probability(s.capacityExceeded).formatted(decimals: 1),
            ])
        }
        out += t.render()
        out += "\nLignes qui pèsent le plus (manque attendu = (1 − probabilité) × montant) :\n"
        var lines = TextTable(["Opération", "Dispositif", "Montant", "Probabilité", "Manque attendu"], [.left, .left, .right, .right, .right])
        for u in r.uncertain.prefix(8) {
            lines.add([u.operation, p.catalogue.dispositifs[u.dispositif]?.usualName ?? u.dispositif, u.amount.formatted, u.probability.formatted, u.expectedShortfall.formatted])
        }
        out += lines.render()
        return out
    }
}

/// A progress bar on standard error, only when it is a terminal. Updated from any thread (the
/// reader and the Monte-Carlo report progress from their workers), one update at a time.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Int
    let label: String
    let enabled: Bool
    private var shown = -1
    private var started = false

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1 && total > 0
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

    private func draw(_ done: Int) {
        guard enabled else { return }
        started = true
        // Totals announced ahead may be a little short: never past 100 %.
        let percent = min(100, done * 100 / max(1, total))
        guard percent != shown else { return }
        shown = percent
        let width = 30
        let filled = percent * width / 100
        Console.err("\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(percent) %")
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if enabled && started { Console.err("\n") }
    }
}

/// `maquette comparer`: the base and scenarios side by side, or (`--depuis REF`) what changed
/// since a former version of the plans.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comparer",
        abstract: "Compare le plan de base et des scénarios, ou (--depuis) les plans d'aujourd'hui avec ceux d'un comité précédent.",
        discussion: """
            Exemples : maquette comparer base dsil-refusee-halle travaux-decales
                       maquette comparer --depuis comite-2026-06 Plans
            Avec --depuis, REF est une révision git du dépôt des plans (étiquette, HEAD~1, @{2026-06-15}), lue sans \
            toucher aux fichiers, ou un dossier de plans (un dossier existant l'emporte). Les changements sont classés \
            du plus grand écart en euros au plus petit. Une référence introuvable sort avec le code 64.
            """,
        aliases: ["compare"]
    )

    @Option(name: .long, help: "Dossier des plans (comparaison de scénarios).")
    var dossier: String = "Plans"

    @Option(name: .long, help: ArgumentHelp("Révision git ou dossier de plans de référence : compare les plans d'aujourd'hui avec cette version.", valueName: "REF"))
    var depuis: String?

    @Option(name: .long, help: "Format de sortie avec --depuis : texte, json ou csv (csv pour Excel : point-virgule, virgule décimale).")
    var format: ChangesFormat = .texte

    @Argument(help: "`base` et des identifiants de scénarios ; avec --depuis, le dossier des plans (Plans par défaut).")
    var variantes: [String] = []

    func validate() throws {
        if depuis != nil {
            guard variantes.count <= 1 else { throw ValidationError("avec --depuis, donnez au plus un dossier de plans, par exemple `maquette comparer --depuis HEAD~1 Plans`") }
            return
        }
        guard format == .texte else { throw ValidationError("--format \(format.rawValue) ne s'emploie qu'avec --depuis") }
        guard variantes.count >= 2 else { throw ValidationError("donnez au moins deux variantes, par exemple `base dsil-refusee-halle`") }
    }

    func run() throws {
        if let depuis { return try compare(since: depuis, folder: variantes.first ?? dossier) }
        let base = PlanLoader.load(folder: dossier)
        var variants: [(id: String, title: String, plans: Plans)] = []
        for id in variantes {
            let scenario = id == "base" ? nil : id
            let (_, p) = try loadPlans(dossier, scenario: scenario)
            variants.append((id, base.scenarios.first { $0.id == id }?.title ?? "Plan de base", p))
        }
        Console.out(ComparisonReport.text(Comparison(variants), plans: variants[0].plans))
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
    }
}

enum ComparisonReport {
    static func text(_ c: Comparison, plans p: Plans) -> String {
        func signed(_ m: Money) -> String { m.isNegative || m.isZero ? m.formatted : "+" + m.formatted }
        var out = "Comparaison — \(c.columns.map { "\($0.id) (\($0.title))" }.joined(separator: " ; "))\n"
        let base = c.columns[0]
        for (title, pick) in [
            ("Aides publiques", { (f: Comparison.Figures) in f.publicAid }), ("Part du maître d'ouvrage", { (f: Comparison.Figures) in f.ownersShare }),
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
            var t = TextTable(header, alignments)
            func row(_ label: String, _ figures: (Comparison.Column) -> Comparison.Figures?) {
                var cells = [label]
                let reference = figures(base).map(pick) ?? .zero
                for (i, col) in c.columns.enumerated() {
                    let value = figures(col).map(pick) ?? .zero
                    cells.append(value.formatted)
                    if i > 0 { cells.append(signed(value - reference)) }
                }
                t.add(cells)
            }
            for id in c.operations { row(id) { $0.operations[id] } }
            t.separate()
            for id in c.owners { row(p.programme.maitreOuvrage(id)?.name ?? id) { $0.owners[id] } }
            row("Ensemble du programme") { $0.programme }
            out += t.render()
        }
        out += "\nPointe du besoin de trésorerie cumulé et règles enfreintes\n"
        var t = TextTable(["Maître d'ouvrage"] + c.columns.flatMap { ["\($0.id) : pointe", "règles"] }, [.left] + c.columns.flatMap { _ in [TextTable.Alignment.right, .right] })
        for id in c.owners {
            t.add([p.programme.maitreOuvrage(id)?.name ?? id] + c.columns.flatMap { [($0.owners[id]?.treasuryPeak ?? .zero).formatted, String($0.owners[id]?.brokenRules ?? 0)] })
        }
        t.add(["Ensemble du programme"] + c.columns.flatMap { [$0.programme.treasuryPeak.formatted, String($0.programme.brokenRules)] })
        out += t.render()
        return out
    }
}
