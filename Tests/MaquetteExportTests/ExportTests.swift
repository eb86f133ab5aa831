import Foundation
@testable import MaquetteCore
import MaquettePlans
import MaquetteTestSupport
import XCTest

@testable import MaquetteExport

/// The committee workbook: the model's cells and formulas, and the file libxlsxwriter writes.
final class ExportTests: XCTestCase {
    /// The day the shipped plans are exported on in these tests: before the Halle's works start
    /// (2027-02-01), which must not date the workbook.
    static let exportDay = Day(year: 2026, month: 11, day: 27)!
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func shippedModel() throws -> WorkbookModel {
        let loaded = PlanLoader.load(folder: Self.root.appendingPathComponent("Plans").path)
        let plans = try XCTUnwrap(loaded.plans)
        return CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: Self.exportDay).build()
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
                "Synthèse", "Poste de chef de projet", "Tiers-lieu dans l'ancienne", "Étude pré-opérationnelle", "Études et ingénierie",
                "Gersycoop", "Reconquête de la friche", "Restructuration de la Halle", "Maison Roquelaure", "Suivi-animation de l'OPAH-RU",
                "Financeurs", "Demandes", "Échéancier", "Versements", "Calendrier", "Contrôles", "Graphiques", "Paramètres",
            ])
        XCTAssertEqual(model.title, "Plans de financement – Petites villes de demain – Fleurance, Lectoure et Lomagne Gersoise")
        // The day it is exported on, not the latest date in the plans (the Halle's works, 2027-02-01).
        XCTAssertEqual(model.created, Self.exportDay.daysSinceEpoch * 86_400)
        XCTAssertEqual(model.sheets[0].footer, "&LMaquette – plans de financement&CPage &P sur &N&Rétabli le 27/11/2026")
    }

    func testSynthesisRowsAreFormulasWithMaquettesFigures() throws {
        let synthesis = try XCTUnwrap(try shippedModel().sheet("Synthèse"))
        let r = try XCTUnwrap(row(of: "ecole-blade", in: synthesis))
        let excelRow = r + 1
        // école Bladé: DETR 250 000 + Région 200 000 + Département 100 000 + BdT 17 500 + fonds de
        // concours 100 000 = 667 500 of public aid on 1 000 000 HT: 66,75 %.
        // The State's aid by dispositif (DETR, DSIL…, Fonds vert, DRAC, other), then by funder.
        XCTAssertEqual(Array(SynthesisSheet.headers[5...16]), [
            "DETR", "DSIL et autres dotations", "Fonds vert", "DRAC", "Autres aides de l'État", "Région", "Département", "Banque des Territoires",
            "ANAH", "ADEME", "Europe", "Autres financeurs publics",
        ])
        XCTAssertEqual(synthesis.rows[r][17].value, .formula("SUM(F\(excelRow):Q\(excelRow))", .money(Money(euros: 667_500))))
        XCTAssertEqual(synthesis.rows[r][18].value, .formula("IF(D\(excelRow)=0,0,R\(excelRow)/D\(excelRow))", .rate(Rate(millionths: 667_500))))
        // The aid columns read the operation sheet's resources by their rubric, refused and lapsed
        // lines left out.
        let sheet = "'Tiers-lieu dans l''ancienne'!"
        let counted = "\(sheet)$G$15:$G$20,\"<>refusé\",\(sheet)$G$15:$G$20,\"<>caduc\""
        XCTAssertEqual(
            synthesis.rows[r][5].value, .formula("SUMIFS(\(sheet)$F$15:$F$20,\(sheet)$K$15:$K$20,\"DETR\",\(counted))", .money(Money(euros: 250_000))))
        XCTAssertEqual(
            synthesis.rows[r][16].value,
            .formula("SUMIFS(\(sheet)$F$15:$F$20,\(sheet)$K$15:$K$20,\"Autres financeurs publics\",\(counted))", .money(Money(euros: 100_000))))
        XCTAssertEqual(synthesis.rows[r][3].value, .formula("\(sheet)$C$10", .money(Money(euros: 1_000_000))))
        // Own share 332 500 of 1 000 000 of public financing: 33,25 %.
        XCTAssertEqual(synthesis.rows[r][22].value, .formula("T\(excelRow)+U\(excelRow)+V\(excelRow)", .money(Money(euros: 332_500))))
        XCTAssertEqual(synthesis.rows[r][25].value, .formula("R\(excelRow)+W\(excelRow)+Y\(excelRow)-D\(excelRow)", .money(.zero)))
        // One rule to watch (the DETR commission), none broken: counted live on the operation sheet,
        // but for the envelopes (row 61), the programme's, counted once on Contrôles; the checks
        // come after the timetable (section, header, studies and works, blank: 5 rows) and the
        // certification (2 lines and a blank).
        XCTAssertEqual(
            synthesis.rows[r][28].value, .formula("COUNTIF(\(sheet)$C$52:$C$62,\"non respectée\")-COUNTIF(\(sheet)$C$61,\"non respectée\")", .number(0)))
        XCTAssertEqual(
            synthesis.rows[r][29].value, .formula("COUNTIF(\(sheet)$C$52:$C$62,\"à surveiller\")-COUNTIF(\(sheet)$C$61,\"à surveiller\")", .number(1)))
        // No error shows as a dash, as on the sub-totals (the finance officer's « – » for nothing).
        XCTAssertEqual(synthesis.rows[r][28].style, .count)
        XCTAssertEqual(synthesis.rows[r][29].style, .count)
        XCTAssertEqual(WorkbookRenderer.spec(.count).numberFormat, "0;-0;\"–\"")
        // The grand total: 9 410 000 HT, 5 993 100 of public aid (as `maquette afficher` shows).
        let total = try XCTUnwrap(synthesis.rows.lastIndex { $0.first?.value == .text("Total du programme") })
        XCTAssertEqual(synthesis.rows[total][3].value, .formula("SUBTOTAL(9,D5:D\(total))", .money(Money(euros: 9_410_000))))
        XCTAssertEqual(synthesis.rows[total][17].value, .formula("SUBTOTAL(9,R5:R\(total))", .money(Money(euros: 5_993_100))))
        // Subtotal for Lectoure: école Bladé 1 000 000 + Halle 1 500 000 + Maison Roquelaure 1 700 000.
        let lectoure = try XCTUnwrap(synthesis.rows.firstIndex { $0.first?.value == .text("Sous-total Commune de Lectoure") })
        guard case .formula(_, .money(let lectoureCost)) = synthesis.rows[lectoure][3].value else { return XCTFail() }
        XCTAssertEqual(lectoureCost, Money(euros: 4_200_000))
    }

    func testOperationSheetBalancesThroughAFormula() throws {
        let sheet = try XCTUnwrap(try shippedModel().sheet("Tiers-lieu dans l'ancienne"))
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

    /// The Halle aux grains worked by hand: the maîtrise d'œuvre (130 000 HT, 20 % VAT) is spent
    /// half in 2026, half in 2027; in 2026 the eligible TTC is half the maîtrise d'œuvre's 156 000,
    /// 78 000: × 16,404 % = 12 795,12 of FCTVA, received in 2028 (Lectoure's regime N+2). The
    /// studies (TTC 48 000, spent in 2026) count in 2027, the works' start (arrêté du 30 décembre
    /// 2020, art. 2), by their TTC cell.
    func testOperationSheetSplitsAndFCTVAAreFormulasOfTheirInputs() throws {
        let model = try shippedModel()
        let sheet = try XCTUnwrap(model.sheet("Restructuration de la Halle"))
        let moe = try XCTUnwrap(sheet.rows.firstIndex { $0.first?.value == .text("Maîtrise d'œuvre") })
        XCTAssertEqual(moe, 6)
        XCTAssertEqual(sheet.rows[moe][5].value, .text("oui"))
        XCTAssertEqual(sheet.rows[moe][6].value, .formula("ROUND(C7*65000/130000,2)", .money(Money(euros: 65_000))))
        XCTAssertEqual(sheet.rows[moe][7].value, .formula("C7-G7", .money(Money(euros: 65_000))))
        let y2026 = try XCTUnwrap(sheet.rows.firstIndex { $0.first?.value == .integer(2026) })
        guard case .formula(let ttc, .money(let eligible)) = sheet.rows[y2026][1].value,
            case .formula(let fctva, .money(let amount)) = sheet.rows[y2026][3].value
        else { return XCTFail("\(sheet.rows[y2026])") }
        XCTAssertEqual(eligible, Money(euros: 78_000))
        XCTAssertEqual(amount, Money(cents: 1_279_512))
        XCTAssertTrue(ttc.hasPrefix("IF(AND(F7=\"oui\",D7>0),"), ttc)
        XCTAssertFalse(ttc.contains("F6="), ttc)
        XCTAssertTrue(fctva.contains("*Taux_FCTVA,2)"), fctva)
        guard case .formula(let ttc2027, _) = sheet.rows[y2026 + 1][1].value else { return XCTFail("\(sheet.rows[y2026 + 1])") }
        XCTAssertTrue(ttc2027.contains("IF(AND(F6=\"oui\",D6>0),E6,0)"), ttc2027)
        XCTAssertEqual(sheet.rows[y2026][2].value, .formula("A\(y2026 + 1)+'Paramètres'!$C$9", .number(2028)))
        // The rate in one cell, named; the owner's regime beside its delay.
        XCTAssertTrue(model.definedNames.contains { $0 == ("Taux_FCTVA", "='Paramètres'!$B$5") })
        let parameters = try XCTUnwrap(model.sheet("Paramètres"))
        XCTAssertEqual(parameters.rows[4][1].value, .rate(Rate(millionths: 164_040)))
        XCTAssertEqual(parameters.rows[8][0].value, .text("Commune de Lectoure"))
        XCTAssertEqual(parameters.rows[8][2].value, .formula("IF(B9=\"N\",0,IF(B9=\"N+1\",1,2))", .number(2)))
        // Balance and owner's share decided by formulas; the others dated.
        let balance = try XCTUnwrap(sheet.rows.firstIndex { $0.first?.value == .text("Le plan de financement est équilibré au centime près") })
        guard case .formula(let verdict, .text("respectée")) = sheet.rows[balance][2].value else { return XCTFail() }
        XCTAssertTrue(verdict.hasPrefix("IF(OR(ROUND(F22,2)<>0,ROUND(F19,2)<0),\"non respectée\""), verdict)
        // Each line's rate within its dispositif's, and the State's dotations within 80 %, are
        // formulas too; an early start is Maquette's finding, dated.
        XCTAssertEqual(sheet.rows[balance + 2][3].value, .text("formule du classeur"))
        XCTAssertEqual(sheet.rows[balance + 3][0].value, .text("DETR + DSIL + DPV + DSID au plus 80 % de la dépense subventionnable HT (avant le 6/10/2021 : aides publiques au plus 80 % avec la DETR)"))
        guard case .formula(let dotations, .text("respectée")) = sheet.rows[balance + 3][2].value else { return XCTFail() }
        XCTAssertTrue(dotations.contains("*1000000>800000*ROUND(MAX(D15,D16)*100,0)"), dotations)
        XCTAssertEqual(sheet.rows[balance + 4][3].value, .text("vérifié par Maquette le 27/11/2026"))
        // Contrôles counts from the Synthèse's totals.
        guard case .formula(let counts, .text(let subtitle)) = try XCTUnwrap(model.sheet("Contrôles")).rows[2][0].value else { return XCTFail() }
        XCTAssertTrue(counts.hasPrefix("IF(('Synthèse'!$AC$"), counts)
        XCTAssertEqual(try XCTUnwrap(model.sheet("Contrôles")).rows[1][0].value, .text("Constats établis par Maquette le 27/11/2026 ; le décompte ci-dessous suit les feuilles des opérations."))
        XCTAssertTrue(subtitle.hasPrefix("Aucune règle n'est enfreinte."), subtitle)
    }

    /// The programme views read the operation sheets: the Halle aux grains spends 765 000 HT in
    /// 2027 (65 000 of maîtrise d'œuvre and 700 000 of works); the école Bladé's DETR is 250 000,
    /// 25 % of its 1 000 000 HT, and its resources make 100 % of the cost.
    func testProgrammeViewsReadTheOperationSheets() throws {
        let model = try shippedModel()
        let calendar = try XCTUnwrap(model.sheet("Calendrier"))
        let halle = try XCTUnwrap(calendar.rows.firstIndex { $0.first?.value == .text("Restructuration de la Halle aux grains") })
        XCTAssertEqual(calendar.rows[3][3 + 2027 - 2021].value, .text("2027"))
        XCTAssertEqual(calendar.rows[halle][3 + 2027 - 2021].value, .formula("'Restructuration de la Halle'!$H$10", .money(Money(euros: 765_000))))
        XCTAssertEqual(calendar.rows[halle][2].value, .text("02/2027 → 06/2028"))
        XCTAssertEqual(calendar.fills.count, 1)

        // The bridge from the owner's share HT to the cash need TTC: 3 416 900 − 459 000 (EPF)
        // − 300 000 (loans) + 472 000 (EPF buy-back in 2029) + 1 718 200 (VAT) − 1 523 997,21
        // (FCTVA, without the studies followed by no works, 43 306,56 + 15 747,84, nor the solar
        // carports selling power, 49 015,15) = 3 324 102,79, nothing left.
        let schedule = try XCTUnwrap(model.sheet("Échéancier"))
        let bridge = try XCTUnwrap(schedule.rows.firstIndex { $0.first?.value == .text("Du besoin HT de la synthèse au besoin de trésorerie TTC") })
        let figures = schedule.rows[(bridge + 1)...(bridge + 8)].map { row -> Money? in
            switch row[2].value {
            case .formula(_, .money(let m)), .money(let m): return m
            default: return nil
            }
        }
        XCTAssertEqual(figures, [
            Money(euros: 3_416_900), Money(euros: -459_000), Money(euros: -300_000), Money(euros: 472_000), Money(euros: 1_718_200),
            Money(cents: -152_399_721), .zero, Money(cents: 332_410_279),
        ])
        XCTAssertEqual(schedule.rows[bridge + 1][2].value, .formula("'Synthèse'!$W$17", .money(Money(euros: 3_416_900))))

        let requests = try XCTUnwrap(model.sheet("Demandes"))
        let detr = try XCTUnwrap(
            requests.rows.firstIndex { $0.count > 2 && $0[2].value == .text("Tiers-lieu dans l'ancienne école Bladé") && $0[1].value == .text("Dotation d'équipement des territoires ruraux (DETR)") })
        guard case .formula(let amount, .money(let value)) = requests.rows[detr][4].value else { return XCTFail() }
        XCTAssertTrue(amount.hasPrefix("'Tiers-lieu dans l''ancienne'!$F$"), amount)
        XCTAssertEqual(value, Money(euros: 250_000))

        let ecole = try XCTUnwrap(model.sheet("Tiers-lieu dans l'ancienne"))
        let detrLine = try XCTUnwrap(ecole.rows.firstIndex { $0.count > 1 && $0[1].value == .text("Dotation d'équipement des territoires ruraux (DETR)") })
        guard case .formula(_, .rate(let share)) = ecole.rows[detrLine][11].value else { return XCTFail() }
        XCTAssertEqual(share, Rate(percent: 25))
        let total = try XCTUnwrap(ecole.rows.firstIndex { $0.first?.value == .text("Total des ressources") })
        guard case .formula(_, .rate(let all)) = ecole.rows[total][11].value else { return XCTFail() }
        XCTAssertEqual(all, Rate(percent: 100))
        XCTAssertTrue(ecole.rows.contains { row in
            if case .text(let t)? = row.first?.value { return t.hasPrefix("Certifié exact le plan de financement ci-dessus, établi le 27/11/2026") }
            return false
        })
    }

    /// Without the Halle's DSIL, Lectoure needs 2 522 708,90 € by the end of 2027, over its
    /// cumulated capacity of 2 450 000 €, whatever the uncertain aid does: the risk is in every
    /// draw, and the Synthèse and the Contrôles say so.
    func testASimulatedRiskIsFlaggedWherePeopleLook() throws {
        let loaded = PlanLoader.load(folder: Self.root.appendingPathComponent("Plans").path).applying(scenario: "dsil-refusee-halle")
        let plans = try XCTUnwrap(loaded.plans)
        var book = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: Self.exportDay)
        book.simulation = MonteCarlo(plans: plans).run(draws: 200, seed: 42)
        let model = book.build()
        let risk = "RISQUE (simulation, 200 tirages) : besoin de trésorerie au-delà de l'épargne nette disponible pour Commune de Lectoure dans 100 % des tirages (voir la feuille Simulation)."
        for name in ["Synthèse", "Contrôles"] {
            guard case .text(let subtitle) = try XCTUnwrap(model.sheet(name)).rows[1][0].value else { return XCTFail(name) }
            XCTAssertTrue(subtitle.hasSuffix("\n" + risk), subtitle)
        }
        XCTAssertFalse(try XCTUnwrap(model.sheet("Simulation")).problemHighlights.isEmpty)
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
        // Titles alike: each takes the next number free, numbers already taken by a name of its
        // own or by another case of the same title skipped.
        XCTAssertEqual(names.make("Halle~3"), "Halle~3")
        XCTAssertEqual((1...5).map { _ in names.make("Halle") }, ["Halle", "Halle~2", "Halle~4", "Halle~5", "Halle~6"])
        XCTAssertEqual(names.make("HALLE"), "HALLE~7")
        XCTAssertEqual(names.make("Halle"), "Halle~8")
        XCTAssertEqual((1...1_000).map { _ in names.make("Réhabilitation") }.last, "Réhabilitation~1000")
        // 31 characters are kept whole, in 31 bytes or in more (20 « é » are 40 bytes); an
        // apostrophe inside stays; nothing left is « Feuille ».
        let ascii31 = String(repeating: "y", count: 31)
        XCTAssertEqual(names.make(ascii31), ascii31)
        XCTAssertEqual(names.make(String(repeating: "é", count: 20)), String(repeating: "é", count: 20))
        XCTAssertEqual(names.make(String(repeating: "é", count: 32)), String(repeating: "é", count: 31))
        XCTAssertEqual(names.make("l'école"), "l'école")
        XCTAssertEqual(names.make("''"), "Feuille")
        XCTAssertEqual(names.make(""), "Feuille~2")
        XCTAssertEqual(names.make("x?"), "x-")
    }

    func testTheDocumentDateIsTheDateGivenElseSourceDateEpochElseToday() throws {
        let today = Day(year: 2026, month: 11, day: 27)!
        let given = Day(year: 2027, month: 3, day: 16)!
        func resolve(_ date: Day?, _ epoch: String?) -> DocumentDate? { try? DocumentDate.resolve(date: date, sourceDateEpoch: epoch, today: today).get() }
        // --date wins, and the file is created at its midnight.
        XCTAssertEqual(resolve(given, "1700000000"), DocumentDate(day: given))
        XCTAssertEqual(DocumentDate(day: given).timestamp, given.daysSinceEpoch * 86_400)
        // 1 700 000 000 s = 19 675 days and 80 000 s after 1970-01-01: 2023-11-14 at 22:13:20,
        // which is also the file's creation instant.
        XCTAssertEqual(resolve(nil, "1700000000")?.day, Day(year: 2023, month: 11, day: 14))
        XCTAssertEqual(resolve(nil, "1700000000")?.timestamp, 1_700_000_000)
        XCTAssertEqual(resolve(nil, "0")?.day, Day(year: 1970, month: 1, day: 1))
        XCTAssertEqual(resolve(nil, "951782400")?.day, Day(year: 2000, month: 2, day: 29))
        // Unset or empty: today.
        XCTAssertEqual(resolve(nil, nil), DocumentDate(day: today))
        XCTAssertEqual(resolve(nil, ""), DocumentDate(day: today))
        // Not a non-negative whole number of seconds: refused, with what to do.
        for wrong in ["-1", "1.5", "abc", " 12", "99999999999999999999", "8000000000"] {
            guard case .failure(let error) = DocumentDate.resolve(date: nil, sourceDateEpoch: wrong, today: today) else { return XCTFail(wrong) }
            XCTAssertTrue(error.description.hasPrefix("SOURCE_DATE_EPOCH vaut « \(wrong) »"), error.description)
        }
        XCTAssertEqual(DocumentDate.day("27/11/2026"), today)
        XCTAssertEqual(DocumentDate.day("2026-11-27"), today)
        XCTAssertEqual(DocumentDate.day("1/2/2027"), Day(year: 2027, month: 2, day: 1))
        XCTAssertNil(DocumentDate.day("31/02/2026"))
        XCTAssertNil(DocumentDate.day("2026-11"))
    }

    /// A small programme read through the real reader, with a committee date, a signatory and a
    /// scenario; its workbook built on that scenario.
    func scenarioBook() throws -> (book: CommitteeWorkbook, model: WorkbookModel) {
        let programme = """
            id: essai
            nom: Programme d'essai
            periode: { debut: 2025, fin: 2027 }
            date_comite: 2027-03-16
            signataire: "Le maire, Jeanne Martin"
            maitres_ouvrage: [{ id: c, nom: Commune de Saint-Essai, regime_fctva: N+2 }]
            """
        let op = """
            id: salle
            intitule: Rénovation énergétique de la salle des fêtes (tranche 1)
            maitre_ouvrage: c
            depenses:
              - { libelle: Travaux, nature: travaux, montant_ht: 100 000, annees: { 2025: 100 % } }
            financements:
              - autofinancement: solde
            """
        let loaded = PlanLoader.load(
            files: [PlanFile(path: "/srv/plans/essai/programme.yaml", text: programme), PlanFile(path: "/srv/plans/essai/operations/salle.yaml", text: op)],
            root: "/srv/plans/essai")
        let plans = try XCTUnwrap(loaded.plans, "\(loaded.diagnostics)")
        XCTAssertEqual(plans.programme.committeeDay, Day(year: 2027, month: 3, day: 16))
        XCTAssertEqual(plans.programme.signatory, "Le maire, Jeanne Martin")
        var book = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: Rules.check(plans), created: Self.exportDay)
        book.plansFolder = "/srv/plans/essai/"
        book.scenarioTitle = "Travaux décalés (travaux-decales)"
        return (book, book.build())
    }

    func testAScenarioWorkbookSaysSoOnEverySheetAndNamesThingsInPeoplesWords() throws {
        let (_, model) = try scenarioBook()
        XCTAssertEqual(model.sheets.map(\.name), ["Synthèse", "Rénovation énergétique", "Financeurs", "Demandes", "Échéancier", "Versements", "Calendrier", "Contrôles", "Graphiques", "Paramètres"])
        for sheet in model.sheets {
            guard case .text(let title) = sheet.rows[0][0].value else { return XCTFail(sheet.name) }
            XCTAssertTrue(title.hasSuffix(" — scénario : Travaux décalés (travaux-decales)"), title)
            XCTAssertTrue(sheet.header.contains("&RSCÉNARIO : Travaux décalés (travaux-decales) · \(sheet.name.replacingOccurrences(of: "&", with: "&&"))"), sheet.header)
        }
        XCTAssertTrue(model.title.hasSuffix(" – scénario : Travaux décalés (travaux-decales)"))
        // The committee's date in the title block and the file's subject.
        XCTAssertEqual(model.subject, "Comité régional des financeurs du 16/03/2027")
        guard case .text(let subtitle) = model.sheets[0].rows[1][0].value else { return XCTFail() }
        XCTAssertTrue(subtitle.contains("Établi le 27/11/2026 à partir des fichiers de plans, pour le Comité régional des financeurs du 16/03/2027."), subtitle)
        // The plan file relative to the plans folder; ids only under "Identifiant"; no "[codes]".
        let operation = model.sheets[1]
        guard case .text(let facts) = operation.rows[1][0].value else { return XCTFail() }
        XCTAssertTrue(facts.contains("fichier operations/salle.yaml"), facts)
        XCTAssertFalse(facts.contains("/srv"))
        XCTAssertEqual(model.sheets[0].rows[3][1].value, .text("Identifiant"))
        for sheet in model.sheets {
            for row in sheet.rows {
                for cell in row {
                    if case .text(let text) = cell.value { XCTAssertFalse(text.contains("["), "\(sheet.name): \(text)") }
                }
            }
        }
        let charts = try XCTUnwrap(model.sheet("Graphiques"))
        XCTAssertEqual(charts.rows[4][0].value, .text("Rénovation énergétique"))
    }

    func testTabNamesAreShortAndUnique() {
        XCTAssertEqual(CommitteeWorkbook.tabName("Gersycoop – maison des jeunes, des associations"), "Gersycoop")
        XCTAssertEqual(CommitteeWorkbook.tabName("Restructuration de la Halle aux grains"), "Restructuration de la Halle")
        XCTAssertEqual(CommitteeWorkbook.tabName("Études et ingénierie de la convention PVD"), "Études et ingénierie")
        XCTAssertEqual(CommitteeWorkbook.tabName("Anticonstitutionnellement-et-plus-encore"), "Anticonstitutionnellement-et")
        // Cut at the first separator after the first character: a dash between spaces, a colon,
        // an opening parenthesis, a comma; a comma with an accent on it is no comma.
        XCTAssertEqual(CommitteeWorkbook.tabName("Halle (Lectoure)"), "Halle")
        XCTAssertEqual(CommitteeWorkbook.tabName("Maison:Roquelaure"), "Maison")
        XCTAssertEqual(CommitteeWorkbook.tabName("École - tiers-lieu"), "École")
        XCTAssertEqual(CommitteeWorkbook.tabName("(note) Halle"), "(note) Halle")
        XCTAssertEqual(CommitteeWorkbook.tabName("a,\u{301}b c,d"), "a,\u{301}b c")
    }

    // MARK: The file

    func testTheFileHasFormatsNamesValidationsAndPrintSetup() throws {
        let path = temporaryFolder().appendingPathComponent("programme.xlsx").path
        try WorkbookRenderer.render(try shippedModel(), to: path)
        let styles = try part(path, "xl/styles.xml")
        // Cents and whole euros, a dash for zero.
        XCTAssertTrue(styles.contains("formatCode=\"#,##0.00 &quot;€&quot;;-#,##0.00 &quot;€&quot;;&quot;–&quot;\""), styles)
        XCTAssertTrue(styles.contains("formatCode=\"#,##0 &quot;€&quot;;-#,##0 &quot;€&quot;;&quot;–&quot;\""), styles)
        XCTAssertTrue(styles.contains("formatCode=\"0.00%;-0.00%;&quot;–&quot;\""))
        let workbook = try part(path, "xl/workbook.xml")
        XCTAssertTrue(workbook.contains("<definedName name=\"Aides_publiques_programme\">'Synthèse'!$R$"), workbook)
        let synthesis = try part(path, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(synthesis.contains("<pane xSplit=\"2\" ySplit=\"4\""), synthesis)
        // On A3, in two blocks of columns, the operations' names repeated on each.
        XCTAssertTrue(synthesis.contains("<pageSetup paperSize=\"8\" scale=\""), synthesis)
        XCTAssertTrue(synthesis.contains("<colBreaks count=\"1\" manualBreakCount=\"1\"><brk id=\"19\""), synthesis)
        XCTAssertTrue(workbook.contains("'Synthèse'!$A:$C,'Synthèse'!$4:$4"), workbook)
        XCTAssertTrue(synthesis.contains("<autoFilter ref=\"A4:AD"))
        XCTAssertTrue(synthesis.contains("<conditionalFormatting"))
        XCTAssertTrue(synthesis.contains("<oddFooter>&amp;LMaquette – plans de financement&amp;CPage &amp;P sur &amp;N"))
        // école Bladé's public aid, formula and stored value (row 8: Lectoure comes after Fleurance's two operations and subtotal).
        XCTAssertTrue(synthesis.contains("<c r=\"R8\" s=\"") && synthesis.contains("><f>SUM(F8:Q8)</f><v>667500</v></c>"), synthesis)
        let operation = try part(path, "xl/worksheets/sheet3.xml")
        XCTAssertTrue(operation.contains("<dataValidation type=\"list\""), operation)
        XCTAssertTrue(operation.contains("<formula1>\"envisagé,sollicité,notifié,versé,refusé,caduc\"</formula1>"))
        XCTAssertTrue(operation.contains("paperSize=\"9\""))
        let core = try part(path, "docProps/core.xml")
        XCTAssertTrue(core.contains("<dc:title>Plans de financement – Petites villes de demain – Fleurance, Lectoure et Lomagne Gersoise</dc:title>"))
        XCTAssertTrue(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-27T00:00:00Z</dcterms:created>"), core)
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

    /// Created at second 0 (`SOURCE_DATE_EPOCH=0`, `--date 01/01/1970`): libxlsxwriter takes a
    /// creation time of 0 for none and writes the current time instead. The workbook is dated
    /// 1 January 1970 all the same, and two renders a second apart are the same bytes.
    func testAWorkbookCreatedAtSecondZeroGivesTheSameBytes() throws {
        let folder = temporaryFolder()
        var model = WorkbookModel(title: "t", subject: "s", author: "a", comments: "c", created: 0)
        var sheet = SheetModel(name: "Feuille")
        sheet.append([Cell(.integer(1), .integer)])
        model.sheets.append(sheet)
        try WorkbookRenderer.render(model, to: folder.appendingPathComponent("a.xlsx").path)
        Thread.sleep(forTimeInterval: 1.1)
        try WorkbookRenderer.render(model, to: folder.appendingPathComponent("b.xlsx").path)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("a.xlsx")), try Data(contentsOf: folder.appendingPathComponent("b.xlsx")))
        let core = try part(folder.appendingPathComponent("a.xlsx").path, "docProps/core.xml")
        XCTAssertTrue(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">1970-01-01T00:00:"), core)
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
        var book = CommitteeWorkbook(plans: plans, figures: Financing.figures(of: plans), diagnostics: diagnostics, created: Self.exportDay)
        book.simulation = MonteCarlo(plans: plans).run(draws: 50, seed: 1)
        let folder = temporaryFolder()
        let whole = book.build()
        let streamed = book.build(streaming: true)
        XCTAssertTrue(whole.sheets.allSatisfy { $0.pending == nil && $0.deferred == nil })
        XCTAssertTrue(streamed.sheets.allSatisfy { $0.pending != nil })
        XCTAssertEqual(streamed.sheets.map(\.name), whole.sheets.map(\.name))
        // The programme's sheets after the 60 operation sheets (and the Synthèse before them) are
        // built early, while those are written.
        XCTAssertEqual(streamed.sheets.firstIndex { $0.buildEarly }, 61)
        XCTAssertEqual(
            streamed.sheets.filter(\.buildEarly).map(\.name),
            [CommitteeWorkbook.fundersSheet, CommitteeWorkbook.requestsSheet, CommitteeWorkbook.scheduleSheet, PaymentsSheet.name, CommitteeWorkbook.calendarSheet,
             CommitteeWorkbook.checksSheet, CommitteeWorkbook.chartsSheet, CommitteeWorkbook.parametersSheet, CommitteeWorkbook.simulationSheet])
        // Without operation sheets, those after the Synthèse.
        var summaries = book
        summaries.sheets = [.synthese, .financeurs, .controles]
        summaries.simulation = nil
        XCTAssertEqual(summaries.build(streaming: true).sheets.map { "\($0.name) \($0.buildEarly)" }, ["Synthèse false", "Financeurs true", "Contrôles true"])
        try WorkbookRenderer.render(whole, to: folder.appendingPathComponent("whole.xlsx").path)
        try WorkbookRenderer.render(streamed, to: folder.appendingPathComponent("streamed.xlsx").path)
        var reported: [(Int, Int)] = []
        // No room beyond the two items: the producer waits for the writer at every third item.
        try WorkbookRenderer.render(streamed, to: folder.appendingPathComponent("small.xlsx").path, blockSize: 7, capacity: 2, cellBudget: 0) { reported.append(($0, $1)) }
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

    /// The Échéances given as work to do are worked out once, when the sheet is built (while the
    /// sheets before it are written), and make the sheet the list given at once makes.
    func testTheDeadlinesSheetWorksOutItsListWhenBuilt() throws {
        let (plans, diagnostics) = try synthetic(12, seed: 5)
        let figures = Financing.figures(of: plans)
        let list = Deadlines.of(plans, figures: figures, today: Self.exportDay)
        XCTAssertGreaterThan(list.count, 12)
        final class Calls: @unchecked Sendable { var count = 0 }
        let calls = Calls()
        var book = CommitteeWorkbook(plans: plans, figures: figures, diagnostics: diagnostics, created: Self.exportDay)
        book.sheets = [.synthese]
        book.deadlines = DeadlinesSheet.Input(today: Self.exportDay, expected: 40) {
            calls.count += 1
            return Deadlines.of(plans, figures: figures, today: Self.exportDay)
        }
        let streamed = book.build(streaming: true)
        XCTAssertEqual(calls.count, 0, "worked out before the sheet is built")
        XCTAssertEqual(streamed.sheet(DeadlinesSheet.name)?.expectedRows, 44)
        book.deadlines = DeadlinesSheet.Input(deadlines: list, today: Self.exportDay)
        let given = book.build()
        let folder = temporaryFolder()
        try WorkbookRenderer.render(streamed, to: folder.appendingPathComponent("streamed.xlsx").path)
        XCTAssertEqual(calls.count, 1)
        try WorkbookRenderer.render(given, to: folder.appendingPathComponent("given.xlsx").path)
        XCTAssertEqual(given.sheet(DeadlinesSheet.name)?.rows.count, 4 + list.count)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("streamed.xlsx")), try Data(contentsOf: folder.appendingPathComponent("given.xlsx")))
    }

    /// A sheet to build early is built on another thread as soon as the writing starts, not when
    /// the producer reaches it: here each of the 40 small sheets before it waits (10 s at most) for
    /// it to be built, which would never happen in time if the producer had to build it itself.
    /// That thread has the least priority (nice 19), so that it takes no core from the writer.
    /// The file is the one written from the model built whole.
    func testASheetToBuildEarlyIsBuiltBeforeTheWriterReachesIt() throws {
        final class Flag: @unchecked Sendable {
            let built = DispatchSemaphore(value: 0)
            let lock = DispatchSemaphore(value: 1)
            var late = 0
            var nice: Int32 = 0
        }
        let flag = Flag()
        var model = WorkbookModel(title: "t", subject: "s", author: "a", comments: "c", created: 0)
        for k in 0..<40 {
            model.sheets.append(
                .pending("Feuille \(k + 1)") {
                    flag.lock.wait()
                    let late = flag.late > 0
                    flag.lock.signal()
                    if late {
                    } else if flag.built.wait(timeout: .now() + 10) == .timedOut {
                        flag.lock.wait()
                        flag.late += 1
                        flag.lock.signal()
                    } else {
                        flag.built.signal()
                    }
                    var sheet = SheetModel(name: "Feuille \(k + 1)")
                    sheet.append([Cell(.integer(k + 1), .integer), .money(Money(cents: Int64(k) * 100))])
                    return sheet
                })
        }
        var big = SheetModel.pending("Versements") {
            var sheet = SheetModel(name: "Versements")
            for r in 0..<3_000 { sheet.append([.text("ligne \(r + 1)"), .money(Money(cents: Int64(r) * 125))]) }
            // Built on the time the writer and the producer leave: the least priority.
            flag.lock.wait()
            flag.nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            flag.lock.signal()
            flag.built.signal()
            return sheet
        }
        big.buildEarly = true
        model.sheets.append(big)
        let folder = temporaryFolder()
        try WorkbookRenderer.render(model, to: folder.appendingPathComponent("streamed.xlsx").path)
        XCTAssertEqual(flag.late, 0, "the sheet to build early waited for the producer")
        XCTAssertEqual(flag.nice, 19)
        var whole = model
        for i in whole.sheets.indices { whole.sheets[i].materialise() }
        try WorkbookRenderer.render(whole, to: folder.appendingPathComponent("whole.xlsx").path)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("streamed.xlsx")), try Data(contentsOf: folder.appendingPathComponent("whole.xlsx")))
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
        // With room for two blocks only, and with room for every block (the producer then done
        // before the writer fails).
        for budget in [0, RowPipeline.cellBudget] {
            Thread {
                do { try AtomicFile.write(to: target) { try WorkbookRenderer.render(streamed, to: $0, blockSize: 100, capacity: 2, cellBudget: budget) } } catch { failure = error }
                done.signal()
            }.start()
            XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the writer or its producer hangs")
            XCTAssertEqual(failure.map { "\($0)" }, "feuille Données, ligne 3002, colonne 1 : texte de plus de 32 767 caractères")
            XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "ancien classeur")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["classeur.xlsx"])
            failure = nil
        }
    }
}

extension ExportTests {
    /// The Maison Roquelaure is inscrit: its DRAC line's 40 % cap is a formula of its amount and
    /// base (amount in cents × 10^6 > 400 000 millionths × base in cents), live like the other rates.
    func testTheDRACCapOnAnInscritBuildingIsLive() throws {
        let model = try shippedModel()
        // The one operation sheet with a DRAC line checks the rule.
        let sheet = try XCTUnwrap(model.sheets.first { sheet in sheet.rows.contains { $0.first?.value == .text(HeritageTitle.title) } })
        let row = try XCTUnwrap(sheet.rows.firstIndex { $0.first?.value == .text(HeritageTitle.title) })
        guard case .formula(let verdict, .text("respectée")) = sheet.rows[row][2].value else { return XCTFail("\(sheet.rows[row])") }
        XCTAssertTrue(verdict.contains("*1000000>400000*ROUND(D"), verdict)
        XCTAssertEqual(sheet.rows[row][3].value, .text("formule du classeur"))
    }
}

private enum HeritageTitle {
    static let title = "Aide de la DRAC aux monuments historiques : 40 % au plus des travaux de restauration et de réparation sur un immeuble inscrit"
}
