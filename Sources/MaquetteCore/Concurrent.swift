import Dispatch

/// Pure work shared among the cores, the results in the order of the inputs (so that what is
/// computed does not depend on how many cores there are).
public enum Concurrent {
    /// `transform` of each element; elements are taken in chunks of at least `minimumChunk`.
    /// `progress`, if given, is told how many elements are done out of how many, one call at a
    /// time, from any thread.
    public static func map<T: Sendable, U: Sendable>(
        _ items: [T], minimumChunk: Int = 64, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        _ transform: @Sendable (T) -> U
    ) -> [U] {
        let n = items.count
        let chunks = min(256, n / max(1, minimumChunk))
        guard chunks > 1 else {
            defer { progress?(n, n) }
            return items.map(transform)
        }
        let counter = ProgressCounter(total: n, progress: progress)
        return [U](unsafeUninitializedCapacity: n) { buffer, count in
            // Each chunk initialises its own elements only: no two threads write the same one.
            let output = UncheckedBuffer(buffer)
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * n / chunks)..<((c + 1) * n / chunks)
                    for i in range {
                        output.initialize(i, to: transform(items[i]))
                        if (i - range.lowerBound) % 64 == 63 { counter.add(64) }
                    }
                    counter.add(range.count % 64)
                }
            }
            count = n
        }
    }
}

/// The output of ``Concurrent/map``, written by several threads, each at its own indices.
private struct UncheckedBuffer<U>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<U>
    init(_ base: UnsafeMutableBufferPointer<U>) { self.base = base }
    func initialize(_ i: Int, to value: U) { base.baseAddress?.advanced(by: i).initialize(to: value) }
}

/// Progress added from any thread, told one call at a time.
private final class ProgressCounter: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var done = 0
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?

    init(total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.progress = progress
    }

    func add(_ count: Int) {
        guard let progress else { return }
        lock.wait()
        done += count
        progress(done, total)
        lock.signal()
    }
}

/// A value worked out on another core from now on, for whoever needs it later: the first to ask
/// waits until it is there, or works it out itself if no core has started it yet (so that no
/// thread of a busy pool waits for a task queued behind it). Work the caller would otherwise do
/// first, taken off its way.
public final class Later<T: Sendable>: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private let done = DispatchSemaphore(value: 0)
    // Guarded by `lock`: the work until someone takes it, then its result.
    private var work: (@Sendable () -> T)?
    private var result: T?

    /// With `startingNow` false, nothing is started: ``start()`` or the first ``value`` does the work.
    public init(startingNow: Bool = true, _ work: @escaping @Sendable () -> T) {
        self.work = work
        if startingNow { DispatchQueue.global().async { self.run() } }
    }

    /// Does the work here, now, if nobody has taken it yet (a thread working out several values
    /// ahead of their askers, one after the other).
    public func start() { run() }

    /// Does the work if nobody has taken it yet.
    private func run() {
        lock.wait()
        let taken = work
        work = nil
        lock.signal()
        guard let taken else { return }
        let made = taken()
        lock.wait()
        result = made
        lock.signal()
        done.signal()
    }

    public var value: T {
        run()
        lock.wait()
        if let result {
            lock.signal()
            return result
        }
        lock.signal()
        // Another thread is working it out: wait, and let the next waiter through.
        done.wait()
        done.signal()
        lock.wait()
        defer { lock.signal() }
        guard let result else { preconditionFailure("worked out before `done` is signalled") }
        return result
    }
}

/// Values worked out index by index when first asked for, on whichever thread asks, and kept:
/// a sheet's rows built block by block, and the sheets that read the same figures after them.
final class IndexedMemo<T: Sendable>: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    // Guarded by `lock`.
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The value at `index`, made by `make` the first time (pure: two threads asking at once
    /// make the same).
    func value(_ index: Int, _ make: () -> T) -> T {
        lock.wait()
        let known = slots[index]
        lock.signal()
        if let known { return known }
        let made = make()
        lock.wait()
        slots[index] = made
        lock.signal()
        return made
    }
}
