import Foundation
@testable import MaquetteCore
import MaquettePlans
import XCTest

/// The last verdicts made live (issue 12 §1): the envelopes on Financeurs, décret 2018-514 art. 10
/// on the operation sheets, and the Échéancier's subsidies and loans as formulas.
final class LiveVerdictsTests: XCTestCase {
    /// The shipped plans copied, with `edit` applied to the text of one of their files.
    func plans(editing file: String? = nil, _ edit: (String) -> String = { $0 }) throws -> Plans {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ExportTests.root.appendingPathComponent("Plans"), to: folder)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        if let file {
            let url = folder.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            let edited = edit(text)
            XCTAssertNotEqual(edited, text, "the edit changed nothing")
            try edited.write(to: url, atomically: true, encoding: .utf8)
        }
        return try XCTUnwrap(PlanLoader.load(folder: folder.path).plans)
    }

    func model(_ plans: Plans) -> (WorkbookModel, [Diagnostic]) {
        let diagnostics = Rules.check(plans)
        return (CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: diagnostics, created: ExportTests.exportDay).build(), diagnostics)
    }

    func row(_ sheet: SheetModel, _ column: Int, _ text: String) throws -> Int {
        try XCTUnwrap(sheet.rows.firstIndex { $0.count > column && $0[column].value == .text(text) }, text)
    }

    static let envelopeRule = "Enveloppe annuelle de chaque financeur, toutes opérations confondues"
    static let publicAidCapRule = "Aides publiques sur la même dépense au plus 100 % de la dépense subventionnable (décret 2018-514)"

    /// The DSIL envelope of 2026 lowered to 1 000 000 €: the lines drawing on it request 1 290 000 €
    /// (Gersycoop 500 000, Halle 450 000, Roquelaure 340 000). Financeurs says so by a formula, the
    /// operation sheets drawing on it read that cell, Contrôles counts it once, the Synthèse not at all.
    func testAnExceededEnvelopeIsALiveVerdictCountedOnce() throws {
        let plans = try plans(editing: "financeurs.yaml") { $0.replacingOccurrences(of: "montant: 1 400 000", with: "montant: 1 000 000") }
        let (model, diagnostics) = model(plans)
        XCTAssertEqual(diagnostics.filter { $0.severity == .erreur }.map(\.rule), [.enveloppeAnnuelle])

        let funders = try XCTUnwrap(model.sheet("Financeurs"))
        let dsil = try XCTUnwrap(funders.rows.firstIndex { $0.count > 2 && $0[1].value == .text("Dotation de soutien à l'investissement local (DSIL)") && $0[2].value == .integer(2026) })
        let n = dsil + 1
        XCTAssertEqual(funders.rows[dsil][7].value.money, Money(euros: 1_290_000))
        XCTAssertEqual(funders.rows[dsil][8].value, .money(Money(euros: 1_000_000)))
        XCTAssertEqual(funders.rows[dsil][9].value, .formula("I\(n)-H\(n)", .money(Money(euros: -290_000))))
        XCTAssertEqual(
            funders.rows[dsil][10].value, .formula("IF(ROUND(H\(n)*100,0)>ROUND(I\(n)*100,0),\"non respectée\",\"respectée\")", .text("non respectée")))

        // The Halle's DSIL line draws on it: its sheet's verdict reads Financeurs' cell.
        let halle = try XCTUnwrap(model.sheet("Restructuration de la Halle"))
        let check = try row(halle, 0, Self.envelopeRule)
        guard case .formula(let formula, .text("non respectée")) = halle.rows[check][2].value else { return XCTFail("\(halle.rows[check][2])") }
        XCTAssertTrue(formula.contains("'Financeurs'!$K$\(n)=\"non respectée\""), formula)
        XCTAssertTrue(formula.contains("G15<>\"refusé\""), formula)
        // The école Bladé draws on the DETR only, within its envelope.
        let ecole = try XCTUnwrap(model.sheet("Tiers-lieu dans l'ancienne"))
        guard case .formula(_, .text("respectée")) = ecole.rows[try row(ecole, 0, Self.envelopeRule)][2].value else { return XCTFail() }

        // One error in all, on the programme: none in the Synthèse's rows, one on Contrôles.
        let synthesis = try XCTUnwrap(model.sheet("Synthèse"))
        let total = try XCTUnwrap(synthesis.rows.lastIndex { $0.first?.value == .text("Total du programme") })
        guard case .formula(_, .number(let errors)) = synthesis.rows[total][SynthesisSheet.Column.errors].value else { return XCTFail() }
        XCTAssertEqual(errors, 0)
        guard case .formula(let count, .text(let text)) = try XCTUnwrap(model.sheet("Contrôles")).rows[2][0].value else { return XCTFail() }
        XCTAssertEqual(text, "PROJET : 1 règle(s) enfreinte(s) ; les plans doivent être corrigés avant le comité.")
        XCTAssertTrue(count.contains("+COUNTIF('Financeurs'!$K$5:$K$29,\"non respectée\")"), count)
    }

    /// Décret 2018-514 art. 10 on the Maison Roquelaure's DRAC line (base 1 420 000: studies,
    /// project management, restoration; not the CIAP's equipment, 280 000). The other aids are on
    /// the whole 1 700 000, so each counts for 1 420/1 700: DSIL 284 000, Région 213 000,
    /// Département 113 600, LEADER ⌊60 000 × 142/170⌋ = 50 117,64; with the DRAC's 284 000,
    /// 944 717,64 ≤ 1 420 000. With the DSIL at 910 000 (760 117,64 on the base): 1 420 835,28, over.
    func testTheDecree2018514CapIsALiveVerdictOfTheOperationSheet() throws {
        let (shipped, _) = model(try plans())
        let sheet = try XCTUnwrap(shipped.sheet("Maison Roquelaure"))
        let check = try row(sheet, 0, Self.publicAidCapRule)
        guard case .formula(let formula, .text("respectée")) = sheet.rows[check][2].value else { return XCTFail("\(sheet.rows[check][2])") }
        // The DRAC line (row 15) counts whole; the DSIL (row 16) for common ÷ own of its expenses.
        XCTAssertTrue(formula.hasPrefix("IF(OR(AND(AND(G15<>\"refusé\",G15<>\"caduc\"),F15<>0,(ROUND(F15*100,0)+"), formula)
        XCTAssertTrue(
            formula.contains("ROUNDDOWN(ROUND(F16*100,0)*ROUND((C6+C7+C8)*100,0)/ROUND((C6+C7+C8+C9)*100,0),0)"), formula)
        XCTAssertTrue(formula.contains(")*1000000>1000000*ROUND(D15*100,0))"), formula)
        XCTAssertEqual(sheet.rows[check][3].value, .text("formule du classeur"))

        let raised = try plans(editing: "operations/maison-roquelaure.yaml") { $0.replacingOccurrences(of: "montant: 340 000", with: "montant: 910 000") }
        let (model, diagnostics) = model(raised)
        let found = try XCTUnwrap(diagnostics.first { $0.rule == .aidesPubliquesPlafond })
        XCTAssertTrue(found.message.contains("1 420 835,28"), found.message)
        let edited = try XCTUnwrap(model.sheet("Maison Roquelaure"))
        guard case .formula(_, .text("non respectée")) = edited.rows[try row(edited, 0, Self.publicAidCapRule)][2].value else { return XCTFail() }
    }

    /// The Échéancier's subsidies add up the Versements sheet, line by line. The Roquelaure's DSIL
    /// (340 000, State: advance 30 %, instalments up to 80 %; works from 2026; HT 130 000 / 445 000 /
    /// 1 125 000 in 2025–2027): advance 102 000 in 2026; paid by the end of 2025 max(102 000,
    /// 340 000 × 130/1 700 = 26 000) = 102 000, nothing in 2025; by the end of 2026 340 000 ×
    /// 575/1 700 = 115 000; by the end of 2027 the ceiling, 272 000 (157 000 that year); 68 000 in 2028.
    func testTheScheduleSubsidiesAreFormulasOfTheOperationSheets() throws {
        let (model, _) = model(try plans())
        let payments = try XCTUnwrap(model.sheet("Versements"))
        let header = try row(payments, 0, "Opération – ligne")
        XCTAssertEqual(header, 3)
        let years = Dictionary(uniqueKeysWithValues: payments.rows[header].enumerated().compactMap { c, cell -> (Int, Int)? in
            if case .text(let t) = cell.value, let y = Int(t) { return (y, c) }
            return nil
        })
        let dsil = try row(payments, 0, "Maison Roquelaure – centre d'interprétation de l'architecture et du patrimoine – DSIL")
        XCTAssertEqual(payments.rows[dsil][2].value.money, Money(euros: 340_000))
        let n = dsil + 1
        XCTAssertEqual(payments.rows[dsil][3].value, .formula("ROUNDDOWN(ROUND($C$\(n)*100,0)*ROUND(Avance_Etat*1000000,0)/1000000,0)/100", .money(Money(euros: 102_000))))
        XCTAssertEqual(payments.rows[dsil][4].value, .formula("ROUNDDOWN(ROUND($C$\(n)*100,0)*ROUND(Acomptes_Etat*1000000,0)/1000000,0)/100", .money(Money(euros: 272_000))))
        for (year, euros) in [(2025, 0), (2026, 115_000), (2027, 157_000), (2028, 68_000)] {
            let column = try XCTUnwrap(years[year])
            guard case .formula(let formula, .money(let paid)) = payments.rows[dsil][column].value else { return XCTFail("\(year)") }
            XCTAssertEqual(paid, Money(euros: Int64(euros)), "\(year)")
            XCTAssertTrue(formula.contains("MAX(ROUND($D$\(n)*100,0),MIN("), formula)
        }
        // Lectoure's subsidies of 2026 add up its lines' payments of 2026.
        let schedule = try XCTUnwrap(model.sheet("Échéancier"))
        let lectoure = try XCTUnwrap(schedule.rows.firstIndex { $0.count > 1 && $0[0].value == .text("Commune de Lectoure") && $0[1].value == .integer(2026) })
        guard case .formula(let sum, .money(let subsidies)) = schedule.rows[lectoure][4].value else { return XCTFail() }
        XCTAssertTrue(sum.hasPrefix("SUM('Versements'!$K$"), sum)
        XCTAssertEqual(subsidies, Money(cents: 74_016_220))
        // The shares are cells of Paramètres, with their names.
        let names = Dictionary(uniqueKeysWithValues: model.definedNames.map { ($0.name, $0.reference) })
        XCTAssertEqual(names["Avance_Etat"], "='Paramètres'!$B$13")
        XCTAssertEqual(try XCTUnwrap(model.sheet("Paramètres")).rows[12][1].value, .rate(Rate(percent: 30)))
    }

    /// Without the operation sheets, the Échéancier keeps Maquette's figures and no block.
    func testWithoutOperationSheetsTheScheduleKeepsValues() throws {
        let plans = try plans()
        var book = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: ExportTests.exportDay)
        book.sheets = [.synthese, .echeancier, .financeurs]
        let schedule = try XCTUnwrap(book.build().sheet("Échéancier"))
        XCTAssertNil(try book.build().sheet("Versements"))
        let lectoure = try XCTUnwrap(schedule.rows.firstIndex { $0.count > 1 && $0[0].value == .text("Commune de Lectoure") && $0[1].value == .integer(2026) })
        XCTAssertEqual(schedule.rows[lectoure][4].value, .money(Money(cents: 74_016_220)))
    }

    /// A refused line keeps its amount, shown as not counted, as the figures leave it out.
    func testARefusedLineIsShownAsNotCounted() throws {
        let (model, _) = model(try plans())
        let halle = try XCTUnwrap(model.sheet("Restructuration de la Halle"))
        XCTAssertEqual(halle.notCountedHighlights.count, 1)
        XCTAssertEqual(halle.notCountedHighlights.first?.formula, "OR($G15=\"refusé\",$G15=\"caduc\")")
        XCTAssertEqual(halle.notCountedHighlights.first?.range, CellRange(14, 4, 18, 5))
    }
}

extension CellValue {
    /// The amount a cell holds or a formula gives, if it is one.
    var money: Money? {
        switch self {
        case .money(let m), .formula(_, .money(let m)): return m
        default: return nil
        }
    }
}
