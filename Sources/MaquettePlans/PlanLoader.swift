import Foundation
import MaquetteCore

/// A plan file's display path and text.
public struct PlanFile: Sendable {
    public let path: String
    public let text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// What loading a plans folder gives: the plans when they could be read, every problem found,
/// and the texts read (so that diagnostics can be shown with an excerpt without reading again).
public struct LoadResult: Sendable {
    public let plans: Plans?
    public let diagnostics: [Diagnostic]
    public let sources: [String: String]
    /// The scenarios of `scenarios/*.yaml`, read but not applied.
    public var scenarios: [Scenario] = []
    /// How long each phase of the load took (`MAQUETTE_TIMINGS`).
    public var timings = LoadTimings()

    public init(plans: Plans?, diagnostics: [Diagnostic], sources: [String: String], scenarios: [Scenario] = []) {
        self.plans = plans
        self.diagnostics = diagnostics
        self.sources = sources
        self.scenarios = scenarios
    }

    /// The plans with a scenario applied (`nil`: the base plans); a scenario that cannot be found or
    /// whose changes point at nothing makes the plans unreadable (exit 2).
    public func applying(scenario id: String?) -> LoadResult {
        guard let id, let plans else { return self }
        switch ScenarioEngine.chain(id, in: scenarios) {
        case .failure(let problem):
            return LoadResult(plans: nil, diagnostics: Diagnostic.inOrder(diagnostics + [problem]), sources: sources, scenarios: scenarios)
        case .success(let chain):
            let (changed, problems) = ScenarioEngine.apply(chain, to: plans)
            let all = Diagnostic.inOrder(diagnostics + problems)
            return LoadResult(plans: problems.isEmpty ? changed : nil, diagnostics: all, sources: sources, scenarios: scenarios)
        }
    }

    /// True when some input could not be read (exit code 2).
    public var hasReadErrors: Bool { diagnostics.contains { $0.severity == .erreur && $0.stage == .lecture } }
}

/// Loads a plans folder: `programme.yaml`, optional `financeurs.yaml`, `operations/*.yaml`.
///
/// Reading never stops at the first problem: every file is read and every problem reported.
public enum PlanLoader {
    public static let programmeFile = "programme.yaml"
    public static let fundersFile = "financeurs.yaml"
    public static let operationsFolder = "operations"
    public static let scenariosFolder = "scenarios"

    /// Reads the folder from disk, then loads it.
    public static func load(folder: String) -> LoadResult { load(folder: folder, cache: nil) }

    /// Reads the folder, calling `progress(done, total)` as operation files are parsed (from any
    /// thread, one call at a time).
    public static func load(folder: String, progress: @escaping @Sendable (Int, Int) -> Void) -> LoadResult {
        load(folder: folder, cache: nil, progress: progress)
    }

    /// Reads the folder; with a cache, operation files whose text has not changed since the last
    /// load (with the same programme and funders) are not parsed again.
    public static func load(folder: String, cache: ParseCache?, progress: (@Sendable (Int, Int) -> Void)? = nil) -> LoadResult {
        PlanFolder(folder).load(cache: cache, progress: progress)
    }

    /// The built-in catalogue alone: funders, dispositifs and the dated legal parameters.
    public static func builtinCatalogue() -> Catalogue {
        var catalogue = Catalogue()
        let reader = NodeReader(file: BuiltinCatalogue.file)
        if case .success(let document) = YAMLSource.compose(BuiltinCatalogue.text, file: BuiltinCatalogue.file) {
            document.withRoot { CatalogueReader(reader: reader).read($0, into: &catalogue) }
        }
        return catalogue
    }

    /// A plan file's nodes with a reader for them; or nil, the parse problem added to `diagnostics`.
    /// Read them within ``YAMLDocument/withRoot(_:)``.
    static func composed(_ file: PlanFile, into diagnostics: inout [Diagnostic]) -> (YAMLDocument, NodeReader)? {
        let reader = NodeReader(file: file.path)
        switch YAMLSource.compose(file.text, file: file.path) {
        case .success(let document): return (document, reader)
        case .failure(let d):
            diagnostics.append(d)
            return nil
        }
    }

