import Dispatch

/// Pure work shared among the cores, the results in the order of the inputs (so that what is
/// computed does not depend on how many cores there are).
public enum Concurrent {
    /// `transform` of each element; elements are taken in chunks of at least `minimumChunk`.
    /// `progress`, if given, is told how many elements are done out of how many, one call at a
    /// time, from any thread.
    public static func map<T, U>(
        _ items: [T], minimumChunk: Int = 64, progress: ((_ done: Int, _ total: Int) -> Void)? = nil, _ transform: (T) -> U
    ) -> [U] {
        let n = items.count
        let chunks = min(64, n / max(1, minimumChunk))
        guard chunks > 1 else {
            defer { progress?(n, n) }
            return items.map(transform)
        }
        let lock = DispatchSemaphore(value: 1)
        var done = 0
        func report(_ count: Int) {
            guard let progress else { return }
            lock.wait()
            done += count
            progress(done, n)
            lock.signal()
        }
        return [U](unsafeUninitializedCapacity: n) { buffer, count in
            let base = buffer.baseAddress!
            // Each chunk initialises its own elements only.
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * n / chunks)..<((c + 1) * n / chunks)
                    for i in range {
                        (base + i).initialize(to: transform(items[i]))
                        if (i - range.lowerBound) % 64 == 63 { report(64) }
                    }
                    report(range.count % 64)
                }
            }
            count = n
        }
    }
}
