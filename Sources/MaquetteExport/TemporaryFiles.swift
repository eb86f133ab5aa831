import Foundation

/// The temporary files and folders of the writes under way: removed on every failure by their
/// writer, on SIGINT, SIGTERM and SIGHUP by ``installSignalCleanup()``, and, when a run was
/// killed outright (SIGKILL, power cut), by the next write into the same folder
/// (``removeStale(in:)``).
///
/// Every temporary name is `.<target name>.maquette-<host>-<pid>-<16 random hex digits>.tmp`:
/// created exclusively, never guessed, and recognisable afterwards — with the machine's name, so
/// that a run on another machine writing to the same shared folder is not taken for a dead one.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var live: Set<String> = []

    /// A stale temporary file of a run whose process is still alive is kept this long at most
    /// (its pid may have been given to another process since).
    static let staleAge: TimeInterval = 24 * 3600

    /// A new temporary name beside `target` (nothing is created).
    static func name(beside target: String) -> String {
        let url = URL(fileURLWithPath: target)
        let random = (0..<2).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
        return url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).maquette-\(host)-\(getpid())-\(random).tmp"
        ).path
    }

    /// This machine's name, letters and digits only (at most 24), for temporary names.
    static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "hote" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let kept = String(name.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init).prefix(24))
        return kept.isEmpty ? "hote" : kept
    }()

    static func register(_ path: String) {
        lock.lock()
        live.insert(path)
        lock.unlock()
    }

    static func unregister(_ path: String) {
        lock.lock()
        live.remove(path)
        lock.unlock()
    }

    /// Removes `path` (a file, or a folder with its content) and forgets it.
    static func remove(_ path: String) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR {
                try? FileManager.default.removeItem(atPath: path)
            } else {
                unlink(path)
            }
        }
        unregister(path)
    }

    /// Removes every temporary file of the writes under way (before an exit on error or signal).
    public static func removeAll() {
        lock.lock()
        let paths = live
        lock.unlock()
        for path in paths { remove(path) }
    }

    /// Removes the temporary files that runs killed outright left in `folder`: this program's
    /// names (`.x.maquette-HOST-PID-RANDOM.tmp`, files or folders) when their process on this
    /// machine is gone, or when they are more than a day old (a run of another machine, or a
    /// pid given since to another process); and the files of older versions (`.x.xlsx.PID.tmp`)
    /// whose process is gone. Only this user's; never one of this run's writes under way.
    public static func removeStale(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let now = Date().timeIntervalSince1970
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let owner = staleOwner(name) else { continue }
            let path = "\(folder)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == getuid(), !isLive(path) else { continue }
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG || (kind == S_IFDIR && owner.host != nil) else { continue }
            let local = owner.host == nil || owner.host == host
            let dead = local && owner.pid != getpid() && kill(owner.pid, 0) == -1 && errno == ESRCH
            let old = owner.host != nil && now - TimeInterval(info.st_mtim.tv_sec) > staleAge
            guard dead || old else { continue }
            if kind == S_IFDIR {
                try? FileManager.default.removeItem(atPath: path)
            } else {
                unlink(path)
            }
        }
    }

    private static func isLive(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return live.contains(path)
    }

    /// The machine (nil for older versions' names) and pid in a temporary name of this program,
    /// nil for any other name.
    static func staleOwner(_ name: String) -> (host: String?, pid: pid_t)? {
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let last = parts.last else { return nil }
        if last.hasPrefix("maquette-") {
            let fields = last.dropFirst("maquette-".count).split(separator: "-")
            guard fields.count == 3, fields[2].count == 16, fields[2].allSatisfy(\.isHexDigit), let pid = pid_t(fields[1]) else { return nil }
            return (String(fields[0]), pid)
        }
        // Older versions: `.NAME.PID.tmp`, NAME ending in an extension Maquette writes.
        guard parts.count >= 3, ["xlsx", "yaml", "lp", "txt"].contains(String(parts[parts.count - 2])), let pid = pid_t(last) else { return nil }
        return (nil, pid)
    }

    /// Removes the registered temporary files when SIGINT, SIGTERM or SIGHUP arrives, then dies
    /// of the signal as if nothing had been installed. The signals are blocked in every thread
    /// and taken by one thread of their own, so the cleaning runs as ordinary code. To be called
    /// first thing in `main`, before any other thread exists.
    public static func installSignalCleanup() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let watcher = Thread {
            var received: Int32 = 0
            var waited = blocked
            guard sigwait(&waited, &received) == 0 else { return }
            removeAll()
            signal(received, SIG_DFL)
            var only = sigset_t()
            sigemptyset(&only)
            sigaddset(&only, received)
            pthread_sigmask(SIG_UNBLOCK, &only, nil)
            raise(received)
        }
        watcher.name = "maquette-signals"
        watcher.start()
    }
}
