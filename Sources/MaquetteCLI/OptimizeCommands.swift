import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans
import MaquetteSolver

enum SolverChoice: String, ExpressibleByArgument, CaseIterable {
    case clp
    case glpk

    var solver: LinearSolver { self == .clp ? CLPSolver() : GLPKSolver() }
}

/// `maquette optimiser`: the funding mix that minimises the owners' own share.
struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimiser",
        abstract: "Propose les aides qui réduisent la part propre.",
        discussion: """
            Propose les montants des aides envisagées et sollicitées qui minimisent la part des maîtres d'ouvrage, dans le respect des règles.

            Les lignes notifiées ou versées ne bougent pas ; une ligne sans plafond connu (ni taux maximal, ni \
            plafond) n'est jamais portée au-delà du montant demandé. La proposition est un fichier de scénario, \
            dont l'identifiant est le nom du fichier (`-o Plans/scenarios/mon-essai.yaml` : `--scenario mon-essai`) ; \
            un scénario existant n'est remplacé qu'avec --remplacer. Solveur : COIN-OR CLP (ou GLPK avec --solveur glpk).
            """,
        aliases: ["optimize"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario de départ.", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Fichier du scénario proposé ; son nom est l'identifiant du scénario (par défaut : scenarios/optimise.yaml dans le dossier des plans).")
    var output: String?

    @Flag(name: .customLong("remplacer"), help: "Remplace le scénario s'il existe déjà (sinon Maquette refuse).")
    var replace = false

    @Option(name: .long, parsing: .upToNextOption, help: "Poids d'un maître d'ouvrage, `id=poids` (1 par défaut), un nombre entier : `lectoure=2` compte double sa part.")
    var poids: [String] = []

    @Option(name: .long, help: "Écrit aussi le programme linéaire (format CPLEX LP) dans ce fichier.")
    var lp: String?

    @Option(name: .long, help: "Solveur de programmation linéaire.")
    var solveur: SolverChoice = .clp

    func run() throws {
        let location = try plans.resolve()
        let (loaded, p) = try loadPlans(location.folder, scenario: scenario)
        let restricted = try location.operationID(in: p)
        var weights: [String: Int] = [:]
        for item in poids {
            let parts = item.split(separator: "=")
            let owners = p.programme.maitresOuvrage.map(\.id)
            guard parts.count == 2, owners.contains(String(parts[0])) else {
                let hint = parts.first.flatMap { Suggestions.closest(to: String($0), among: owners) }.map { " (vouliez-vous dire « \($0) » ?)" } ?? ""
                throw ValidationError(
                    "--poids : « \(item) »\(hint) ; écrivez `id=poids` avec un maître d'ouvrage du programme (\(owners.joined(separator: ", "))), par exemple `\(owners.first ?? "lectoure")=2`")
            }
            guard let w = Int(parts[1]), w >= 0 else {
                throw ValidationError("--poids : « \(item) » ; le poids est un nombre entier positif ou nul (0, 1, 2, 3…) : `\(parts[0])=2` compte double sa part")
            }
            weights[String(parts[0])] = w
        }
        // Destinations are checked before the work: a refused one costs nothing.
        let policy = OutputPolicy(plansFolder: location.folder, replacingScenarios: replace)
        let scenarioFile = try scenarioDestination(output, default: "optimise.yaml", policy: policy)
        let lpFile = try lp.map { try policy.destination($0, kind: .linearProgram) }
        if let lpFile, let scenarioFile, lpFile.path == scenarioFile.path {
            throw ValidationError("--lp et -o désignent le même fichier « \(lpFile.shown) » : donnez deux fichiers différents")
        }
        let written = try scenarioFile.map { try ScenarioFile(destination: $0, plansFolder: location.folder, scenarios: loaded.scenarios) }
        let optimizer = FundingOptimizer(plans: p, goal: .leastOwnShare(weights: weights), operations: restricted.map { [$0] })
        if let lpFile {
            try AtomicFile.write(Data(optimizer.linearProgram.cplexLP.utf8), to: lpFile)
        }
        try report(optimizer.solve(with: solveur.solver), plans: p, title: "Financement optimisé par Maquette", parent: scenario, output: written)
    }
}

/// `maquette corriger`: the smallest change that makes a broken plan legal.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corriger",
        abstract: "Propose (ou applique) la plus petite correction.",
        discussion: "Propose le plus petit changement (en euros déplacés) qui rend un plan conforme aux règles.",
        aliases: ["fix"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario de départ.", completion: Completions.scenarios)
    var scenario: String?

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Écrit la correction comme fichier de scénario.")
    var output: String?

    @Flag(name: .customLong("remplacer"), help: "Remplace le fichier de scénario s'il existe déjà.")
    var replace = false

    @Flag(name: .customLong("appliquer"), help: "Applique la correction aux fichiers des opérations eux-mêmes (montants remplacés à leur place, commentaires et mise en page intacts), montre le changement, puis revérifie.")
    var apply = false

    @Option(name: .long, help: "Solveur de programmation linéaire.")
    var solveur: SolverChoice = .clp

    func run() throws {
        let location = try plans.resolve()
        let dossier = location.folder
        let (loaded, p) = try loadPlans(dossier, scenario: scenario)
        let operation = try location.operationID(in: p)
        let destination = try output.flatMap { try scenarioDestination($0, default: nil, policy: OutputPolicy(plansFolder: dossier, replacingScenarios: replace)) }
        let written = try destination.map { try ScenarioFile(destination: $0, plansFolder: dossier, scenarios: loaded.scenarios) }
        let optimizer = FundingOptimizer(plans: p, goal: .smallestFix, operations: operation.map { [$0] })
        let outcome = optimizer.solve(with: solveur.solver)
        try report(outcome, plans: p, title: "Correction proposée par Maquette", parent: scenario, output: written)
        if apply, case .proposal(let proposal) = outcome {
            try FixApplication(plans: p, folder: dossier, scenario: scenario).apply(proposal)
        }
    }
}

