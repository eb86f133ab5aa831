import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// The `maquette` command: plan, check and export the financing of a programme's operations.
public struct Maquette: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "maquette",
        abstract: "Plans de financement des opérations Petites villes de demain : vérifier, afficher, exporter.",
        discussion: """
            Les plans sont cherchés comme git cherche son dépôt : le dossier donné, sinon la variable \
            MAQUETTE_PLANS, sinon le plus proche dossier contenant programme.yaml en remontant depuis le \
            dossier courant, sinon ./Plans. Un fichier d'opération ou un identifiant d'opération restreint \
            la commande à cette opération.

            Exemples :
              maquette verifier                        vérifie les plans de ./Plans
              maquette afficher halle-aux-grains       le plan d'une opération
              maquette exporter -o Exports/            le classeur du comité
              maquette comparer base pire-cas          un scénario face au plan de base
              maquette corriger halle-aux-grains       la plus petite correction

            """ + "\n" + ExitStatus.helpText + "\nGuide : docs/guide-utilisateur.md",
        version: "0.1.0",
        subcommands: [
            CheckCommand.self, ShowCommand.self, ExportCommand.self, TreasuryCommand.self, SimulateCommand.self, CompareCommand.self, DeadlinesCommand.self,
            OptimizeCommand.self, FixCommand.self, NewOperationCommand.self, GenerateCommand.self,
            SchemaCommand.self, RulesCommand.self,
        ]
    )

    public init() {}
}

/// Options shared by the commands that read a plans folder: one positional argument, which may
/// name the folder, a file of it, or one of its operations (see ``PlansLocation/resolve(_:)``).
struct PlansOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Dossier des plans, fichier d'opération ou identifiant d'opération (par défaut : MAQUETTE_PLANS, sinon le plus proche dossier de programme.yaml, sinon ./Plans).",
            valueName: "dossier"), completion: Completions.operations)
    var written: String?

    /// `--dossier`, as `comparer` and `corriger` were once used: still accepted, no longer shown.
    @Option(name: .customLong("dossier"), help: .hidden)
    var deprecatedFolder: String?

    /// An operation after the folder (`maquette verifier Plans halle-aux-grains`).
    @Argument(
        help: ArgumentHelp("Opération à laquelle se limiter, par son identifiant ou son fichier, quand le dossier est donné avant elle.", valueName: "operation"),
        completion: Completions.operations)
    var operationWord: String?

    /// Where the plans are, the operation the command is restricted to, and how they were found.
    func resolve() throws -> PlansLocation {
        var location = try PlansLocation.resolve(deprecatedFolder ?? written)
        if let word = operationWord {
            if let first = location.operation {
                let named: String
                switch first {
                case .id(let id), .named(let id): named = id
                case .file(let file): named = file
                }
                throw ValidationError("deux opérations données, « \(named) » et « \(word) » : une seule à la fois")
            }
            guard word.hasSuffix(".yaml") || word.hasSuffix(".yml") || word.contains("/") else {
                location.operation = .named(word)
                return location
            }
            // A file after the folder: from the current folder, else as it stands in the folder
            // (`halle-aux-grains.yaml`, `operations/halle-aux-grains.yaml`).
            let fm = FileManager.default
            let folder = location.folder
            let candidates = word.hasPrefix("/") ? [word] : [word, folder + "/" + word, folder + "/operations/" + word]
            guard let found = candidates.first(where: { fm.fileExists(atPath: $0) }) else {
                let inside = word.hasPrefix("/") ? "" : " (ni depuis le dossier courant, ni dans « \(folder) », ni dans « \(folder)/operations »)"
                throw ValidationError("le fichier d'opération « \(word) » n'existe pas\(inside)")
            }
            location.operation = .file(found)
        }
        return location
    }

    /// The plans folder (resolved as ``resolve()`` does; a name that cannot be resolved is
    /// returned as written, so that the loader reports it).
    var dossier: String { (try? resolve().folder) ?? (deprecatedFolder ?? written ?? "Plans") }
}

/// The plans a command reads: a folder, possibly restricted to one operation.
struct PlansLocation: Equatable {
    /// The plans folder (the one holding programme.yaml).
    var folder: String
    /// The operation the command is restricted to, by its id or by its file.
    var operation: Operation?

    enum Operation: Equatable {
        /// A word that names a folder or an operation: it was not a folder.
        case id(String)
        /// An operation named after the folder: nothing else it could be.
        case named(String)
        case file(String)
    }

    /// The environment variable naming the plans folder when none is given.
    static let environmentVariable = "MAQUETTE_PLANS"

