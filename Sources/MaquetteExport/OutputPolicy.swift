import Foundation

/// Where Maquette may write, decided once for every command that writes (workbook, scenario,
/// linear programme, generated programme):
///
/// - never a file of a plans folder — the one given, or any folder holding a `programme.yaml`,
///   with its sub-folders — except:
///   - a **new** scenario, `scenarios/<id>.yaml`, or an existing one when the user asked for it
///     (`optimiser --remplacer`: ``replacingScenarios``);
///   - a **new** operation file, `operations/<id>.yaml` (`maquette nouvelle`);
///   - an **existing** operation file, `operations/<id>.yaml`, edited in place
///     (``Kind/operationEdit``: `corriger --appliquer`). This is a narrow exception: the one
///     command that uses it only replaces scalars at the positions the reader recorded, leaving
///     every other byte (comments, layout) as it was, writes atomically and shows the diff;
/// - an existing scenario is not replaced, wherever it is, unless ``replacingScenarios``;
/// - never anything but a regular file: a device (`/dev/full`), a fifo, a folder, or a symbolic
///   link that leads to one of those, or into a plans folder, is refused; a link to a regular
///   file elsewhere is followed, and the file it leads to is replaced;
/// - into an existing folder only (no folder is created for a destination the user names).
///
/// The destination returned is the real path, symbolic links resolved: the temporary file goes
/// beside the file really replaced, and the rename replaces it rather than the link.
public struct OutputPolicy: Sendable {
    public enum Kind: Sendable {
        case workbook
        case scenario
        case linearProgram
        case generatedProgramme
        /// A list written for another program: a calendar, a CSV or JSON file.
        case report
        /// A new operation file, `<plans>/operations/<id>.yaml`.
        case newOperation
        /// An existing operation file edited in place (see the type's documentation).
        case operationEdit
    }

    /// A destination accepted: the name to show, the real path to write, and whether an existing
    /// file there may be replaced (never inside a plans folder, even if one appears meanwhile).
    public struct Destination: Equatable, Sendable {
        public let shown: String
        public let path: String
        public let replaces: Bool
    }

    /// The plans folder the command reads, as the user gave it.
    public let plansFolder: String

    /// Whether an existing scenario may be replaced (`--remplacer`).
    public let replacingScenarios: Bool

    public init(plansFolder: String, replacingScenarios: Bool = false) {
        self.plansFolder = plansFolder
        self.replacingScenarios = replacingScenarios
    }

    /// `relative` inside the plans folder: the meaning of a default destination such as
    /// `scenarios/optimise.yaml`, whatever the current folder.
    public func insidePlans(_ relative: String) -> String {
        (plansFolder as NSString).appendingPathComponent(relative)
    }

    /// Where to write for `path`, or why it must not be written.
    public func destination(_ path: String, kind: Kind) throws -> Destination {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let name = url.lastPathComponent
        guard !path.isEmpty, !path.hasSuffix("/"), name != "/", name != ".", name != ".." else {
            throw OutputError.refused("« \(path) » n'est pas un nom de fichier")
        }
        let folder = url.deletingLastPathComponent().path
        guard let realFolder = Self.realPath(folder) else {
            throw OutputError(.failed, "« \(path) » n'a pas pu être écrit : le dossier « \(folder) » n'existe pas")
        }
        var real = (realFolder == "/" ? "" : realFolder) + "/" + name
        var info = stat()
        if lstat(real, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            guard let target = Self.realPath(real) else {
                throw OutputError.refused("« \(path) » est un lien symbolique vers un fichier absent ; Maquette ne le suit pas")
            }
            real = target
        }
        let exists = stat(real, &info) == 0
        if exists && kind == .generatedProgramme {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw OutputError.refused("« \(path) » existe et n'est pas un dossier ; choisissez un nouveau dossier")
            }
        } else if exists && info.st_mode & S_IFMT != S_IFREG {
            let what: String
            switch info.st_mode & S_IFMT {
            case S_IFDIR: what = "un dossier"
            case S_IFCHR, S_IFBLK: what = "un périphérique"
            case S_IFIFO: what = "un tube (fifo)"
            case S_IFSOCK: what = "une socket"
            default: what = "un fichier spécial"
            }
            throw OutputError.refused("« \(path) » est \(what), pas un fichier ordinaire ; Maquette n'écrit que dans des fichiers ordinaires")
        }
        let root = protectedRoot(of: real)
        func refuseExistingScenario() throws {
            guard kind == .scenario && exists && !replacingScenarios else { return }
            let inPlans = root == nil ? "" : " ; Maquette ne remplace jamais un fichier des plans sans qu'on le lui demande"
            throw OutputError.refused(
                "le scénario « \(path) » existe déjà\(inPlans) : `--remplacer` le remplace, ou choisissez un autre nom avec -o")
        }
        if let root {
            let folder = (real as NSString).deletingLastPathComponent
            let yaml = real.hasSuffix(".yaml")
            let allowed: Bool
            switch kind {
            case .scenario:
                allowed = folder == root + "/scenarios" && yaml
                if allowed && name.hasPrefix(".") {
                    throw OutputError.refused("« \(path) » : un scénario dont le nom commence par un point serait caché, et jamais lu ; choisissez un nom visible")
                }
            case .newOperation:
                allowed = folder == root + "/operations" && yaml
                if allowed && exists { throw OutputError.refused("l'opération « \(path) » existe déjà ; choisissez un autre identifiant") }
            case .operationEdit:
                allowed = folder == root + "/operations" && yaml && exists
                // Read-only by its mode: kept so, even for root, whom the system would let write.
                if allowed && info.st_mode & S_IWUSR == 0 {
                    throw OutputError.refused(
                        "« \(path) » est en lecture seule : Maquette ne le modifie pas ; rendez-le modifiable (`chmod u+w`) si la correction doit s'y écrire")
                }
            default: allowed = false
            }
            if !allowed {
                let which = kind == .scenario ? " (seul un scénario dans « scenarios/ » y est permis)" : ""
                throw OutputError.refused(
                    "« \(path) » est dans le dossier des plans « \(root) » : Maquette n'écrit jamais dans le dossier des plans\(which) ; choisissez une autre destination")
            }
            try refuseExistingScenario()
            let replaces = kind == .operationEdit || (kind == .scenario && exists && replacingScenarios)
            return Destination(shown: path, path: real, replaces: replaces)
        }
        if kind == .operationEdit || kind == .newOperation {
            throw OutputError.refused("« \(path) » n'est pas dans le dossier « operations/ » d'un dossier de plans")
        }
        try refuseExistingScenario()
        return Destination(shown: path, path: real, replaces: true)
    }

    /// The plans folder holding `real` (a real path), if any: the plans folder given, or a folder
    /// holding a `programme.yaml`, at `real`'s level or at most two levels up
    /// (`<plans>/scenarios/x.yaml`, `<plans>/operations/x.yaml`).
    func protectedRoot(of real: String) -> String? {
        if let plans = Self.realPath(plansFolder), real == plans || real.hasPrefix(plans == "/" ? "/" : plans + "/") {
            return plans
        }
        var folder = (real as NSString).deletingLastPathComponent
        for _ in 0..<3 {
            if FileManager.default.fileExists(atPath: folder + "/programme.yaml") { return folder }
            if folder == "/" { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// `path` with every symbolic link resolved, or nil if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
