#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Durations of the loading phases for `MAQUETTE_TIMINGS` (the benchmarks): wall-clock seconds
/// and the CPU seconds of every thread of the process, which say more than the wall clock on a
/// machine shared with other work. Measured always: a clock read costs nanoseconds.
public struct LoadTimings: Sendable {
    public struct Lap: Sendable {
        public let name: String
        public let seconds: Double
        public let cpuSeconds: Double
        public init(name: String, seconds: Double, cpuSeconds: Double) {
            self.name = name
            self.seconds = seconds
            self.cpuSeconds = cpuSeconds
        }
    }
    public var laps: [Lap] = []
    private var last = Self.now()

    public init() {}

    /// Wall-clock and process CPU time, in seconds.
    public static func now() -> (wall: Double, cpu: Double) {
        var wall = timespec()
        var cpu = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wall)
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu)
        return (Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9)
    }

    public mutating func lap(_ name: String) {
        let now = Self.now()
        laps.append(Lap(name: name, seconds: now.wall - last.wall, cpuSeconds: now.cpu - last.cpu))
        last = now
    }
}
