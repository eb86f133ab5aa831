import CXlsxWriter
import Foundation

/// libxlsxwriter prints its own English messages (`[ERROR][packager.c:…]: Error in writing
/// member…`, `[WARNING]: …`) with `fprintf(stderr, …)`. Debian's build cannot be changed, so
/// while a workbook is open the C library's `stderr` stream points at `/dev/null`; the error
/// codes still come back through the API, and the user reads them in French. Standard error
/// itself (file descriptor 2) is untouched: Maquette's own messages, written to the descriptor,
/// still reach the user.
enum LibraryMessages {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: UnsafeMutablePointer<FILE>?
    nonisolated(unsafe) private static var sink: UnsafeMutablePointer<FILE>?

    static func silence() {
        lock.lock()
        defer { lock.unlock() }
        depth += 1
        guard depth == 1 else { return }
        if sink == nil { sink = fopen("/dev/null", "w") }
        guard let sink else { return }
        saved = maquette_swap_stderr(sink)
    }

    static func restore() {
        lock.lock()
        defer { lock.unlock() }
        guard depth > 0 else { return }
        depth -= 1
        guard depth == 0, let saved else { return }
        _ = maquette_swap_stderr(saved)
        self.saved = nil
    }
}
