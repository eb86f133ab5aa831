import Foundation

/// The temporary files and folders of the writes under way: removed on every failure by their
/// writer, on SIGINT, SIGTERM and SIGHUP by ``installSignalCleanup()``, and, when a run was
/// killed outright (SIGKILL, power cut), by the next write into the same folder
/// (``removeStale(in:)``).
///
/// Every temporary name is `.<target name>.maquette-<pid>-<16 random hex digits>.tmp`: created
/// exclusively, never guessed, and recognisable afterwards.
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
            ".\(url.lastPathComponent).maquette-\(getpid())-\(random).tmp"
        ).path
    }

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
    /// names (`.x.maquette-PID-RANDOM.tmp`) and those of older versions (`.x.PID.tmp`, beside an
    /// `x` with an extension Maquette writes), when their process is gone or they are older than
    /// a day. Only regular files of this user; never a file of a run still going.
    public static func removeStale(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let now = Date().timeIntervalSince1970
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let pid = stalePid(name), pid != getpid() || !isLive("\(folder)/\(name)") else { continue }
            let path = "\(folder)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else {
                continue
            }
            let age = now - TimeInterval(info.st_mtim.tv_sec)
            let dead = pid != getpid() && kill(pid, 0) == -1 && errno == ESRCH
            if dead || age > staleAge {
                if info.st_mode & S_IFMT == S_IFDIR {
                    try? FileManager.default.removeItem(atPath: path)
                } else {
                    unlink(path)
                }
            }
        }
    }

    private static func isLive(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return live.contains(path)
    }

    /// The pid in a temporary name of this program or of its older versions, nil for any other name.
    static func stalePid(_ name: String) -> pid_t? {
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let last = parts.last else { return nil }
        if last.hasPrefix("maquette-") {
            let fields = last.dropFirst("maquette-".count).split(separator: "-")
            guard fields.count == 2, fields[1].count == 16, fields[1].allSatisfy(\.isHexDigit) else { return nil }
            return pid_t(fields[0])
        }
        // Older versions: `.NAME.PID.tmp`, NAME ending in an extension Maquette writes.
        guard parts.count >= 3, ["xlsx", "yaml", "lp", "txt"].contains(String(parts[parts.count - 2])) else { return nil }
        return pid_t(last)
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
