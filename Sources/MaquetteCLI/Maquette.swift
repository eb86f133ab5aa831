import ArgumentParser

/// The `maquette` command: plan, check and export the financing of a programme's operations.
public struct Maquette: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "maquette",
        abstract: "Plans de financement des opérations Petites villes de demain : vérifier, afficher, exporter.",
        discussion: """
            Codes de sortie : 0 aucun problème bloquant ; 1 une règle de financement n'est pas \
            respectée (echeances : une échéance dépassée fait perdre une aide) ; 2 les plans ne \
            peuvent pas être lus (syntaxe, types, références) ; 64 mauvaise utilisation de la \
            commande (dont une référence de comparer --depuis introuvable) ; 73 le classeur ou le \
            fichier demandé n'a pas pu être écrit.
            Guide : docs/guide-utilisateur.md
            """,
        version: "0.1.0",
        subcommands: [
            CheckCommand.self, ShowCommand.self, ExportCommand.self, TreasuryCommand.self, SimulateCommand.self, CompareCommand.self, DeadlinesCommand.self,
            OptimizeCommand.self, FixCommand.self, GenerateCommand.self,
            SchemaCommand.self, RulesCommand.self,
        ]
    )

    public init() {}
}

/// Options shared by the commands that read a plans folder.
struct PlansOptions: ParsableArguments {
    @Argument(help: "Dossier des plans (contient programme.yaml).")
    var dossier: String = "Plans"
}

/// Exit codes, documented in the user guide.
enum ExitCodes {
    static let ruleBroken = ExitCode(1)
    static let unreadable = ExitCode(2)
}