    /// The catalogue (built in, then the funders file's additions and overrides) and the
    /// programme, with what reading them found: all that operation files are read against.
    static func readContext(_ files: [PlanFile], root: String) -> (Catalogue, Programme?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func compose(_ file: PlanFile) -> (YAMLDocument, NodeReader)? { composed(file, into: &diagnostics) }

        // The catalogue: built in, then the programme's additions and overrides.
        var catalogue = Catalogue()
        let builtin = PlanFile(path: BuiltinCatalogue.file, text: BuiltinCatalogue.text)
        if let (document, reader) = compose(builtin) {
            document.withRoot { CatalogueReader(reader: reader).read($0, into: &catalogue) }
            diagnostics += reader.diagnostics
        }
        if let funders = files.first(where: { $0.path == "\(root)/\(fundersFile)" }), let (document, reader) = compose(funders) {
            document.withRoot { CatalogueReader(reader: reader).read($0, into: &catalogue) }
            diagnostics += reader.diagnostics
        }
        for name in ParameterName.all where catalogue.parameters[name] == nil {
            diagnostics.append(
                Diagnostic(
                    .avertissement, rule: .parametreAFournir, "le paramètre `\(name)` n'est défini nulle part : \(ParameterName.unchecked(by: name))",
                    at: SourceLocation(file: "\(root)/\(fundersFile)", line: 1, column: 1), notes: ["définissez-le sous `parametres:` dans financeurs.yaml"]))
        }

        var programme: Programme?
        if let file = files.first(where: { $0.path == "\(root)/\(programmeFile)" }) {
            if let (document, reader) = compose(file) {
                programme = document.withRoot { ProgrammeReader(reader: reader).read($0) }
                diagnostics += reader.diagnostics
            }
        } else {
            diagnostics.append(
                Diagnostic(
                    .erreur, rule: .fichier, "« \(root)/\(programmeFile) » est introuvable", at: nil,
                    notes: ["un dossier de plans contient programme.yaml, financeurs.yaml (facultatif) et operations/*.yaml"]))
        }

        if let programme {
            for envelope in catalogue.envelopes where !programme.acceptedYears.contains(envelope.year) {
                diagnostics.append(
                    Diagnostic(
                        .erreur, rule: .valeur, "enveloppe de l'année \(envelope.year), hors des années admises, \(programme.acceptedYearsText)",
                        at: envelope.location, notes: ["vérifiez l'année ; la période se règle dans programme.yaml (`periode`)"]))
            }
        }

        return (catalogue, programme, diagnostics)
    }

    /// Loads plan files given as texts; pure. `root` is the folder the paths start with.
    public static func load(files: [PlanFile], root: String) -> LoadResult { load(files: files, root: root, cache: nil) }

    public static func load(files: [PlanFile], root: String, cache: ParseCache?, progress: (@Sendable (Int, Int) -> Void)? = nil) -> LoadResult {
        load(files: files, kinds: FileKinds(files, root: root), root: root, cache: cache, progress: progress, context: nil)
    }

    /// Where the programme, the funders, the operation files and the scenarios are among the files
    /// of a load: found once, so that thousands of paths are not compared again at each step.
    struct FileKinds: Sendable {
        /// `programme.yaml` and `financeurs.yaml`, in the files' order.
        var context: [Int] = []
        var operations: [Int] = []
        var scenarios: [Int] = []

        /// The kinds of `files` by their paths under `root`.
        init(_ files: [PlanFile], root: String) {
            let (programmePath, fundersPath) = ("\(root)/\(programmeFile)", "\(root)/\(fundersFile)")
            let (operationsPrefix, scenariosPrefix) = ("\(root)/\(operationsFolder)/", "\(root)/\(scenariosFolder)/")
            for (i, file) in files.enumerated() {
                if file.path == programmePath || file.path == fundersPath {
                    context.append(i)
                } else if file.path.hasPrefix(operationsPrefix) {
                    operations.append(i)
                } else if file.path.hasPrefix(scenariosPrefix) {
                    scenarios.append(i)
                }
            }
        }

