import Foundation
import MaquetteCore

/// Reads plan files from disk with the system's own calls (a directory listing that says what
/// each entry is, one open, one fstat and reads into one buffer per file), so that 10 000
/// operation files cost little more than their bytes; what cannot be read is a located problem.
enum PlanFileReader {
    enum Kind: Equatable {
        case regular, directory, other
    }

    /// The entries of a folder with what readdir says they are (`other` for links and when the
    /// file system does not say: the caller looks further); `nil` if it cannot be listed.
    static func entries(of folder: String) -> [(name: String, kind: Kind)]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var out: [(name: String, kind: Kind)] = []
        // The name is read in place, up to its terminating zero: an entry is only as long as its
        // name, and copying the whole name field would read past the last entries of the buffer.
        // (`d_name` is a stored field of the C struct, so its offset is known; 19 is glibc's.)
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
        while let entry = readdir(directory) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name.isEmpty || name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            default: kind = .other
            }
            out.append((name, kind))
        }
        return out
    }

    static func problem(_ message: String, _ path: String?, _ note: String, severity: Severity = .erreur) -> Diagnostic {
        Diagnostic(severity, rule: .fichier, message, at: path.map { SourceLocation(file: $0, line: 1, column: 1) }, notes: [note])
    }

    /// A file named by a path that may hold links: it is read only if it resolves inside the
    /// plans folder (a plan never quotes another file) and is a regular file (a fifo would
    /// block, a device never ends).
    static func readResolving(_ path: String, inside realRoot: String) -> (PlanFile?, [Diagnostic]) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard target == realRoot || target.hasPrefix(realRoot + "/") else {
            return (nil, [problem("« \(path) » est un lien vers « \(target) », hors du dossier des plans : il n'est pas lu", path, "copiez le fichier dans le dossier des plans")])
        }
        return read(path, opening: target)
    }

    /// The text of the file at `target`, shown as `path`. With `noFollow` a link put in place of
    /// the file since the folder was listed is not followed (it is then not a regular file).
    ///
    /// With `directory`, an open folder, `target` is a name in it (`openat`): the folder's path
    /// is not walked again for each of its thousands of files.
    static func read(_ path: String, opening target: String, in directory: Int32? = nil, noFollow: Bool = false) -> (PlanFile?, [Diagnostic]) {
        // Worded only for a file that is not read; with `notFound`, the call that failed found
        // no file of this name.
        func notRegular(notFound: Bool = false) -> Diagnostic {
            // A name that is not UTF-8 comes out of the listing with U+FFFD in it, under which no
            // file is found: it is the name that is wrong, not the file.
            if notFound && path.contains("\u{FFFD}") {
                return problem(
                    "le nom du fichier « \(path) » n'est pas écrit en UTF-8 : il ne peut pas être ouvert", path,
                    "renommez le fichier (ses lettres accentuées ont été enregistrées dans un autre codage)")
            }
            return problem("« \(path) » n'est pas un fichier ordinaire", path, "un plan est un fichier texte `.yaml`")
        }
        // Refused by its rights, or failing while read.
        var unreadable: Diagnostic { problem("impossible de lire « \(path) »", path, "vérifiez les droits du fichier") }
        var status = stat()
        // What is not a regular file is not even opened (opening a device may act on it).
        if !noFollow {
            let found = directory.map { fstatat($0, target, &status, 0) } ?? stat(target, &status)
            guard found == 0 else { return (nil, [notRegular(notFound: errno == ENOENT)]) }
            guard status.st_mode & S_IFMT == S_IFREG else { return (nil, [notRegular()]) }
        }
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (noFollow ? O_NOFOLLOW : 0)
        let descriptor = directory.map { openat($0, target, flags) } ?? open(target, flags)
        guard descriptor >= 0 else {
            if errno == EACCES { return (nil, [unreadable]) }
            return (nil, [notRegular(notFound: errno == ENOENT)])
        }
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            return (nil, [notRegular()])
        }
        defer { close(descriptor) }
        let size = Int(status.st_size)
        // Said before reading: a file of a gigabyte is not loaded to be refused.
        if size > YAMLSource.maximumBytes { return (nil, [YAMLSource.tooLarge(size, file: path)]) }
        let read: (UnsafeMutableRawPointer, Int) -> Int = { at, count in
            while true {
                let got = Glibc.read(descriptor, at, count)
                if got < 0, errno == EINTR { continue }
                return got
            }
        }
        guard let bytes = contents(announced: size, read) else { return (nil, [unreadable]) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let at = YAMLSource.firstInvalidUTF8(bytes) ?? (1, 1)
            return (
                nil,
                [
                    Diagnostic(
                        .erreur, rule: .fichier, "« \(path) » n'est pas un texte UTF-8 (premier octet invalide à la ligne \(at.line), colonne \(at.column))",
                        at: SourceLocation(file: path, line: at.line, column: at.column),
                        notes: ["enregistrez le fichier en UTF-8 (dans un tableur ou un éditeur : « Enregistrer sous », codage UTF-8)"])
                ]
            )
        }
        return (PlanFile(path: path, text: text), [])
    }

    /// The bytes of a file fstat announced `size` bytes long, `read(at, count)` giving at most
    /// `count` of the next ones (0 at the end, less than 0 on failure: then `nil`).
    ///
    /// One byte more than announced is asked for: it tells a file that grew since fstat, which
    /// is then read to its end all the same, within the size limit. A file that gives what
    /// fstat announced and no more is at its end: no read is made to hear it say so. The
    /// buffer is not zeroed first: only the bytes read are kept.
    static func contents(announced size: Int, _ read: (UnsafeMutableRawPointer, Int) -> Int) -> [UInt8]? {
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                // The buffer holds at least one byte (the file's size plus one).
                guard let base = buffer.baseAddress else { return }
                let got = read(base + count, buffer.count - count)
                if got < 0 {
                    failed = true
                    return
                }
                if got == 0 { return }
                count += got
                if count == size { return }
            }
        }
        guard !failed else { return nil }
        guard bytes.count == size + 1 else { return bytes }
        // Longer than announced (a file that grows, one of /proc announced empty): read on as the
        // buffer of the announced size plus one would grow, by its length and 4 KiB at least, up
        // to the first length past the limit; so a file too large is cut where it always was, and
        // said as large as it always was.
        var capacity = size + 1
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if bytes.count == capacity {
                guard capacity <= YAMLSource.maximumBytes else { break }
                capacity += max(4096, capacity)
            }
            let wanted = min(chunk.count, capacity - bytes.count)
            let got = chunk.withUnsafeMutableBytes { buffer in buffer.baseAddress.map { read($0, wanted) } ?? 0 }
            if got < 0 { return nil }
            if got == 0 { break }
            bytes += chunk[..<got]
        }
        return bytes
    }
}
