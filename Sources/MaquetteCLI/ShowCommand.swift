import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// `maquette afficher`: the financing plans as tables in the terminal.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "afficher",
        abstract: "Affiche le plan d'une opération ou du programme.",
        discussion: "Affiche le plan de financement d'une opération, ou la synthèse du programme.",
        aliases: ["show"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario à appliquer aux plans.", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: .long, help: "Format de sortie : texte, csv (pour Excel) ou json.")
    var format: ReportFormat = .texte

    func run() throws {
        let location = try plans.resolve()
        let loaded = PlanLoader.load(folder: location.folder).applying(scenario: scenario)
        guard let p = loaded.plans else {
            DiagnosticPrinter.reportUnreadable(loaded, closing: "Les plans ne peuvent pas être lus.\n")
            throw ExitStatus.unreadable.code
        }
        let operation = try location.operationID(in: p)
        if let scenario, format == .texte {
            let title = loaded.scenarios.first { $0.id == scenario }?.title
            Console.out("Scénario \(scenario)\(title.map { " : \($0)" } ?? "") (comparé au plan de base : `maquette comparer base \(scenario)`)\n\n")
        }
        // The figures are worked out once, for the rules and the tables.
        let figures = Financing.figures(of: p)
        let diagnostics = Rules.check(p, figures: figures)
        var report = ReportOutput(command: "afficher", programme: p.programme.id, scenario: scenario)
        let text: String
        if let id = operation, let f = figures.first(where: { $0.operation.id == id }) {
            text = PlanTables.operation(f, diagnostics: diagnostics.filter { $0.operation == id }, into: &report)
        } else {
            text = PlanTables.programme(p, figures: figures, diagnostics: diagnostics, into: &report)
        }
        Console.out(format == .texte ? text : report.render(format))
        ExitStatus.success.exit(keeping: loaded, figures, diagnostics)
    }
}

/// Text renderings of plans for the terminal.
enum PlanTables {
    /// A date of the calendar: written as a month (`debut_travaux: 2026-09`, read as its first
    /// day), it is shown as one, `09/2026`. The model keeps days only, so a calendar date on the
    /// first of a month is taken for a month.
    /// A start on the 1st, or an end on the last day of its month, is shown as the month it was
    /// written as (`debut_travaux: 2027-02`, `fin: 2028-06`).
    static func calendar(_ d: Day, end: Bool = false) -> String {
        let month = end ? d.day == Day.daysIn(month: d.month, year: d.year) : d.day == 1
        return month ? "\(d.month < 10 ? "0" : "")\(d.month)/\(d.year)" : d.formatted
    }