        /// Files laid out as a ``PlanFolder`` gives them: the programme and funders files when
        /// read, then `operations` operation files, then the scenarios.
        init(programme: Bool, funders: Bool, operations: Int, scenarios: Int) {
            let next = (programme ? 1 : 0) + (funders ? 1 : 0)
            context = Array(0..<next)
            self.operations = Array(next..<next + operations)
            self.scenarios = Array(next + operations..<next + operations + scenarios)
        }
    }

    /// ``load(files:root:cache:progress:)``, where `kinds` tells which file is which; `context`,
    /// when given, is ``readContext(_:root:)`` of these files, worked out beforehand (``PlanFolder``
    /// reads it while loading the operation files).
    static func load(
        files: [PlanFile], kinds: FileKinds, root: String, cache: ParseCache?, progress: (@Sendable (Int, Int) -> Void)?,
        context readBefore: (() -> (Catalogue, Programme?, [Diagnostic]))?
    ) -> LoadResult {
        var timings = LoadTimings()
        var diagnostics: [Diagnostic] = []
        // Without a cache, the texts by path are indexed on another core while the files are parsed.
        let sourcesWithoutCache = cache == nil ? Later { ParseCache.sources(of: files) } : nil
        func compose(_ file: PlanFile) -> (YAMLDocument, NodeReader)? { composed(file, into: &diagnostics) }

        // The cache is valid only for the same programme and funders files.
        let fundersPath = "\(root)/\(fundersFile)"
        let context = kinds.context.map { files[$0].text }.joined(separator: "\u{0}")
        let (catalogue, programme, contextDiagnostics): (Catalogue, Programme?, [Diagnostic])
        if let known = cache?.context(for: context) {
            (catalogue, programme, contextDiagnostics) = known
        } else {
            (catalogue, programme, contextDiagnostics) = readBefore?() ?? readContext(files, root: root)
            cache?.storeContext(context, (catalogue, programme, contextDiagnostics))
        }
        diagnostics += contextDiagnostics
        timings.lap("catalogue+programme")

        // Operation files are independent once the catalogue and programme are read: they are
        // parsed on every core, then merged in file order so the output does not depend on timing.
        let operationIndices = kinds.operations
        // The previous load's files, matched by position (a re-check after an edit finds the
        // same paths in the same order, compared at once as they are the same strings), else by path.
        let previous = cache?.entries(for: context) ?? []
        let aligned = previous.count == operationIndices.count && operationIndices.indices.allSatisfy { previous[$0].path == files[operationIndices[$0]].path }
        let previousIndex = aligned || previous.isEmpty ? [:] : Dictionary(previous.indices.map { (previous[$0].path, $0) }, uniquingKeysWith: { a, _ in a })
        let (readProgramme, readCatalogue) = (programme, catalogue)
        let keeping = cache != nil
        var parsed = Concurrent.map(Array(operationIndices.indices), minimumChunk: 1, progress: progress) { i -> ParsedOperation in
            let (programme, catalogue) = (readProgramme, readCatalogue)
            let file = files[operationIndices[i]]
            if let j = aligned ? i : previousIndex[file.path], previous[j].text == file.text { return ParsedOperation(previous[j]) }
            let reader = NodeReader(file: file.path)
            reader.programme = programme
            switch YAMLSource.compose(file.text, file: file.path) {
            case .failure(let d): return ParsedOperation(file, nil, [d], keeping: keeping)
            case .success(let document):
                let operation = document.withRoot { OperationReader(reader: reader, programme: programme, catalogue: catalogue).read($0) }
                return ParsedOperation(file, operation, reader.diagnostics, keeping: keeping)
            }
        }
        timings.lap("operations")
        let sources = sourcesWithoutCache?.value ?? cache?.sources(of: files) ?? [:]
        cache?.store(context: context, parsed.compactMap(\.entry), parsed: parsed.count { $0.parsedNow })
        // The scenarios' validations of the previous load, taken out: they are put back only by a
        // load that validates the scenarios again (one that stops before leaves none).
        let scenarioKey = context + "\u{0}" + kinds.scenarios.map { files[$0].text }.joined(separator: "\u{0}")
        let knownValidations = cache?.validations(for: scenarioKey)
        cache?.storeValidations(scenarioKey, nil)
        // The operations edited since the previous load, when the files are the same and each
        // edited one still describes the same operation.
        var edited: [(old: MaquetteCore.Operation, new: MaquetteCore.Operation)]? = aligned && !previous.isEmpty ? [] : nil
        for i in parsed.indices where edited != nil && parsed[i].parsedNow {
            if let old = previous[i].operation, let new = parsed[i].operation, old.id == new.id { edited?.append((old, new)) } else { edited = nil }
        }
        var operations: [MaquetteCore.Operation] = []
        operations.reserveCapacity(parsed.count)
        var totals: [Int128] = []
        totals.reserveCapacity(parsed.count)
        // Each operation's place among `operations` by identifier. The operations are taken out
        // of what was parsed, not copied, and not read: their identifiers and totals were worked
        // out on the cores that read them (an operation's memory, cold by now, is not fetched
        // again one operation after another).
        var seen: [OperationKey: Int] = [:]
        seen.reserveCapacity(parsed.count)
        for i in parsed.indices {
            diagnostics += parsed[i].diagnostics
            guard let key = parsed[i].key, let operation = parsed[i].operation.take() else { continue }
            if let first = seen[key] {
                diagnostics.append(
                    Diagnostic(
                        .erreur, rule: .identifiantEnDouble,
                        "l'opération `\(operation.id)` est déjà décrite dans \(operations[first].file)", at: operation.location(of: "id"),
                        notes: ["chaque opération a un identifiant unique"]))
                continue
            }
            seen[key] = operations.count
            operations.append(consume operation)
            totals.append(parsed[i].total)
        }

        timings.lap("fusion")
        var scenarios: [Scenario] = []
        for i in kinds.scenarios {
            guard let (document, reader) = compose(files[i]) else { continue }
            reader.programme = programme
            let scenario = document.withRoot { ScenarioReader(reader: reader, programme: programme, catalogue: catalogue).read($0) }
            diagnostics += reader.diagnostics
            guard let scenario else { continue }
            if let previous = scenarios.first(where: { $0.id == scenario.id }) {
                diagnostics.append(
                    Diagnostic(
                        .erreur, rule: .identifiantEnDouble, "le scénario `\(scenario.id)` est déjà décrit dans \(previous.file)",
                        at: scenario.location, notes: ["chaque scénario a un identifiant unique"]))
                continue
            }
            scenarios.append(scenario)
        }

        // A funders file that could not be parsed declares no dispositif: the operations' lines
        // that name one of its dispositifs are not reported as unknown as well.
        let fundersUnreadable = diagnostics.contains {
            $0.location?.file == fundersPath && ($0.rule == .syntaxeYAML || $0.rule == .yamlNonAccepte)
        }
        if fundersUnreadable { diagnostics.removeAll { $0.rule == .reference && $0.message.hasPrefix("dispositif inconnu") } }
        diagnostics = Diagnostic.inOrder(diagnostics)
        timings.lap("scenarios+tri")
        let readable = !diagnostics.contains { $0.severity == .erreur && $0.stage == .lecture }
        guard readable, let programme else {
            return LoadResult(plans: nil, diagnostics: diagnostics, sources: sources, scenarios: scenarios)
        }
        let plans = Plans(programme: programme, catalogue: catalogue, operations: operations)
        timings.lap("plans")
        // Every sum the figures make stays far inside 64-bit cents when the whole programme does.
        if !AmountBounds.fits(plans, operationTotals: totals) {
            let largest = operations.max { AmountBounds.operationTotal($0) < AmountBounds.operationTotal($1) }
            diagnostics.append(
                Diagnostic(
                    .erreur, rule: .valeur,
                    "les montants du programme dépassent ensemble \(Money.maximumProgrammeAmount) : ce n'est pas un programme réel",
                    at: largest?.location(of: "id"), operation: largest?.id,
                    notes: ["vérifiez le nombre de zéros des montants (l'opération qui pèse le plus est indiquée)"]))
            return LoadResult(plans: nil, diagnostics: Diagnostic.inOrder(diagnostics), sources: sources, scenarios: scenarios)
        }
        timings.lap("bornes")
        // Every scenario of the folder is a plan file: one that names nothing, loops or breaks a
        // bound is a read error even when it is not asked for (checked on the base plans).
        var scenarioProblems: [Diagnostic] = []
        var said: Set<String> = []
        // After an edit of operation files (the same files, the same identifiers), scenarios all
        // valid before are checked on the edited operations alone (`ScenarioEngine.revalidated`).
        var validations: [String: ScenarioEngine.Validation]?
        if let edited, let known = knownValidations, known.count == scenarios.count,
            edited.allSatisfy({ seen[OperationKey($0.new.id)].map { operations[$0].file } == $0.new.file })
        {
            var again: [String: ScenarioEngine.Validation] = [:]
            for scenario in scenarios {
                guard case .success(let chain) = ScenarioEngine.chain(scenario.id, in: scenarios), let before = known[scenario.id],
                    let after = ScenarioEngine.revalidated(chain, before, from: edited.map(\.old), to: edited.map(\.new), in: plans)
                else { break }
                again[scenario.id] = after
            }
            if again.count == scenarios.count { validations = again }
        }
        cache?.noteScenariosRevalidated(validations != nil)
        if validations == nil {
            // Each scenario is checked on the whole programme (each change on the operations it
            // reaches): they run on all cores, their problems taken in the scenarios' order.
            let (readScenarios, operationTotals) = (scenarios, totals)
            let found = Concurrent.map(readScenarios, minimumChunk: 1) { scenario -> ([Diagnostic], ScenarioEngine.Validation?) in
                switch ScenarioEngine.chain(scenario.id, in: readScenarios) {
                case .failure(let problem): return ([problem], nil)
                case .success(let chain): return ScenarioEngine.validate(chain, on: plans, operationTotals: operationTotals)
                }
            }
            for d in found.flatMap(\.0) where said.insert("\(d.location?.description ?? "")|\(d.message)").inserted { scenarioProblems.append(d) }
            let valid = zip(scenarios, found).compactMap { scenario, result in result.1.map { (scenario.id, $0) } }
            if valid.count == scenarios.count { validations = Dictionary(valid, uniquingKeysWith: { a, _ in a }) }
        }
        cache?.storeValidations(scenarioKey, scenarioProblems.isEmpty ? validations : nil)
        if !scenarioProblems.isEmpty {
            return LoadResult(plans: nil, diagnostics: Diagnostic.inOrder(diagnostics + scenarioProblems), sources: sources, scenarios: scenarios)
        }
        timings.lap("scenarios-appliques")
        var loaded = LoadResult(plans: plans, diagnostics: diagnostics, sources: sources, scenarios: scenarios)
        loaded.timings = timings
        return loaded
    }
}

/// Parsed operation files kept between two loads of the same folder (the `--surveiller` mode).
/// Its state is behind a lock: a load may run while another thread asks what the last one did.
/// An operation file as parsed: a reference, so that keeping it from one load to the next copies
/// nothing.
final class ParsedFile: Sendable {
    let path: String
    let text: String
    let operation: MaquetteCore.Operation?
    let diagnostics: [Diagnostic]
    /// ``AmountBounds/operationTotal(_:)`` of the operation.
    let total: Int128

