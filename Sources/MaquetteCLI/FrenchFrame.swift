import ArgumentParser
import Foundation
import MaquetteExport

extension Maquette {
    /// Runs the command line. ArgumentParser writes its own words in English (help headings,
    /// errors of usage); the people who use Maquette read French, so they are put into French
    /// here. Exit codes are ArgumentParser's: 0 after help, 64 for a misused command, and the
    /// codes the commands throw.
    public static func mainInFrench(_ arguments: [String]? = nil) -> Never {
        Console.prepare()
        TemporaryFiles.installSignalCleanup()
        var given = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            given = CommandNames.joiningNegativeValues(try CommandNames.normalise(given))
        } catch let error as CommandNames.UnknownCommand {
            Console.err("erreur : \(error.message)\n")
            ExitStatus.usage.exit()
        } catch {}
        do {
            var command = try parseAsRoot(given)
            do {
                try command.run()
            } catch let error as ValidationError {
                // A misuse found while running: named with the subcommand, not the root.
                let name = type(of: command).configuration.commandName.map { "maquette \($0)" } ?? "maquette"
                Console.err("erreur : \(DiagnosticPrinter.visible(error.description, singleLine: true))\n  Aide : « \(name) --help ».\n")
                ExitStatus.usage.exit()
            } catch let error as OutputError {
                // A destination refused by the output policy (a misuse), or a write that failed.
                Console.err("erreur : \(DiagnosticPrinter.visible(error.description, singleLine: true))\n")
                (error.kind == .refused ? ExitStatus.usage : .cannotWrite).exit()
            }
            ExitStatus.success.exit()
        } catch {
            let code = exitCode(for: error)
            let text = DiagnosticPrinter.visible(FrenchFrame.translate(fullMessage(for: error)))
            if code == .success {
                if !text.isEmpty { Console.out(text.hasSuffix("\n") ? text : text + "\n") }
            } else if !text.isEmpty {
                Console.err(text.hasSuffix("\n") ? text : text + "\n")
            }
            TemporaryFiles.removeAll()
            Foundation.exit(code.rawValue)
        }
    }
}

/// ArgumentParser's English, in French.
enum FrenchFrame {
    /// Whole-text replacements: line starts, headings and fixed sentences.
    static let phrases: [(String, String)] = [
        ("Error: ", "erreur : "),
        ("Usage: ", "Utilisation : "),
        ("Help: ", "Aide : "),
        ("OVERVIEW: ", ""),
        ("USAGE: ", "UTILISATION : "),
        ("ARGUMENTS:", "ARGUMENTS :"),
        ("OPTIONS:", "OPTIONS :"),
        ("SUBCOMMANDS:", "SOUS-COMMANDES :"),
        ("Show the version.", "Affiche la version."),
        ("Show help information.", "Affiche cette aide."),
        ("<subcommand>", "<sous-commande>"),
        ("; default: ", " ; par défaut : "),
    ]

    /// Patterns with the parts kept: (regular expression, template).
    static let patterns: [(String, String)] = [
        (#"See '([^']*)' for more information\."#, "Aide : « $1 »."),
        (#"See '([^']*)' for detailed help\."#, "Aide détaillée : « $1 »."),
        (#"Unknown option '([^']*)'\. Did you mean '([^']*)'\?"#, "option inconnue « $1 » ; vouliez-vous dire « $2 » ?"),
        (#"Unknown option '([^']*)'"#, "option inconnue « $1 »"),
        (#"Missing value for '([^']*)'"#, "valeur manquante pour « $1 »"),
        (#"Unexpected argument '([^']*)'"#, "argument en trop : « $1 »"),
        (#"Missing expected argument '([^']*)'"#, "argument manquant : « $1 »"),
        (#"The value '([^']*)' is invalid for '([^']*)'"#, "la valeur « $1 » ne convient pas pour « $2 »"),
        (#"\(default: ([^)]*)\)"#, "(par défaut : $1)"),
        // Wrapped help: "(values: a, b;\n    default: a)".
        (#";(\s*)default:(\s+)"#, " ;$1par défaut :$2"),
        (#"\(values: ([^)]*)\)"#, "(valeurs : $1)"),
    ]

    static func translate(_ text: String) -> String {
        var out = allowedValues(text)
        for (english, french) in phrases { out = out.replacingOccurrences(of: english, with: french) }
        for (pattern, template) in patterns {
            out = out.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return groupedDefaults(out)
    }

    /// "Please provide one of 'a', 'b' or 'c'." as "; valeurs permises : a, b, c." — every value,
    /// never cut.
    static func allowedValues(_ text: String) -> String {
        guard let range = text.range(of: #"\. Please provide one of [^\n]*\."#, options: .regularExpression) else { return text }
        let listed = text[range]
        var values: [String] = []
        var rest = listed[...]
        while let open = rest.firstIndex(of: "'") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "'") else { break }
            values.append(String(rest[after..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return text.replacingCharacters(in: range, with: " ; valeurs permises : \(values.joined(separator: ", ")).")
    }

    /// `(par défaut : 10000)` as `(par défaut : 10 000)`.
    static func groupedDefaults(_ text: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: #"\(par défaut : ([0-9]{4,})\)"#) else { return text }
        var out = text
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let whole = Range(match.range, in: out), let digits = Range(match.range(at: 1), in: out), let n = Int(out[digits]) else { continue }
            out.replaceSubrange(whole, with: "(par défaut : \(French.grouped(n)))")
        }
        return out
    }
}
