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
        abstract: "Propose les montants des aides envisagées et sollicitées qui minimisent la part des maîtres d'ouvrage, dans le respect des règles.",
        discussion: """
            Les lignes notifiées ou versées ne bougent pas ; une ligne sans plafond connu (ni taux maximal, ni \
            plafond) n'est jamais portée au-delà du montant demandé. La proposition est un fichier de scénario, \
            que `maquette verifier --scenario optimise` accepte. Solveur : COIN-OR CLP (ou GLPK avec --solveur glpk).
            """,
        aliases: ["optimize"]
    )

    @OptionGroup var plans: PlansOptions

    @Option(name: .long, help: "Scénario de départ.")
    var scenario: String?

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Fichier du scénario proposé (par défaut : scenarios/optimise.yaml dans le dossier des plans, s'il n'existe pas déjà).")
    var output: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Poids d'un maître d'ouvrage, `id=poids` (défaut 1) : `lectoure=2` compte double sa part.")
    var poids: [String] = []

    @Option(name: .long, help: "Écrit aussi le programme linéaire (format CPLEX LP) dans ce fichier.")
    var lp: String?

    @Option(name: .long, help: "Solveur : clp (défaut) ou glpk.")
    var solveur: SolverChoice = .clp

    func run() throws {
        let (_, p) = try loadPlans(plans.dossier, scenario: scenario)
        var weights: [String: Int] = [:]
        for item in poids {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let w = Int(parts[1]), w >= 0, p.programme.maitreOuvrage(String(parts[0])) != nil else {
                throw ValidationError("--poids : « \(item) » ; écrivez `id=poids` avec un maître d'ouvrage du programme, par exemple `lectoure=2`")
            }
            weights[String(parts[0])] = w
        }
        // Destinations are checked before the work: a refused one costs nothing.
        let policy = OutputPolicy(plansFolder: plans.dossier)
        let scenarioFile = try scenarioDestination(output, default: "optimise.yaml", policy: policy)
        let lpFile = try lp.map { try policy.destination($0, kind: .linearProgram) }
        if let lpFile, let scenarioFile, lpFile.path == scenarioFile.path {
            throw ValidationError("--lp et -o désignent le même fichier « \(lpFile.shown) » : donnez deux fichiers différents")
        }
        let optimizer = FundingOptimizer(plans: p, goal: .leastOwnShare(weights: weights))
        if let lpFile {
            try AtomicFile.write(Data(optimizer.linearProgram.cplexLP.utf8), to: lpFile)
        }
        try report(optimizer.solve(with: solveur.solver), plans: p, id: "optimise", title: "Financement optimisé par Maquette", parent: scenario, output: scenarioFile)
    }
}

/// `maquette corriger`: the smallest change that makes a broken plan legal.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corriger",
        abstract: "Propose le plus petit changement (en euros déplacés) qui rend un plan conforme aux règles.",
        aliases: ["fix"]
    )

    @Option(name: .long, help: "Dossier des plans.")
    var dossier: String = "Plans"

    @Argument(help: "Opération à corriger (sans elle : toutes).")
    var operation: String?

    @Option(name: .long, help: "Scénario de départ.")
    var scenario: String?

    @Option(name: [.customShort("o"), .customLong("sortie")], help: "Écrit la correction comme fichier de scénario.")
    var output: String?

    @Option(name: .long, help: "Solveur : clp (défaut) ou glpk.")
    var solveur: SolverChoice = .clp

    func run() throws {
        let (_, p) = try loadPlans(dossier, scenario: scenario)
        if let operation, !p.operations.contains(where: { $0.id == operation }) {
            throw ValidationError("opération inconnue « \(operation) » ; opérations : \(p.operations.map(\.id).sorted().joined(separator: ", "))")
        }
        let destination = try output.map { try scenarioDestination($0, default: nil, policy: OutputPolicy(plansFolder: dossier)) }
        let optimizer = FundingOptimizer(plans: p, goal: .smallestFix, operations: operation.map { [$0] })
        try report(optimizer.solve(with: solveur.solver), plans: p, id: "correction", title: "Correction proposée par Maquette", parent: scenario, output: destination ?? nil)
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

/// Prints a proposal (changes as a diff, explanations, gains) and writes it as a scenario file.
func report(_ outcome: FundingOptimizer.Outcome, plans p: Plans, id: String, title: String, parent: String?, output: OutputPolicy.Destination?) throws {
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
            let text = FundingOptimizer.scenarioText(
                proposal, id: id, title: title, parent: parent, comment: "Proposé par Maquette ; relisez-le, modifiez-le, puis `maquette verifier --scenario \(id)`.")
            try AtomicFile.write(Data(text.utf8), to: output)
            out += "\nScénario écrit : \(output.shown) (`maquette verifier --scenario \(id)`)\n"
        }
        Console.out(out)
    }
}
