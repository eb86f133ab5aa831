import CCLP
import MaquetteCore

/// `LinearSolver` over COIN-OR CLP's dual simplex (Debian coinor-libclp-dev), through its C
/// interface, opened at run time (``ClpLibrary``). Each call builds and frees its own model.
public struct CLPSolver: LinearSolver {
    public init() {}

    public func solve(_ program: LinearProgram) -> LinearSolution {
        let clp: ClpLibrary
        switch ClpLibrary.shared {
        case .success(let library): clp = library
        case .failure(let error): return LinearSolution(status: .failed("CLP : \(error.message)"))
        }
        guard let model = clp.newModel() else { return LinearSolution(status: .failed("CLP : création du modèle impossible")) }
        defer { clp.deleteModel(model) }
        clp.setLogLevel(model, 0)
        let columns = program.variables.count
        let rows = program.constraints.count
        let infinity = Double.greatestFiniteMagnitude
        // Column-major sparse matrix, repeated variables in a row merged.
        var perColumn: [[(row: Int32, value: Double)]] = Array(repeating: [], count: columns)
        for (i, c) in program.constraints.enumerated() {
            var merged: [Int: Double] = [:]
            for t in c.terms { merged[t.variable, default: 0] += t.coefficient }
            for (variable, coefficient) in merged where coefficient != 0 { perColumn[variable].append((Int32(i), coefficient)) }
        }
        var start: [CoinBigIndex] = [0]
        var index: [Int32] = []
        var value: [Double] = []
        for column in perColumn {
            for entry in column.sorted(by: { $0.row < $1.row }) {
                index.append(entry.row)
                value.append(entry.value)
            }
            start.append(CoinBigIndex(index.count))
        }
        let columnLower = program.variables.map(\.lower)
        let columnUpper = program.variables.map { $0.upper ?? infinity }
        let objective = program.variables.map(\.objective)
        let rowLower = program.constraints.map { $0.lower ?? -infinity }
        let rowUpper = program.constraints.map { $0.upper ?? infinity }
        clp.loadProblem(model, Int32(columns), Int32(rows), start, index, value, columnLower, columnUpper, objective, rowLower, rowUpper)
        clp.setOptimizationDirection(model, 1)
        _ = clp.dual(model, 0)
        switch clp.status(model) {
        case 0:
            let values = Array(UnsafeBufferPointer(start: clp.primalColumnSolution(model), count: columns))
            let activities = Array(UnsafeBufferPointer(start: clp.primalRowSolution(model), count: rows))
            return LinearSolution(status: .optimal, values: values, activities: activities)
        case 1: return LinearSolution(status: .infeasible)
        case 2: return LinearSolution(status: .unbounded)
        default: return LinearSolution(status: .failed("CLP : statut \(clp.status(model))"))
        }
    }
}
