import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case texte
    case json
}

/// `maquette verifier`: reads the plans and checks every rule.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier",
        abstract: "Vérifie les plans et les règles de financement.",
        discussion: """
            Vérifie que chaque plan est équilibré et respecte les règles de financement.

            Affiche chaque problème sous la forme `fichier:ligne:colonne: erreur: [règle] message`, \
            avec l'extrait du fichier et la correction proposée.
            Sortie : 0 sans erreur (avertissements permis), 1 si une règle n'est pas respectée, \
            2 si les plans sont illisibles.
            """,
        aliases: ["check"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario à appliquer aux plans (Plans/scenarios/ID.yaml).", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: .long, help: "Format de sortie : texte ou json.")
    var format: OutputFormat = .texte

    @Flag(name: .long, help: "Les avertissements font aussi échouer la vérification.")
    var strict = false

    @Option(name: .customLong("seulement"), parsing: .upToNextOption, help: "Ne vérifier que ces règles (identifiants, séparés par des espaces ou des virgules).", completion: Completions.rules)
    var only: [String] = []

    @Option(name: .customLong("sauf"), parsing: .upToNextOption, help: "Ne pas vérifier ces règles (identifiants, séparés par des espaces ou des virgules).", completion: Completions.rules)
    var skip: [String] = []

    @Flag(name: .customLong("surveiller"), help: "Revérifie à chaque modification d'un fichier (Ctrl-C pour arrêter) ; seuls les fichiers modifiés sont relus.")
    var watch = false

    @Flag(name: .customLong("sondage"), help: "Avec --surveiller : compare les dates des fichiers toutes les 0,3 s au lieu des notifications du système (dossier partagé en réseau).")
    var polling = false

    func validate() throws {
        if polling && !watch { throw ValidationError("--sondage ne s'emploie qu'avec --surveiller") }
        // Given but holding no rule (`--seulement ,`): a slip, not « every rule ».
        for (option, written) in [("--seulement", only), ("--sauf", skip)] where !written.isEmpty && Self.ruleIDs(written).isEmpty {
            throw ValidationError("\(option) : liste vide ; donnez au moins une règle, par exemple `\(option) equilibre`, ou omettez l'option")
        }
        for id in Self.ruleIDs(only + skip) where DiagnosticID(rawValue: id).flatMap(Rules.rule) == nil {
            throw ValidationError("règle inconnue « \(id) » ; `maquette regles` les liste toutes")
        }
    }

    /// The ids written after `--seulement` / `--sauf`, as separate words or `a,b` lists.
    static func ruleIDs(_ written: [String]) -> [String] {
        written.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var onlyRules: Set<DiagnosticID> { Set(Self.ruleIDs(only).compactMap(DiagnosticID.init(rawValue:))) }
    var skippedRules: Set<DiagnosticID> { Set(Self.ruleIDs(skip).compactMap(DiagnosticID.init(rawValue:))) }

    func run() throws {
        let location = try plans.resolve()
        if watch { return try watchLoop(location.folder) }
        let clock = PhaseClock()
        let bar = ProgressBar(total: 1, label: "Lecture")
        let loaded = PlanLoader.load(folder: location.folder) { bar.update($0, of: $1) }.applying(scenario: scenario)
        bar.finish()
        clock.lap("lecture")
        var (diagnostics, figures) = check(loaded, clock: clock)
        var operations = loaded.plans?.operations.count ?? 0
        if let p = loaded.plans, let id = try location.operationID(in: p) {
            // The rules look at the whole programme (envelopes are shared); only what concerns
            // the operation (an envelope it draws on), or is written in its file, is shown.
            let files = Set(p.operations.filter { $0.id == id }.compactMap { $0.location?.file })
            diagnostics = diagnostics.filter { $0.isShown(restrictedTo: [id], files: files) }
            figures = figures.filter { $0.operation.id == id }
            operations = 1
        }
        switch format {
        case .texte:
            let parts = textParts(of: diagnostics, loaded, operations: operations)
            clock.lap("rendu")
            for part in parts { Console.out(part) }
        case .json:
            Console.out(JSONReport.render(diagnostics: diagnostics, figures: figures, programme: loaded.plans?.programme) + "\n")
        }
        clock.lap("sortie")
        clock.report(loading: loaded.timings)
        // Everything is said: leave without freeing the plans and figures one by one (a third of
        // a second at 50 000 operations).
        if loaded.plans == nil || loaded.hasReadErrors { ExitStatus.unreadable.exit(keeping: loaded, diagnostics, figures) }
        let errors = diagnostics.contains { $0.severity == .erreur }
        let warnings = diagnostics.contains { $0.severity == .avertissement }
        (errors || (strict && warnings) ? ExitStatus.ruleBroken : .success).exit(keeping: loaded, diagnostics, figures)
    }
}

extension CheckCommand {
    /// The read diagnostics and those of the rules, sorted, with the figures they were made from.
    func check(_ loaded: LoadResult, clock: PhaseClock? = nil) -> (diagnostics: [Diagnostic], figures: [OperationFigures]) {
        guard let plans = loaded.plans else { return (loaded.diagnostics, []) }
        let (found, figures) = Rules.figuresAndCheck(plans, only: onlyRules, skip: skippedRules)
        clock?.lap("chiffres+regles")
        defer { clock?.lap("tri") }
        // The rules' findings come sorted: merged with the reader's, not sorted again.
        return (Diagnostic.merged(Diagnostic.inOrder(loaded.diagnostics), found), figures)
    }

    /// The diagnostics as text, then the summary line.
    func text(of diagnostics: [Diagnostic], _ loaded: LoadResult, operations: Int? = nil) -> String {
        textParts(of: diagnostics, loaded, operations: operations).joined()
    }

    /// ``text(of:_:operations:)`` in a few parts, written one after the other (megabytes for a
    /// large programme, not copied into one).
    func textParts(of diagnostics: [Diagnostic], _ loaded: LoadResult, operations: Int? = nil) -> [String] {
        let printer = DiagnosticPrinter(sources: loaded.sources, colour: DiagnosticPrinter.terminalSupportsColour(STDOUT_FILENO))
        var parts = printer.renderBlocks(diagnostics)
        if let p = loaded.plans {
            parts.append(DiagnosticPrinter.summary(diagnostics, operations: operations ?? p.operations.count, strict: strict) + "\n")
        } else {
            parts.append("Les plans ne peuvent pas être lus : corrigez les erreurs ci-dessus.\n")
        }
        return parts
    }

    /// Re-checks whenever a file of the plans folder changes: the first check prints everything,
    /// each re-check what appeared and what went away since the previous one, then the totals.
    ///
    /// The time said covers the re-check from the moment the change is known (the file events
    /// read, see ``FolderWatcher``) to the text ready: reading the changed files, putting the plans
    /// together, the rules, the comparison with the previous check and the formatting.
    func watchLoop(_ folder: String) throws {
        // Watching starts before the first read: an edit saved while it runs is not missed.
        let watcher = FolderWatcher(folder: folder, polling: polling)
        var start = DispatchTime.now().uptimeNanoseconds
        let watched = WatchedPlans(folder: folder, scenario: scenario, only: onlyRules, skip: skippedRules)
        // The phases of each check on standard error with MAQUETTE_TIMINGS: the load's and the
        // rules' (``WatchedPlans/timings``, ``WatchedPlans/ruleTimings``), then the report's.
        var clock = PhaseClock()
        var previous: [Diagnostic] = []
        // What the rules said at the last check of readable plans: while the plans cannot be
        // read the rules do not run, and their problems are neither corrected nor new.
        var ruleBaseline: [Diagnostic] = []
        var number = 0
        let colour = DiagnosticPrinter.terminalSupportsColour(STDOUT_FILENO)
        while true {
            number += 1
            let current = watched.diagnostics
            let readable = watched.loaded.plans != nil
            let previousRead = previous.filter { $0.stage == .lecture }
            let report =
                readable
                ? WatchReport(previous: Diagnostic.merged(previousRead, ruleBaseline), current: current)
                : WatchReport(previous: previousRead, current: current.filter { $0.stage == .lecture })
            if readable { ruleBaseline = current.filter { $0.stage != .lecture } }
            let operations = watched.loaded.plans?.operations.count ?? 0
            var text = ""
            if format == .json {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                text = JSONReport.watchLine(number: number, report, all: current, operations: operations, seconds: seconds) + "\n"
            } else if number == 1 {
                text = self.text(of: current, watched.loaded)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let read = French.count(watched.reparsed, "fichier d'opération lu", "fichiers d'opération lus")
                text += "Vérifié en \(WatchReport.seconds(seconds)) s (\(read)). En attente de modifications (\(watcher.method), Ctrl-C pour arrêter)…\n"
            } else {
                let printer = DiagnosticPrinter(sources: watched.loaded.sources, colour: colour)
                text = "\n"
                for rendered in printer.render(report.appeared) { text += rendered + "\n" }
                for d in report.gone { text += WatchReport.corrected(d, colour: colour) }
                let totals =
                    watched.loaded.plans == nil
                    ? "les plans ne peuvent pas être lus : corrigez les erreurs de lecture."
                    : DiagnosticPrinter.summary(current, operations: operations, strict: strict)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let read = French.count(watched.reparsed, "fichier relu", "fichiers relus")
                text += WatchReport.closing(report, totals: totals, seconds: seconds) + " (\(read)).\n"
            }
            Console.out(text)
            clock.lap("rapport")
            clock.report(loading: watched.timings, checking: watched.ruleTimings)
            previous = current
            let change = watcher.next()
            start = DispatchTime.now().uptimeNanoseconds
            switch change {
            case .everything: watched.reloadAll()
            case .operationFiles(let paths): watched.update(operationFiles: paths)
            }
            clock = PhaseClock()
        }
    }
}
