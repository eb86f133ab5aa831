/// A linear programme as plain data, so the core can state the funding problem without knowing
/// which solver answers it. Solvers work in floating point: the optimiser rounds their answer to
/// the cent and checks it again with the exact rules.
public struct LinearProgram: Sendable {
    public struct Variable: Sendable {
        public var name: String
        public var lower: Double
        public var upper: Double?
        public var objective: Double
    }

    public struct Constraint: Sendable {
        public var name: String
        public var terms: [(variable: Int, coefficient: Double)]
        public var lower: Double?
        public var upper: Double?
    }

    public var variables: [Variable] = []
    public var constraints: [Constraint] = []

    public init() {}

    @discardableResult
    public mutating func addVariable(_ name: String, lower: Double = 0, upper: Double? = nil, objective: Double = 0) -> Int {
        variables.append(Variable(name: name, lower: lower, upper: upper, objective: objective))
        return variables.count - 1
    }

    @discardableResult
    public mutating func addConstraint(_ name: String, _ terms: [(Int, Double)], lower: Double? = nil, upper: Double? = nil) -> Int {
        constraints.append(Constraint(name: name, terms: terms.map { (variable: $0.0, coefficient: $0.1) }, lower: lower, upper: upper))
        return constraints.count - 1
    }

    /// The problem in CPLEX LP format, to inspect it or to time other solvers on it.
    public var cplexLP: String {
        func number(_ x: Double) -> String {
            let s = String(x)
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        func expression(_ terms: [(Int, Double)]) -> String {
            if terms.isEmpty { return "0 x0" }
            return terms.enumerated().map { i, t in
                let sign = t.1 < 0 ? "- " : (i == 0 ? "" : "+ ")
                return "\(sign)\(number(abs(t.1))) x\(t.0)"
            }.joined(separator: " ")
        }
        var out = "\\ Maquette funding problem\nMinimize\n obj: " + expression(variables.indices.compactMap { variables[$0].objective != 0 ? ($0, variables[$0].objective) : nil }) + "\nSubject To\n"
        for (i, c) in constraints.enumerated() {
            let e = expression(c.terms.map { ($0.variable, $0.coefficient) })
            if let l = c.lower, let u = c.upper, l == u {
                out += " c\(i): \(e) = \(number(l))\n"
            } else {
                if let l = c.lower { out += " c\(i)l: \(e) >= \(number(l))\n" }
                if let u = c.upper { out += " c\(i)u: \(e) <= \(number(u))\n" }
            }
        }
        out += "Bounds\n"
        for (i, v) in variables.enumerated() {
            out += v.upper.map { " \(number(v.lower)) <= x\(i) <= \(number($0))\n" } ?? " x\(i) >= \(number(v.lower))\n"
        }
        return out + "End\n"
    }
}

/// What a solver found.
public struct LinearSolution: Sendable {
    public enum Status: Sendable, Equatable { case optimal, infeasible, unbounded, failed(String) }
    public var status: Status
    public var values: [Double]
    /// Each constraint's left-hand side at the solution.
    public var activities: [Double]

    public init(status: Status, values: [Double] = [], activities: [Double] = []) {
        self.status = status
        self.values = values
        self.activities = activities
    }
}

/// A linear programming solver (GLPK, behind the MaquetteSolver target).
public protocol LinearSolver {
    func solve(_ program: LinearProgram) -> LinearSolution
}