    init(_ file: PlanFile, _ operation: MaquetteCore.Operation?, _ diagnostics: [Diagnostic], total: Int128) {
        (path, text, self.operation, self.diagnostics, self.total) = (file.path, file.text, operation, diagnostics, total)
    }
}

/// An operation file as parsed on one of the cores, with what putting the files together in
/// order needs, worked out there.
struct ParsedOperation: Sendable {
    /// The file as the cache keeps it: nil without a cache.
    let entry: ParsedFile?
    /// Whether this load parsed it (rather than finding it unchanged in the cache).
    let parsedNow: Bool
    /// The operation read, until the files are put together (which takes it out).
    var operation: MaquetteCore.Operation?
    let diagnostics: [Diagnostic]
    /// ``AmountBounds/operationTotal(_:)`` of the operation.
    let total: Int128
    /// The operation's identifier and its hash.
    let key: OperationKey?

    /// A file parsed now; kept for the cache when `keeping`.
    init(_ file: PlanFile, _ operation: MaquetteCore.Operation?, _ diagnostics: [Diagnostic], keeping: Bool) {
        let total = operation.map(AmountBounds.operationTotal) ?? 0
        entry = keeping ? ParsedFile(file, operation, diagnostics, total: total) : nil
        (parsedNow, self.operation, self.diagnostics, self.total) = (true, operation, diagnostics, total)
        key = operation.map { OperationKey($0.id) }
    }

