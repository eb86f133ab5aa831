import Foundation
import MaquetteCore

/// A plans folder read from disk file by file, and what reading each file gave (its text, or why
/// it could not be read). ``PlanLoader/load(folder:cache:progress:)`` reads one and loads it;
/// `verifier --surveiller` keeps one and, after an edit, reads again only the operation files
/// that changed (``update(operationFiles:)``) before loading it again: the same code then turns
/// the files into plans, so a re-check says what a fresh check would.
public final class PlanFolder {
    /// What reading one file gave.
    enum Outcome {
        case file(PlanFile)
        case problem(Diagnostic)
    }

    public let root: String
    private let realRoot: String
    private let exists: Bool
    /// The folder is there but cannot be entered (its rights): nothing in it is read.
    private var closed = false
    private var programme: Outcome?
    private var funders: Outcome?
    /// Problems of the operations/ folder itself: missing, not a folder, a sub-folder in it.
    private var operationsListing: [Diagnostic] = []
    /// The operation files, in name order, and what reading each gave (at the same place).
    private var operationNames: [String] = []
    private var operationOutcomes: [Outcome] = []
    private var scenariosListing: [Diagnostic] = []
    private var scenarios: [Outcome] = []
    /// Operation files that are symbolic links: an edit of their target is seen on the target's
    /// path only, so they are read again at every update.
    private var links: Set<String> = []

    public var operationsFolder: String { "\(root)/\(PlanLoader.operationsFolder)" }

    /// Lists the folder and reads every plan file in it.
    public init(_ folder: String) {
        let fm = FileManager.default
        // Without the slashes typed at the end (`P/`, `P//`), so that each place is said with one
        // (`/` becomes empty, as before: its files are then `/programme.yaml`…).
        var trimmed = Substring(folder)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        root = String(trimmed)
        realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        exists = fm.fileExists(atPath: root, isDirectory: &isDirectory) && isDirectory.boolValue
        guard exists else { return }
        // Without the right to enter it, every file in it would be said missing. (Its files are
        // opened by name and only its sub-folders are listed: entering it is enough.)
        guard access(root, X_OK) == 0 else {
            closed = true
            return
        }
        let programmePath = "\(root)/\(PlanLoader.programmeFile)"
        if fm.fileExists(atPath: programmePath) { programme = read(programmePath) }
        let fundersPath = "\(root)/\(PlanLoader.fundersFile)"
        if fm.fileExists(atPath: fundersPath) { funders = read(fundersPath) }
        // The catalogue and the programme, which every operation file is read against, are read
        // on another core while the operation files are loaded from disk.
        let contextFiles = [programme, funders].compactMap { outcome -> PlanFile? in
            if case .file(let file) = outcome { return file }
            return nil
        }
        let root = root
        context = Later { PlanLoader.readContext(contextFiles, root: root) }
        let listed = Self.planFiles(in: operationsFolder, root: root, realRoot: realRoot, required: true, problems: &operationsListing)
        operationNames = listed.map(\.name)
        // Operation files are read on every core, in file order. A regular file listed in a
        // folder that is no link is inside the plans folder: it is read without following a link.
        let folder = operationsFolder
        let realRoot = realRoot
        // Each file opened by its name in the open folder (the path to it is walked once). Not
        // through a link: a folder swapped for one since it was listed is not entered that way.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        defer { if directory >= 0 { close(directory) } }
        operationOutcomes = Concurrent.map(listed, minimumChunk: 16) { entry -> Outcome in
            let path = "\(folder)/\(entry.name)"
            if entry.regular {
                let read = directory >= 0 ? PlanFileReader.read(path, opening: entry.name, in: directory, noFollow: true) : PlanFileReader.read(path, opening: path, noFollow: true)
                return Self.outcome(read)
            }
            return Self.outcome(PlanFileReader.readResolving(path, inside: realRoot))
        }
        // Links are among the few entries not listed as regular files.
        for entry in listed where !entry.regular {
            var st = stat()
            let path = "\(folder)/\(entry.name)"
            if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK { links.insert(path) }
        }
        for entry in Self.planFiles(in: "\(root)/\(PlanLoader.scenariosFolder)", root: root, realRoot: realRoot, required: false, problems: &scenariosListing) {
            scenarios.append(read("\(root)/\(PlanLoader.scenariosFolder)/\(entry.name)"))
        }
        timings.lap("fichiers")
    }

