import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// Completions of ids for the shell (`maquette --generate-completion-script bash`): operations,
/// scenarios and rules of the plans found as the commands find them.
enum Completions {
    /// The plans folder of the words typed so far: the first one that is a folder, else the
    /// default resolution (MAQUETTE_PLANS, the nearest programme.yaml, ./Plans).
    static func folder(_ words: [String]) -> String {
        for word in words where !word.hasPrefix("-") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: word, isDirectory: &isDirectory), isDirectory.boolValue,
                FileManager.default.fileExists(atPath: word + "/programme.yaml")
            {
                return word
            }
        }
        return (try? PlansLocation.resolve(nil).folder) ?? "Plans"
    }

    static func matching(_ candidates: [String], _ prefix: String) -> [String] {
        candidates.filter { $0.hasPrefix(prefix) }.sorted()
    }

    static let operations = CompletionKind.custom { words, _, prefix in
        let loaded = PlanLoader.load(folder: folder(words))
        return matching(loaded.plans?.operations.map(\.id) ?? [], prefix)
    }

    static let scenarios = CompletionKind.custom { words, _, prefix in
        matching(PlanLoader.load(folder: folder(words)).scenarios.map(\.id), prefix)
    }

    static let variants = CompletionKind.custom { words, _, prefix in
        matching(["base"] + PlanLoader.load(folder: folder(words)).scenarios.map(\.id), prefix)
    }

    static let rules = CompletionKind.custom { _, _, prefix in
        matching(Rules.all.map(\.id.rawValue), prefix)
    }
}