    /// A file found unchanged in the cache.
    init(_ entry: ParsedFile) {
        (self.entry, parsedNow, operation, diagnostics, total) = (entry, false, entry.operation, entry.diagnostics, entry.total)
        key = entry.operation.map { OperationKey($0.id) }
    }
}

/// An operation's identifier with its hash, worked out where the operation was read: looking the
/// identifier up compares hashes first, so that identifiers are not read again unless equal.
struct OperationKey: Hashable, Sendable {
    let id: String
    let hash: Int

    init(_ id: String) {
        self.id = id
        hash = id.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (a: OperationKey, b: OperationKey) -> Bool { a.hash == b.hash && a.id == b.id }
}

public final class ParseCache: @unchecked Sendable {
    typealias Entry = ParsedFile
    private let lock = NSLock()
    private var context = ""
    private var files: [Entry] = []
    private var parsed = 0
    private var contextKey: String?
    private var contextValue: (Catalogue, Programme?, [Diagnostic])?

    public init() {}

    /// How many operation files the last load parsed again.
    public var lastParsed: Int { lock.withLock { parsed } }

    func entries(for context: String) -> [Entry] {
        lock.withLock { context == self.context ? files : [] }
    }

    func store(context: String, _ entries: [Entry], parsed: Int) {
        lock.withLock {
            self.parsed = parsed
            self.context = context
            files = entries
        }
    }

