import Foundation

/// Writes a new folder whole or not at all: its files go into a temporary folder beside the
/// destination (created by `mkdir`, under a random name), which is flushed to the disk and then
/// renamed to the destination — which must not exist, or be an empty folder. On any failure,
/// and on SIGINT/SIGTERM/SIGHUP, the temporary folder is removed with its content.
public enum AtomicFolder {
    public static func write(to target: String, shown: String, _ produce: (String) throws -> Void) throws {
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        TemporaryFiles.removeStale(in: parent)
        let temporary = TemporaryFiles.name(beside: target)
        guard mkdir(temporary, 0o777) == 0 else { throw OutputError.failed(shown, errno: errno) }
        TemporaryFiles.register(temporary)
        do {
            try produce(temporary)
            let fd = open(temporary, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
            // One flush of the whole file system rather than one fsync per file.
            let synced = syncFileSystem(fd)
            let code = errno
            close(fd)
            guard synced == 0 else { throw OutputError.failed(shown, errno: code) }
            guard rename(temporary, target) == 0 else { throw OutputError.failed(shown, errno: errno) }
            TemporaryFiles.unregister(temporary)
            AtomicFile.syncFolder(of: target)
        } catch {
            TemporaryFiles.remove(temporary)
            throw error
        }
    }

    /// A new folder inside the temporary one; `shown` names it in messages.
    public static func makeFolder(_ path: String, shown: String) throws {
        guard mkdir(path, 0o777) == 0 else { throw OutputError.failed(shown, errno: errno) }
    }

    /// A new file inside the temporary folder, created exclusively; `shown` names it in messages.
    public static func writeFile(_ data: Data, to path: String, shown: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError.failed(shown, errno: errno) }
        defer { close(fd) }
        try AtomicFile.writeAll(data, to: fd, shown: shown)
    }

    /// Linux's `syncfs`, which the Glibc module does not show; `sync` where it is missing.
    static func syncFileSystem(_ fd: Int32) -> Int32 {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
            sync()
            return 0
        }
        return unsafeBitCast(symbol, to: SyncFS.self)(fd)
    }
}
