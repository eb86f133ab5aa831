import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans

/// `maquette exporter`: the workbook for the Comité régional des financeurs.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract: "Écrit le classeur Excel du comité des financeurs.",
        discussion: """
            Écrit le classeur Excel du comité des financeurs : Synthèse, une feuille par opération, Financeurs, \
            Demandes, Échéancier, Calendrier, Contrôles, Graphiques, Paramètres, Échéances (et Évolutions avec --depuis).

            Par défaut : Exports/<programme>.xlsx. Le classeur est écrit même si des règles sont \
            enfreintes (la feuille Contrôles le dit) ; il ne l'est pas si les plans sont illisibles \
            (code 2). L'écriture est atomique : en cas d'échec, le classeur précédent reste intact. \
            Le classeur est daté de --date, sinon de SOURCE_DATE_EPOCH (aussi sa date de création : \
            les mêmes plans donnent le même fichier, octet pour octet), sinon d'aujourd'hui. \
            Avec --scenario, le nom par défaut est <programme>-<scénario>.xlsx.
            """,
        aliases: ["export"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Fichier .xlsx ou dossier de destination.")
    var output: String?

    @Option(name: .long, help: "Opérations à exporter, séparées par des virgules (par défaut : toutes).")
    var operations: String?

    @Option(name: .long, help: "Scénario (répétable) : le premier est montré dans les feuilles, tous sont comparés au plan de base dans la feuille Scénarios.")
    var scenario: [String] = []

    @Option(name: .long, help: "Ajoute une feuille Simulation de Monte-Carlo avec ce nombre de tirages.")
    var tirages: Int?

    @Option(name: .long, help: "Graine de la simulation.")
    var graine: UInt64 = 42

    @Option(name: .long, help: "Date du classeur, JJ/MM/AAAA ou AAAA-MM-JJ (par défaut : SOURCE_DATE_EPOCH, sinon aujourd'hui).")
    var date: String?

    @Option(name: .long, help: "Feuilles à écrire, séparées par des virgules, parmi synthese, operations, financeurs, demandes, echeancier, calendrier, controles, graphiques, echeances (par défaut : toutes ; les opérations ajoutent la feuille Paramètres).")
    var feuilles: String?

    @Option(name: .long, help: ArgumentHelp("Ajoute une feuille Évolutions : ce qui a changé depuis cette révision git ou ce dossier de plans.", valueName: "REF"))
    var depuis: String?

    static let deadlinesSheet = "echeances"

    func validate() throws {
        if let tirages, !MonteCarlo.drawRange.contains(tirages) { throw ValidationError("--tirages : entre 1 et 1 000 000") }
    }

    func run() throws {
        let given = try date.map { text in
            let day = try OptionDay.parse(text, option: "--date")
            return day
        }
        let today = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        let documentDate: DocumentDate
        switch DocumentDate.resolve(
            date: given, sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"],
            today: Day(year: today.year ?? 2000, month: today.month ?? 1, day: today.day ?? 1) ?? Day(january1: today.year ?? 2000))
        {
        case .success(let found): documentDate = found
        case .failure(let error): throw ValidationError(error.description)
        }
        // The sheets asked for, read once and before the plans (a misspelt name costs no reading).
        let chosen = try Self.sheets(feuilles)
        let clock = PhaseClock()
        let bar = ProgressBar(total: 1, label: "Lecture")
        let location = try plans.resolve()
        let base = PlanLoader.load(folder: location.folder) { bar.update($0, of: $1) }
        bar.finish()
        let loaded = base.applying(scenario: scenario.first)
        guard let p = loaded.plans else {
            DiagnosticPrinter.reportUnreadable(loaded, closing: "Les plans ne peuvent pas être lus : aucun classeur n'a été écrit.\n")
            throw ExitStatus.unreadable.code
        }
        var selected = p
        if let id = try location.operationID(in: p) { selected.operations = p.operations.filter { $0.id == id } }
        if let list = operations {
            if let id = try location.operationID(in: p) {
                throw ValidationError("l'opération « \(id) » et --operations choisissent chacune les opérations : donnez l'une ou l'autre")
            }
            let ids = try Self.list(list, option: "--operations", example: p.operations.first?.id ?? "halle-aux-grains")
            for id in ids where !p.operations.contains(where: { $0.id == id }) {
                throw ValidationError("opération inconnue « \(id) » ; opérations : \(p.operations.map(\.id).sorted().joined(separator: ", "))")
            }
            selected.operations = p.operations.filter { ids.contains($0.id) }
        }
        let destination = try destination(for: p)
        let target = destination.shown
        clock.lap("lecture")
        let figures = Financing.figures(of: selected)
        // The rules always look at the whole programme (envelopes are shared); when every
        // operation is exported, its figures are reused and every diagnostic is shown.
        let everything = selected.operations.count == p.operations.count
        // The rules' findings come sorted: merged with the reader's, not sorted again.
        let all = Diagnostic.merged(Diagnostic.inOrder(loaded.diagnostics), Rules.check(p, figures: everything ? figures : nil))
        clock.lap("règles")
        let ids = everything ? [] : Set(selected.operations.map(\.id))
        // A grant lost by a passed deadline (as `echeances` finds it on the workbook's date) is
        // shown where people look, Contrôles and the Synthèse's warnings, not only on Échéances; a
        // warning there, since `verifier` (which has no date) does not see it. So is a status
        // ahead of its dates on the workbook's day (« sollicité », the request dated later). The
        // workbook works them out operation by operation, beside the writing.
        let deadlinesSheet = chosen.deadlines
        // Restricted, the workbook shows what `verifier PLANS OPERATION` shows of its operations.
        let files = everything ? [] : Set(selected.operations.compactMap { $0.location?.file })
        let diagnostics = everything ? all : all.filter { $0.isShown(restrictedTo: ids, files: files) }
        var book = CommitteeWorkbook(plans: selected, figures: figures, diagnostics: diagnostics, date: documentDate)
        book.datedFindings = true
        book.plansFolder = plans.dossier
        if let kinds = chosen.kinds { book.sheets = kinds }
        book.scenarioTitle = scenario.first.flatMap { id in base.scenarios.first { $0.id == id }.map { "\($0.title) (\(id))" } }
        if !scenario.isEmpty, var basePlans = base.plans {
            // The operations the workbook holds, in every variant.
            func restricted(_ plans: Plans) -> Plans {
                var kept = plans
                if !everything { kept.operations = plans.operations.filter { ids.contains($0.id) } }
                return kept
            }
            basePlans = restricted(basePlans)
            var variants: [(id: String, title: String, plans: Plans)] = [("base", "Plan de base", basePlans)]
            for id in scenario {
                let (_, variant) = try loadPlans(location.folder, scenario: id)
                variants.append((id, base.scenarios.first { $0.id == id }?.title ?? id, restricted(variant)))
            }
            book.comparison = Comparison(variants)
        }
        // The Échéances sheet counts the days from the workbook's own date (`--date`, else
        // SOURCE_DATE_EPOCH, else today), as every other sheet is dated.
        // Worked out when the sheet is built, beside the writing (about one a line of funding).
        if deadlinesSheet {
            let day = documentDate.day
            let lines = figures.reduce(0) { $0 + $1.funding.count }
            let plans = selected
            book.deadlines = DeadlinesSheet.Input(today: day, expected: lines) { Deadlines.of(plans, figures: figures, today: day) }
        }
        if let depuis {
            let (title, previous) = try loadReference(depuis, folder: plans.dossier)
            book.changes = ChangesSheet.Input(reference: title, changes: PlanChanges.between(previous, p))
        }
        if let tirages {
            let bar = ProgressBar(total: 1, label: "Simulation")
            book.simulation = MonteCarlo(plans: selected).run(draws: tirages, seed: graine) { bar.update($0, of: $1) }
            bar.finish()
        }
        let model = book.build(streaming: true)
        clock.lap("modèle")
        if let dump = ProcessInfo.processInfo.environment["MAQUETTE_DUMP_CELLS"] {
            try AtomicFile.write(Data(WorkbookDump.text(model).utf8), to: dump)
            clock.reset()
        }
        // libxlsxwriter prints numbers with the C library's locale: keep it neutral.
        setlocale(LC_NUMERIC, "C")
        do {
            let writing = ProgressBar(total: 1, label: "Écriture")
            defer { writing.finish() }
            var waited = 0.0
            try AtomicFile.write(to: destination) { waited = try WorkbookRenderer.render(model, to: $0) { writing.update($0, of: $1) } }
            clock.lap("écriture")
            // Of which the writing waited for the rows' producer.
            clock.record("attente", seconds: waited)
        } catch let error as OutputError {
            Console.err("erreur : \(error)\nLe classeur précédent, s'il existait, est intact.\n")
            throw ExitStatus.cannotWrite.code
        } catch {
            var advice = ""
            if OpenFiles.exhausted(error) {
                advice =
                    "Chaque feuille garde un fichier ouvert pendant l'écriture (\(model.sheets.count) feuilles) : exportez les synthèses seules "
                    + "(`--feuilles synthese,financeurs,controles`), ou relevez la limite du système (`ulimit -n`).\n"
            }
            Console.err("erreur : le classeur « \(target) » n'a pas pu être écrit : \(error)\n\(advice)Le classeur précédent, s'il existait, est intact.\n")
            throw ExitStatus.cannotWrite.code
        }
        clock.report()
        Console.out("Classeur écrit : \(DiagnosticPrinter.visible(target, singleLine: true)) (\(selected.operations.count) opération\(selected.operations.count > 1 ? "s" : ""), \(model.sheets.count) feuille\(model.sheets.count > 1 ? "s" : "")).\n")
        let errors = diagnostics.filter { $0.severity == .erreur }.count
        if errors > 0 {
            Console.err(
                "Attention : \(errors) erreur\(errors > 1 ? "s" : "") dans les plans ; le classeur est un projet (voir la feuille Contrôles, ou `maquette verifier`).\n")
        }
        // Everything is written: leave without freeing the plans, figures and model one by one
        // (a third of a second at 50 000 operations).
        ExitStatus.success.exit()
    }

    /// The sheets `--feuilles` names (nil without the option: every sheet), and whether the
    /// Échéances sheet is among them (it is not a kind of the committee workbook's own).
    static func sheets(_ option: String?) throws -> (kinds: Set<CommitteeWorkbook.SheetKind>?, deadlines: Bool) {
        guard let option else { return (nil, true) }
        var kinds: Set<CommitteeWorkbook.SheetKind> = []
        var deadlines = false
        for name in try list(option, option: "--feuilles", example: "synthese,controles") {
            if name == deadlinesSheet {
                deadlines = true
            } else if let kind = CommitteeWorkbook.SheetKind(rawValue: name) {
                kinds.insert(kind)
            } else {
                throw ValidationError(
                    "--feuilles : feuille inconnue « \(name) » ; feuilles : \((CommitteeWorkbook.SheetKind.allCases.map(\.rawValue) + [deadlinesSheet]).joined(separator: ", "))")
            }
        }
        return (kinds, deadlines)
    }

    /// The items of a comma-separated option; an empty list is a misuse, not "nothing".
    static func list(_ text: String, option: String, example: String) throws -> [String] {
        let items = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else {
            throw ValidationError("\(option) : liste vide ; donnez au moins un élément, par exemple `\(option) \(example)`, ou omettez l'option pour tout exporter")
        }
        return items
    }

    /// The workbook's destination, accepted by the output policy: `-o` names a file, or a folder
    /// (then `<programme>.xlsx` in it); by default `Exports/<programme>.xlsx` in the current folder.
    /// `<programme>.xlsx`, or `<programme>-<scénario>.xlsx` for a workbook built on a scenario.
    private func defaultName(_ p: Plans) -> String { p.programme.id + (scenario.first.map { "-\($0)" } ?? "") + ".xlsx" }

    private func destination(for p: Plans) throws -> OutputPolicy.Destination {
        let fm = FileManager.default
        var target: String
        if let output {
            var isDirectory: ObjCBool = false
            if output.hasSuffix("/") || (fm.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue) {
                target = (output.hasSuffix("/") ? String(output.dropLast()) : output) + "/\(defaultName(p))"
            } else {
                target = output
            }
        } else {
            // From inside the plans folder (found upward), Exports/ goes beside it, never in it.
            let folder = plans.dossier
            let inside = folder == "." || folder == ".." || folder.hasPrefix("../")
            let exports = inside ? (folder == "." ? "" : folder + "/") + "../Exports" : "Exports"
            try? fm.createDirectory(atPath: exports, withIntermediateDirectories: true)
            target = "\(exports)/\(defaultName(p))"
        }
        guard target.hasSuffix(".xlsx") else { throw ValidationError("le classeur doit avoir l'extension .xlsx : « \(target) »") }
        return try OutputPolicy(plansFolder: plans.dossier).destination(target, kind: .workbook)
    }
}

