import Foundation
import MaquetteCore
import MaquettePlans
import MaquetteTestSupport
import XCTest

@testable import MaquetteExport

/// The committee workbook: the model's cells and formulas, and the file libxlsxwriter writes.
final class ExportTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func shippedModel() throws -> WorkbookModel {
        let loaded = PlanLoader.load(folder: Self.root.appendingPathComponent("Plans").path)
        let plans = try XCTUnwrap(loaded.plans)
        let day = CommitteeWorkbook.creationDay(of: plans, sourceDateEpoch: nil)
        return CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: day).build()
    }

    func row(of operation: String, in sheet: SheetModel) -> Int? {
        sheet.rows.firstIndex { $0.count > 1 && $0[1].value == .text(operation) }
    }

    func temporaryFolder() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func part(_ path: String, _ name: String) throws -> String {
        try XlsxParts.read(path, name)
    }

    // MARK: The model

    func testSheetsInOrder() throws {
        let model = try shippedModel()
        XCTAssertEqual(
            model.sheets.map(\.name),
            [
                "Synthèse", "chef-de-projet-pvd", "ecole-blade", "etude-opah-ru", "etudes-convention", "gersycoop-equipements",
                "gersycoop-reconquete", "halle-aux-grains", "maison-roquelaure", "suivi-animation-opah-ru", "Financeurs", "Échéancier",
                "Contrôles", "Graphiques",
            ])
        XCTAssertEqual(model.title, "Plans de financement – Petites villes de demain – Fleurance, Lectoure et Lomagne Gersoise")
        // The latest date in the plans is the works' start of the Halle aux grains, 2027-02-01.
        XCTAssertEqual(model.created, Day(year: 2027, month: 2, day: 1)!.daysSinceEpoch * 86_400)
    }

    func testSynthesisRowsAreFormulasWithMaquettesFigures() throws {
        let synthesis = try XCTUnwrap(try shippedModel().sheet("Synthèse"))
        let r = try XCTUnwrap(row(of: "ecole-blade", in: synthesis))
        let excelRow = r + 1
        // école Bladé: DETR 250 000 + Région 200 000 + Département 100 000 + BdT 17 500 + fonds de
        // concours 100 000 = 667 500 of public aid on 1 000 000 HT: 66,75 %.
        XCTAssertEqual(synthesis.rows[r][13].value, .formula("SUM(F\(excelRow):M\(excelRow))", .money(Money(euros: 667_500))))
        XCTAssertEqual(synthesis.rows[r][14].value, .formula("IF(D\(excelRow)=0,0,N\(excelRow)/D\(excelRow))", .rate(Rate(millionths: 667_500))))
        XCTAssertEqual(synthesis.rows[r][5].value, .money(Money(euros: 250_000)))
        XCTAssertEqual(synthesis.rows[r][12].value, .money(Money(euros: 100_000)))
        // Own share 332 500 of 1 000 000 of public financing: 33,25 %.
        XCTAssertEqual(synthesis.rows[r][18].value, .formula("P\(excelRow)+Q\(excelRow)+R\(excelRow)", .money(Money(euros: 332_500))))
        XCTAssertEqual(synthesis.rows[r][21].value, .formula("N\(excelRow)+S\(excelRow)+U\(excelRow)-D\(excelRow)", .money(.zero)))
        XCTAssertEqual(synthesis.rows[r][24].value, .text("1 avertissement"))
        // The grand total: 9 410 000 HT, 5 993 100 of public aid (as `maquette afficher` shows).
        let total = try XCTUnwrap(synthesis.rows.lastIndex { $0.first?.value == .text("Total du programme") })
        XCTAssertEqual(synthesis.rows[total][3].value, .formula("SUBTOTAL(9,D5:D\(total))", .money(Money(euros: 9_410_000))))
        XCTAssertEqual(synthesis.rows[total][13].value, .formula("SUBTOTAL(9,N5:N\(total))", .money(Money(euros: 5_993_100))))
        // Subtotal for Lectoure: école Bladé 1 000 000 + Halle 1 500 000 + Maison Roquelaure 1 700 000.
        let lectoure = try XCTUnwrap(synthesis.rows.firstIndex { $0.first?.value == .text("Sous-total Commune de Lectoure") })
        guard case .formula(_, .money(let lectoureCost)) = synthesis.rows[lectoure][3].value else { return XCTFail() }
        XCTAssertEqual(lectoureCost, Money(euros: 4_200_000))
    }

    func testOperationSheetBalancesThroughAFormula() throws {
        let sheet = try XCTUnwrap(try shippedModel().sheet("ecole-blade"))
        let solde = try XCTUnwrap(sheet.rows.firstIndex { $0.count > 1 && $0[1].value == .text("Autofinancement (reste à financer)") })
        guard case .formula(let formula, .money(let amount)) = sheet.rows[solde][5].value else { return XCTFail("no formula") }
        XCTAssertEqual(amount, Money(euros: 332_500))
        XCTAssertTrue(formula.hasPrefix("C"), formula)
        XCTAssertTrue(formula.contains("-SUMIFS(F"), formula)
        XCTAssertTrue(formula.contains("\"<>refusé\""))
        // The Région's line is given as 20 % of its base: the amount is the formula.
        let region = try XCTUnwrap(sheet.rows.firstIndex { $0.first?.value == .text("Région Occitanie") })
        XCTAssertEqual(sheet.rows[region][4].value, .rate(Rate(percent: 20)))
        XCTAssertEqual(sheet.rows[region][5].value, .formula("ROUND(D\(region + 1)*E\(region + 1),2)", .money(Money(euros: 200_000))))
        XCTAssertEqual(sheet.listValidations.first?.values, ["envisagé", "sollicité", "notifié", "versé", "refusé", "caduc"])
        XCTAssertEqual(sheet.listValidations.first?.range.firstColumn, 6)
    }

    func testTextThatLooksLikeAFormulaStaysText() throws {
        let programme = "id: essai\nnom: \"=1+1\"\nperiode: { debut: 2025, fin: 2026 }\nmaitres_ouvrage: [{ id: c, nom: \"@SOMME(A1)\" }]"
        let op = """
            id: op
            intitule: "=HYPERLINK(\\"http://exemple.invalid\\",\\"clic\\")"
            maitre_ouvrage: c
            depenses:
              - { libelle: "+33 travaux", nature: travaux, montant_ht: 1 000, annees: { 2025: 100 % } }
              - { libelle: "-5 % de remise", nature: travaux, montant_ht: 10, annees: { 2025: 100 % } }
            financements:
              - autofinancement: solde
            """
        let loaded = PlanLoader.load(
            files: [PlanFile(path: "P/programme.yaml", text: programme), PlanFile(path: "P/operations/op.yaml", text: op)], root: "P")
        let plans = try XCTUnwrap(loaded.plans, "\(loaded.diagnostics)")
        let model = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: [], created: Day(year: 2025, month: 1, day: 1)!).build()
        let path = temporaryFolder().appendingPathComponent("texte.xlsx").path
        try WorkbookRenderer.render(model, to: path)
        let sheet = try part(path, "xl/worksheets/sheet2.xml")
        XCTAssertTrue(sheet.contains("<t>=HYPERLINK(\"http://exemple.invalid\",\"clic\")</t>"), sheet)
        XCTAssertTrue(sheet.contains("<t>+33 travaux</t>"))
        XCTAssertTrue(sheet.contains("<t>-5 % de remise</t>"))
        XCTAssertFalse(sheet.contains("<f>HYPERLINK"))
        XCTAssertFalse(try part(path, "xl/worksheets/sheet1.xml").contains("<f>1+1"))
    }

    func testSheetNamesAreValidAndUnique() {
        var names = SheetNames(reserved: ["Synthèse"])
        XCTAssertEqual(names.make("synthèse"), "synthèse~2")
        XCTAssertEqual(names.make("a/b:c[d]"), "a-b-c-d-")
        let long = String(repeating: "x", count: 40)
        XCTAssertEqual(names.make(long), String(repeating: "x", count: 31))
        XCTAssertEqual(names.make(long), String(repeating: "x", count: 29) + "~2")
        XCTAssertEqual(names.make("'cité'"), "cité")
    }

    func testCreationDayFromSourceDateEpoch() throws {
        let plans = try XCTUnwrap(PlanLoader.load(folder: Self.root.appendingPathComponent("Plans").path).plans)
        // 1 700 000 000 s = 19 675 days and a bit after 1970-01-01: 2023-11-14.
        XCTAssertEqual(CommitteeWorkbook.creationDay(of: plans, sourceDateEpoch: 1_700_000_000), Day(year: 2023, month: 11, day: 14))
        XCTAssertEqual(CommitteeWorkbook.creationDay(of: plans, sourceDateEpoch: 0), Day(year: 1970, month: 1, day: 1))
        XCTAssertEqual(CommitteeWorkbook.creationDay(of: plans, sourceDateEpoch: 951_782_400), Day(year: 2000, month: 2, day: 29))
    }

    // MARK: The file

    func testTheFileHasFormatsNamesValidationsAndPrintSetup() throws {
        let path = temporaryFolder().appendingPathComponent("programme.xlsx").path
        try WorkbookRenderer.render(try shippedModel(), to: path)
        let styles = try part(path, "xl/styles.xml")
        XCTAssertTrue(styles.contains("formatCode=\"#,##0.00 &quot;€&quot;\""), styles)
        XCTAssertTrue(styles.contains("formatCode=\"0.00%\""))
        let workbook = try part(path, "xl/workbook.xml")
        XCTAssertTrue(workbook.contains("<definedName name=\"Aides_publiques_programme\">'Synthèse'!$N$"), workbook)
        let synthesis = try part(path, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(synthesis.contains("<pane xSplit=\"2\" ySplit=\"4\""), synthesis)
        XCTAssertTrue(synthesis.contains("<pageSetup paperSize=\"8\" fitToHeight=\"0\" orientation=\"landscape\"/>"), synthesis)
        XCTAssertTrue(synthesis.contains("<autoFilter ref=\"A4:Y"))
        XCTAssertTrue(synthesis.contains("<conditionalFormatting"))
        XCTAssertTrue(synthesis.contains("<oddFooter>&amp;LMaquette – plans de financement&amp;CPage &amp;P sur &amp;N"))
        // école Bladé's public aid, formula and stored value (row 8: Lectoure comes after Fleurance's two operations and subtotal).
        XCTAssertTrue(synthesis.contains("<c r=\"N8\" s=\"") && synthesis.contains("><f>SUM(F8:M8)</f><v>667500</v></c>"), synthesis)
        let operation = try part(path, "xl/worksheets/sheet3.xml")
        XCTAssertTrue(operation.contains("<dataValidation type=\"list\""), operation)
        XCTAssertTrue(operation.contains("<formula1>\"envisagé,sollicité,notifié,versé,refusé,caduc\"</formula1>"))
        XCTAssertTrue(operation.contains("paperSize=\"9\""))
        let core = try part(path, "docProps/core.xml")
        XCTAssertTrue(core.contains("<dc:title>Plans de financement – Petites villes de demain – Fleurance, Lectoure et Lomagne Gersoise</dc:title>"))
        XCTAssertTrue(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2027-02-01T00:00:00Z</dcterms:created>"), core)
        XCTAssertTrue(try part(path, "xl/charts/chart1.xml").contains("<c:grouping val=\"stacked\"/>"))
    }

    func testTheSamePlansGiveTheSameBytes() throws {
        let folder = temporaryFolder()
        let model = try shippedModel()
        try WorkbookRenderer.render(model, to: folder.appendingPathComponent("a.xlsx").path)
        Thread.sleep(forTimeInterval: 1.1)
        try WorkbookRenderer.render(model, to: folder.appendingPathComponent("b.xlsx").path)
        let a = try Data(contentsOf: folder.appendingPathComponent("a.xlsx"))
        let b = try Data(contentsOf: folder.appendingPathComponent("b.xlsx"))
        XCTAssertGreaterThan(a.count, 10_000)
        XCTAssertEqual(a, b)
    }

    func testAFailedWriteLeavesThePreviousFileIntact() throws {
        let folder = temporaryFolder()
        let target = folder.appendingPathComponent("programme.xlsx").path
        try Data("ancien classeur".utf8).write(to: URL(fileURLWithPath: target))
        struct Boom: Error {}
        XCTAssertThrowsError(
            try AtomicFile.write(to: target) { temporary in
                try Data("moitié".utf8).write(to: URL(fileURLWithPath: temporary))
                throw Boom()
            })
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "ancien classeur")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["programme.xlsx"])
        // A successful write replaces it.
        try AtomicFile.write(to: target) { try Data("nouveau".utf8).write(to: URL(fileURLWithPath: $0)) }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "nouveau")
        XCTAssertThrowsError(try AtomicFile.write(to: "/nonexistent-folder/x.xlsx") { _ in }) { error in
            XCTAssertEqual("\(error)", "le dossier « /nonexistent-folder » n'existe pas")
        }
    }

    // MARK: Streaming

    /// A synthetic programme of `operations` operations, loaded.
    func synthetic(_ operations: Int, seed: UInt64) throws -> (plans: Plans, diagnostics: [Diagnostic]) {
        let folder = temporaryFolder()
        for file in SyntheticProgramme(operations: operations, seed: seed).files() {
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.text.write(to: url, atomically: true, encoding: .utf8)
        }
        let loaded = PlanLoader.load(folder: folder.path)
        let plans = try XCTUnwrap(loaded.plans)
        return (plans, (loaded.diagnostics + Rules.check(plans)).sorted(by: Diagnostic.ordered))
    }

    /// Written while it is built (sheets built and rows produced on another thread, in blocks),
    /// the workbook is the one built whole, byte for byte — with blocks of 7 rows and room for 2,
    /// so that both threads wait for each other many times, and with the real block size.
    func testAStreamedWorkbookIsTheWorkbookBuiltWhole() throws {
        let (plans, diagnostics) = try synthetic(60, seed: 3)
        let day = CommitteeWorkbook.creationDay(of: plans, sourceDateEpoch: nil)
        var book = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: diagnostics, created: day)
        book.simulation = MonteCarlo(plans: plans).run(draws: 50, seed: 1)
        let folder = temporaryFolder()
        let whole = book.build()
        let streamed = book.build(streaming: true)
        XCTAssertTrue(whole.sheets.allSatisfy { $0.pending == nil && $0.deferred == nil })
        XCTAssertTrue(streamed.sheets.allSatisfy { $0.pending != nil })
        XCTAssertEqual(streamed.sheets.map(\.name), whole.sheets.map(\.name))
        try WorkbookRenderer.render(whole, to: folder.appendingPathComponent("whole.xlsx").path)
        try WorkbookRenderer.render(streamed, to: folder.appendingPathComponent("streamed.xlsx").path)
        var reported: [(Int, Int)] = []
        try WorkbookRenderer.render(streamed, to: folder.appendingPathComponent("small.xlsx").path, blockSize: 7, capacity: 2) { reported.append(($0, $1)) }
        // Progress: rows written, rising to every row of the workbook; the Synthèse and the
        // Contrôles announce their exact counts.
        let rows = whole.sheets.reduce(0) { $0 + $1.rows.count }
        XCTAssertEqual(reported.last?.0, rows)
        XCTAssertEqual(zip(reported, reported.dropFirst()).filter { $0.0.0 > $0.1.0 }.count, 0)
        XCTAssertEqual(streamed.sheet(CommitteeWorkbook.synthesisSheet)?.expectedRows, whole.sheet(CommitteeWorkbook.synthesisSheet)?.rows.count)
        XCTAssertEqual(streamed.sheet(CommitteeWorkbook.checksSheet)?.expectedRows, whole.sheet(CommitteeWorkbook.checksSheet)?.rows.count)
        let expected = try Data(contentsOf: folder.appendingPathComponent("whole.xlsx"))
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("streamed.xlsx")), expected)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("small.xlsx")), expected)
        // The Synthèse holds 60 operations, a sub-total per owner and the grand total: more than
        // eight blocks of 7 rows.
        let synthesis = try XCTUnwrap(whole.sheet(CommitteeWorkbook.synthesisSheet))
        let owners = Set(plans.operations.map(\.maitreOuvrage)).count
        XCTAssertEqual(synthesis.rows.count, 4 + 60 + owners + 1)
        XCTAssertEqual(synthesis.rows.last?.first?.value, .text("Total du programme"))
    }

    /// A cell the library refuses in the middle of the streamed rows: the error reaches the
    /// caller, the producer thread stops (no hang), and the previous file stays as it was.
    func testAFailureInStreamedRowsStopsTheProducerAndKeepsThePreviousFile() throws {
        var model = WorkbookModel(title: "t", subject: "s", author: "a", comments: "c", created: 0)
        var sheet = SheetModel(name: "Données")
        sheet.append([.text("titre", .title)])
        sheet.deferred = DeferredRows(count: 5_000) { range in
            range.map { $0 == 3_000 ? [.text(String(repeating: "x", count: 40_000))] : [.money(Money(cents: Int64($0)))] }
        }
        let built = sheet
        model.sheets = [.pending("Données") { built }]
        let streamed = model
        let folder = temporaryFolder()
        let target = folder.appendingPathComponent("classeur.xlsx").path
        try Data("ancien classeur".utf8).write(to: URL(fileURLWithPath: target))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Thread {
            do { try AtomicFile.write(to: target) { try WorkbookRenderer.render(streamed, to: $0, blockSize: 100, capacity: 2) } } catch { failure = error }
            done.signal()
        }.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the writer or its producer hangs")
        XCTAssertEqual(failure.map { "\($0)" }, "feuille Données, ligne 3002, colonne 1 : texte de plus de 32 767 caractères")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "ancien classeur")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["classeur.xlsx"])
    }
}
