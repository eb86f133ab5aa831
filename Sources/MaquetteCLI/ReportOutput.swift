import ArgumentParser
import Foundation
import MaquetteCore

/// The formats of `afficher`, `tresorerie`, `simuler`, `comparer` and `regles`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case texte
    case csv
    case json
}

/// A command's tables, for another program (`--format json`) or for Excel (`--format csv`).
///
/// JSON (documented in docs/format-json.md, schema docs/schemas/rapport.schema.json): keys in
/// French, as those of the plan files; amounts as decimal strings in euros (`"1250000.00"`),
/// rates as decimal strings in percent (`"20.5"` for 20,5 %), counts as numbers, an empty cell
/// as `null`. CSV: as French Excel opens it by double-click — UTF-8 with a byte order mark, `;`
/// between cells, a decimal comma, no thousands separator, rates as `20,5 %`; each table
/// preceded by its name, tables separated by an empty line.
struct ReportOutput {
    /// The version of the JSON and CSV layout: raised when a key changes meaning or disappears.
    static let formatVersion = 1

    let command: String
    var programme: String?
    var scenario: String?
    /// Figures outside the tables (`tirages`, `graine`, indicators), as text.
    var details: [(String, String)] = []
    var tables: [TextTable] = []
    /// Warnings and remarks, in words.
    var notes: [String] = []

    init(command: String, programme: String?, scenario: String?) {
        self.command = command
        self.programme = programme
        self.scenario = scenario
    }

    func render(_ format: ReportFormat) -> String {
        switch format {
        case .texte: return ""
        case .csv: return csv()
        case .json: return json()
        }
    }

    // MARK: JSON

    func json() -> String {
        var root: [String: Any] = [
            "format": "maquette-rapport", "version": Self.formatVersion, "commande": command,
            "programme": programme ?? NSNull(), "scenario": scenario ?? NSNull(),
            "details": Dictionary(details, uniquingKeysWith: { $1 }),
            "remarques": notes,
        ]
        root["tableaux"] = tables.map { table -> [String: Any] in
            let keys = table.keys
            return [
                "nom": table.name,
                "colonnes": zip(keys, table.header).map { ["cle": $0, "libelle": $1] },
                "lignes": table.rows.map { row -> [String: Any] in
                    var object: [String: Any] = [:]
                    for (key, cell) in zip(keys, row) { object[key] = Self.jsonValue(cell) }
                    for key in keys.dropFirst(row.count) { object[key] = NSNull() }
                    return object
                },
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func jsonValue(_ cell: TextTable.Cell) -> Any {
        switch cell {
        case .text(let s): return s
        case .money(let m), .difference(let m): return m.decimalString
        case .rate(let r, _): return r.percentString
        case .count(let n): return n
        case .empty: return NSNull()
        }
    }

    // MARK: CSV

    func csv() -> String {
        var out = "\u{FEFF}"
        for (i, table) in tables.enumerated() {
            if i > 0 { out += "\r\n" }
            if tables.count > 1 { out += Self.csvField(table.name) + "\r\n" }
            out += table.header.map(Self.csvField).joined(separator: ";") + "\r\n"
            for row in table.rows {
                out += table.header.indices.map { i in i < row.count ? Self.csvValue(row[i]) : "" }.joined(separator: ";") + "\r\n"
            }
        }
        return out
    }

    static func csvValue(_ cell: TextTable.Cell) -> String {
        switch cell {
        case .text(let s): return csvField(s)
        case .money(let m), .difference(let m): return m.decimalString.replacingOccurrences(of: ".", with: ",")
        case .rate(let r, _): return r.percentString.replacingOccurrences(of: ".", with: ",") + " %"
        case .count(let n): return String(n)
        case .empty: return ""
        }
    }

    /// A text cell, quoted when it holds a separator, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
