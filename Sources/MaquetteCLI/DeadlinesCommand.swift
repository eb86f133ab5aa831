import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans

enum DeadlinesFormat: String, ExpressibleByArgument, CaseIterable {
    case texte
    case ics
    case csv
    case json
}

/// `maquette echeances`: every dated obligation the plans imply, the most pressing first.
struct DeadlinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echeances",
        abstract: "Les échéances des plans, les plus pressantes d'abord.",
        discussion: """
            Demandes à déposer, décisions attendues, commencement et achèvement avant caducité, demandes \
            de paiement, rachats de portage.
            Les délais viennent des paramètres datés du catalogue (docs/regles.md). Les échéances dépassées viennent \
            en premier ; celles qui font perdre une aide sont des erreurs (code de sortie 1). \
            La date du jour est --date, sinon SOURCE_DATE_EPOCH, sinon la date du jour.
            Exemple : maquette echeances Plans --avant 2027-12-31 --format ics -o echeances.ics
            """,
        aliases: ["deadlines"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: ArgumentHelp("Ne garder que les échéances jusqu'à cette date (JJ/MM/AAAA ou AAAA-MM-JJ).", valueName: "DATE"))
    var avant: String?

    @Option(name: .long, help: ArgumentHelp("Date du jour pour le calcul des jours restants (JJ/MM/AAAA ou AAAA-MM-JJ).", valueName: "DATE"))
    var date: String?

    @Option(name: .long, help: "Format de sortie : texte, ics (calendrier pour Outlook ou Thunderbird), csv ou json.")
    var format: DeadlinesFormat = .texte

    @Option(name: [.customShort("o"), .customLong("sortie")], help: ArgumentHelp("Fichier à écrire au lieu de la sortie standard.", valueName: "FICHIER"))
    var sortie: String?

    static func parseDay(_ text: String, option: String) throws -> Day {
        try OptionDay.parse(text, option: option)
    }

    func validate() throws {
        if let avant { _ = try Self.parseDay(avant, option: "--avant") }
        if let date { _ = try Self.parseDay(date, option: "--date") }
    }

    /// The day the list is made on: `--date`, else SOURCE_DATE_EPOCH, else today (UTC).
    static func today(_ date: String?) throws -> Day {
        if let date { return try Self.parseDay(date, option: "--date") }
        // The same reading of SOURCE_DATE_EPOCH as the workbook's date (a non-negative number of
        // seconds, a day from 1970 to 2200), else today.
        let now = DocumentDate(secondsSinceEpoch: max(0, Int(Date().timeIntervalSince1970)))?.day ?? Day(january1: 2200)
        switch DocumentDate.resolve(date: nil, sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], today: now) {
        case .success(let found): return found.day
        case .failure(let error): throw ValidationError(error.description)
        }
    }

    func run() throws {
        // Restricted to the operation named, as every command is.
        let (loaded, p) = try loadPlans(plans.resolve(), scenario: nil)
        let today = try Self.today(date)
        var deadlines = Deadlines.of(p, today: today)
        if let avant { let limit = try Self.parseDay(avant, option: "--avant"); deadlines = deadlines.filter { $0.day <= limit } }
        let text: String
        switch format {
        case .texte: text = DeadlinesReport.text(deadlines, plans: p, today: today, sources: loaded.sources)
        case .ics: text = ICalendar.render(deadlines, programme: p.programme, today: today)
        case .csv: text = DeadlinesReport.csv(deadlines)
        case .json: text = DeadlinesReport.json(deadlines, today: today) + "\n"
        }
        if let sortie {
            // Through the output policy, as every file Maquette writes: never a plan file, never
            // a device or a link into the plans (an OutputError says why, with its exit code).
            let destination = try OutputPolicy(plansFolder: plans.dossier).destination(sortie, kind: .report)
            try AtomicFile.write(Data(text.utf8), to: destination)
            Console.out(
                "Échéancier écrit : \(DiagnosticPrinter.visible(destination.shown, singleLine: true)) (\(deadlines.count) échéance\(deadlines.count > 1 ? "s" : "")).\n")
        } else {
            Console.out(text)
        }
        if deadlines.contains(where: { $0.urgency == .perdue }) { throw ExitStatus.ruleBroken.code }
    }
}