    /// ``PlanLoader/readContext(_:root:)`` of the programme and funders files (which do not change
    /// for the life of the folder: ``update(operationFiles:)`` reads operation files only).
    private var context: Later<(Catalogue, Programme?, [Diagnostic])>?

    /// What reading the folder's files took (for `MAQUETTE_TIMINGS`).
    private var timings = LoadTimings()

    private static func outcome(_ read: (PlanFile?, [Diagnostic])) -> Outcome {
        if let file = read.0 { return .file(file) }
        return .problem(read.1.first ?? PlanFileReader.problem("impossible de lire le fichier", nil, "vérifiez ses droits"))
    }

    /// Reads again the operation files named (names in operations/, or paths): each is read if
    /// it is there and forgotten if not; operation files that are links are read again too.
    /// Returns false when the change cannot be taken file by file (a sub-folder appeared, the
    /// folder is gone or its last operation file): then read the folder anew.
    public func update(operationFiles changed: Set<String>) -> Bool {
        guard exists, !operationNames.isEmpty else { return false }
        timings = LoadTimings()
        defer { timings.lap("fichiers") }
        let fm = FileManager.default
        let prefix = operationsFolder + "/"
        var names = Set(changed.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 })
        names.formUnion(links.map { String($0.dropFirst(prefix.count)) })
        for name in names {
            guard !name.isEmpty, !name.contains("/") else { return false }
            guard !name.hasPrefix(".") else { continue }
            let lower = name.lowercased()
            let path = prefix + name
            let planName = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
            // Names Swift finds equal but written with other bytes (`é` composed or not) are two
            // files on disk, one key in a set and one place found by a search: the folder is read
            // anew, and its listing decides which of the two is read and says the other.
            if hasTwin(name, path: path, prefix: prefix) { return false }
            // Something that is not a known plan file may be a sub-folder said in the listing.
            let known = operationIndex(name)
            if known == nil, !operationsListing.isEmpty { return false }
            var st = stat()
            if lstat(path, &st) != 0 {
                // A name that is not UTF-8, read with U+FFFD, is found under no name: the folder
                // is read anew, which says it.
                if name.contains("\u{FFFD}") { return false }
                // Gone (deleted, or renamed away).
                if let known {
                    operationNames.remove(at: known)
                    operationOutcomes.remove(at: known)
                }
                links.remove(path)
                continue
            }
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return false }
            guard planName else { continue }
            if let known {
                operationOutcomes[known] = readOperation(name)
            } else {
                let at = operationNames.firstIndex { $0 > name } ?? operationNames.endIndex
                operationNames.insert(name, at: at)
                operationOutcomes.insert(readOperation(name), at: at)
            }
        }
        return !operationNames.isEmpty
    }

    /// Where the operation file `name` is in ``operationNames`` (kept in name order), if listed.
    private func operationIndex(_ name: String) -> Int? {
        let low = lowerBound(name)
        return low < operationNames.count && operationNames[low] == name ? low : nil
    }

    /// The first place in ``operationNames`` whose name is not before `name`.
    private func lowerBound(_ name: String) -> Int {
        var (low, high) = (0, operationNames.count)
        while low < high {
            let middle = (low + high) / 2
            if operationNames[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether an operation file listed, or one on disk, has a name equal to `name` for Swift
    /// (canonical equivalence) but written with other bytes: `café` with `é` composed (NFC) and
    /// with `e` and a combining accent (NFD) are two files, which a set of names or a search by
    /// name would mistake for each other. A name the listing refused for such a twin counts too
    /// (its twin may be gone since).
    private func hasTwin(_ name: String, path: String, prefix: String) -> Bool {
        var i = lowerBound(name)
        while i < operationNames.count, operationNames[i] == name {
            if !operationNames[i].utf8.elementsEqual(name.utf8) { return true }
            i += 1
        }
        if operationsListing.contains(where: { $0.location?.file == path }) { return true }
        // An ASCII name has no other composed or decomposed form to look for on disk.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        for form in [name.precomposedStringWithCanonicalMapping, name.decomposedStringWithCanonicalMapping]
        where !form.utf8.elementsEqual(name.utf8) {
            var st = stat()
            if lstat(prefix + form, &st) == 0 { return true }
        }
        return false
    }

    /// The plans as ``PlanLoader/load(files:root:cache:progress:)`` reads them, with the problems
    /// of the files that could not be read.
    public func load(cache: ParseCache? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) -> LoadResult {
        guard exists else {
            let lower = root.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
                return Self.unread(
                    "le fichier « \(root) » n'existe pas", "vérifiez son nom : `maquette verifier` sans fichier vérifie toutes les opérations du dossier")
            }
            return Self.unread(
                "le dossier de plans « \(root) » n'existe pas",
                "lancez Maquette depuis le dossier des plans ou un dossier au-dessus, ou donnez le dossier qui contient programme.yaml (`maquette verifier CHEMIN`), ou la variable d'environnement MAQUETTE_PLANS"
            )
        }
        if closed {
            return Self.unread(
                "impossible d'ouvrir le dossier de plans « \(root) »", "vérifiez ses droits : le dossier doit pouvoir être lu et parcouru (chmod u+rx)")
        }
        var files: [PlanFile] = []
        files.reserveCapacity(operationOutcomes.count + scenarios.count + 2)
        var problems: [Diagnostic] = []
        func take(_ outcome: Outcome?) {
            switch outcome {
            case .file(let file): files.append(file)
            case .problem(let d): problems.append(d)
            case nil: break
            }
        }
        take(programme)
        let programmeRead = files.count == 1
        take(funders)
        let fundersRead = files.count == (programmeRead ? 2 : 1)
        problems += operationsListing
        if operationNames.isEmpty, problems.isEmpty {
            problems.append(
                Diagnostic(
                    .avertissement, rule: .fichier, "aucune opération dans « \(operationsFolder) »", at: nil,
                    notes: ["ajoutez un fichier .yaml par opération (`maquette schema operation` en décrit le format)"]))
        }
        let beforeOperations = files.count
        for outcome in operationOutcomes { take(outcome) }
        let operationsRead = files.count - beforeOperations
        problems += scenariosListing
        for outcome in scenarios { take(outcome) }
        // Which file is which is known from where it was taken: no path is compared again.
        let kinds = PlanLoader.FileKinds(
            programme: programmeRead, funders: fundersRead, operations: operationsRead, scenarios: files.count - beforeOperations - operationsRead)
        let result = PlanLoader.load(
            files: files, kinds: kinds, root: root, cache: cache, progress: progress, context: context.map { c in { c.value } })
        var timings = timings
        timings.laps += result.timings.laps
        // A programme file refused above (a link out of the folder, not a regular file…) is not
        // also said to be missing.
        let programmePath = "\(root)/\(PlanLoader.programmeFile)"
        let refusedProgramme = problems.contains { $0.location?.file == programmePath }
        // A funders file there but not read (not a regular file, a link out of the folder…)
        // declares no dispositif, as one that cannot be parsed: the operations' lines that name
        // one of its dispositifs are not also said unknown.
        var fundersUnread = false
        if case .problem = funders { fundersUnread = true }
        let said = result.diagnostics.filter {
            !(refusedProgramme && $0.rule == .fichier && $0.location == nil && $0.message.contains(PlanLoader.programmeFile))
                && !(fundersUnread && $0.rule == .reference && $0.message.hasPrefix("dispositif inconnu"))
        }
        var loaded = LoadResult(
            plans: problems.contains { $0.severity == .erreur } ? nil : result.plans, diagnostics: Diagnostic.inOrder(problems + said),
            sources: result.sources, scenarios: result.scenarios)
        loaded.timings = timings
        return loaded
    }

    /// Plans that cannot be read at all, for one reason said once, with its remedy.
    private static func unread(_ message: String, _ note: String) -> LoadResult {
        LoadResult(plans: nil, diagnostics: [Diagnostic(.erreur, rule: .fichier, message, at: nil, notes: [note])], sources: [:])
    }

    private func readOperation(_ name: String) -> Outcome {
        let path = "\(operationsFolder)/\(name)"
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK { links.insert(path) } else { links.remove(path) }
        return read(path)
    }

    /// Reads one plan file. Only regular files are read (a fifo would block, a device never
    /// ends), and a link is followed only inside the plans folder: a plan never quotes another file.
    private func read(_ path: String) -> Outcome {
        Self.outcome(PlanFileReader.readResolving(path, inside: realRoot))
    }

    /// The plan files of a sub-folder, by name, and whether each is a regular file that needs no
    /// resolving (listed as such in a folder that is no link): `.yaml` or `.yml` in any case,
    /// hidden files (`.x.yaml`, `._x.yaml` left by macOS) ignored; a sub-folder is not read, and says so.
    private static func planFiles(
        in folder: String, root: String, realRoot: String, required: Bool, problems: inout [Diagnostic]
    ) -> [(name: String, regular: Bool)] {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isFolder) else {
            if required {
                problems.append(
                    PlanFileReader.problem(
                        "le dossier « \(folder) » est introuvable : aucune opération ne serait vérifiée", nil,
                        "un dossier de plans contient programme.yaml et un dossier operations/ avec un fichier .yaml par opération"))
            }
            return []
        }
        guard isFolder.boolValue else {
            problems.append(PlanFileReader.problem("« \(folder) » devrait être un dossier", folder, "rangez les fichiers d'opération dans un dossier de ce nom"))
            return []
        }
        // A folder listed but not entered (no `x` right) opens none of its files: said once.
        guard let entries = PlanFileReader.entries(of: folder), access(folder, X_OK) == 0 else {
            problems.append(PlanFileReader.problem("impossible de lire le dossier « \(folder) »", nil, "vérifiez ses droits"))
            return []
        }
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let unlinked = real == realRoot + folder.dropFirst(root.count)
        var found: [(name: String, regular: Bool)] = []
        // Names equal for Swift (the same after Unicode normalisation: `é` as one character, NFC,
        // or as `e` and a combining accent, NFD, as macOS writes them) come one after the other,
        // the one whose bytes come first first: it is read, the others are refused, since no
        // message, excerpt or watch could tell them apart.
        var previous: String?
        for (name, kind) in entries.sorted(by: { $0.name < $1.name || ($0.name == $1.name && $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)) })
        where !name.hasPrefix(".") {
            let path = "\(folder)/\(name)"
            defer { previous = name }
            if let previous, previous == name {
                problems.append(
                    PlanFileReader.problem(
                        "« \(path) » a le même nom qu'un autre fichier du dossier, écrit autrement (lettres accentuées composées ou décomposées) : il n'est pas lu",
                        path, "renommez l'un des deux : Maquette ne peut pas les distinguer dans ses messages"))
                continue
            }
            let lower = name.lowercased()
            var isSub: ObjCBool = false
            if kind == .directory || (kind != .regular && fm.fileExists(atPath: path, isDirectory: &isSub) && isSub.boolValue) {
                problems.append(PlanFileReader.problem("le sous-dossier « \(path) » n'est pas lu", nil, "placez les fichiers directement dans « \(folder) »", severity: .avertissement))
            } else if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
                found.append((name, unlinked && kind == .regular))
            }
        }
        return found
    }
}
