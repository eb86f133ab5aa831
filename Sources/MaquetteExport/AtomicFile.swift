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

    /// Writes `target` with `produce`, which is given the temporary path to fill (it exists,
    /// empty, and may be reopened and truncated by name). Messages name the file `shown`
    /// (as the user wrote it), by default `target`.
    public static func write(to target: String, shown: String? = nil, _ produce: (String) throws -> Void) throws {
        let shown = shown ?? target
        let temporary = try create(beside: target, shown: shown)
        do {
            try produce(temporary.path)
            try commit(temporary, to: target, shown: shown)
        } catch {
            TemporaryFiles.remove(temporary.path)
            throw error
        }
    }

    /// Writes `data` to `target`.
    public static func write(_ data: Data, to target: String, shown: String? = nil) throws {
        let shown = shown ?? target
        try write(to: target, shown: shown) { path in
            let fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
            defer { close(fd) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw OutputError.failed(shown, errno: errno)
                    }
                    offset += n
                }
            }
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
        guard fstat(fd, &info) == 0 else {
            let code = errno
            TemporaryFiles.remove(path)
            throw OutputError.failed(shown, errno: code)
        }
        return Temporary(path: path, device: UInt(info.st_dev), inode: UInt(info.st_ino))
    }

    /// Flushes the temporary file — the one created, still a regular file — to the disk, renames
    /// it over `target` and flushes the folder.
    static func commit(_ temporary: Temporary, to target: String, shown: String) throws {
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
        guard rename(temporary.path, target) == 0 else { throw OutputError.failed(shown, errno: errno) }
        TemporaryFiles.unregister(temporary.path)
        syncFolder(of: target)
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
