import CCLP

#if canImport(Glibc)
    import Glibc
#endif

/// CLP's C functions, looked up the first time the optimiser runs.
///
/// CLP is not linked into the program: its dependencies (LAPACK, gfortran) load libquadmath,
/// whose printf hooks send every `printf` of the process down glibc's slow path — and
/// libxlsxwriter prints each cell of a workbook with one. Measured on the 50 000-operation
/// benchmark: the C reference writer took 3.2 s alone and 3.5 s with libquadmath preloaded.
struct ClpLibrary: @unchecked Sendable {
    let newModel: @convention(c) () -> OpaquePointer?
    let deleteModel: @convention(c) (OpaquePointer?) -> Void
    let setLogLevel: @convention(c) (OpaquePointer?, Int32) -> Void
    let loadProblem:
        @convention(c) (
            OpaquePointer?, Int32, Int32, UnsafePointer<CoinBigIndex>?, UnsafePointer<Int32>?, UnsafePointer<Double>?,
            UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?
        ) -> Void
    let setOptimizationDirection: @convention(c) (OpaquePointer?, Double) -> Void
    let dual: @convention(c) (OpaquePointer?, Int32) -> Int32
    let status: @convention(c) (OpaquePointer?) -> Int32
    let primalColumnSolution: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Double>?
    let primalRowSolution: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Double>?

    /// The library, or why it could not be opened (in French, for the user).
    static let shared: Result<ClpLibrary, ClpLoadError> = load(["libClp.so.1", "libClp.so"])

    struct ClpLoadError: Error {
        let message: String
    }

    static func load(_ names: [String]) -> Result<ClpLibrary, ClpLoadError> {
        var reasons: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            var missing: [String] = []
            func symbol<T>(_ name: String, _: T.Type) -> T? {
                guard let pointer = dlsym(handle, name) else {
                    missing.append(name)
                    return nil
                }
                return unsafeBitCast(pointer, to: T.self)
            }
            let library = ClpLibrary(
                newModel: symbol("Clp_newModel", (@convention(c) () -> OpaquePointer?).self) ?? { nil },
                deleteModel: symbol("Clp_deleteModel", (@convention(c) (OpaquePointer?) -> Void).self) ?? { _ in },
                setLogLevel: symbol("Clp_setLogLevel", (@convention(c) (OpaquePointer?, Int32) -> Void).self) ?? { _, _ in },
                loadProblem: symbol(
                    "Clp_loadProblem",
                    (@convention(c) (
                        OpaquePointer?, Int32, Int32, UnsafePointer<CoinBigIndex>?, UnsafePointer<Int32>?, UnsafePointer<Double>?,
                        UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?
                    ) -> Void).self) ?? { _, _, _, _, _, _, _, _, _, _, _ in },
                setOptimizationDirection: symbol("Clp_setOptimizationDirection", (@convention(c) (OpaquePointer?, Double) -> Void).self) ?? { _, _ in },
                dual: symbol("Clp_dual", (@convention(c) (OpaquePointer?, Int32) -> Int32).self) ?? { _, _ in -1 },
                status: symbol("Clp_status", (@convention(c) (OpaquePointer?) -> Int32).self) ?? { _ in -1 },
                primalColumnSolution: symbol("Clp_primalColumnSolution", (@convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Double>?).self) ?? { _ in nil },
                primalRowSolution: symbol("Clp_primalRowSolution", (@convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Double>?).self) ?? { _ in nil })
            guard missing.isEmpty else {
                dlclose(handle)
                return .failure(ClpLoadError(message: "\(name) ne contient pas \(missing.joined(separator: ", ")) (version de CLP trop ancienne ?)"))
            }
            return .success(library)
        }
        return .failure(
            ClpLoadError(
                message: "bibliothèque CLP introuvable (paquet Debian coinor-libclp1 ; `make setup` l'installe, ou choisissez --solveur glpk) : \(reasons.joined(separator: " ; "))"))
    }
}
