import Dispatch

/// Pure work shared among the cores, the results in the order of the inputs (so that what is
/// computed does not depend on how many cores there are).
enum Concurrent {
    /// `transform` of each element; elements are taken in chunks of at least `minimumChunk`.
    static func map<T, U>(_ items: [T], minimumChunk: Int = 64, _ transform: (T) -> U) -> [U] {
        let n = items.count
        let chunks = min(64, n / max(1, minimumChunk))
        guard chunks > 1 else { return items.map(transform) }
        return [U](unsafeUninitializedCapacity: n) { buffer, count in
            let base = buffer.baseAddress!
            // Each chunk initialises its own elements only.
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    for i in (c * n / chunks)..<((c + 1) * n / chunks) { (base + i).initialize(to: transform(items[i])) }
                }
            }
            count = n
        }
    }
}
