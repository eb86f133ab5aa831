import ArgumentParser

/// The `maquette` command: plan, check and export the financing of a programme's operations.
public struct Maquette: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "maquette",
        abstract: "Plans de financement des opérations Petites villes de demain : vérifier, afficher, exporter.",
        discussion: ExitStatus.helpText + "\nGuide : docs/guide-utilisateur.md",
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
