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

    func validate() throws {
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
        let bar = ProgressBar(total: 1, label: "Lecture")
        let loaded = PlanLoader.load(folder: location.folder) { bar.update($0, of: $1) }.applying(scenario: scenario)
        bar.finish()
        var (diagnostics, figures) = check(loaded)
        var operations = loaded.plans?.operations.count ?? 0
        if let p = loaded.plans, let id = try location.operationID(in: p) {
            // The rules look at the whole programme (envelopes are shared); only what concerns
            // the operation (an envelope it draws on), or is written in its file, is shown.
            let file = p.operations.first { $0.id == id }?.location?.file
            diagnostics = diagnostics.filter {
                $0.operation == id || ($0.operation == nil && ((file != nil && $0.location?.file == file) || $0.concerns.contains(id)))
            }
            figures = figures.filter { $0.operation.id == id }
            operations = 1
        }
        switch format {
        case .texte:
            Console.out(text(of: diagnostics, loaded, operations: operations))
        case .json:
            Console.out(JSONReport.render(diagnostics: diagnostics, figures: figures, programme: loaded.plans?.programme) + "\n")
        }
        // Everything is said: leave without freeing the plans and figures one by one (a third of
        // a second at 50 000 operations).
        if loaded.plans == nil || loaded.hasReadErrors { ExitStatus.unreadable.exit() }
        let errors = diagnostics.contains { $0.severity == .erreur }
        let warnings = diagnostics.contains { $0.severity == .avertissement }
        (errors || (strict && warnings) ? ExitStatus.ruleBroken : .success).exit()
    }
}

extension CheckCommand {
    /// The read diagnostics and those of the rules, sorted, with the figures they were made from.
    func check(_ loaded: LoadResult) -> (diagnostics: [Diagnostic], figures: [OperationFigures]) {
        guard let plans = loaded.plans else { return (loaded.diagnostics, []) }
        let figures = Financing.figures(of: plans)
        let diagnostics = loaded.diagnostics + Rules.check(plans, figures: figures, only: onlyRules, skip: skippedRules)
        return (diagnostics.sorted(by: Diagnostic.ordered), figures)
    }

    /// The diagnostics as text, then the summary line.
    func text(of diagnostics: [Diagnostic], _ loaded: LoadResult, operations: Int? = nil) -> String {
        let printer = DiagnosticPrinter(sources: loaded.sources, colour: DiagnosticPrinter.terminalSupportsColour(STDOUT_FILENO))
        var text = ""
        for rendered in printer.render(diagnostics) { text += rendered + "\n" }
        if let p = loaded.plans {
            text += DiagnosticPrinter.summary(diagnostics, operations: operations ?? p.operations.count, strict: strict) + "\n"
        } else {
            text += "Les plans ne peuvent pas être lus : corrigez les erreurs ci-dessus.\n"
        }
        return text
    }

    /// Re-checks whenever a file of the plans folder changes, re-reading only what changed.
    func watchLoop(_ folder: String) throws {
        let cache = ParseCache()
        var lastSignature: [String: Date] = [:]
        while true {
            let signature = Self.signature(of: folder)
            if signature != lastSignature {
                lastSignature = signature
                let start = DispatchTime.now().uptimeNanoseconds
                let loaded = PlanLoader.load(folder: folder, cache: cache).applying(scenario: scenario)
                var text = text(of: check(loaded).diagnostics, loaded)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let reread = French.count(cache.lastParsed, "fichier d'opération relu", "fichiers d'opération relus")
                text += "Revérifié en \(String(format: "%.2f", seconds).replacingOccurrences(of: ".", with: ",")) s (\(reread)). En attente de modifications…\n"
                Console.out(text)
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
    }

    /// Modification dates of the plan files.
    static func signature(of folder: String) -> [String: Date] {
        let fm = FileManager.default
        var out: [String: Date] = [:]
        for sub in ["", "/operations", "/scenarios"] {
            let dir = folder + sub
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let path = "\(dir)/\(name)"
                out[path] = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date.distantPast
            }
        }
        return out
    }
}
