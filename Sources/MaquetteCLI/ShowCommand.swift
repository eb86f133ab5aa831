import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// `maquette afficher`: the financing plans as tables in the terminal.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "afficher",
        abstract: "Affiche le plan de financement d'une opération, ou la synthèse du programme.",
        aliases: ["show"]
    )

    @OptionGroup var plans: PlansOptions

    @Argument(help: "Identifiant de l'opération (sans lui : la synthèse de toutes les opérations).")
    var operation: String?

    @Option(name: .long, help: "Scénario à appliquer aux plans.")
    var scenario: String?

    func run() throws {
        let loaded = PlanLoader.load(folder: plans.dossier).applying(scenario: scenario)
        guard let p = loaded.plans else {
            DiagnosticPrinter.reportUnreadable(loaded, closing: "Les plans ne peuvent pas être lus.\n")
            throw ExitStatus.unreadable.code
        }
        if let id = operation, !p.operations.contains(where: { $0.id == id }) {
            let hint = p.operations.map(\.id).sorted().joined(separator: ", ")
            throw ValidationError("opération inconnue « \(id) » ; opérations du programme : \(hint)")
        }
        // The figures are worked out once, for the rules and the tables.
        let figures = Financing.figures(of: p)
        let diagnostics = Rules.check(p, figures: figures)
        if let id = operation, let f = figures.first(where: { $0.operation.id == id }) {
            Console.out(PlanTables.operation(f, diagnostics: diagnostics.filter { $0.operation == id }))
        } else {
            Console.out(PlanTables.programme(p, figures: figures, diagnostics: diagnostics))
        }
    }
}

/// Text renderings of plans for the terminal.
enum PlanTables {
    static func operation(_ f: OperationFigures, diagnostics: [Diagnostic]) -> String {
        let op = f.operation
        var out = "\(op.title) (\(op.id))\n"
        out += "Maître d'ouvrage : \(f.maitreOuvrage?.name ?? op.maitreOuvrage) · section \(op.section.rawValue) · plan établi en \(op.basis.rawValue)\n"
        if let s = op.worksStart { out += "Début des travaux : \(s.formatted)" + (op.end.map { " · fin : \($0.formatted)" } ?? "") + "\n" }
        out += "\nDÉPENSES\n"
        let years = Array(Set(op.costs.flatMap { $0.years.map(\.year) })).sorted()
        var costs = TextTable(
            ["Libellé", "Nature", "HT", "TVA", "TTC"] + years.map(String.init),
            [.left, .left, .right, .right, .right] + years.map { _ in .right })
        for line in op.costs {
            let byYear = Dictionary(line.years.map { ($0.year, $0.amountHT) }, uniquingKeysWith: +)
            costs.add(
                [line.label, line.nature.label, line.amountHT.formatted, line.vatRate.formatted, line.amountTTC.formatted]
                    + years.map { byYear[$0]?.formatted ?? "" })
        }
        costs.separate()
        let totals = f.costsByYear
        costs.add(
            ["Total", "", f.costHT.formatted, "", f.costTTC.formatted]
                + years.map { y in totals.first { $0.year == y }?.ht.formatted ?? "" })
        out += costs.render()

        out += "\nRESSOURCES\n"
        var resources = TextTable(
            ["Financeur", "Dispositif", "Assiette", "Taux", "Montant", "Statut", "Réception", "Notification"],
            [.left, .left, .right, .right, .right, .left, .left, .left])
        for r in f.funding {
            let funder = r.funder?.name ?? r.nature.label
            let dispositif = r.dispositif?.usualName ?? (r.line.amount == .balance ? "autofinancement (reste à financer)" : r.line.label ?? "")
            let amount = r.counts ? r.amount.formatted : "(\(r.amount.formatted))"
            resources.add([
                funder, dispositif, r.base?.formatted ?? "", r.effectiveRate?.formatted ?? "", amount,
                r.dispositif == nil ? "" : r.line.status.label, r.line.requestReceived?.formatted ?? "",
                r.line.notificationDay?.formatted ?? "",
            ])
        }
        resources.separate()
        resources.add(["Total des ressources", "", "", "", f.totalResources.formatted, "", "", ""])
        resources.add(["Total des dépenses (\(op.basis.rawValue))", "", "", "", f.costOnBasis.formatted, "", "", ""])
        resources.add(["Écart", "", "", "", f.balanceGap.formatted, "", "", ""])
        out += resources.render()

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

    static func programme(_ p: Plans, figures: [OperationFigures], diagnostics: [Diagnostic]) -> String {
        var out = "\(p.programme.name)\n\n"
        var table = TextTable(
            ["Opération", "Maître d'ouvrage", "Coût HT", "Aides publiques", "Taux", "Part MO", "FCTVA", "Contrôles"],
            [.left, .left, .right, .right, .right, .right, .right, .left])
        for f in figures {
            let errors = diagnostics.filter { $0.operation == f.id && $0.severity == .erreur }.count
            let warnings = diagnostics.filter { $0.operation == f.id && $0.severity == .avertissement }.count
            let verdict = errors > 0 ? "\(errors) erreur(s)" : warnings > 0 ? "\(warnings) avertissement(s)" : "conforme"
            table.add([
                f.id, f.operation.maitreOuvrage, f.costHT.formatted, f.publicAid.formatted, f.publicAidRate?.formatted ?? "–",
                f.ownersShare.formatted, f.fctvaTotal.formatted, verdict,
            ])
        }
        table.separate()
        let costs = Money.sum(figures.map(\.costHT))
        let aid = Money.sum(figures.map(\.publicAid))
        table.add([
            "Total", "", costs.formatted, aid.formatted, Rate.ratio(aid, costs)?.formatted ?? "–",
            Money.sum(figures.map(\.ownersShare)).formatted, Money.sum(figures.map(\.fctvaTotal)).formatted, "",
        ])
        out += table.render()
        return out
    }
}
