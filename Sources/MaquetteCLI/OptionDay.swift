import ArgumentParser
import MaquetteCore

/// A day given on the command line (`--date`, `--avant`): JJ/MM/AAAA as French people write it,
/// or AAAA-MM-JJ as the plans do; the same reading for every command.
enum OptionDay {
    static func parse(_ text: String, option: String) throws -> Day {
        if let day = DocumentDate.day(text) { return day }
        // The right shape with a day that does not exist (31/02, 2025-02-29) is said as such.
        let shaped = text.wholeMatch(of: /[0-9]{1,2}\/[0-9]{1,2}\/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil
        if shaped { throw ValidationError("\(option) : date impossible « \(text) » : ce jour n'existe pas") }
        throw ValidationError("\(option) : date illisible « \(text) » ; écrivez JJ/MM/AAAA ou AAAA-MM-JJ, par exemple 27/11/2026")
    }
}
