// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Maquette",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "maquette", targets: ["maquette"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure core: money, dates, model, rules, figures. No I/O, no third-party module.
        .target(name: "MaquetteCore"),
        // libyaml's event parser from Debian's libyaml-dev.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // YAML plan files -> core values, every value with its source location.
        // Release builds leave out the run-time exclusivity checks of the reader's classes (5 % of
        // a large read, measured in issue 15); debug builds, and so the tests, keep them.
        .target(
            name: "MaquettePlans", dependencies: ["MaquetteCore", "CYAML"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // libxlsxwriter from Debian's libxlsxwriter-dev.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // A small safe Swift API over libxlsxwriter; knows nothing of plans.
        .target(name: "XlsxWriter", dependencies: ["CXlsxWriter"]),
        // Linear programming solvers behind the core's LinearSolver protocol: GLPK (libglpk-dev)…
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
        // COIN-OR CLP from Debian's coinor-libclp-dev (the default solver, chosen on measurement):
        // its header's types only; the library is opened when the optimiser runs (see ClpLibrary).
        .systemLibrary(name: "CCLP", providers: [.apt(["coinor-libclp-dev"])]),
        .target(name: "MaquetteSolver", dependencies: ["MaquetteCore", "CGLPK", "CCLP"]),
        // Renders the pure workbook model through XlsxWriter; writes files atomically.
        .target(name: "MaquetteExport", dependencies: ["MaquetteCore", "XlsxWriter"]),
        // Commands and the one diagnostic printer.
        .target(
            name: "MaquetteCLI",
            dependencies: [
                "MaquetteCore", "MaquettePlans", "MaquetteExport", "MaquetteSolver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // gperftools' tcmalloc (Debian's libgoogle-perftools-dev) as the program's malloc: the
        // reader and the rules make millions of small allocations on two threads, and glibc's
        // malloc took 15 % of a large check (read + check 15–20 % faster, measured in issue 15).
        // Linked into the executable alone; the libraries and the test bundles keep the system's.
        .systemLibrary(name: "CTCMalloc", pkgConfig: "libtcmalloc_minimal", providers: [.apt(["libgoogle-perftools-dev"])]),
        .executableTarget(name: "maquette", dependencies: ["MaquetteCLI", "CTCMalloc"]),
        // Helpers shared by the test targets.
        .target(name: "MaquetteTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MaquetteCoreTests", dependencies: ["MaquetteCore"]),
        .testTarget(name: "MaquettePlansTests", dependencies: ["MaquettePlans", "MaquetteCore"]),
        .testTarget(name: "XlsxWriterTests", dependencies: ["XlsxWriter", "MaquetteTestSupport"]),
        .testTarget(name: "MaquetteExportTests", dependencies: ["MaquetteExport", "MaquettePlans", "MaquetteCore", "MaquetteTestSupport"]),
        .testTarget(name: "MaquetteSolverTests", dependencies: ["MaquetteSolver", "MaquettePlans", "MaquetteCore"]),
        .testTarget(name: "MaquetteCLITests", dependencies: ["MaquetteCLI", "MaquettePlans", "MaquetteCore", "MaquetteTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
