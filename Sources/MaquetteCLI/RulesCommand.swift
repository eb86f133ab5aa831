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

    func run() throws {
        var table = TextTable(["Identifiant", "Règle", "Référence"], [.left, .left, .left])
        for rule in Rules.all { table.add([rule.id.rawValue, rule.title, rule.reference]) }
        Console.out(table.render())
    }
}
