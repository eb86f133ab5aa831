import Foundation
import MaquettePlans

#if canImport(Glibc)
    import Glibc
#endif

/// What changed in a plans folder.
enum FolderChange: Equatable {
    /// Operation files created, written, deleted or renamed (their paths).
    case operationFiles(Set<String>)
    /// Anything else (the programme, the funders, a scenario, the folders themselves), or events
    /// were lost: the folder is read anew.
    case everything
}

/// Tells `verifier --surveiller` when files of a plans folder change, without reading the folder.
///
/// On Linux it asks the kernel (inotify) for the events of the plans folder, `operations/` and
/// `scenarios/`: a file written and closed, created, deleted, or renamed in or out (editors that
/// save to a temporary file and rename it over the plan give a rename). Events that come within
/// ``settle`` of each other are taken together (an editor's save is several). When the kernel's
/// queue overflows, a watched folder goes away or appears, the whole folder is read again.
/// Where inotify is not available, or with `--sondage` (a folder shared over the network, whose
/// changes made on another computer the kernel does not see), it compares each plan file's
/// `stat` (modification time, size, inode) every ``pollingInterval``.
final class FolderWatcher {
    static let settle = 0.03
    static let pollingInterval = 0.3

    let root: String
    private var fd: Int32 = -1
    private var folders: [Int32: Folder] = [:]
    private var polled: [String: FileStamp] = [:]
    /// How changes are detected, in French, for the first message.
    private(set) var method = ""

    private enum Folder {
        case root, operations, scenarios
    }

    private struct FileStamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int64
        let inode: UInt64
        /// The inode of the name itself (`lstat`): a plan replaced by a link to the same file
        /// keeps the date, size and inode the link leads to, and only this tells the change.
        let nameInode: UInt64
        /// The stamps of other names equal to this one for Swift but written otherwise (`é` as
        /// one character or as `e` and an accent): one key holds them all, none hides another.
        var twins: [FileStamp] = []
    }

    init(folder: String, polling: Bool) {
        root = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        #if os(Linux)
            if !polling {
                fd = inotify_init1(Int32(IN_CLOEXEC))
            }
        #endif
        if fd >= 0 {
            method = "notifications du système"
            watchFolders()
        } else {
            method = "sondage toutes les \(String(format: "%.1f", Self.pollingInterval).replacingOccurrences(of: ".", with: ",")) s"
            polled = stamps()
        }
    }

    /// Waits for the next change and says what it is.
    func next() -> FolderChange {
        fd >= 0 ? nextEvents() : nextPoll()
    }

    // MARK: inotify

    private func watchFolders() {
        #if os(Linux)
            // Watching a folder already watched gives its descriptor again; one made anew (the
            // folder deleted and created again) a new one. A watch is never removed here: removing
            // it would send an event (IN_IGNORED) that would ask for another full read.
            folders = [:]
            let mask = UInt32(IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
            for (path, kind) in [(root, Folder.root), ("\(root)/\(PlanLoader.operationsFolder)", .operations), ("\(root)/\(PlanLoader.scenariosFolder)", .scenarios)] {
                let wd = inotify_add_watch(fd, path, mask)
                if wd >= 0 { folders[wd] = kind }
            }
        #endif
    }

    private func nextEvents() -> FolderChange {
        var paths: Set<String> = []
        var everything = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        // Block for the first event, then take those that follow within `settle`.
        var waitMilliseconds: Int32 = -1
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, waitMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 {
                if paths.isEmpty && !everything { waitMilliseconds = -1; continue }
                break
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                everything = true
                break
            }
            let (found, all) = interpret(buffer, count: n)
            paths.formUnion(found)
            everything = everything || all
            if !paths.isEmpty || everything { waitMilliseconds = Int32(Self.settle * 1000) }
        }
        if everything {
            watchFolders()
            return .everything
        }
        return .operationFiles(paths)
    }

    /// The operation files the events name, and whether one of them calls for a full read.
    private func interpret(_ buffer: [UInt8], count: Int) -> (Set<String>, Bool) {
        var paths: Set<String> = []
        var everything = false
        #if os(Linux)
            let header = MemoryLayout<inotify_event>.size
            var offset = 0
            while offset + header <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self), raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    everything = true
                    continue
                }
                // A watched folder gone or moved: read anew and watch again (events of folders
                // no longer watched are ignored).
                if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    if folders[wd] != nil { everything = true }
                    continue
                }
                guard let folder = folders[wd], !name.isEmpty, !name.hasPrefix(".") else { continue }
                let isFolder = mask & UInt32(IN_ISDIR) != 0
                let lower = name.lowercased()
                let planFile = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
                switch folder {
                case .root:
                    if name == PlanLoader.programmeFile || name == PlanLoader.fundersFile || name == PlanLoader.operationsFolder
                        || name == PlanLoader.scenariosFolder
                    {
                        everything = true
                    }
                case .operations:
                    if isFolder || planFile { paths.insert("\(root)/\(PlanLoader.operationsFolder)/\(name)") }
                case .scenarios:
                    if isFolder || planFile { everything = true }
                }
            }
        #endif
        return (paths, everything)
    }

    // MARK: polling

    private func nextPoll() -> FolderChange {
        while true {
            Thread.sleep(forTimeInterval: Self.pollingInterval)
            let now = stamps()
            guard now != polled else { continue }
            defer { polled = now }
            let prefix = "\(root)/\(PlanLoader.operationsFolder)/"
            let changed = Set(now.keys).union(polled.keys).filter { now[$0] != polled[$0] }
            if changed.contains(where: { !$0.hasPrefix(prefix) }) { return .everything }
            return .operationFiles(changed)
        }
    }

    /// `stat` of every plan file: the programme, the funders, and the names of operations/ and
    /// scenarios/ (a sub-folder, which the check reports, included). A folder that appears or
    /// goes is seen through its files.
    private func stamps() -> [String: FileStamp] {
        var out: [String: FileStamp] = [:]
        func take(_ path: String) {
            var st = stat()
            var name = stat()
            guard lstat(path, &name) == 0 else {
                // Listed but not found under its name: a name that is not UTF-8 (read with
                // U+FFFD), which the check says. Stamped all the same, so that its coming and
                // going are seen.
                if path.contains("\u{FFFD}") {
                    out[path] = FileStamp(seconds: 0, nanoseconds: 0, size: 0, inode: 0, nameInode: 0)
                }
                return
            }
            // A dangling link is stamped by itself: the check says it, and its mending is seen.
            if stat(path, &st) != 0 { st = name }
            let stamp = FileStamp(
                seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec), size: Int64(st.st_size), inode: UInt64(st.st_ino),
                nameInode: UInt64(name.st_ino))
            if out[path] != nil { out[path]?.twins.append(stamp) } else { out[path] = stamp }
        }
        take("\(root)/\(PlanLoader.programmeFile)")
        take("\(root)/\(PlanLoader.fundersFile)")
        for sub in [PlanLoader.operationsFolder, PlanLoader.scenariosFolder] {
            let folder = "\(root)/\(sub)"
            guard let dir = opendir(folder) else { continue }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }
                take("\(folder)/\(name)")
            }
        }
        return out
    }
}
