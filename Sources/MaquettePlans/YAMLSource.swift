import MaquetteCore

/// Turns a plan file's text into its flat YAML nodes, or into located diagnostics.
///
/// Files over ``maximumBytes`` are refused before parsing; nesting deeper than ``maximumDepth``,
/// anchors, aliases and tags are refused from libyaml's events (``YAMLComposer``).
enum YAMLSource {
    static let maximumBytes = 4 * 1024 * 1024
    static let maximumDepth = 40

    /// A file of `bytes` bytes, more than ``maximumBytes``: its size is rounded up to the Kio, so
    /// that one byte over 4 Mio does not read as 4096 Kio.
    static func tooLarge(_ bytes: Int, file: String) -> Diagnostic {
        lecture(
            "fichier trop volumineux (\((bytes + 1023) / 1024) Kio) : un fichier de plan fait au plus \(maximumBytes / 1024 / 1024) Mio",
            SourceLocation(file: file, line: 1, column: 1), ["découpez le programme en un fichier par opération"])
    }

    static func compose(_ text: String, file: String) -> Result<YAMLDocument, Diagnostic> {
        if text.utf8.count > maximumBytes { return .failure(tooLarge(text.utf8.count, file: file)) }
        switch YAMLComposer(file: file, maximumDepth: maximumDepth).compose(text) {
        case .success(let document): return .success(document)
        case .failure(.refused(let message, let remedy, let mark)):
            return .failure(lecture(message, SourceLocation(file: file, line: mark.line, column: mark.column), [remedy], rule: .yamlNonAccepte))
        case .failure(.syntax(let problem, let context, let mark, let opened)):
            // Something opened and never closed is shown where it opens, with where the parser
            // gave up (usually the end of the file).
            if let opened, opened.line < mark.line, problem.contains("end of stream") || problem.contains("did not find expected") {
                return .failure(
                    lecture(
                        "YAML invalide : \(frenchOpening(context)) (\(frenchProblem(problem, context: context)), ligne \(mark.line))",
                        SourceLocation(file: file, line: opened.line, column: opened.column), [remedy(for: problem)]))
            }
            return .failure(
                lecture(
                    "YAML invalide : \(frenchProblem(problem, context: context))", SourceLocation(file: file, line: mark.line, column: mark.column),
                    [remedy(for: problem)]))
        }
    }

    static func lecture(_ message: String, _ location: SourceLocation, _ notes: [String], rule: DiagnosticID = .syntaxeYAML) -> Diagnostic {
        Diagnostic(.erreur, rule: rule, message, at: location, notes: notes)
    }

    /// The line and column of the first byte that is not valid UTF-8 (columns in characters).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                return (line, column)
            }
        }
    }

    /// libyaml's problem in French; every text libyaml 0.2.5 can give for a plan file is listed,
    /// and an unknown one is said in general terms rather than in English.
    static func frenchProblem(_ problem: String, context: String = "") -> String {
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
            "found a tab character that violates indentation": "tabulation dans l'indentation",
            "found a tab character that violate indentation": "tabulation dans l'indentation",
            "found a tab character where an indentation space is expected": "tabulation là où une indentation en espaces est attendue",
            "could not find expected ':'": "« : » attendu après la clé (une clé sur plusieurs lignes ?)",
            "did not find expected <document start>": "un seul document par fichier : contenu inattendu après la fin du document",
            "did not find expected <stream end>": "contenu inattendu après la fin du document",
            "found unexpected ':'": "« : » inattendu",
            "found a colon in an implicit key": "« : » inattendu dans une clé",
            "found incompatible YAML document": "version de YAML non prise en charge (%YAML)",
            "found duplicate %YAML directive": "directive %YAML en double",
            "found undefined tag handle": "étiquette YAML non définie",
            "found unexpected document indicator": "`---` ou `...` inattendu au milieu d'une chaîne",
            "found invalid Unicode character escape code": "code Unicode invalide dans une séquence d'échappement",
            "did not find expected hexdecimal number": "chiffre hexadécimal attendu dans une séquence d'échappement",
            "did not find expected comment or line break": "commentaire ou fin de ligne attendu",
            "did not find expected whitespace or line break": "espace ou fin de ligne attendu",
            "found extra tokens after the directive": "texte inattendu après une directive %",
            "found an indentation indicator equal to 0": "indicateur d'indentation 0 dans un bloc `|` ou `>`",
            "found a comment without a preceding whitespace": "un « # » de commentaire doit suivre une espace",
            "control characters are not allowed": "caractère de contrôle interdit",
            "input is too long": "fichier trop long",
            "exceeded maximum nesting level": "imbrication trop profonde",
            "memory error": "mémoire insuffisante",
        ]
        if let french = known[problem] { return french }
        if problem.hasPrefix("invalid") || problem.contains("UTF-8") || problem.contains("octet") { return "texte qui n'est pas de l'UTF-8 valide" }
        if problem.contains("nesting") { return "imbrication trop profonde" }
        if problem.contains("anchor") || problem.contains("alias") { return "ancre ou alias YAML mal écrit" }
        if problem.contains("tag") { return "étiquette YAML mal écrite" }
        if problem.contains("directive") { return "directive YAML (%) mal écrite" }
        if problem.contains("escape") { return "séquence d'échappement invalide dans une chaîne entre guillemets" }
        if problem.contains("block scalar") || problem.contains("indentation indicator") { return "bloc `|` ou `>` mal écrit" }
        return "structure inattendue à cet endroit"
    }

    /// What libyaml's context says was opened: `while scanning a quoted scalar` → a quote.
    static func frenchOpening(_ context: String) -> String {
        if context.contains("quoted scalar") { return "le guillemet ouvert ici n'est jamais fermé" }
        if context.contains("flow mapping") { return "l'accolade « { » ouverte ici n'est jamais fermée" }
        if context.contains("flow sequence") { return "le crochet « [ » ouvert ici n'est jamais fermé" }
        if context.contains("block scalar") { return "le bloc « | » ou « > » commencé ici est mal écrit" }
        return "ce qui commence ici n'est jamais fermé"
    }

    static func remedy(for problem: String) -> String {
        if problem.contains("tab") || problem.contains("cannot start any token") {
            return "indentez avec des espaces, jamais avec des tabulations"
        }
        if problem.contains("expected ':'") {
            return "écrivez chaque clé sur une seule ligne, suivie de « : » et d'une espace"
        }
        if problem.contains("document") {
            return "un fichier de plan contient un seul document : retirez `---` ou `...` au milieu du fichier"
        }
        if problem.contains("mapping values") {
            return "mettez entre guillemets un texte qui contient « : » suivi d'un espace"
        }
        return "vérifiez l'indentation (deux espaces par niveau), les guillemets et les crochets autour de cette position"
    }
}