/// Phase timings on standard error when MAQUETTE_TIMINGS is set (for the benchmarks): wall-clock
/// seconds, and with `report(loading:)` the CPU seconds of the whole process too (`phase=wall/cpu`).
final class PhaseClock {
    private let enabled = ProcessInfo.processInfo.environment["MAQUETTE_TIMINGS"] != nil
    private var timings = LoadTimings()

    func lap(_ name: String) {
        guard enabled else { return }
        timings.lap(name)
    }

    /// A duration measured elsewhere, reported as a phase (it is not a lap: the clock goes on).
    func record(_ name: String, seconds: Double) {
        guard enabled else { return }
        timings.laps.append(LoadTimings.Lap(name: name, seconds: seconds, cpuSeconds: 0))
    }

    /// Forgets the time spent since the last lap (work done only for the benchmark).
    func reset() {
        guard enabled else { return }
        let kept = timings.laps
        timings = LoadTimings()
        timings.laps = kept
    }

    func report() {
        guard enabled else { return }
        Console.err("temps " + timings.laps.map { "\($0.name)=\(String(format: "%.3f", $0.seconds))" }.joined(separator: " ") + "\n")
    }

    /// The loader's phases first (`lecture.fichiers=…`), then those of `checking`, then these;
    /// each `wall/cpu`.
    func report(loading: LoadTimings, checking: LoadTimings = LoadTimings()) {
        guard enabled else { return }
        let all = loading.laps.map { LoadTimings.Lap(name: "lecture.\($0.name)", seconds: $0.seconds, cpuSeconds: $0.cpuSeconds) } + checking.laps + timings.laps
        Console.err("temps " + all.map { "\($0.name)=\(String(format: "%.3f/%.3f", $0.seconds, $0.cpuSeconds))" }.joined(separator: " ") + "\n")
    }
}
