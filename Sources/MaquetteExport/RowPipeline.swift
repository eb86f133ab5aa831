import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import MaquetteCore
import XlsxWriter

/// Builds a streamed model's pending sheets and produces their deferred rows on a thread of its
/// own, a few blocks ahead of the writer, as batches of C records (``CellBatch``): building and
/// converting cost no time beside writing, and a big sheet's rows are never all held at once.
final class RowPipeline: @unchecked Sendable {
    enum Item {
        /// Sheet `index`, built (its settings: its cells are in the batch), and its `rows` own rows as a batch.
        case sheet(index: Int, SheetModel, CellBatch, rows: Int)
        /// `count` deferred rows of sheet `index` as a batch, from `start` (counted among its
        /// deferred rows).
        case rows(index: Int, start: Int, batch: CellBatch, count: Int)

        /// Cells and row settings the item holds.
        var cells: Int {
            switch self {
            case .sheet(_, _, let batch, _), .rows(_, _, let batch, _): return batch.count
            }
        }
    }

    /// Rows per block, and items at most waiting for the writer: 8 blocks of the Synthèse are
    /// about 200 000 cells, a tenth of a second of writing.
    static let blockSize = 1_024
    static let firstBlockSize = 64
    static let capacity = 8
    /// Cells the waiting items may hold beyond `capacity` items: small items (an operation
    /// sheet is a few hundred cells) queue up to this, so that the producer runs far enough ahead
    /// to build a big sheet whole (the Paiements: 40 000 rows at 10 000 operations) while the
    /// writer goes on with the small ones, instead of the writer waiting for it. About 8 MiB of
    /// records, a second of writing operation sheets.
    static let cellBudget = 262_144
    private let blockSize: Int
    private let capacity: Int
    private let cellBudget: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [Item] = []
    private var readyCells = 0
    private var cancelled = false
    private var finished = false
    /// Nanoseconds the writer spent waiting for the producer (for `MAQUETTE_TIMINGS`).
    private(set) var waited: UInt64 = 0

    /// Whether `model` has work for a pipeline.
    static func wanted(for model: WorkbookModel) -> Bool { model.sheets.contains { $0.pending != nil || $0.deferred != nil } }

    /// Starts producing at once; `capacity` items at most wait for the writer.
    init(_ model: WorkbookModel, blockSize: Int = RowPipeline.blockSize, capacity: Int = RowPipeline.capacity, cellBudget: Int = RowPipeline.cellBudget) {
        precondition(blockSize > 0 && capacity > 0 && cellBudget >= 0)
        self.blockSize = blockSize
        self.capacity = capacity
        self.cellBudget = cellBudget
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
        // The sheets to build early, one after the other on a thread of their own; whichever of it
        // and this thread comes to a sheet first builds it.
        var early: [Int: Later<Built>] = [:]
        for (index, given) in model.sheets.enumerated() where given.pending != nil && given.buildEarly {
            early[index] = Later(startingNow: false) { Built(given.resolved()) }
        }
        if !early.isEmpty {
            let ahead = early.sorted { $0.key < $1.key }.map(\.value)
            let thread = Thread { [self] in
                // On the time the writer and the producer leave: with a third thread wanting a
                // core, the scheduler would otherwise take a share of the writer's.
                Self.yieldToOthers()
                for sheet in ahead where !isCancelled { sheet.start() }
            }
            thread.name = "maquette-early-sheets"
            thread.start()
        }
        for (index, given) in model.sheets.enumerated() {
            var sheet = given
            var fixedRows = given.rows.count
            if given.pending != nil {
                let built = early.removeValue(forKey: index)?.value ?? Built(given.resolved())
                sheet = built.sheet
                fixedRows = built.rows
                guard put(.sheet(index: index, built.sheet, built.batch, rows: built.rows)) else { return }
            }
            guard let deferred = sheet.deferred else { continue }
            var start = 0
            // A small first block, so that the writer starts at once; then doubling up to the full
            // size (a block four times the last took the producer longer than the writer took to
            // write the last: the writer waited 20–50 ms at the third block).
            var size = min(blockSize, Self.firstBlockSize)
            while start < deferred.count {
                let end = min(deferred.count, start + size)
                size = min(blockSize, size * 2)
                let (rows, heights) = sheet.deferredBlock(start..<end)
                let first = fixedRows + start
                let batch = WorkbookRenderer.batch(rows, from: first, of: sheet) { heights[$0 - first] }
                guard put(.rows(index: index, start: start, batch: batch, count: rows.count)) else { return }
                start = end
            }
        }
    }

    /// A pending sheet built: its settings, its own rows as a batch (not kept as cells as well,
    /// unless it has deferred rows: a big sheet built early waits in memory until it is
    /// written), and how many they are.
    struct Built: Sendable {
        let sheet: SheetModel
        let batch: CellBatch
        let rows: Int

        init(_ built: SheetModel) {
            batch = WorkbookRenderer.batch(built)
            rows = built.rows.count
            var settings = built
            // A sheet with deferred rows keeps its (few) fixed ones: its deferred rows count from them.
            if built.deferred == nil { settings.rows = [] }
            sheet = settings
        }
    }

    /// Lowers the calling thread's priority to the least (a nice value of 19: it runs when a core
    /// is idle). Lowering needs no privilege; where it fails, nothing changes.
    static func yieldToOthers() {
        #if canImport(Glibc)
            // On Linux a nice value is the thread's own: `0` names the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }

    /// Whether the writer has stopped.
    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Queues `item`, waiting for room (the queue is full with `capacity` items holding
    /// `cellBudget` cells or more); false once the writer has stopped.
    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && readyCells >= cellBudget && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(item)
        readyCells += item.cells
        condition.broadcast()
        return true
    }

    /// The next item, in sheet and row order; waits for it if need be.
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        if ready.isEmpty {
            let start = DispatchTime.now().uptimeNanoseconds
            while ready.isEmpty {
                precondition(!finished, "the writer asked for more than the model holds")
                condition.wait()
            }
            waited += DispatchTime.now().uptimeNanoseconds - start
        }
        let item = ready.removeFirst()
        readyCells -= item.cells
        condition.broadcast()
        return item
    }

    /// Sheet `index`, built by the producer, and its own rows.
    func sheet(_ index: Int) -> (settings: SheetModel, batch: CellBatch, rows: Int) {
        guard case .sheet(index, let sheet, let batch, let rows) = next() else { preconditionFailure("sheet \(index) out of order") }
        return (sheet, batch, rows)
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