/// Where a proposed scenario goes, accepted by the output policy:
/// `output` as the user gave it (relative to the current folder), or else `default` in the plans
/// folder's `scenarios/` (created if missing: the plans folder has been read).
func scenarioDestination(_ output: String?, default name: String?, policy: OutputPolicy) throws -> OutputPolicy.Destination? {
    if let output { return try policy.destination(output, kind: .scenario) }
    guard let name else { return nil }
    let folder = policy.insidePlans("scenarios")
    if mkdir(folder, 0o777) != 0 && errno != EEXIST {
        throw OutputError(.failed, "le dossier « \(folder) » n'a pas pu être créé : \(SystemError.french(errno))")
    }
    return try policy.destination(policy.insidePlans("scenarios/\(name)"), kind: .scenario)
}

/// A scenario file about to be written: its id is its file's name (`mon-essai.yaml` holds
/// `id: mon-essai`), and an id already taken by another scenario of the plans is refused before
/// anything is written.
struct ScenarioFile {
    let destination: OutputPolicy.Destination
    let id: String
    /// Whether the file is in the plans' `scenarios/` folder, where `--scenario ID` finds it.
    let inPlans: Bool

    init(destination: OutputPolicy.Destination, plansFolder: String, scenarios: [Scenario]) throws {
        self.destination = destination
        var name = (destination.path as NSString).lastPathComponent
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        guard ValueParsers.isSlug(name) else {
            throw ValidationError(
                "« \(destination.shown) » : le nom du fichier est l'identifiant du scénario ; écrivez-le en minuscules sans accents ni espaces, avec des tirets : `mon-essai.yaml`")
        }
        id = name
        let scenariosFolder = URL(fileURLWithPath: plansFolder).appendingPathComponent("scenarios").resolvingSymlinksInPath().path
        inPlans = (destination.path as NSString).deletingLastPathComponent == scenariosFolder
        if inPlans, let other = scenarios.first(where: { $0.id == name }),
            URL(fileURLWithPath: other.file).resolvingSymlinksInPath().path != destination.path
        {
            throw ValidationError("le scénario « \(name) » existe déjà (\(other.file)) ; deux scénarios ne peuvent pas avoir le même identifiant : choisissez un autre nom de fichier avec -o")
        }
    }
}

/// Prints a proposal (changes as a diff, explanations, gains) and writes it as a scenario file.
func report(_ outcome: FundingOptimizer.Outcome, plans p: Plans, title: String, parent: String?, output: ScenarioFile?) throws {
    switch outcome {
    case .failed(let message):
        Console.err("erreur : \(message)\n")
        throw ExitStatus.internalFailure.code
    case .infeasible(let conflicts):
        Console.out("Aucun financement ne respecte toutes les règles. Contraintes en conflit :\n")
        for c in conflicts { Console.out("- \(c)\n") }
        Console.out("Relâchez l'une d'elles (un montant notifié, une enveloppe, une dépense) et recommencez.\n")
        throw ExitStatus.ruleBroken.code
    case .proposal(let proposal):
        var out = ""
        if proposal.changes.isEmpty {
            out += "Aucun changement : le plan est déjà au mieux.\n"
        } else {
            var t = TextTable(["Opération", "Ligne", "Avant", "Après", "Écart"], [.left, .left, .right, .right, .right])
            for c in proposal.changes {
                let d = c.after - c.before
                t.add([c.operation, "\(c.line)", c.before.formatted, c.after.formatted, (d.isNegative ? "" : "+") + d.formatted])
            }
            out += t.render()
            let moved = proposal.changes.reduce(Money.zero) { $0 + Money(cents: abs(($1.after - $1.before).cents)) }
            out += "Euros déplacés : \(moved)\n"
        }
        for op in p.operations.map(\.id) {
            guard let lines = proposal.explanations[op], !lines.isEmpty else { continue }
            out += "\n\(op)\n" + lines.map { "  - \($0)\n" }.joined()
        }
        let before = Money.sum(proposal.ownShareBefore.values)
        let after = Money.sum(proposal.ownShareAfter.values)
        out += "\nPart des maîtres d'ouvrage : \(before) → \(after)\n"
        if !proposal.remainingErrors.isEmpty {
            out += "\nRègles que la proposition ne peut pas corriger :\n"
            for d in proposal.remainingErrors { out += "- [\(d.rule)] \(d.operation ?? "programme") : \(d.message)\n" }
        }
        if let output, !proposal.changes.isEmpty {
            let id = output.id
            let text = FundingOptimizer.scenarioText(
                proposal, id: id, title: title, parent: parent, comment: "Proposé par Maquette ; relisez-le, modifiez-le, puis `maquette verifier --scenario \(id)`.")
            try AtomicFile.write(Data(text.utf8), to: output.destination)
            if output.inPlans {
                out += "\nScénario écrit : \(output.destination.shown) (`maquette verifier --scenario \(id)`)\n"
            } else {
                out += "\nScénario écrit : \(output.destination.shown) (placez-le dans le dossier scenarios/ des plans, puis `maquette verifier --scenario \(id)`)\n"
            }
        }
        Console.out(out)
    }
}
