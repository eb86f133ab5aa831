import ArgumentParser
import Foundation
import MaquetteExport

/// Every exit code of `maquette`, said once: `maquette --help`, README.md and docs/erreurs.md
/// list these (a test fails when they drift). 64, 70, 73 and 74 are those of BSD's sysexits.h.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case ruleBroken = 1
    case unreadable = 2
    case usage = 64
    case internalFailure = 70
    case cannotWrite = 73
    case outputFailed = 74

    /// What the code means, in French (help and documentation).
    public var meaning: String {
        switch self {
        case .success: return "aucun problème bloquant"
        case .ruleBroken: return "une règle de financement n'est pas respectée (echeances : une échéance dépassée fait perdre une aide)"
        case .unreadable: return "les plans ne peuvent pas être lus (syntaxe, types, références)"
        case .usage: return "mauvaise utilisation de la commande (option, valeur, destination refusée, référence de comparer --depuis introuvable)"
        case .internalFailure: return "le calcul n'a pas abouti (échec du solveur)"
        case .cannotWrite: return "un fichier n'a pas pu être écrit (disque plein, droits, dossier absent), le précédent restant intact"
        case .outputFailed: return "la sortie standard n'a pas pu être écrite (fermée, disque plein)"
        }
    }

    var code: ExitCode { ExitCode(rawValue) }

    /// The codes as one paragraph, for `maquette --help`.
    static var helpText: String {
        "Codes de sortie : " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: " ; ") + "."
    }

    /// Ends the process with this code once everything is said, without freeing `values` (the
    /// plans, their figures) one by one: the system takes the memory back at once, where freeing
    /// it value by value takes a third of a second at 50 000 operations.
    func exit(keeping values: Any...) -> Never {
        withExtendedLifetime(values) { exit() }
    }

    /// Removes the temporary files of writes under way and ends the process with this code.
    func exit() -> Never {
        TemporaryFiles.removeAll()
        Foundation.exit(rawValue)
    }
}
