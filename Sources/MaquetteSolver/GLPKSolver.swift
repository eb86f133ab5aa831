import CGLPK
import MaquetteCore

/// `LinearSolver` over GLPK's simplex (Debian libglpk-dev): presolve on, terminal output off.
/// Each call builds and frees its own problem object.
public struct GLPKSolver: LinearSolver {
    public init() {}

    public func solve(_ program: LinearProgram) -> LinearSolution {
        glp_term_out(GLP_OFF)
        guard let lp = glp_create_prob() else { return LinearSolution(status: .failed("GLPK : création du problème impossible")) }
        defer { glp_delete_prob(lp) }
        glp_set_obj_dir(lp, GLP_MIN)
        let rows = program.constraints.count
        let columns = program.variables.count
        if rows > 0 { glp_add_rows(lp, Int32(rows)) }
        if columns > 0 { glp_add_cols(lp, Int32(columns)) }
        for (j, v) in program.variables.enumerated() {
            let index = Int32(j + 1)
            if let upper = v.upper {
                glp_set_col_bnds(lp, index, upper == v.lower ? GLP_FX : GLP_DB, v.lower, upper)
            } else {
                glp_set_col_bnds(lp, index, GLP_LO, v.lower, 0)
            }
            glp_set_obj_coef(lp, index, v.objective)
        }
        // GLPK's arrays are 1-based: element 0 is unused.
        var ia: [Int32] = [0]
        var ja: [Int32] = [0]
        var ar: [Double] = [0]
        for (i, c) in program.constraints.enumerated() {
            let index = Int32(i + 1)
            switch (c.lower, c.upper) {
            case let (l?, u?) where l == u: glp_set_row_bnds(lp, index, GLP_FX, l, u)
            case let (l?, u?): glp_set_row_bnds(lp, index, GLP_DB, l, u)
            case let (l?, nil): glp_set_row_bnds(lp, index, GLP_LO, l, 0)
            case let (nil, u?): glp_set_row_bnds(lp, index, GLP_UP, 0, u)
            case (nil, nil): glp_set_row_bnds(lp, index, GLP_FR, 0, 0)
            }
            // Merge repeated variables in one row (GLPK refuses duplicates).
            var merged: [Int: Double] = [:]
            for t in c.terms { merged[t.variable, default: 0] += t.coefficient }
            for (variable, coefficient) in merged.sorted(by: { $0.key < $1.key }) where coefficient != 0 {
                ia.append(index)
                ja.append(Int32(variable + 1))
                ar.append(coefficient)
            }
        }
        if ia.count > 1 { glp_load_matrix(lp, Int32(ia.count - 1), ia, ja, ar) }
        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.presolve = GLP_ON
        parameters.msg_lev = GLP_MSG_OFF
        let code = glp_simplex(lp, &parameters)
        if code == GLP_ENOPFS || code == GLP_ENODFS { return LinearSolution(status: .infeasible) }
        guard code == 0 else { return LinearSolution(status: .failed("GLPK : échec du simplexe (code \(code))")) }
        switch glp_get_status(lp) {
        case GLP_OPT:
            let values = (0..<columns).map { glp_get_col_prim(lp, Int32($0 + 1)) }
            let activities = (0..<rows).map { glp_get_row_prim(lp, Int32($0 + 1)) }
            return LinearSolution(status: .optimal, values: values, activities: activities)
        case GLP_NOFEAS, GLP_INFEAS: return LinearSolution(status: .infeasible)
        case GLP_UNBND: return LinearSolution(status: .unbounded)
        default: return LinearSolution(status: .failed("GLPK : statut \(glp_get_status(lp))"))
        }
    }
}
