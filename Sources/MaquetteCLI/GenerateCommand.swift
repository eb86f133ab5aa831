import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport

/// `maquette generer`: a synthetic programme for scale tests and benchmarks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generer",
        abstract: "Écrit un programme synthétique (communes, EPCI, opérations, financeurs, scénarios) pour les essais de charge.",
        discussion: "La même graine donne les mêmes fichiers. Environ 5 % des opérations enfreignent une règle, à dessein.",
        aliases: ["generate"]
    )

    @Option(name: .long, help: "Nombre d'opérations.")
    var operations: Int

    @Option(name: .long, help: "Graine du générateur.")
    var graine: UInt64 = 1

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Dossier à créer (il ne doit pas exister, ou être vide).")
    var output: String

    func validate() throws {
        guard (1...1_000_000).contains(operations) else { throw ValidationError("--operations : entre 1 et 1 000 000") }
    }

    /// The programme is written into a temporary folder beside the destination, flushed, then
    /// renamed to it: a failure (full disk) or a signal leaves nothing, never half a programme.
    func run() throws {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: output), !existing.isEmpty {
            throw ValidationError("le dossier « \(output) » existe et n'est pas vide ; choisissez un nouveau dossier")
        }
        var named = output
        while named.count > 1 && named.hasSuffix("/") { named.removeLast() }
        // The new programme is no plans folder yet: only existing ones (with a programme.yaml) are
        // protected, so an empty folder may receive it.
        let target = try OutputPolicy(plansFolder: "").destination(named, kind: .generatedProgramme)
        let files = SyntheticProgramme(operations: operations, seed: graine).files()
        let bar = ProgressBar(total: files.count, label: "Fichiers")
        try AtomicFolder.write(to: target.path, shown: named) { folder in
            for sub in ["operations", "scenarios"] { try AtomicFolder.makeFolder("\(folder)/\(sub)", shown: "\(output)/\(sub)") }
            for (i, file) in files.enumerated() {
                try AtomicFolder.writeFile(Data(file.text.utf8), to: "\(folder)/\(file.path)", shown: "\(output)/\(file.path)")
                bar.update(i + 1)
            }
        }
        bar.finish()
        Console.out("Programme synthétique écrit dans \(DiagnosticPrinter.visible(output, singleLine: true)) : \(operations) opérations, graine \(graine).\n")
    }
}
