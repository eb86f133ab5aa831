import MaquetteCore

/// A plans folder kept read and checked from one edit to the next (`verifier --surveiller`).
///
/// After an edit of operation files, only those files are read and parsed again
/// (``PlanFolder/update(operationFiles:)``, ``ParseCache``), the plans are put together by the same
/// code as a fresh load, and the rules run again only where the edit can change what they say
/// (``IncrementalCheck``). Any other change (the programme, the funders, a scenario, the folders
/// themselves) reads the whole folder again. Either way ``diagnostics`` are those a fresh
/// `PlanLoader.load` and `Rules.check` give, in the same order.
public final class WatchedPlans {
    public let folder: String
    private let scenario: String?
    private var plans: PlanFolder
    private let cache = ParseCache()
    private var rules: IncrementalCheck
    /// Operation files changed since the rules last ran (while the plans could not be read, the
    /// rules do not run, and the edits add up).
    private var pending: Set<String>? = nil

    /// What the last load gave (the scenario applied).
    public private(set) var loaded: LoadResult
    /// The read diagnostics and those of the rules, sorted as `verifier` prints them.
    public private(set) var diagnostics: [Diagnostic] = []
    /// How many operation files the last check parsed again, and on how many operations it ran
    /// the per-operation rules.
    public private(set) var reparsed = 0
    public private(set) var rechecked = 0
    /// What the last check took, phase by phase (`MAQUETTE_TIMINGS`): the load's (files read,
    /// operations parsed, put together…), and the rules'.
    public private(set) var timings = LoadTimings()
    public private(set) var ruleTimings = LoadTimings()
    /// Whether the last check validated the scenarios on the edited operations alone.
    public var scenariosRevalidated: Bool { cache.lastScenariosRevalidated }

    /// Reads and checks the folder; `scenario` is applied to the plans as `verifier --scenario` does.
    public init(folder: String, scenario: String? = nil, only: Set<DiagnosticID> = [], skip: Set<DiagnosticID> = []) {
        self.folder = folder
        self.scenario = scenario
        plans = PlanFolder(folder)
        rules = IncrementalCheck(only: only, skip: skip)
        loaded = LoadResult(plans: nil, diagnostics: [], sources: [:])
        recheck(changed: nil)
    }

    /// Reads the whole folder again (the programme, funders or a scenario changed, or file events
    /// were lost), keeping the parsed operation files whose text has not changed.
    public func reloadAll() {
        plans = PlanFolder(folder)
        recheck(changed: nil)
    }

    /// Takes in edits of these operation files (paths, or names in operations/): created,
    /// changed, deleted or renamed.
    public func update(operationFiles paths: Set<String>) {
        guard plans.update(operationFiles: paths) else { return reloadAll() }
        let prefix = plans.operationsFolder + "/"
        recheck(changed: Set(paths.map { $0.hasPrefix(prefix) ? $0 : prefix + $0 }))
    }

    private func recheck(changed: Set<String>?) {
        loaded = plans.load(cache: cache).applying(scenario: scenario)
        timings = loaded.timings
        ruleTimings = LoadTimings()
        defer { ruleTimings.lap("regles") }
        reparsed = cache.lastParsed
        // Everything to check again (nil), or these files on top of those not yet checked.
        if let changed { pending = pending?.union(changed) } else { pending = nil }
        guard let p = loaded.plans else {
            rechecked = 0
            diagnostics = loaded.diagnostics
            return
        }
        diagnostics = rules.check(p, changedFiles: pending, read: loaded.diagnostics).diagnostics
        pending = []
        rechecked = rules.lastRechecked
    }
}