    private var lastFiles: [PlanFile] = []
    private var lastSources: [String: String] = [:]

    static func sources(of files: [PlanFile]) -> [String: String] {
        var sources: [String: String] = [:]
        sources.reserveCapacity(files.count)
        for file in files { sources[file.path] = file.text }
        return sources
    }

    /// The texts by path: the previous load's, with the files whose text changed replaced, when
    /// the paths are the same (most re-checks); otherwise made anew.
    func sources(of files: [PlanFile]) -> [String: String] {
        lock.withLock {
            var sources: [String: String]
            if files.count == lastFiles.count, zip(files, lastFiles).allSatisfy({ $0.path == $1.path }) {
                sources = lastSources
                for (file, last) in zip(files, lastFiles) where file.text != last.text { sources[file.path] = file.text }
            } else {
                sources = Self.sources(of: files)
            }
            (lastFiles, lastSources) = (files, sources)
            return sources
        }
    }

    private var revalidated = false

    /// Whether the last load checked the scenarios on the edited operations alone.
    public var lastScenariosRevalidated: Bool { lock.withLock { revalidated } }

    func noteScenariosRevalidated(_ value: Bool) { lock.withLock { revalidated = value } }

    private var validationKey: String?
    private var validationValue: [String: ScenarioEngine.Validation]?

    /// The validations of the scenarios, all valid on the last load (same programme, funders and
    /// scenario files).
    func validations(for key: String) -> [String: ScenarioEngine.Validation]? {
        lock.withLock { key == validationKey ? validationValue : nil }
    }

    func storeValidations(_ key: String, _ value: [String: ScenarioEngine.Validation]?) {
        lock.withLock { (validationKey, validationValue) = (key, value) }
    }

    func context(for key: String) -> (Catalogue, Programme?, [Diagnostic])? {
        lock.withLock { key == contextKey ? contextValue : nil }
    }

    func storeContext(_ key: String, _ value: (Catalogue, Programme?, [Diagnostic])) {
        lock.withLock {
            contextKey = key
            contextValue = value
        }
    }
}
