import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans

/// `maquette exporter`: the workbook for the Comité régional des financeurs.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract: "Écrit le classeur Excel du comité des financeurs (Synthèse, une feuille par opération, Financeurs, Échéancier, Contrôles, Graphiques).",
        discussion: """
            Par défaut : Exports/<programme>.xlsx. Le classeur est écrit même si des règles sont \
            enfreintes (la feuille Contrôles le dit) ; il ne l'est pas si les plans sont illisibles \
            (code 2). L'écriture est atomique : en cas d'échec, le classeur précédent reste intact. \
            La date du classeur vient de SOURCE_DATE_EPOCH, sinon de la date la plus récente des plans : \
            les mêmes plans donnent le même fichier, octet pour octet.
            """,
        aliases: ["export"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Fichier .xlsx ou dossier de destination.")
    var output: String?

    @Option(name: .long, help: "Opérations à exporter, séparées par des virgules (par défaut : toutes).")
    var operations: String?

    @Option(name: .long, help: "Scénario (répétable) : le premier est montré dans les feuilles, tous sont comparés au plan de base dans la feuille Scénarios.")
    var scenario: [String] = []

    @Option(name: .long, help: "Ajoute une feuille Simulation de Monte-Carlo avec ce nombre de tirages.")
    var tirages: Int?

    @Option(name: .long, help: "Graine de la simulation.")
    var graine: UInt64 = 42

    @Option(name: .long, help: "Feuilles à écrire, séparées par des virgules, parmi synthese, operations, financeurs, echeancier, controles, graphiques (par défaut : toutes).")
    var feuilles: String?

    func run() throws {
        let clock = PhaseClock()
        let bar = ProgressBar(total: 1, label: "Lecture")
        let base = PlanLoader.load(folder: plans.dossier) { bar.update($0, of: $1) }
        bar.finish()
        let loaded = base.applying(scenario: scenario.first)
        guard let p = loaded.plans else {
            DiagnosticPrinter.reportUnreadable(loaded, closing: "Les plans ne peuvent pas être lus : aucun classeur n'a été écrit.\n")
            throw ExitStatus.unreadable.code
        }
        var selected = p
        if let list = operations {
            let ids = try Self.list(list, option: "--operations", example: p.operations.first?.id ?? "halle-aux-grains")
            for id in ids where !p.operations.contains(where: { $0.id == id }) {
                throw ValidationError("opération inconnue « \(id) » ; opérations : \(p.operations.map(\.id).sorted().joined(separator: ", "))")
            }
            selected.operations = p.operations.filter { ids.contains($0.id) }
        }
        let destination = try destination(for: p)
        let target = destination.shown
        clock.lap("lecture")
        let figures = Financing.figures(of: selected)
        // The rules always look at the whole programme (envelopes are shared); when every
        // operation is exported, its figures are reused and every diagnostic is shown.
        let everything = selected.operations.count == p.operations.count
        let all = (loaded.diagnostics + Rules.check(p, figures: everything ? figures : nil)).sorted(by: Diagnostic.ordered)
        clock.lap("règles")
        let ids = everything ? [] : Set(selected.operations.map(\.id))
        let diagnostics = everything ? all : all.filter { $0.operation == nil || ids.contains($0.operation!) }
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }
        let day = CommitteeWorkbook.creationDay(of: p, sourceDateEpoch: epoch)
        var book = CommitteeWorkbook(plans: selected, figures: figures, diagnostics: diagnostics, created: day)
        if let feuilles {
            var kinds: Set<CommitteeWorkbook.SheetKind> = []
            for name in try Self.list(feuilles, option: "--feuilles", example: "synthese,controles") {
                guard let kind = CommitteeWorkbook.SheetKind(rawValue: name) else {
                    throw ValidationError("--feuilles : feuille inconnue « \(name) » ; feuilles : \(CommitteeWorkbook.SheetKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kinds.insert(kind)
            }
            book.sheets = kinds
        }
        book.scenarioTitle = scenario.first.flatMap { id in base.scenarios.first { $0.id == id }.map { "\($0.title) (\(id))" } }
        if !scenario.isEmpty, let basePlans = base.plans {
            var variants: [(id: String, title: String, plans: Plans)] = [("base", "Plan de base", basePlans)]
            for id in scenario {
                let (_, variant) = try loadPlans(plans.dossier, scenario: id)
                variants.append((id, base.scenarios.first { $0.id == id }?.title ?? id, variant))
            }
            book.comparison = Comparison(variants)
        }
        if let tirages {
            let bar = ProgressBar(total: 1, label: "Simulation")
            book.simulation = MonteCarlo(plans: selected).run(draws: tirages, seed: graine) { bar.update($0, of: $1) }
            bar.finish()
        }
        let model = book.build(streaming: true)
        clock.lap("modèle")
        if let dump = ProcessInfo.processInfo.environment["MAQUETTE_DUMP_CELLS"] {
            try AtomicFile.write(Data(WorkbookDump.text(model).utf8), to: dump)
            clock.reset()
        }
        // libxlsxwriter prints numbers with the C library's locale: keep it neutral.
        setlocale(LC_NUMERIC, "C")
        do {
            let writing = ProgressBar(total: 1, label: "Écriture")
            defer { writing.finish() }
            try AtomicFile.write(to: destination) { try WorkbookRenderer.render(model, to: $0) { writing.update($0, of: $1) } }
            clock.lap("écriture")
        } catch let error as OutputError {
            Console.err("erreur : \(error)\nLe classeur précédent, s'il existait, est intact.\n")
            throw ExitStatus.cannotWrite.code
        } catch {
            Console.err("erreur : le classeur « \(target) » n'a pas pu être écrit : \(error)\nLe classeur précédent, s'il existait, est intact.\n")
            throw ExitStatus.cannotWrite.code
        }
        clock.report()
        Console.out("Classeur écrit : \(target) (\(selected.operations.count) opération\(selected.operations.count > 1 ? "s" : ""), \(model.sheets.count) feuilles).\n")
        let errors = diagnostics.filter { $0.severity == .erreur }.count
        if errors > 0 {
            Console.err(
                "Attention : \(errors) erreur\(errors > 1 ? "s" : "") dans les plans ; le classeur est un projet (voir la feuille Contrôles, ou `maquette verifier`).\n")
        }
    }

    /// The items of a comma-separated option; an empty list is a misuse, not "nothing".
    static func list(_ text: String, option: String, example: String) throws -> [String] {
        let items = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else {
            throw ValidationError("\(option) : liste vide ; donnez au moins un élément, par exemple `\(option) \(example)`, ou omettez l'option pour tout exporter")
        }
        return items
    }

    /// The workbook's destination, accepted by the output policy: `-o` names a file, or a folder
    /// (then `<programme>.xlsx` in it); by default `Exports/<programme>.xlsx` in the current folder.
    private func destination(for p: Plans) throws -> OutputPolicy.Destination {
        let fm = FileManager.default
        var target: String
        if let output {
            var isDirectory: ObjCBool = false
            if output.hasSuffix("/") || (fm.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue) {
                target = (output.hasSuffix("/") ? String(output.dropLast()) : output) + "/\(p.programme.id).xlsx"
            } else {
                target = output
            }
        } else {
            try? fm.createDirectory(atPath: "Exports", withIntermediateDirectories: true)
            target = "Exports/\(p.programme.id).xlsx"
        }
        guard target.hasSuffix(".xlsx") else { throw ValidationError("le classeur doit avoir l'extension .xlsx : « \(target) »") }
        return try OutputPolicy(plansFolder: plans.dossier).destination(target, kind: .workbook)
    }
}

/// Phase timings on standard error when MAQUETTE_TIMINGS is set (for the benchmarks).
final class PhaseClock {
    private let enabled = ProcessInfo.processInfo.environment["MAQUETTE_TIMINGS"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds
    private var laps: [(String, Double)] = []

    func lap(_ name: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((name, Double(now - last) / 1e9))
        last = now
    }

    /// Forgets the time spent since the last lap (work done only for the benchmark).
    func reset() { last = DispatchTime.now().uptimeNanoseconds }

    func report() {
        guard enabled else { return }
        Console.err("temps " + laps.map { "\($0.0)=\(String(format: "%.3f", $0.1))" }.joined(separator: " ") + "\n")
    }
}
