import Foundation
import MaquetteCore

/// The `--format json` output of `verifier`: amounts as decimal strings in euros so that nothing
/// is lost, rates as percentage strings.
enum JSONReport {
    struct Report: Encodable {
        let programme: String?
        let diagnostics: [DiagnosticJSON]
        let operations: [OperationJSON]
        let resume: Summary
    }

    struct Summary: Encodable {
        let erreurs: Int
        let avertissements: Int
    }

    struct DiagnosticJSON: Encodable {
        let severity: String
        let rule: String
        let operation: String?
        let file: String?
        let line: Int?
        let column: Int?
        let message: String
        let notes: [String]
    }

    struct OperationJSON: Encodable {
        let id: String
        let maitre_ouvrage: String
        let base: String
        let depenses_ht: String
        let depenses_ttc: String
        let aides_publiques: String
        let taux_aides_publiques: String?
        let part_maitre_ouvrage: String
        let part_maitre_ouvrage_financements_publics: String?
        let autofinancement: String
        let emprunt: String
        let fctva: String
        let fctva_par_annee: [FCTVAJSON]
    }

    struct FCTVAJSON: Encodable {
        let annee_depense: Int
        let annee_versement: Int
        let montant: String
    }

    static func render(diagnostics: [Diagnostic], figures: [OperationFigures], programme: Programme?) -> String {
        let report = Report(
            programme: programme?.id,
            diagnostics: diagnostics.map {
                DiagnosticJSON(
                    severity: $0.severity.rawValue, rule: $0.rule.rawValue, operation: $0.operation, file: $0.location?.file,
                    line: $0.location?.line, column: $0.location?.column, message: $0.message, notes: $0.notes)
            },
            operations: figures.map { f in
                OperationJSON(
                    id: f.operation.id, maitre_ouvrage: f.operation.maitreOuvrage, base: f.operation.basis.rawValue,
                    depenses_ht: f.costHT.decimalString, depenses_ttc: f.costTTC.decimalString,
                    aides_publiques: f.publicAid.decimalString, taux_aides_publiques: f.publicAidRate?.percentString,
                    part_maitre_ouvrage: f.ownersShare.decimalString,
                    part_maitre_ouvrage_financements_publics: f.ownersShareOfPublicFinancing?.percentString,
                    autofinancement: f.selfFinancing.decimalString, emprunt: f.loans.decimalString,
                    fctva: f.fctvaTotal.decimalString,
                    fctva_par_annee: f.fctva.map {
                        FCTVAJSON(annee_depense: $0.spendingYear, annee_versement: $0.receiptYear, montant: $0.amount.decimalString)
                    })
            },
            resume: Summary(
                erreurs: diagnostics.filter { $0.severity == .erreur }.count,
                avertissements: diagnostics.filter { $0.severity == .avertissement }.count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

extension JSONReport {
    struct WatchJSON: Encodable {
        let verification: Int
        let nouveaux: [DiagnosticJSON]
        let corriges: [DiagnosticJSON]
        let resume: WatchSummary
        let duree_s: Double
    }

    struct WatchSummary: Encodable {
        let erreurs: Int
        let avertissements: Int
        let operations: Int
    }

    static func json(_ d: Diagnostic) -> DiagnosticJSON {
        DiagnosticJSON(
            severity: d.severity.rawValue, rule: d.rule.rawValue, operation: d.operation, file: d.location?.file,
            line: d.location?.line, column: d.location?.column, message: d.message, notes: d.notes)
    }

    /// One check of `verifier --surveiller --format json`, on one line (JSON Lines): the problems
    /// that appeared since the previous check (all of them at the first), those gone, the totals.
    static func watchLine(number: Int, _ report: WatchReport, all: [Diagnostic], operations: Int, seconds: Double) -> String {
        let line = WatchJSON(
            verification: number, nouveaux: report.appeared.map(json), corriges: report.gone.map(json),
            resume: WatchSummary(
                erreurs: all.filter { $0.severity == .erreur }.count, avertissements: all.filter { $0.severity == .avertissement }.count,
                operations: operations),
            duree_s: (seconds * 1000).rounded() / 1000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(line)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
