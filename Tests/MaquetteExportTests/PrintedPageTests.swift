import Foundation
@testable import MaquetteCore
import MaquettePlans
import MaquetteTestSupport
import XCTest

@testable import MaquetteExport

/// The workbook as it reads on paper: the charts' colours and labels, the number formats, the
/// operations' timetables and the page set-up, on the shipped plans.
final class PrintedPageTests: XCTestCase {
    func shippedBook() throws -> CommitteeWorkbook {
        let loaded = PlanLoader.load(folder: ExportTests.root.appendingPathComponent("Plans").path)
        let plans = try XCTUnwrap(loaded.plans)
        return CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: ExportTests.exportDay)
    }

    func testEveryFunderHasOneColourInEveryChartAndNoEmptySeries() throws {
        let charts = try XCTUnwrap(try shippedBook().build().sheet("Graphiques")).charts
        XCTAssertEqual(charts.count, 2)
        let bars = charts[0], doughnut = charts[1]
        XCTAssertEqual(bars.kind, .stackedBar)
        // The shipped programme has no ADEME aid and no other resources: no series, no slice.
        let names = bars.series.map(\.name)
        XCTAssertEqual(names, [
            "DETR", "DSIL et autres dotations", "Fonds vert", "DRAC", "Autres aides de l'État", "Région", "Département", "Banque des Territoires", "ANAH",
            "Europe", "Autres financeurs publics", "Part du maître d'ouvrage",
        ])
        // Each series in its funder's colour, the same as its slice of the doughnut, whose slices
        // are in the same order; no two funders alike.
        XCTAssertEqual(bars.series.map(\.color), names.map { ChartsSheet.color(of: $0) })
        XCTAssertEqual(doughnut.series[0].pointColors, names.map { ChartsSheet.color(of: $0) })
        XCTAssertEqual(Set(ChartsSheet.fundingLabels.map { ChartsSheet.color(of: $0) }).count, ChartsSheet.fundingLabels.count)
        XCTAssertEqual(ChartsSheet.color(of: "DETR"), 0x332288)
        XCTAssertEqual(ChartsSheet.color(of: "Part du maître d'ouvrage"), 0xBBBBBB)
        // Labels on the bars from a sixteenth of the longest bar, Gersycoop's 2 400 000 €: 150 000 €.
        XCTAssertEqual(bars.series[0].labelFormat, "[>=150000]#,##0,\" k€\";\"\"")
        // Slices under 3 % of 9 410 000 € (282 300 €) without a percentage: other State aid
        // 126 000, Banque des Territoires 185 500, Europe 159 600, other public funders 100 000;
        // the DRAC's 284 000 keeps its own.
        XCTAssertEqual(doughnut.series[0].hiddenLabels, [4, 7, 9, 10])
    }

    func testTheOperationsTimetableHasItsPhasesAsFormulasOfTheExpenses() throws {
        let book = try shippedBook()
        let model = book.build()
        let halle = try XCTUnwrap(model.sheet("Restructuration de la Halle"))
        let studies = try XCTUnwrap(halle.rows.firstIndex { $0.first?.value == .text("Études et maîtrise d'œuvre") })
        let works = studies + 1
        XCTAssertEqual(halle.rows[studies - 1][3].value, .text("Début"))
        XCTAssertEqual(halle.rows[studies - 1][6].value, .text("2026"))
        // Studies and project management: 40 000 + 130 000 from the first legal act of their lots
        // (02/02/2026, before the other's 02/03/2026) to their last year, 2027.
        XCTAssertEqual(halle.rows[studies][1].value, .text("Maîtrise d'œuvre, Études"))
        XCTAssertEqual(halle.rows[studies][2].value, .formula("C6+C7", .money(Money(euros: 170_000))))
        XCTAssertEqual(halle.rows[studies][3].value, .text("02/2026"))
        XCTAssertEqual(halle.rows[studies][4].value, .text("2027"))
        // 2026: the studies' 40 000 and half the project management, 65 000; 2027 the other half.
        XCTAssertEqual(halle.rows[studies][6].value, .formula("G6+G7", .money(Money(euros: 105_000))))
        XCTAssertEqual(halle.rows[studies][7].value, .formula("H7", .money(Money(euros: 65_000))))
        XCTAssertEqual(halle.rows[studies][8].value, .empty)
        // Works from the calendar's start and end: 1 150 000 + 180 000, 700 000 in 2027, 450 000 + 180 000 in 2028.
        XCTAssertEqual(halle.rows[works][0].value, .text("Travaux"))
        XCTAssertEqual(halle.rows[works][2].value, .formula("C8+C9", .money(Money(euros: 1_330_000))))
        XCTAssertEqual(halle.rows[works][3].value, .text("02/2027"))
        XCTAssertEqual(halle.rows[works][4].value, .text("06/2028"))
        XCTAssertEqual(halle.rows[works][6].value, .empty)
        XCTAssertEqual(halle.rows[works][7].value, .formula("H8", .money(Money(euros: 700_000))))
        XCTAssertEqual(halle.rows[works][8].value, .formula("I8+I9", .money(Money(euros: 630_000))))
        // Bars where a phase spends.
        XCTAssertTrue(halle.fills.contains { $0.range == CellRange(studies, 6, works, 8) && $0.formula == "G\(studies + 1)<>0" })
        // The certification closes the plan; the checks start a new page.
        XCTAssertEqual(halle.rows[works + 2].first?.value, .text("Certifié exact le plan de financement ci-dessus, établi le 27/11/2026, par le maître d'ouvrage (Commune de Lectoure)."))
        let checks = try XCTUnwrap(halle.rows.firstIndex { $0.first?.value == .text("Contrôles") })
        XCTAssertEqual(halle.rowBreaks, [checks])
        XCTAssertEqual(checks, works + 5)
        // A post paid year by year is one mission, from its first to its last year.
        let post = OperationTimetable(try XCTUnwrap(book.plans.operations.first { $0.id == "chef-de-projet-pvd" }))
        XCTAssertEqual(post.phases.map(\.kind), [.running])
        XCTAssertEqual(post.phases.map(\.start), ["2021"])
        XCTAssertEqual(post.phases.map(\.end), ["2026"])
    }

    func testProgrammeViewsAreInWholeEurosAndOperationPlansInCents() throws {
        let model = try shippedBook().build()
        for name in ["Synthèse", "Financeurs", "Demandes", "Échéancier", "Calendrier", "Graphiques"] {
            XCTAssertTrue(try XCTUnwrap(model.sheet(name)).wholeEuros, name)
        }
        for name in ["Restructuration de la Halle", "Contrôles", "Paramètres"] {
            XCTAssertFalse(try XCTUnwrap(model.sheet(name)).wholeEuros, name)
        }
        XCTAssertEqual(CellStyle.money.inWholeEuros, .euros)
        XCTAssertEqual(CellStyle.moneyTotal.inWholeEuros, .eurosTotal)
        XCTAssertEqual(CellStyle.inputMoney.inWholeEuros, .inputMoney)
        // The benchmark's dump writes what the renderer writes: Financeurs' amounts in whole euros,
        // the grey blanks of total rows as cells.
        let dump = WorkbookDump.text(model)
        let euros = CellStyle.allCases.firstIndex(of: .euros)!, money = CellStyle.allCases.firstIndex(of: .money)!
        let funders = dump.components(separatedBy: "S\tFinanceurs\n")[1].components(separatedBy: "\nS\t")[0].split(separator: "\n").filter { $0.hasPrefix("C\t") }
        XCTAssertTrue(funders.contains { $0.split(separator: "\t", omittingEmptySubsequences: false)[4] == "\(euros)" }, funders.prefix(10).joined(separator: "\n"))
        XCTAssertFalse(funders.contains { $0.split(separator: "\t", omittingEmptySubsequences: false)[4] == "\(money)" })
        let labelTotal = CellStyle.allCases.firstIndex(of: .labelTotal)!
        XCTAssertTrue(dump.contains("\tb\t\(labelTotal)\t\t\n"))
        // Every property of each format, so that the C reference creates the renderer's very
        // formats: the header bold, white on navy, left-aligned, wrapped.
        let header = CellStyle.allCases.firstIndex(of: .header)!
        XCTAssertTrue(dump.hasPrefix("F\t0\t"))
        XCTAssertTrue(dump.contains("\nF\t\(header)\t1\t\t0\t\tffffff\t1f4e79\t1\t1\t0\t0\t0\n"), dump.prefix(2_000).description)
        // The Synthèse's filter buttons, over its header row and its rows.
        XCTAssertTrue(dump.components(separatedBy: "S\tFinanceurs\n")[0].contains("\nA\t3\t0\t"))
        // The sheets' settings too: the Synthèse's first column 20 wide, its title merged over
        // the three columns repeated on each page, 38,18 points high (two lines of 14 points).
        let synthesis = dump.components(separatedBy: "S\tFinanceurs\n")[0]
        XCTAssertTrue(synthesis.contains("\nW\t0\t20.0\n"))
        XCTAssertTrue(synthesis.contains("\nH\t0\t\(2.0 * 15 * 14 / 11)\n"))
        XCTAssertTrue(synthesis.contains("\tm\t\(CellStyle.allCases.firstIndex(of: .title)!)\tPetites villes de demain"))
        XCTAssertTrue(synthesis.contains(" de financement\t0 2\n"))
    }

    func testPrintSetUpOfTheTitleTheSimulationAndTheOperationPages() throws {
        var book = try shippedBook()
        book.simulation = MonteCarlo(plans: book.plans).run(draws: 20, seed: 1)
        let model = book.build()
        // The Synthèse's title block within the columns repeated on both blocks of its pages.
        let synthesis = try XCTUnwrap(model.sheet("Synthèse"))
        XCTAssertEqual(synthesis.merges[0], CellRange(0, 0, 0, SynthesisSheet.Column.title))
        XCTAssertEqual(synthesis.repeatColumns, 0...SynthesisSheet.Column.title)
        // Its title takes two lines of 14 points in 71 characters' width.
        XCTAssertEqual(synthesis.rowHeights[0], 2 * 15 * 14 / 11)
        XCTAssertEqual(try XCTUnwrap(model.sheet("Simulation")).repeatRows, 3...3)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pages-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try WorkbookRenderer.render(model, to: path)
        let sheets = try XlsxParts.read(path, "xl/workbook.xml")
        let index = try XCTUnwrap(model.sheets.firstIndex { $0.name == "Restructuration de la Halle" }) + 1
        XCTAssertTrue(sheets.contains("Simulation!$4:$4"), sheets)
        let halle = try XlsxParts.read(path, "xl/worksheets/sheet\(index).xml")
        let checks = try XCTUnwrap(model.sheet("Restructuration de la Halle")?.rowBreaks.first)
        XCTAssertTrue(halle.contains("<rowBreaks count=\"1\" manualBreakCount=\"1\"><brk id=\"\(checks)\""), halle)
        XCTAssertTrue(halle.contains("<pageSetup paperSize=\"9\" scale=\""), halle)
        // Values on the bars, the doughnut's colours slice by slice.
        let chart = try XlsxParts.read(path, "xl/charts/chart1.xml")
        XCTAssertTrue(chart.contains("<c:barDir val=\"bar\"/>"), chart)
        XCTAssertTrue(chart.contains("formatCode=\"[&gt;=150000]#,##0,&quot; k€&quot;;&quot;&quot;\""), chart)
        let doughnut = try XlsxParts.read(path, "xl/charts/chart2.xml")
        XCTAssertTrue(doughnut.contains("<c:dPt>"), doughnut)
        XCTAssertTrue(doughnut.contains("<a:srgbClr val=\"332288\"/>"), doughnut)
    }
}