    /// Finds the plans as git finds its repository:
    /// - `written`, when given: a folder; a `.yaml` file (its programme, restricted to that
    ///   operation when it is an operation file); else a word without `/`, an operation id of the
    ///   plans found as below;
    /// - else `MAQUETTE_PLANS`;
    /// - else the nearest folder holding `programme.yaml`, from the current folder upward;
    /// - else `./Plans`.
    static func resolve(_ written: String?, environment: [String: String] = ProcessInfo.processInfo.environment, currentFolder: String = FileManager.default.currentDirectoryPath) throws -> PlansLocation {
        let fm = FileManager.default
        if let written, !written.isEmpty {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: written, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    // The plans' operations/ or scenarios/ folder stands for the plans above it.
                    let standardized = URL(fileURLWithPath: written).standardizedFileURL
                    let parent = parentFolder(of: written)
                    if ["operations", "scenarios"].contains(standardized.lastPathComponent),
                        !fm.fileExists(atPath: (written as NSString).appendingPathComponent("programme.yaml")),
                        fm.fileExists(atPath: ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent("programme.yaml"))
                    {
                        return PlansLocation(folder: parent.isEmpty ? "." : parent)
                    }
                    // Slashes typed at the end (`P/`, `P//`) dropped: every place is said
                    // `P/operations/…` (`/` stays).
                    var folder = Substring(written)
                    while folder.count > 1, folder.hasSuffix("/") { folder = folder.dropLast() }
                    return PlansLocation(folder: String(folder))
                }
                guard written.hasSuffix(".yaml") || written.hasSuffix(".yml") else {
                    throw ValidationError("« \(written) » n'est ni un dossier de plans ni un fichier .yaml")
                }
                let parent = parentFolder(of: written)
                guard let root = nearestProgramme(from: parent.isEmpty ? "." : parent) else {
                    throw ValidationError("« \(written) » n'est dans aucun dossier de plans (aucun programme.yaml au-dessus)")
                }
                let name = (written as NSString).lastPathComponent
                // `halle.yaml` typed from inside operations/ names that folder too.
                let parentFolder = URL(fileURLWithPath: parent.isEmpty ? currentFolder : parent, relativeTo: URL(fileURLWithPath: currentFolder))
                let parentName = parentFolder.standardizedFileURL.resolvingSymlinksInPath().lastPathComponent
                // A scenario's file is no plans: read as the programme, it would be checked without its changes.
                if parentName == "scenarios" {
                    let id = ((name as NSString).deletingPathExtension)
                    throw ValidationError(
                        "« \(written) » est un scénario, pas des plans : donnez le dossier des plans et appliquez-le avec `--scenario \(id)`")
                }
                let isOperation = parentName == "operations"
                return PlansLocation(folder: root, operation: isOperation && name != "programme.yaml" ? .file(written) : nil)
            }
            if !written.contains("/"), !written.hasSuffix(".yaml") {
                return PlansLocation(folder: defaultFolder(environment: environment, currentFolder: currentFolder), operation: .id(written))
            }
            return PlansLocation(folder: written)
        }
        // MAQUETTE_PLANS naming a file (programme.yaml, an operation file) is read as that file.
        if let given = environment[environmentVariable], !given.isEmpty {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: given, isDirectory: &isDirectory), !isDirectory.boolValue {
                do {
                    return try resolve(given, environment: [:], currentFolder: currentFolder)
                } catch let error as ValidationError {
                    throw ValidationError("\(environmentVariable) : \(error.message)")
                }
            }
        }
        return PlansLocation(folder: defaultFolder(environment: environment, currentFolder: currentFolder))
    }

    static func defaultFolder(environment: [String: String], currentFolder: String) -> String {
        if let given = environment[environmentVariable], !given.isEmpty { return given }
        if let found = nearestProgramme(from: currentFolder) {
            return relative(found, to: currentFolder)
        }
        return "Plans"
    }

    /// The folder above `path` as written: `a/b` → `a`, `a` → empty, `/a` → `/`, `.` → `..`,
    /// `a/.` → `a/..`. (Foundation's `deletingLastPathComponent` traps on `a`, `.`, `a/`, `./`.)
    static func parentFolder(of path: String) -> String {
        var written = Substring(path)
        while written.count > 1, written.hasSuffix("/") { written = written.dropLast() }
        if written == "." || written.hasSuffix("/.") { return written + "." }
        if written == ".." || written.hasSuffix("/..") { return written + "/.." }
        guard let slash = written.lastIndex(of: "/") else { return "" }
        var above = written[..<slash]
        while above.count > 1, above.hasSuffix("/") { above = above.dropLast() }
        return above.isEmpty ? "/" : String(above)
    }

    /// The nearest folder holding `programme.yaml`, from `folder` upward.
    static func nearestProgramme(from folder: String) -> String? {
        var current = URL(fileURLWithPath: folder).standardizedFileURL.path
        while true {
            if FileManager.default.fileExists(atPath: current + "/programme.yaml") { return current }
            if current == "/" || current.isEmpty { return nil }
            current = (current as NSString).deletingLastPathComponent
        }
    }

    /// `path` as the user would write it from `folder`: `.`, `..`, `../..`, or a name inside.
    static func relative(_ path: String, to folder: String) -> String {
        let here = URL(fileURLWithPath: folder).standardizedFileURL.path
        if path == here { return "." }
        if path.hasPrefix(here == "/" ? "/" : here + "/") { return String(path.dropFirst(here == "/" ? 1 : here.count + 1)) }
        var up = here
        var steps: [String] = []
        while up != "/" && !(path == up || path.hasPrefix(up + "/")) {
            up = (up as NSString).deletingLastPathComponent
            steps.append("..")
        }
        let rest = path == up ? "" : String(path.dropFirst(up == "/" ? 1 : up.count + 1))
        return (steps + (rest.isEmpty ? [] : [rest])).joined(separator: "/")
    }

    /// The id of the operation the location names, checked against the plans.
    func operationID(in plans: Plans) throws -> String? {
        switch operation {
        case nil:
            return nil
        case .id(let id), .named(let id):
            guard plans.operations.contains(where: { $0.id == id }) else {
                let known = plans.operations.map(\.id)
                let hint = Suggestions.closest(to: id, among: known).map { "vouliez-vous dire « \($0) » ?" } ?? "opérations du programme : \(known.sorted().joined(separator: ", "))"
                // A lone word may have meant a folder; a word after the folder can only be an operation.
                if case .id = operation { throw ValidationError("« \(id) » n'est ni un dossier ni une opération des plans « \(folder) » ; \(hint)") }
                throw ValidationError("opération inconnue « \(id) » ; \(hint)")
            }
            return id
        case .file(let path):
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard let op = plans.operations.first(where: { o in o.location.map { URL(fileURLWithPath: $0.file).resolvingSymlinksInPath().path == real } ?? false }) else {
                throw ValidationError("le fichier « \(path) » ne décrit aucune opération lisible du programme « \(folder) »")
            }
            return op.id
        }
    }
}

