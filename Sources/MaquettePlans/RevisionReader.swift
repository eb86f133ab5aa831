import Foundation
import MaquetteCore

/// Reads the plans as they were at a git revision (`comite-2026-06`, `HEAD~1`, `@{2026-06-15}`)
/// without touching the working tree, through git's own command line: `rev-parse` to find the
/// repository and the commit, `ls-tree` to list the plan files, one `cat-file --batch` for their
/// texts. On the shipped plans that is four processes and about 10 ms; libgit2 would add a C
/// module and a system dependency for no gain at this size.
public enum RevisionReader {
    /// Why a revision could not be read; the messages are French, for the user.
    public enum Failure: Error, Equatable {
        /// The plans folder is not inside a git repository (or git is missing).
        case notARepository(String)
        /// The revision names no commit of the repository.
        case unknownRevision(String)
        /// git failed for another reason.
        case git(String)

        public var message: String {
            switch self {
            case .notARepository(let folder):
                return "le dossier de plans « \(folder) » n'est pas dans un dépôt git : seul un dossier de plans peut servir de référence à --depuis"
            case .unknownRevision(let ref):
                return "la référence « \(ref) » n'existe ni comme révision du dépôt git ni comme dossier"
            case .git(let detail): return "git a échoué : \(detail)"
            }
        }
    }

    /// A commit read: its hash, date and subject, for titles.
    public struct Revision: Sendable, Equatable {
        public let reference: String
        public let commit: String
        public let date: String
        public let subject: String
    }

    /// The plan files of `folder` at `reference`, with paths starting with `root` (what
    /// ``PlanLoader/load(files:root:)`` expects), and the revision read.
    public static func files(of folder: String, at reference: String) -> Result<(Revision, [PlanFile], root: String), Failure> {
        guard case .success(let prefixOutput) = git(["-C", folder, "rev-parse", "--show-prefix"]) else {
            return .failure(.notARepository(folder))
        }
        let prefix = prefixOutput.trimmingCharacters(in: .newlines)
        // A revision that starts with `-` would be taken as an option: refused as unknown.
        guard !reference.hasPrefix("-") else { return .failure(.unknownRevision(reference)) }
        let lookup: [String]
        if let date = dateInBraces(reference) {
            // `@{2026-06-15}`: git reads it in the reflog, which a fresh clone does not have (it
            // would silently give the clone's commit); the committee means the history's state
            // on that day, so the last commit of HEAD made before its end.
            lookup = ["-C", folder, "rev-list", "-1", "--first-parent", "--before=\(date) 23:59:59", "HEAD", "--"]
        } else {
            lookup = ["-C", folder, "rev-parse", "--verify", "--quiet", "--end-of-options", "\(reference)^{commit}"]
        }
        guard case .success(let commitOutput) = git(lookup) else { return .failure(.unknownRevision(reference)) }
        let commit = commitOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty else { return .failure(.unknownRevision(reference)) }
        let info: [Substring]
        switch git(["-C", folder, "show", "-s", "--format=%cs%x00%s", commit]) {
        case .success(let text): info = text.trimmingCharacters(in: .newlines).split(separator: "\0", maxSplits: 1, omittingEmptySubsequences: false)
        case .failure(let f): return .failure(f)
        }
        let revision = Revision(reference: reference, commit: commit, date: info.first.map(String.init) ?? "", subject: info.count > 1 ? String(info[1]) : "")
        let root = "\(reference):\(prefix.isEmpty ? "." : String(prefix.dropLast()))"

        let names: [String]
        switch git(["-C", folder, "ls-tree", "-r", "-z", "--name-only", "--full-tree", "\(commit):\(prefix)"]) {
        case .success(let text): names = text.split(separator: "\0").map(String.init)
        // The plans folder did not exist at that revision: no files (the loader says programme.yaml is missing).
        case .failure: return .success((revision, [], root))
        }
        // The same files as a folder load reads: programme, funders, operations and scenarios.
        let wanted = names.filter { name in
            let lower = name.lowercased()
            let yaml = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
            let parts = name.split(separator: "/")
            if parts.count == 1 { return name == PlanLoader.programmeFile || name == PlanLoader.fundersFile }
            return yaml && parts.count == 2 && !parts[1].hasPrefix(".")
                && (parts[0] == PlanLoader.operationsFolder || parts[0] == PlanLoader.scenariosFolder)
        }.sorted()
        guard !wanted.isEmpty else { return .success((revision, [], root)) }
        let request = wanted.map { "\(commit):\(prefix)\($0)\n" }.joined()
        guard case .success(let data) = gitData(["-C", folder, "cat-file", "--batch"], input: Data(request.utf8)) else {
            return .failure(.git("lecture des fichiers de \(reference)"))
        }
        // `--batch` answers `<hash> blob <size>\n<content>\n` for each name, in order.
        var files: [PlanFile] = []
        var index = data.startIndex
        for name in wanted {
            guard let newline = data[index...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: data[index..<newline], as: UTF8.self).split(separator: " ")
            index = data.index(after: newline)
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]) else { continue }
            let end = data.index(index, offsetBy: size)
            let text = String(decoding: data[index..<end], as: UTF8.self)
            files.append(PlanFile(path: "\(root)/\(name)", text: text))
            index = data.index(after: end)
        }
        return .success((revision, files, root))
    }

    /// The date of `@{2026-06-15}` or `HEAD@{2026-06-15}`; `nil` for a reflog entry (`@{1}`) or anything else.
    static func dateInBraces(_ reference: String) -> String? {
        let body: Substring
        if reference.hasPrefix("@{") { body = reference.dropFirst(2) } else if reference.hasPrefix("HEAD@{") { body = reference.dropFirst(6) } else { return nil }
        guard body.hasSuffix("}") else { return nil }
        let date = body.dropLast()
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        return String(date)
    }

    static func git(_ arguments: [String]) -> Result<String, Failure> {
        gitData(arguments, input: nil).map { String(decoding: $0, as: UTF8.self) }
    }

    static func gitData(_ arguments: [String], input: Data?) -> Result<Data, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        var environment = ProcessInfo.processInfo.environment
        // git's own messages are not shown; its output is parsed, so no translation nor pager.
        environment["LC_ALL"] = "C"
        environment["GIT_PAGER"] = "cat"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do { try process.run() } catch { return .failure(.git("git est introuvable")) }
        if let input {
            // Written from another thread, so that a large answer cannot block the writer.
            let writer = inPipe.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(input)
                try? writer.close()
            }
        }
        let errHandle = err.fileHandleForReading
        let errorData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.set(errHandle.readDataToEndOfFile())
            group.leave()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .failure(.git(String(decoding: errorData.get(), as: UTF8.self))) }
        return .success(data)
    }

    private final class LockedData: @unchecked Sendable {
        private var data = Data()
        private let lock = NSLock()
        func set(_ d: Data) { lock.withLock { data = d } }
        func get() -> Data { lock.withLock { data } }
    }
}
