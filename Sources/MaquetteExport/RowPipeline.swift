import Foundation
import MaquetteCore
import XlsxWriter

/// Builds a streamed model's pending sheets and produces their deferred rows on a thread of its
/// own, a few blocks ahead of the writer, as batches of C records (``CellBatch``): building and
/// converting cost no time beside writing, and a big sheet's rows are never all held at once.
final class RowPipeline: @unchecked Sendable {
    enum Item {
        /// Sheet `index`, built, and its own rows as a batch.
        case sheet(index: Int, SheetModel, CellBatch)
        /// `count` deferred rows of sheet `index` as a batch, from `start` (counted among its
        /// deferred rows).
        case rows(index: Int, start: Int, batch: CellBatch, count: Int)
    }

    /// Rows per block, and blocks at most waiting for the writer: about 200 000 cells of the
    /// Synthèse, a tenth of a second of writing.
    static let blockSize = 1_024
    static let firstBlockSize = 64
    static let capacity = 8
    private let blockSize: Int
    private let capacity: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [Item] = []
    private var cancelled = false
    private var finished = false

    /// Whether `model` has work for a pipeline.
    static func wanted(for model: WorkbookModel) -> Bool { model.sheets.contains { $0.pending != nil || $0.deferred != nil } }

    /// Starts producing at once; `capacity` items at most wait for the writer.
    init(_ model: WorkbookModel, blockSize: Int = RowPipeline.blockSize, capacity: Int = RowPipeline.capacity) {
        precondition(blockSize > 0 && capacity > 0)
        self.blockSize = blockSize
        self.capacity = capacity
        let thread = Thread { [self] in self.produce(model) }
        thread.name = "maquette-rows"
        thread.start()
    }

    private func produce(_ model: WorkbookModel) {
        defer {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        for (index, given) in model.sheets.enumerated() {
            var sheet = given
            if given.pending != nil {
                sheet = given.resolved()
                guard put(.sheet(index: index, sheet, WorkbookRenderer.batch(sheet))) else { return }
            }
            guard let deferred = sheet.deferred else { continue }
            var start = 0
            // A small first block, so that the writer starts at once; then growing to the full size.
            var size = min(blockSize, Self.firstBlockSize)
            while start < deferred.count {
                let end = min(deferred.count, start + size)
                size = min(blockSize, size * 4)
                let (rows, heights) = sheet.deferredBlock(start..<end)
                let first = sheet.rows.count + start
                let batch = WorkbookRenderer.batch(rows, from: first, of: sheet) { heights[$0 - first] }
                guard put(.rows(index: index, start: start, batch: batch, count: rows.count)) else { return }
                start = end
            }
        }
    }

    /// Queues `item`, waiting for room; false once the writer has stopped.
    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, in sheet and row order; waits for it if need be.
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty {
            precondition(!finished, "the writer asked for more than the model holds")
            condition.wait()
        }
        let item = ready.removeFirst()
        condition.broadcast()
        return item
    }

    /// Sheet `index`, built by the producer, and its own rows.
    func sheet(_ index: Int) -> (SheetModel, CellBatch) {
        guard case .sheet(index, let sheet, let batch) = next() else { preconditionFailure("sheet \(index) out of order") }
        return (sheet, batch)
    }

    /// The next block of sheet `index`'s deferred rows, which must start at `start`, and how many
    /// rows it holds.
    func rows(_ index: Int, from start: Int) -> (batch: CellBatch, count: Int) {
        guard case .rows(index, start, let batch, let count) = next() else { preconditionFailure("rows of sheet \(index) out of order") }
        return (batch, count)
    }

    /// Stops producing (the writer is done or failed) and waits for the thread to end.
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