/// The names of the subcommands, as typed: accented (`vérifier`), and misspelt (`verifer`).
enum CommandNames {
    /// Every name and alias of the subcommands.
    static var known: [String] {
        Maquette.configuration.subcommands.flatMap { command -> [String] in
            [command.configuration.commandName].compactMap { $0 } + command.configuration.aliases
        }
    }

    /// `--option -1` as `--option=-1`: the parser takes a word starting with `-` for an option,
    /// and said « valeur manquante » for a negative number the user did write. No option of
    /// Maquette's is a number, so such a word is always the value; after `--`, nothing changes.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            if word == "--" { return out + arguments[i...] }
            if word.hasPrefix("--"), !word.contains("="), i + 1 < arguments.count, Self.isNegativeNumber(arguments[i + 1]) {
                out.append(word + "=" + arguments[i + 1])
                i += 2
            } else {
                out.append(word)
                i += 1
            }
        }
        return out
    }

    static func isNegativeNumber(_ word: String) -> Bool {
        let rest = word.utf8.dropFirst()
        return word.utf8.first == UInt8(ascii: "-") && rest.first.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } == true
    }

    /// The arguments with the subcommand's name unaccented when it is written with accents
    /// (`vérifier`, `trésorerie`, `règles`, `générer`); an error for an unknown command, with
    /// the nearest name.
    static func normalise(_ arguments: [String]) throws -> [String] {
        guard let first = arguments.first, !first.hasPrefix("-") else { return arguments }
        let names = known
        if names.contains(first) || first == "help" { return arguments }
        let folded = first.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        if names.contains(folded) { return [folded] + arguments.dropFirst() }
        let principal = Maquette.configuration.subcommands.compactMap { $0.configuration.commandName }
        if let near = Suggestions.closest(to: folded, among: principal) {
            throw UnknownCommand(message: "commande inconnue « \(first) » ; vouliez-vous dire « \(near) » ?")
        }
        throw UnknownCommand(message: "commande inconnue « \(first) » ; commandes : \(principal.joined(separator: ", ")) (« maquette --help » les décrit)")
    }

    struct UnknownCommand: Error {
        let message: String
    }
}
