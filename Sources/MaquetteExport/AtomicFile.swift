import Foundation

/// Writes a file so that a failure leaves the previous one untouched: the content goes to a
/// temporary file beside the target — created exclusively (`O_EXCL|O_NOFOLLOW`) under a random
/// name, so that nothing planted there can be followed — which is flushed to the disk (`fsync`)
/// and only then renamed over the target. On any failure, and on SIGINT/SIGTERM/SIGHUP, the
/// temporary file is removed; those of runs killed outright are removed by the next write into
/// the folder (``TemporaryFiles``).
///
/// The target must already have been accepted by ``OutputPolicy``.
public enum AtomicFile {
    public typealias Failure = OutputError

    /// Writes `destination` with `produce`, which is given the temporary path to fill.
    public static func write(to destination: OutputPolicy.Destination, _ produce: (String) throws -> Void) throws {
        try write(to: destination.path, shown: destination.shown, replacing: destination.replaces, produce)
    }

    /// Writes `data` to `destination`.
    public static func write(_ data: Data, to destination: OutputPolicy.Destination) throws {
        try write(data, to: destination.path, shown: destination.shown, replacing: destination.replaces)
    }

    /// Writes `target` with `produce`, which is given the temporary path to fill (it exists,
    /// empty, and may be reopened and truncated by name). Messages name the file `shown`
    /// (as the user wrote it), by default `target`. Unless `replacing`, an existing `target`
    /// is never replaced, even one that appeared while the content was produced.
    public static func write(to target: String, shown: String? = nil, replacing: Bool = true, _ produce: (String) throws -> Void) throws {
        let shown = shown ?? target
        let temporary = try create(beside: target, shown: shown)
        do {
            try produce(temporary.path)
            try commit(temporary, to: target, shown: shown, replacing: replacing)
        } catch {
            TemporaryFiles.remove(temporary.path)
            throw error
        }
    }

    /// Writes all of `data` to `fd`, again after an interrupted write; `shown` names the file in
    /// the error.
    static func writeAll(_ data: Data, to fd: Int32, shown: String) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError.failed(shown, errno: errno)
                }
                offset += n
            }
        }
    }

    /// Writes `data` to `target`.
    public static func write(_ data: Data, to target: String, shown: String? = nil, replacing: Bool = true) throws {
        let shown = shown ?? target
        try write(to: target, shown: shown, replacing: replacing) { path in
            let fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
            defer { close(fd) }
            try writeAll(data, to: fd, shown: shown)
        }
    }

    struct Temporary {
        let path: String
        let device: UInt
        let inode: UInt
    }

    /// Creates the temporary file beside `target`, after removing the stale ones of the folder.
    static func create(beside target: String, shown: String) throws -> Temporary {
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError(.failed, "le dossier « \(folder) » n'existe pas")
        }
        TemporaryFiles.removeStale(in: folder)
        let path = TemporaryFiles.name(beside: target)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
        TemporaryFiles.register(path)
        defer { close(fd) }
        var info = stat()
        // A replaced file keeps its permissions.
        if stat(target, &info) == 0 { _ = fchmod(fd, info.st_mode & 0o7777) }
        guard fstat(fd, &info) == 0 else {
            let code = errno
            TemporaryFiles.remove(path)
            throw OutputError.failed(shown, errno: code)
        }
        return Temporary(path: path, device: UInt(info.st_dev), inode: UInt(info.st_ino))
    }

    /// Flushes the temporary file — the one created, still a regular file — to the disk, renames
    /// it over `target` and flushes the folder.
    static func commit(_ temporary: Temporary, to target: String, shown: String, replacing: Bool) throws {
        let fd = open(temporary.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, UInt(info.st_dev) == temporary.device, UInt(info.st_ino) == temporary.inode else {
            close(fd)
            throw OutputError(.failed, "« \(shown) » n'a pas pu être écrit : le fichier temporaire a été remplacé pendant l'écriture")
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            throw OutputError.failed(shown, errno: code)
        }
        close(fd)
        if replacing {
            guard rename(temporary.path, target) == 0 else { throw OutputError.failed(shown, errno: errno) }
        } else {
            try placeWithoutReplacing(temporary.path, at: target, shown: shown)
        }
        TemporaryFiles.unregister(temporary.path)
        syncFolder(of: target)
    }

    /// Gives the temporary file the name `target` only if nothing has it: a hard link fails on an
    /// existing name (then the temporary name is removed). On a file system without hard links,
    /// a rename after checking that the name is still free.
    static func placeWithoutReplacing(_ temporary: String, at target: String, shown: String) throws {
        if link(temporary, target) == 0 {
            unlink(temporary)
            return
        }
        let code = errno
        if code == EEXIST {
            throw OutputError.refused("« \(shown) » existe déjà ; Maquette ne remplace jamais un fichier des plans")
        }
        guard code == EPERM || code == EOPNOTSUPP || code == ENOSYS || code == EMLINK else { throw OutputError.failed(shown, errno: code) }
        var info = stat()
        guard lstat(target, &info) != 0 && errno == ENOENT else {
            throw OutputError.refused("« \(shown) » existe déjà ; Maquette ne remplace jamais un fichier des plans")
        }
        guard rename(temporary, target) == 0 else { throw OutputError.failed(shown, errno: errno) }
    }

    /// Flushes the folder holding `path`, so that a rename survives a power cut.
    static func syncFolder(of path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
