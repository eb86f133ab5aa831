import ArgumentParser
import MaquetteCore

/// `maquette regles`: the rules with their ids and references.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regles",
        abstract: "Liste les règles vérifiées et leurs références.",
        discussion: "Liste les règles vérifiées, avec leur identifiant et leur référence.",
        aliases: ["rules"]
    )

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    func run() throws {
        var table = TextTable(["Identifiant", "Règle", "Référence"], [.left, .left, .left], name: "regles")
        for rule in Rules.all { table.add([rule.id.rawValue, rule.title, rule.reference]) }
        guard format == .texte else {
            var report = ReportOutput(command: "regles", programme: nil, scenario: nil)
            report.tables = [table]
            return Console.out(report.render(format))
        }
        Console.out(table.render())
    }
}
