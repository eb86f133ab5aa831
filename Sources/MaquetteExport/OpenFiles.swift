import Foundation
import XlsxWriter

/// The process's limit of open files. A workbook written in constant-memory mode holds a scratch
/// file per sheet until it is closed: one sheet per operation can pass a desktop's usual soft
/// limit (1 024) long before the hard one.
public enum OpenFiles {
    #if os(Linux)
    private static let resource = Int32(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// Raises the soft limit, up to the hard one, so that `count` more files can be open; true if
    /// the limit allows them.
    @discardableResult
    static func allow(_ count: Int) -> Bool {
        // RLIM_INFINITY, all bits set on Linux.
        let unlimited = rlim_t.max
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return false }
        // What the process holds already (standard streams, the plans' folder, libraries), with room.
        let wanted = rlim_t(count + 64)
        if limit.rlim_cur != unlimited && limit.rlim_cur < wanted {
            limit.rlim_cur = limit.rlim_max == unlimited ? wanted : min(wanted, limit.rlim_max)
            guard setrlimit(resource, &limit) == 0 else { return false }
        }
        return limit.rlim_cur == unlimited || limit.rlim_cur >= wanted
    }

    /// Whether writing failed for want of open files (the limit reached even raised).
    public static func exhausted(_ error: Error) -> Bool {
        guard let failure = error as? XlsxError else { return false }
        return failure.cause == EMFILE || failure.cause == ENFILE
    }
}