enum DeadlinesReport {
    static func days(_ d: Deadline) -> String {
        switch d.urgency {
        case .enAttente: return "depuis \(-d.daysLeft) j"
        case .perdue, .depassee: return "dépassée de \(-d.daysLeft) j"
        case .aVenir: return d.daysLeft == 0 ? "aujourd'hui" : "dans \(d.daysLeft) j"
        }
    }

    static func text(_ deadlines: [Deadline], plans: Plans, today: Day, sources: [String: String]) -> String {
        var out = "Échéancier — \(plans.programme.name) — au \(today.formatted)\n"
        guard !deadlines.isEmpty else { return out + "\nAucune échéance.\n" }
        let lost = deadlines.filter { $0.urgency == .perdue }
        out += "\(deadlines.count) échéance(s)"
        if !lost.isEmpty { out += ", dont \(lost.count) dépassée(s) qui font perdre une aide" }
        out += ".\n\n"
        let printer = DiagnosticPrinter(sources: sources, colour: DiagnosticPrinter.terminalSupportsColour(STDOUT_FILENO))
        for rendered in printer.render(lost.map(\.diagnostic)) { out += rendered + "\n" }
        for urgency in Deadline.Urgency.allCases {
            let group = deadlines.filter { $0.urgency == urgency }
            guard !group.isEmpty else { continue }
            let heading: String
            switch urgency {
            case .perdue: heading = "Dépassées — aide perdue"
            case .depassee: heading = "Dépassées — à rattraper"
            case .enAttente: heading = "Demandes en attente de décision"
            case .aVenir: heading = "À venir"
            }
            out += "\(heading) (\(group.count))\n"
            for d in group {
                let who = [d.operation, d.funder, d.dispositif].compactMap { $0 }.joined(separator: " — ")
                out += "  \(d.day.formatted)  \(days(d))  \(d.kind.label)\(who.isEmpty ? "" : " — " + who)\n"
                out += "      \(d.title)\n"
                out += "      \(d.reference)\(d.location.map { " — \($0.file):\($0.line)" } ?? "")\n"
            }
            out += "\n"
        }
        return out
    }

    static func csv(_ deadlines: [Deadline]) -> String {
        var out = "\u{FEFF}" + CSV.row(["Échéance", "Jours restants", "État", "Obligation", "Opération", "Financeur", "Dispositif", "Détail", "Référence", "Fichier", "Ligne"])
        for d in deadlines {
            out += CSV.row([
                d.day.formatted, String(d.daysLeft), d.urgency.label, d.kind.label, d.operation ?? "", d.funder ?? "", d.dispositif ?? "", d.title, d.reference,
                d.location?.file ?? "", d.location.map { String($0.line) } ?? "",
            ])
        }
        return out
    }

    struct DeadlineJSON: Encodable {
        let date: String
        let jours_restants: Int
        let etat: String
        let type: String
        let operation: String?
        let financeur: String?
        let dispositif: String?
        let detail: String
        let reference: String
        let aide_perdue_si_depassee: Bool
        let fichier: String?
        let ligne: Int?
        let uid: String
    }

    struct Report: Encodable {
        let date_du_jour: String
        let echeances: [DeadlineJSON]
    }

    static func json(_ deadlines: [Deadline], today: Day) -> String {
        let report = Report(
            date_du_jour: today.iso,
            echeances: deadlines.map {
                DeadlineJSON(
                    date: $0.day.iso, jours_restants: $0.daysLeft, etat: $0.urgency.rawValue, type: $0.kind.rawValue, operation: $0.operation, financeur: $0.funder,
                    dispositif: $0.dispositif, detail: $0.title, reference: $0.reference, aide_perdue_si_depassee: $0.losesGrant, fichier: $0.location?.file,
                    ligne: $0.location?.line, uid: $0.key)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
