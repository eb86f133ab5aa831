import MaquetteCore
import MaquettePlans
import XCTest

/// The reader: amounts, rates and dates as written, and every problem located to the line and column.
final class ValueParserTests: XCTestCase {
    func money(_ text: String) -> Money? { try? ValueParsers.money(text).get() }
    func problem(_ text: String) -> String? {
        if case .failure(let p) = ValueParsers.money(text) { return p.message }
        return nil
    }

    func testAmountsInEveryAcceptedSpelling() {
        XCTAssertEqual(money("450000"), Money(euros: 450_000))
        XCTAssertEqual(money("450 000"), Money(euros: 450_000))
        XCTAssertEqual(money("450 000,00 €"), Money(euros: 450_000))
        XCTAssertEqual(money("450\u{202F}000,00\u{00A0}€"), Money(euros: 450_000))
        XCTAssertEqual(money("450000.50"), Money(cents: 45_000_050))
        XCTAssertEqual(money("1 250 000 EUR"), Money(euros: 1_250_000))
        XCTAssertEqual(money("0,5"), Money(cents: 50))
        XCTAssertEqual(money("10 000 000 000"), Money.maximumLineAmount)
    }

    func testAmountsRefused() {
        XCTAssertEqual(problem("1,250,000"), "montant illisible « 1,250,000 »")
        XCTAssertTrue(problem("12.345")!.hasPrefix("montant ambigu"))
        XCTAssertTrue(problem("-100")!.hasPrefix("montant négatif"))
        XCTAssertTrue(problem("10 000 000 000,01")!.hasPrefix("montant trop grand"))
        XCTAssertTrue(problem("99999999999999999999999")!.hasPrefix("montant trop grand"))
        XCTAssertTrue(problem("1e6")!.hasPrefix("montant illisible"))
        XCTAssertTrue(problem("12,5,0")!.hasPrefix("montant illisible"))
    }

    func testRatesNeedThePercentSign() {
        XCTAssertEqual(try ValueParsers.rate("20 %").get(), Rate(percent: 20))
        XCTAssertEqual(try ValueParsers.rate("16,404 %").get(), Rate(millionths: 164_040))
        XCTAssertEqual(try ValueParsers.rate("33.33%").get(), Rate(millionths: 333_300))
        if case .failure(let p) = ValueParsers.rate("0.2") { XCTAssertTrue(p.message.hasPrefix("taux sans « % »")) } else { XCTFail() }
        if case .failure(let p) = ValueParsers.rate("120 %") { XCTAssertTrue(p.message.hasPrefix("taux hors limites")) } else { XCTFail() }
        if case .failure(let p) = ValueParsers.rate("1,23456 %") { XCTAssertTrue(p.message.contains("quatre décimales")) } else { XCTFail() }
    }

    func testDatesAreValidated() {
        XCTAssertEqual(try ValueParsers.day("2024-03-15").get(), Day(year: 2024, month: 3, day: 15))
        XCTAssertEqual(try ValueParsers.day("2025-03").get(), Day(year: 2025, month: 3, day: 1))
        if case .failure(let p) = ValueParsers.day("2024-13-45") { XCTAssertEqual(p.message, "date impossible « 2024-13-45 »") } else { XCTFail() }
        if case .failure(let p) = ValueParsers.day("15/03/2024") { XCTAssertTrue(p.message.hasPrefix("date illisible")) } else { XCTFail() }
    }
}

final class ReaderTests: XCTestCase {
    typealias F = PlanFixture

    func diagnostics(_ operation: String, funders: String? = nil) -> [Diagnostic] {
        F.load([operation], funders: funders).diagnostics
    }

