import ArgumentParser
import Foundation
import MaquetteCore

enum ChangesFormat: String, ExpressibleByArgument, CaseIterable {
    case texte
    case json
    case csv
}

/// What `comparer --depuis` prints: the changes, largest euro change first.
enum ChangesReport {
    static func location(_ c: PlanChange) -> String { c.location.map { "\($0.file):\($0.line)" } ?? "" }

    static func signed(_ m: Money) -> String { m.isNegative || m.isZero ? m.formatted : "+" + m.formatted }

    static func text(_ changes: [PlanChange], since title: String, plans: Plans) -> String {
        var out = "Évolutions depuis \(title) — \(plans.programme.name)\n"
        guard !changes.isEmpty else { return out + "\nAucun changement dans les plans.\n" }
        out += "\(changes.count) changement(s), du plus grand écart en euros au plus petit.\n\n"
        var t = TextTable(["Écart", "Changement", "Opération", "Objet", "Avant", "Après", "Où"], [.right, .left, .left, .left, .left, .left, .left])
        for c in changes {
            t.add([
                c.delta.isZero ? "" : signed(c.delta), c.kind.label, c.operation ?? "", [c.subject, c.field].compactMap { $0 }.joined(separator: " — "),
                c.before ?? "", c.after ?? "", location(c),
            ])
        }
        return out + t.render()
    }

    struct ChangeJSON: Encodable {
        let type: String
        let libelle: String
        let operation: String?
        let objet: String
        let champ: String?
        let avant: String?
        let apres: String?
        let ecart: String
        let fichier: String?
        let ligne: Int?
    }

    struct Report: Encodable {
        let reference: String
        let changements: [ChangeJSON]
    }

    static func json(_ changes: [PlanChange], since title: String) -> String {
        let report = Report(
            reference: title,
            changements: changes.map {
                ChangeJSON(
                    type: $0.kind.rawValue, libelle: $0.kind.label, operation: $0.operation, objet: $0.subject, champ: $0.field, avant: $0.before, apres: $0.after,
                    ecart: $0.delta.decimalString, fichier: $0.location?.file, ligne: $0.location?.line)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// CSV as a French Excel opens it: UTF-8 with a byte-order mark, `;` between fields, a decimal
    /// comma, CRLF line ends.
    static func csv(_ changes: [PlanChange]) -> String {
        var out = "\u{FEFF}" + CSV.row(["Écart (€)", "Changement", "Opération", "Objet", "Champ", "Avant", "Après", "Fichier", "Ligne"])
        for c in changes {
            out += CSV.row([
                CSV.decimal(c.delta), c.kind.label, c.operation ?? "", c.subject, c.field ?? "", c.before ?? "", c.after ?? "",
                c.location?.file ?? "", c.location.map { String($0.line) } ?? "",
            ])
        }
        return out
    }
}

/// CSV for a French spreadsheet.
enum CSV {
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ";") + "\r\n" }

    /// `1234,56`: no grouping, so that the spreadsheet reads a number.
    static func decimal(_ m: Money) -> String { m.decimalString.replacingOccurrences(of: ".", with: ",") }
}