    static func operation(_ f: OperationFigures, diagnostics: [Diagnostic], into report: inout ReportOutput) -> String {
        let op = f.operation
        report.details = [
            ("operation", op.id), ("intitule", op.title), ("maitre_ouvrage", op.maitreOuvrage), ("base", op.basis.rawValue),
            ("aides_publiques", f.publicAid.decimalString), ("taux_aides_publiques", f.publicAidRate?.percentString ?? ""),
            ("part_maitre_ouvrage", f.ownersShare.decimalString), ("fctva", f.fctvaTotal.decimalString),
        ]
        report.notes = diagnostics.map { "\($0.severity.rawValue) [\($0.rule)] \($0.message)" }
        var out = "\(op.title) (\(op.id))\n"
        out += "Maître d'ouvrage : \(f.maitreOuvrage?.name ?? op.maitreOuvrage) · section \(op.section.rawValue) · plan établi en \(op.basis.rawValue)\n"
        if let s = op.worksStart { out += "Début des travaux : \(calendar(s))" + (op.end.map { " · fin : \(calendar($0, end: true))" } ?? "") + "\n" }
        out += "\nDÉPENSES\n"
        let years = Array(Set(op.costs.flatMap { $0.years.map(\.year) })).sorted()
        var costs = TextTable(
            ["Libellé", "Nature", "HT", "TVA", "TTC"] + years.map(String.init),
            [.left, .left, .right, .right, .right] + years.map { _ in .right }, name: "depenses")
        for line in op.costs {
            let byYear = Dictionary(line.years.map { ($0.year, $0.amountHT) }, uniquingKeysWith: +)
            costs.add(
                [.text(line.label), .text(line.nature.label), .money(line.amountHT), .rate(line.vatRate), .money(line.amountTTC)]
                    + years.map { .money(byYear[$0]) })
        }
        costs.separate()
        let totals = f.costsByYear
        costs.add(
            ["Total", "", .money(f.costHT), "", .money(f.costTTC)]
                + years.map { y in .money(totals.first { $0.year == y }?.ht) })
        out += costs.render()
        report.tables.append(costs)

        out += "\nRESSOURCES\n"
        var resources = TextTable(
            ["Financeur", "Dispositif", "Assiette", "Taux", "Montant", "Statut", "Réception", "Notification"],
            [.left, .left, .right, .right, .right, .left, .left, .left], name: "ressources")
        for r in f.funding {
            let funder = r.funder?.name ?? r.nature.label
            let dispositif = r.dispositif?.usualName ?? (r.line.amount == .balance ? "autofinancement (reste à financer)" : r.line.label ?? "")
            // A line that does not count in the plan is shown in brackets.
            let amount: TextTable.Cell = r.counts ? .money(r.amount) : .text("(\(r.amount.formatted))")
            resources.add([
                .text(funder), TextTable.Cell(dispositif), .money(r.base), .rate(r.effectiveRate), amount,
                TextTable.Cell(r.dispositif == nil ? "" : r.line.status.label), TextTable.Cell(r.line.requestReceived?.formatted),
                TextTable.Cell(r.line.notificationDay?.formatted),
            ])
        }
        resources.separate()
        resources.add(["Total des ressources", "", "", "", .money(f.totalResources), "", "", ""])
        resources.add([.text("Total des dépenses (\(op.basis.rawValue))"), "", "", "", .money(f.costOnBasis), "", "", ""])
        resources.add(["Écart", "", "", "", .money(f.balanceGap), "", "", ""])
        out += resources.render()
        report.tables.append(resources)

        out += "\nINDICATEURS\n"
        out += "Aides publiques : \(f.publicAid) (\(f.publicAidRate?.formatted ?? "–") du coût \(op.basis.rawValue))\n"
        out += "Part du maître d'ouvrage : \(f.ownersShare) (\(f.ownersShare.isNegative ? "négative : les aides dépassent le coût" : "\(f.ownersShareOfPublicFinancing?.formatted ?? "–") des financements publics"))\n"
        if !f.fctva.isEmpty {
            out += "FCTVA attendu : \(f.fctvaTotal) — "
            out += f.fctva.map { "\($0.amount) en \($0.receiptYear) (dépenses \($0.spendingYear))" }.joined(separator: ", ") + "\n"
        }
        out += "\nCONTRÔLES\n"
        if diagnostics.isEmpty {
            out += "Toutes les règles sont respectées.\n"
        } else {
            for d in diagnostics { out += "- \(d.severity.rawValue) [\(d.rule)] \(d.message)\n" }
        }
        return out
    }

    static func programme(_ p: Plans, figures: [OperationFigures], diagnostics: [Diagnostic], into report: inout ReportOutput) -> String {
        var out = "\(p.programme.name)\n\n"
        var table = TextTable(
            ["Opération", "Maître d'ouvrage", "Coût HT", "Aides publiques", "Taux", "Part MO", "FCTVA", "Contrôles"],
            [.left, .left, .right, .right, .right, .right, .right, .left], name: "synthese")
        for f in figures {
            let errors = diagnostics.filter { $0.operation == f.id && $0.severity == .erreur }.count
            let warnings = diagnostics.filter { $0.operation == f.id && $0.severity == .avertissement }.count
            let verdict = errors > 0 ? French.count(errors, "erreur", "erreurs") : warnings > 0 ? French.count(warnings, "avertissement", "avertissements") : "conforme"
            table.add([
                .text(f.id), .text(f.operation.maitreOuvrage), .money(f.costHT), .money(f.publicAid), f.publicAidRate.map { .rate($0) } ?? "–",
                .money(f.ownersShare), .money(f.fctvaTotal), .text(verdict),
            ])
        }
        table.separate()
        let costs = Money.sum(figures.map(\.costHT))
        let aid = Money.sum(figures.map(\.publicAid))
        table.add([
            "Total", "", .money(costs), .money(aid), Rate.ratio(aid, costs).map { .rate($0) } ?? "–",
            .money(Money.sum(figures.map(\.ownersShare))), .money(Money.sum(figures.map(\.fctvaTotal))), "",
        ])
        out += table.render()
        report.tables.append(table)
        return out
    }
}
