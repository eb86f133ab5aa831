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

    /// Looks every function up in an opened library; each takes the type of its property.
    private init(_ handle: UnsafeMutableRawPointer, name: String) throws {
        func symbol<T>(_ symbol: String) throws -> T {
            guard let pointer = dlsym(handle, symbol) else {
                throw ClpLoadError(message: "\(name) ne contient pas \(symbol) (version de CLP trop ancienne ?)")
            }
            return unsafeBitCast(pointer, to: T.self)
        }
        newModel = try symbol("Clp_newModel")
        deleteModel = try symbol("Clp_deleteModel")
        setLogLevel = try symbol("Clp_setLogLevel")
        loadProblem = try symbol("Clp_loadProblem")
        setOptimizationDirection = try symbol("Clp_setOptimizationDirection")
        dual = try symbol("Clp_dual")
        status = try symbol("Clp_status")
        primalColumnSolution = try symbol("Clp_primalColumnSolution")
        primalRowSolution = try symbol("Clp_primalRowSolution")
    }

    static func load(_ names: [String]) -> Result<ClpLibrary, ClpLoadError> {
        var reasons: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            do {
                return .success(try ClpLibrary(handle, name: name))
            } catch {
                dlclose(handle)
                return .failure(error as? ClpLoadError ?? ClpLoadError(message: "\(error)"))
            }
        }
        return .failure(
            ClpLoadError(
                message: "bibliothèque CLP introuvable (paquet Debian coinor-libclp1 ; `make setup` l'installe, ou choisissez --solveur glpk) : \(reasons.joined(separator: " ; "))"))
    }
}
