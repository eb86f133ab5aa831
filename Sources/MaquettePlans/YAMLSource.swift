import MaquetteCore
import Yams

/// Turns a plan file's text into a YAML node tree, or into located diagnostics.
///
/// Before YAML parsing, a scan of the raw text refuses what plan files never need and what could
/// exhaust the machine: files over ``maximumBytes``, nesting deeper than ``maximumDepth``, and
/// YAML anchors and aliases (the "billion laughs" bomb is built from them).
enum YAMLSource {
    static let maximumBytes = 4 * 1024 * 1024
    static let maximumDepth = 40

    static func compose(_ text: String, file: String) -> Result<Node?, Diagnostic> {
        if text.utf8.count > maximumBytes {
            return .failure(
                lecture(
                    "fichier trop volumineux (\(text.utf8.count / 1024) Kio) : un fichier de plan fait au plus \(maximumBytes / 1024 / 1024) Mio",
                    SourceLocation(file: file, line: 1, column: 1), ["découpez le programme en un fichier par opération"]))
        }
        if let problem = scan(text, file: file) { return .failure(problem) }
        do {
            // No tag resolution: Maquette reads every scalar's text with its own parsers, so the
            // default resolver's regular expressions (a fifth of the reading time) are not needed.
            return .success(try Yams.compose(yaml: text, Resolver.basic))
        } catch let error as YamlError {
            return .failure(translate(error, file: file, text: text))
        } catch {
            return .failure(lecture("YAML illisible", SourceLocation(file: file, line: 1, column: 1), []))
        }
    }

    static func lecture(_ message: String, _ location: SourceLocation, _ notes: [String], rule: DiagnosticID = .syntaxeYAML) -> Diagnostic {
        Diagnostic(.erreur, rule: rule, message, at: location, notes: notes)
    }

    /// Depth, anchors and aliases, line by line, outside quotes and comments. Works on UTF-8
    /// bytes (every character it looks for is ASCII); columns count characters, as libyaml does.
    static func scan(_ text: String, file: String) -> Diagnostic? {
        var flowDepth = 0
        var lineNumber = 1
        var column = 0
        var indent = 0
        var dashes = 0
        var leading = true
        var quote: UInt8 = 0
        var comment = false
        var previous: UInt8 = 0x20
        func tooDeep(_ at: Int) -> Diagnostic {
            lecture(
                "imbrication trop profonde (plus de \(maximumDepth) niveaux)", SourceLocation(file: file, line: lineNumber, column: max(1, at)),
                ["un plan n'a que quelques niveaux : vérifiez les crochets et l'indentation"], rule: .yamlNonAccepte)
        }
        for byte in text.utf8 {
            if byte == 0x0A {
                if flowDepth + indent / 2 + dashes > maximumDepth { return tooDeep(max(1, indent)) }
                lineNumber += 1
                column = 0
                indent = 0
                dashes = 0
                leading = true
                quote = 0
                comment = false
                previous = 0x20
                continue
            }
            // Continuation bytes of a multi-byte character do not start a column.
            if byte & 0xC0 != 0x80 { column += 1 }
            if comment { continue }
            if quote != 0 {
                if byte == quote { quote = 0 }
                previous = byte
                continue
            }
            if leading {
                if byte == 0x20 {
                    indent += 1
                    previous = byte
                    continue
                }
                if byte == 0x2D {  // -
                    dashes += 1
                    previous = byte
                    continue
                }
                leading = false
            }
            let afterSpace = previous == 0x20 || previous == 0x09
            switch byte {
            case 0x23 where afterSpace:  // #
                comment = true
                continue
            case 0x22, 0x27:  // " '
                if afterSpace || previous == 0x3A || previous == 0x5B || previous == 0x7B || previous == 0x2C || column == 1 { quote = byte }
            case 0x5B, 0x7B: flowDepth += 1
            case 0x5D, 0x7D: flowDepth = max(0, flowDepth - 1)
            case 0x26, 0x2A:  // & *
                if afterSpace || previous == 0x5B || previous == 0x2C || previous == 0x7B || column == 1 {
                    return lecture(
                        "les ancres et alias YAML (`&`, `*`) ne sont pas acceptés dans les plans",
                        SourceLocation(file: file, line: lineNumber, column: column),
                        ["écrivez chaque valeur en entier ; mettez entre guillemets un texte qui commence par `\(byte == 0x26 ? "&" : "*")`"],
                        rule: .yamlNonAccepte)
                }
            default: break
            }
            if flowDepth + indent / 2 + dashes > maximumDepth { return tooDeep(column) }
            previous = byte
        }
        if flowDepth + indent / 2 + dashes > maximumDepth { return tooDeep(max(1, indent)) }
        return nil
    }

