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
        abstract: "Vérifie que chaque plan est équilibré et respecte les règles de financement.",
        discussion: """
            Affiche chaque problème sous la forme `fichier:ligne:colonne: erreur: [règle] message`, \
            avec l'extrait du fichier et la correction proposée.
            Sortie : 0 sans erreur (avertissements permis), 1 si une règle n'est pas respectée, \
            2 si les plans sont illisibles.
            """,
        aliases: ["check"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario à appliquer aux plans (Plans/scenarios/ID.yaml).")
    var scenario: String?

    @Option(name: .long, help: "Format de sortie : texte ou json.")
    var format: OutputFormat = .texte

    @Flag(name: .long, help: "Les avertissements font aussi échouer la vérification.")
    var strict = false

    @Option(name: .customLong("seulement"), parsing: .upToNextOption, help: "Ne vérifier que ces règles (identifiants).")
    var only: [String] = []

    @Option(name: .customLong("sauf"), parsing: .upToNextOption, help: "Ne pas vérifier ces règles (identifiants).")
    var skip: [String] = []

    func validate() throws {
        for id in only + skip where Rules.rule(id) == nil {
            throw ValidationError("règle inconnue « \(id) » ; `maquette regles` les liste toutes")
        }
    }

    func run() throws {
        let loaded = PlanLoader.load(folder: plans.dossier).applying(scenario: scenario)
        var diagnostics = loaded.diagnostics
        var figures: [OperationFigures] = []
        if let plansValue = loaded.plans {
            figures = Financing.figures(of: plansValue)
            diagnostics += Rules.check(plansValue, figures: figures, only: Set(only), skip: Set(skip))
            diagnostics.sort(by: Diagnostic.ordered)
        }
        switch format {
        case .texte:
            var printer = DiagnosticPrinter(sources: loaded.sources, colour: DiagnosticPrinter.terminalSupportsColour(STDOUT_FILENO))
            var text = ""
            for d in diagnostics { text += printer.render(d) + "\n" }
            if let p = loaded.plans {
                text += DiagnosticPrinter.summary(diagnostics, operations: p.operations.count) + "\n"
            } else {
                text += "Les plans ne peuvent pas être lus : corrigez les erreurs ci-dessus.\n"
            }
            Console.out(text)
        case .json:
            Console.out(JSONReport.render(diagnostics: diagnostics, figures: figures, programme: loaded.plans?.programme) + "\n")
        }
        if loaded.plans == nil || loaded.hasReadErrors { throw ExitCodes.unreadable }
        let errors = diagnostics.contains { $0.severity == .erreur }
        let warnings = diagnostics.contains { $0.severity == .avertissement }
        if errors || (strict && warnings) { throw ExitCodes.ruleBroken }
    }
}

/// Writes to standard output in one go.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