    func testUnknownKeyWithSuggestionAndItsPosition() {
        let d = diagnostics(F.operation("  - dispositif: etat.detr\n    montnt: 300 000\n  - autofinancement: solde"))
        XCTAssertEqual(d.count, 2)
        let unknown = d.first { $0.rule == .cleInconnue }!
        XCTAssertEqual(unknown.location, SourceLocation(file: "P/operations/op1.yaml", line: 9, column: 5))
        XCTAssertEqual(unknown.message, "clé inconnue `montnt` dans un financement")
        XCTAssertEqual(unknown.notes, ["vouliez-vous dire `montant` ?"])
        XCTAssertEqual(unknown.stage, .lecture)
        XCTAssertTrue(d.contains { $0.message == "financement sans montant" })
    }

    func testMisspeltDispositifSuggestsTheClosest() {
        let d = diagnostics(F.operation("  - { dispositif: etat.dtr, montant: 300 000 }\n  - autofinancement: solde"))
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].message, "dispositif inconnu `etat.dtr`")
        XCTAssertTrue(d[0].notes[0].hasPrefix("vouliez-vous dire `etat.detr` ?"))
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 8, column: 19))
    }

    func testAllProblemsAtOnce() {
        // Three independent problems in one file, and a fourth in a second file.
        let first = """
            id: op
            intitule: Essai
            maitre_ouvrage: comune
            calendrier: { debut_travaux: 2024-13-45 }
            depenses:
              - libelle: Travaux
                nature: travaux
                montant_ht: 1,250,000
                annees: { 2025: 100 % }
            financements:
              - autofinancement: solde
            """
        let second = F.operation("  - { dispositif: etat.detr, taux: 0.2 }", id: "autre")
        let result = F.load([first, second])
        XCTAssertNil(result.plans)
        XCTAssertTrue(result.hasReadErrors)
        let located = result.diagnostics.map { "\($0.location!.file):\($0.location!.line):\($0.location!.column) \($0.message)" }
        XCTAssertEqual(
            located,
            [
                "P/operations/op1.yaml:3:17 maître d'ouvrage inconnu `comune`",
                "P/operations/op1.yaml:4:30 `debut_travaux` : date impossible « 2024-13-45 »",
                "P/operations/op1.yaml:8:17 `montant_ht` : montant illisible « 1,250,000 »",
                "P/operations/op2.yaml:8:36 `taux` : taux sans « % » : « 0.2 »",
            ])
        XCTAssertTrue(result.diagnostics[0].notes[0].hasPrefix("vouliez-vous dire `commune` ?"))
    }

    func testYearSplitMustAddUp() {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 60 %, 2026: 30 % } }"
        let d = F.load([F.operation("  - autofinancement: solde", costs: costs)]).diagnostics
        XCTAssertEqual(d.map(\.rule.rawValue), ["repartition-annuelle"])
        XCTAssertEqual(d[0].message, "« Travaux » : la répartition par année totalise 90 %, pas 100 %")
        let amounts = "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 600 000, 2026: 300 000 } }"
        let d2 = F.load([F.operation("  - autofinancement: solde", costs: amounts)]).diagnostics
        XCTAssertTrue(d2[0].message.contains("totalise 900 000,00 €, et la dépense 1 000 000,00 € HT (écart -100 000,00 €)"), d2[0].message)
    }

    func testKeysThatAreNoWordAndDuplicatesInOneTable() {
        // A key written as a list (`? [a, b]`) and a second `intitule`, in the same table as good
        // keys: each is said where it is written, the first `intitule` is the one read.
        let text = "id: op\nintitule: Premier\n? [a, b]\n: 1\nintitule: Second\nmaitre_ouvrage: commune\ndepenses:\n  - { libelle: T, nature: travaux, montant_ht: 1 000, annees: { 2025: 100 % } }\nfinancements:\n  - autofinancement: solde"
        let d = F.load([text]).diagnostics
        XCTAssertEqual(d.map(\.rule.rawValue), ["type", "cle-en-double"])
        XCTAssertEqual(d.map(\.message), ["l'opération : une clé doit être un simple mot", "clé `intitule` en double dans l'opération"])
        XCTAssertEqual(d.map { $0.location.map { [$0.line, $0.column] } }, [[3, 3], [5, 1]])
        // Without them, the same file reads, and the title kept is the first.
        let fixed = text.replacingOccurrences(of: "? [a, b]\n: 1\nintitule: Second\n", with: "")
        XCTAssertEqual(F.load([fixed]).plans?.operations.first?.title, "Premier")
    }

    func testYearSplitsInPercentagesAndAmounts() throws {
        // 100 000,01 € HT over 33,3333 % / 33,3333 % / 33,3334 %: 100 000,01 × 33,3333 % =
        // 33 333,303…, so 33 333,30 € each of the first two years (rounded down to the cent), the
        // last taking the rest, 100 000,01 − 66 666,60 = 33 333,41 €. Amounts are kept as written.
        let costs = """
              - { libelle: A, nature: travaux, montant_ht: 100 000.01, annees: { 2025: "33,3333 %", 2026: "33,3333 %", 2027: "33,3334 %" } }
              - { libelle: B, nature: travaux, montant_ht: 1 000, annees: { 2027: 400, 2025: 600 } }
            """
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs)]).plans)
        let a = plans.operations[0].costs[0], b = plans.operations[0].costs[1]
        XCTAssertEqual(a.years.map(\.year), [2025, 2026, 2027])
        XCTAssertEqual(a.years.map(\.amountHT), [Money(cents: 3_333_330), Money(cents: 3_333_330), Money(cents: 3_333_341)])
        XCTAssertEqual(a.shares, [Rate(millionths: 333_333), Rate(millionths: 333_333), Rate(millionths: 333_334)])
        XCTAssertEqual(b.years.map(\.year), [2027, 2025])
        XCTAssertEqual(b.years.map(\.amountHT), [Money(euros: 400), Money(euros: 600)])
        XCTAssertNil(b.shares)
    }

    func testAFundingLineSaysWhereItsMoneyComesFromOnce() {
        // Line 1 names a dispositif and a loan, line 2 nothing but an amount: each is said at the
        // line (the `- ` item's table starts at column 5 of lines 8 and 10).
        let funding = "  - dispositif: etat.detr\n    emprunt: 100 000\n  - montant: 5 000\n  - autofinancement: solde"
        let d = F.load([F.operation(funding)]).diagnostics
        XCTAssertEqual(
            d.map(\.message),
            ["un financement ne peut avoir qu'une origine, pas `dispositif` et `emprunt`", "un financement doit dire d'où vient l'argent"])
        XCTAssertEqual(d.map { $0.location.map { [$0.line, $0.column] } }, [[8, 5], [10, 5]])
        XCTAssertEqual(d.map(\.rule.rawValue), ["valeur", "cle-manquante"])
    }

    func testDuplicateKeysAndOperations() {
        let dup = "id: op\nid: op2\nintitule: x\nmaitre_ouvrage: commune\ndepenses: []\nfinancements: []"
        let duplicate = F.load([dup]).diagnostics
        // Every problem of the file is reported, the duplicate first (the empty lists follow).
        XCTAssertEqual(duplicate.map(\.rule.rawValue), ["cle-en-double", "valeur"])
        XCTAssertEqual(duplicate[0].message, "clé `id` en double dans l'opération")
        // The second `id:` is on line 2, column 1.
        XCTAssertEqual(duplicate[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 2, column: 1))
        let op = F.operation("  - autofinancement: solde")
        let twice = F.load([op, op]).diagnostics
        XCTAssertEqual(twice.map(\.rule.rawValue), ["identifiant-en-double"])
        XCTAssertEqual(twice[0].location?.file, "P/operations/op2.yaml")
    }

    // MARK: Bad input never crashes

    func readErrors(_ text: String) -> [Diagnostic] {
        let result = F.load([text])
        XCTAssertNil(result.plans)
        XCTAssertTrue(result.hasReadErrors)
        return result.diagnostics
    }

    func testEmptyFile() {
        let d = readErrors("")
        XCTAssertEqual(d.map(\.message), ["le fichier d'opération est vide"])
        XCTAssertEqual(d[0].location?.file, "P/operations/op1.yaml")
    }

    func testInvalidYAMLIsLocated() {
        let d = readErrors("id: op\nintitule: Essai\n  maitre_ouvrage: commune\n")
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].rule.rawValue, "syntaxe-yaml")
        XCTAssertEqual(d[0].location?.line, 3)
        XCTAssertEqual(d[0].location?.column, 17)
        XCTAssertTrue(d[0].message.hasPrefix("YAML invalide : un « : » est inattendu"), d[0].message)
        let unclosed = readErrors("id: op\nintitule: \"Essai\ndepenses: []\n")
        XCTAssertEqual(unclosed[0].rule.rawValue, "syntaxe-yaml")
        let tab = readErrors("id: op\n\tintitule: Essai\n")
        XCTAssertEqual(tab[0].location?.line, 2)
    }

    func testWrongTypes() {
        let d = readErrors("id: [op]\nintitule: { a: 1 }\nmaitre_ouvrage: commune\ndepenses: 12\nfinancements: []\n")
        XCTAssertEqual(
            d.map { "\($0.location!.line):\($0.location!.column) \($0.message)" },
            [
                "1:5 `id` : une valeur simple est attendue, pas une liste",
                "2:11 `intitule` : une valeur simple est attendue, pas une table de clés",
                "4:11 `depenses` : une liste (`- …`) est attendue, pas la valeur « 12 »",
            ])
        let notAMapping = readErrors("- un\n- deux\n")
        XCTAssertEqual(notAMapping[0].message, "l'opération : une table de clés (`clé: valeur`) est attendue, pas une liste")
    }

    func testHugeAndNegativeAmounts() {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 99999999999999999999999999, annees: { 2025: 100 % } }\n  - { libelle: Avoir, nature: travaux, montant_ht: -100, annees: { 2025: 100 % } }"
        let d = readErrors(F.operation("  - autofinancement: solde", costs: costs))
        XCTAssertEqual(d.map { $0.location!.line }, [6, 7])
        XCTAssertTrue(d[0].message.contains("montant trop grand"))
        XCTAssertTrue(d[1].message.contains("montant négatif"))
    }

    func testAliasBombIsRefusedBeforeParsing() {
        var bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
        for level in 1..<9 {
            let previous = Character(UnicodeScalar(UInt8(96 + level)))
            let name = Character(UnicodeScalar(UInt8(97 + level)))
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let d = readErrors(bomb)
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].rule.rawValue, "yaml-non-accepte")
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 1, column: 4))
    }

    func testDeepNestingIsRefused() {
        let deep = "id: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let d = readErrors(deep)
        XCTAssertEqual(d[0].rule.rawValue, "yaml-non-accepte")
        XCTAssertEqual(d[0].location?.line, 1)
        // The root mapping is level 1: the 40th bracket (column 44) opens level 41.
        XCTAssertEqual(d[0].location?.column, 44)
        let dashes = String(repeating: "- ", count: 50_000) + "x\n"
        XCTAssertEqual(readErrors(dashes)[0].rule.rawValue, "yaml-non-accepte")
    }

    func testBinaryAndOversizedFiles() {
        let big = String(repeating: "# commentaire\n", count: 400_000)
        XCTAssertTrue(readErrors(big)[0].message.hasPrefix("fichier trop volumineux"))
    }

    func testCatalogueOverridesAreChecked() {
        let funders = """
            dispositifs:
              - id: region.bourgs-centre
                financeur: regoin
            enveloppes:
              - { dispositif: etat.dtr, annee: 2026, montant: 1 000 }
            parametres:
              fctva-taux: [{ depuis: 2026-01-01, valeur: "14,85 %", reference: PLF }]
              part-mo-min: 20 %
            """
        let d = F.load([F.operation("  - autofinancement: solde")], funders: funders).diagnostics
        let messages = d.map(\.message)
        XCTAssertTrue(messages.contains("financeur inconnu `regoin` pour le dispositif `region.bourgs-centre`"), "\(messages)")
        XCTAssertTrue(messages.contains("dispositif inconnu `etat.dtr`"))
        XCTAssertTrue(messages.contains("paramètre inconnu `part-mo-min`"))
    }

    func testAFutureFCTVARateAppliesFromItsDate() throws {
        // 100 000 HT in 2025 and in 2026 at 20 %: 120 000 × 16,404 % = 19 684,80 in 2025,
        // 120 000 × 14,85 % = 17 820,00 from 2026.
        let funders = "parametres:\n  fctva-taux: [{ depuis: 2026-01-01, valeur: \"14,85 %\", reference: hypothèse }]"
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 200 000, annees: { 2025: 50 %, 2026: 50 % } }"
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs)], funders: funders).plans)
        let f = Financing.figures(of: plans)[0]
        XCTAssertEqual(f.fctva.map(\.amount), [Money(cents: 1_968_480), Money(cents: 1_782_000)])
    }

    /// The FCTVA rate of each year applies to every line by its own years, whatever the order of
    /// the lines. By hand, 16,404 % until 2025 and 14,85 % from 2026, 20 % VAT:
    /// B 50 000 HT in 2026: 60 000 TTC × 14,85 % = 8 910,00; A 100 000 HT half each year: 60 000
    /// TTC × 16,404 % = 9 842,40 in 2025 and 60 000 × 14,85 % = 8 910,00 in 2026; C 10 000 HT in
    /// 2025: 12 000 × 16,404 % = 1 968,48. So 2025: 11 810,88; 2026: 17 820,00.
    func testTheFCTVARateOfEachYearAppliesToEveryLine() throws {
        let funders = "parametres:\n  fctva-taux: [{ depuis: 2026-01-01, valeur: \"14,85 %\", reference: hypothèse }]"
        let costs = """
              - { libelle: B, nature: travaux, montant_ht: 50 000, annees: { 2026: 100 % } }
              - { libelle: A, nature: travaux, montant_ht: 100 000, annees: { 2025: 50 %, 2026: 50 % } }
              - { libelle: C, nature: travaux, montant_ht: 10 000, annees: { 2025: 100 % } }
            """
        let plans = try XCTUnwrap(F.load([F.operation("  - autofinancement: solde", costs: costs)], funders: funders).plans)
        let f = Financing.figures(of: plans)[0]
        XCTAssertEqual(f.fctva.map(\.spendingYear), [2025, 2026])
        XCTAssertEqual(f.fctva.map(\.amount), [Money(cents: 1_181_088), Money(cents: 1_782_000)])
    }

    func testTheParseCacheReReadsOnlyWhatChanged() throws {
        let cache = ParseCache()
        let a = F.operation("  - autofinancement: solde", id: "a")
        let b = F.operation("  - autofinancement: solde", id: "b")
        func files(_ b: String, programme: String = F.programme) -> [PlanFile] {
            [PlanFile(path: "P/programme.yaml", text: programme), PlanFile(path: "P/operations/a.yaml", text: a), PlanFile(path: "P/operations/b.yaml", text: b)]
        }
        _ = PlanLoader.load(files: files(b), root: "P", cache: cache)
        XCTAssertEqual(cache.lastParsed, 2)
        _ = PlanLoader.load(files: files(b), root: "P", cache: cache)
        XCTAssertEqual(cache.lastParsed, 0)
        let changed = b.replacingOccurrences(of: "montant_ht: 1 000 000", with: "montant_ht: 2 000 000")
        let result = PlanLoader.load(files: files(changed), root: "P", cache: cache)
        XCTAssertEqual(cache.lastParsed, 1)
        XCTAssertEqual(result.plans?.operations.map(\.costs[0].amountHT), [Money(euros: 1_000_000), Money(euros: 2_000_000)])
        // A changed programme invalidates everything.
        _ = PlanLoader.load(files: files(changed, programme: F.programme + "\n"), root: "P", cache: cache)
        XCTAssertEqual(cache.lastParsed, 2)
    }
}
