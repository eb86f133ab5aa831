import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// `maquette regles`: the rules with their ids and references, then the dated legal parameters
/// they use, each value with the day it took effect and its text. With `--date`, only the values
/// in force that day.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regles",
        abstract: "Liste les règles vérifiées et leurs références.",
        discussion: """
            Liste les règles vérifiées, avec leur identifiant et leur référence, et l'historique daté des \
            paramètres légaux. Sans --date, chaque paramètre est donné avec toutes ses valeurs successives \
            (date d'effet, valeur, texte). Avec --date (JJ/MM/AAAA ou AAAA-MM-JJ), seules les valeurs en vigueur ce jour-là. \
            Avec un dossier de plans, les paramètres de son financeurs.yaml remplacent ceux du catalogue intégré.
            """,
        aliases: ["rules"]
    )

    @Option(name: .long, help: "Ne montrer que les valeurs en vigueur à cette date (JJ/MM/AAAA ou AAAA-MM-JJ).")
    var date: String?

    @Argument(help: "Dossier des plans dont lire financeurs.yaml (facultatif).")
    var dossier: String?

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    func run() throws {
        var day: Day?
        if let date {
            day = try OptionDay.parse(date, option: "--date")
        }
        var catalogue = PlanLoader.builtinCatalogue()
        if let dossier {
            let result = PlanLoader.load(folder: dossier)
            guard let plans = result.plans else {
                // Unreadable plans are said as everywhere else, with their places (exit 2).
                DiagnosticPrinter.reportUnreadable(result, closing: "\nLes plans ne peuvent pas être lus : corrigez les erreurs ci-dessus.\n")
                throw ExitStatus.unreadable.code
            }
            catalogue = plans.catalogue
        }
        var table = TextTable(["Identifiant", "Règle", "Référence"], [.left, .left, .left], name: "regles")
        for rule in Rules.all { table.add([rule.id.rawValue, rule.title, rule.reference]) }
        var parameters = TextTable(["Paramètre", "Depuis", "Valeur", "Référence"], [.left, .left, .right, .left], name: "parametres")
        for name in ParameterName.all {
            guard let parameter = catalogue.parameters[name] else { continue }
            let values: [DatedValue]
            if let day {
                guard let v = parameter.value(at: day) else {
                    parameters.add([name, "—", "pas encore en vigueur", parameter.values.first.map { "en vigueur le \($0.since.formatted) : \($0.reference)" } ?? ""])
                    continue
                }
                values = [v]
            } else {
                values = parameter.values
            }
            for (i, v) in values.enumerated() {
                parameters.add([i == 0 ? name : "", v.since.formatted, v.value.formatted, v.reference])
            }
        }
        guard format == .texte else {
            var report = ReportOutput(command: "regles", programme: nil, scenario: nil)
            report.tables = [table, parameters]
            return Console.out(report.render(format))
        }
        var out = table.render()
        out += "\nParamètres légaux datés" + (day.map { " en vigueur le \($0.formatted)" } ?? " (historique)") + "\n"
        out += parameters.render()
        Console.out(out)
    }
}