    static func translate(_ error: YamlError, file: String, text: String = "") -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return lecture("YAML invalide : \(frenchProblem(problem))", at(mark), [remedy(for: problem)])
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
            let location = duplicate(of: duplicates.sorted().first ?? "", after: context.mark, in: text, file: file) ?? at(context.mark)
            return lecture(
                "clé \(keys) en double dans une même table", location,
                ["gardez une seule fois chaque clé"], rule: .cleEnDouble)
        case let .reader(problem, _, _, _):
            return lecture(
                "le fichier n'est pas un texte UTF-8 lisible (\(problem))", SourceLocation(file: file, line: 1, column: 1),
                ["enregistrez le fichier en UTF-8"])
        default:
            return lecture("YAML invalide", SourceLocation(file: file, line: 1, column: 1), [])
        }
    }

    /// Yams marks a duplicate key at the start of its mapping; find the second `key:` written at
    /// the same indentation as the first, in block style, to point at the duplicate itself.
    static func duplicate(of key: String, after mark: Mark, in text: String, file: String) -> SourceLocation? {
        guard !key.isEmpty else { return nil }
        var firstIndent: Int?
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            guard number >= mark.line else { continue }
            var body = Substring(line)
            var indent = 0
            while let c = body.first, c == " " || c == "-" {
                body.removeFirst()
                indent += 1
            }
            guard body.hasPrefix(key + ":") else { continue }
            if let first = firstIndent {
                if indent == first { return SourceLocation(file: file, line: number, column: indent + 1) }
            } else {
                firstIndent = indent
            }
        }
        return nil
    }

    static func frenchProblem(_ problem: String) -> String {
        let known: [String: String] = [
            "mapping values are not allowed in this context": "un « : » est inattendu à cet endroit",
            "did not find expected key": "clé attendue introuvable (indentation incohérente ?)",
            "found character that cannot start any token": "caractère qui ne peut commencer aucune valeur (une tabulation ?)",
            "did not find expected ',' or ']'": "« , » ou « ] » attendu",
            "did not find expected ',' or '}'": "« , » ou « } » attendu",
            "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
            "did not find expected node content": "valeur attendue introuvable",
            "block sequence entries are not allowed in this context": "un élément de liste « - » est inattendu à cet endroit",
            "found undefined alias": "alias non défini",
            "did not find expected '-' indicator": "élément de liste « - » attendu (indentation incohérente ?)",
            "found unknown escape character": "séquence d'échappement inconnue dans une chaîne entre guillemets",
            "found a tab character that violate indentation": "tabulation dans l'indentation",
        ]
        return known[problem] ?? problem
    }

    static func remedy(for problem: String) -> String {
        if problem.contains("tab") || problem.contains("cannot start any token") {
            return "indentez avec des espaces, jamais avec des tabulations"
        }
        if problem.contains("mapping values") {
            return "mettez entre guillemets un texte qui contient « : » suivi d'un espace"
        }
        return "vérifiez l'indentation (deux espaces par niveau), les guillemets et les crochets autour de cette position"
    }
}
