import Foundation

/// Reads one part (`xl/worksheets/sheet1.xml`) of an `.xlsx` file with unzip, for tests that check
/// what was written.
public enum XlsxParts {
    public static func read(_ path: String, _ part: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = ["-p", path, part]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
