import Foundation
import MaquetteCore
import XCTest

@testable import MaquettePlans

private typealias F = PlanFixture

/// The reader's findings of issue 10, each reproduced: valid text read, wrong text refused with
/// its line and column, and never a silent misreading.
final class ReaderTrustTests: XCTestCase {
    func readErrors(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
        let result = F.load([text])
        XCTAssertNil(result.plans, file: file, line: line)
        return result.diagnostics.filter { $0.severity == .erreur }
    }

    func operation(_ head: String, funding: String = "  - autofinancement: solde") -> String {
        """
        id: op
        \(head)
        maitre_ouvrage: commune
        depenses:
          - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 100 % } }
        financements:
        \(funding)
        """
    }

    // MARK: Valid text that was refused

    func testAmpersandAndStarInsideATextAreText() throws {
        let result = F.load([operation("intitule: Voirie & réseaux *provisoire*")])
        let plans = try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(plans.operations[0].title, "Voirie & réseaux *provisoire*")
    }

    /// The end of an operation before its start of works, or before its first legal act, is
    /// refused where the calendar is written (line 3, column 13: its opening brace).
    func testTheCalendarEndsAfterItBegins() {
        let works = readErrors(operation("intitule: Essai\ncalendrier: { debut_travaux: 2026-03-01, fin: 2026-01-31 }"))
        XCTAssertEqual(works.map(\.message), ["`calendrier` : la fin (31/01/2026) précède le début des travaux (01/03/2026)"])
        XCTAssertEqual(works.first?.location, SourceLocation(file: "P/operations/op1.yaml", line: 3, column: 13))
        let act = readErrors(operation("intitule: Essai\ncalendrier: { premier_acte_juridique: 2027-05-01, fin: 2026-12-31 }"))
        XCTAssertEqual(act.map(\.rule), [.valeur])
        XCTAssertEqual(act.map(\.message), ["`calendrier` : la fin (31/12/2026) précède le premier acte juridique (01/05/2027)"])
        XCTAssertEqual(act.first?.location, SourceLocation(file: "P/operations/op1.yaml", line: 3, column: 13))
    }

    /// `fin: 2026-06` is the month of June 2026, as the shipped plans write it: it ends on the
    /// 30th, so a first legal act or a start of works within June does not follow the end (both
    /// were refused against the 1st). A month before them is still refused, and said as written.
    func testACalendarEndingInAMonthRunsToItsLastDay() throws {
        let june = F.load([operation("intitule: Essai\ncalendrier: { premier_acte_juridique: 2026-06-15, debut_travaux: 2026-06-20, fin: 2026-06 }")])
        XCTAssertNotNil(june.plans, "\(june.diagnostics.map(\.message))")
        let may = readErrors(operation("intitule: Essai\ncalendrier: { premier_acte_juridique: 2026-06-15, debut_travaux: 2026-06-20, fin: 2026-05 }"))
        XCTAssertEqual(
            may.map(\.message),
            [
                "`calendrier` : la fin (2026-05, soit jusqu'au 31/05/2026) précède le début des travaux (20/06/2026)",
                "`calendrier` : la fin (2026-05, soit jusqu'au 31/05/2026) précède le premier acte juridique (15/06/2026)",
            ])
    }

    /// Two envelopes for the same dispositif and year left each reader to pick: `verifier`
    /// checked both (the smaller broken), the simulation drew on the first only, and said the
    /// envelope held. The second is refused where it is written (line 3, column 5: its brace).
    func testTwoEnvelopesOfTheSameDispositifAndYearAreRefused() {
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2025, montant: 1 000 000 }\n  - { dispositif: etat.detr, annee: 2025, montant: 100 000 }\n  - { dispositif: etat.detr, annee: 2026, montant: 100 000 }\n"
        let result = F.load([operation("intitule: Essai")], funders: funders)
        XCTAssertNil(result.plans)
        let errors = result.diagnostics.filter { $0.severity == .erreur }
        XCTAssertEqual(errors.map(\.message), ["deux enveloppes pour DETR 2025 : la première, ligne 2, et celle-ci"])
        XCTAssertEqual(errors.first?.location, SourceLocation(file: "P/financeurs.yaml", line: 3, column: 5))
    }

    /// A dated history is at least one value, and one value a day.
    func testADatedHistoryIsNeitherEmptyNorTwiceTheSameDay() {
        let empty = F.load([operation("intitule: Essai")], programme: F.programme.replacingOccurrences(of: "regime_fctva: N }", with: "regime_fctva: [] }"))
        // Line 7 of the programme (the EPCI), column 56: the `[]` (« Communauté » counts 10 characters).
        XCTAssertEqual(empty.diagnostics.filter { $0.severity == .erreur }.map(\.rule), [.cleManquante])
        XCTAssertEqual(empty.diagnostics.first?.message, "`regime_fctva` : liste vide")
        XCTAssertEqual(empty.diagnostics.first?.location, SourceLocation(file: "P/programme.yaml", line: 7, column: 56))
        let twice = F.load(
            [operation("intitule: Essai")],
            programme: F.programme.replacingOccurrences(
                of: "regime_fctva: N }", with: "regime_fctva: [{ depuis: 2021-01-01, valeur: N }, { depuis: 2021-01-01, valeur: N+1 }] }"))
        XCTAssertEqual(twice.diagnostics.map(\.message), ["`regime_fctva` : deux valeurs datées du même jour (depuis 01/01/2021)"])
        // The second item, at column 92 of line 7.
        XCTAssertEqual(twice.diagnostics.first?.location, SourceLocation(file: "P/programme.yaml", line: 7, column: 92))
        let parameter = F.load(
            [operation("intitule: Essai")],
            funders: """
                parametres:
                  probabilite-envisage:
                    - { depuis: 2024-01-01, valeur: 40 % }
                    - { depuis: 2024-01-01, valeur: 50 % }
                """)
        XCTAssertEqual(parameter.diagnostics.map(\.message), ["le paramètre `probabilite-envisage` : deux valeurs datées du même jour (depuis 01/01/2024)"])
        XCTAssertEqual(parameter.diagnostics.first?.location, SourceLocation(file: "P/financeurs.yaml", line: 4, column: 7))
    }

    // MARK: Anchors, aliases, tags, depth: from the parser's events

    func testAnAnchorAfterAnApostropheIsStillFound() {
        // The byte pre-scan took `'` after a space for an opening quote and missed the anchor.
        var text = "id: op\nintitule: l'essai 'x' a\na: &a [\"lol\", 'l']\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let d = readErrors(text)
        XCTAssertEqual(d.map(\.rule), [.yamlNonAccepte])
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 3, column: 4))
    }

    func testAnAliasAloneIsRefusedWhereItStands() {
        let d = readErrors("id: op\nintitule: *nom\n")
        XCTAssertEqual(d.map(\.rule), [.yamlNonAccepte])
        XCTAssertEqual(d[0].location?.line, 2)
        XCTAssertEqual(d[0].location?.column, 11)
    }

    func testTagsAreRefusedNotDropped() {
        let d = readErrors("id: op\nintitule: !!python/object:os.system x\n")
        XCTAssertEqual(d.map(\.rule), [.yamlNonAccepte])
        XCTAssertEqual(d[0].message, "les étiquettes YAML (`!!python/object:os.system`) ne sont pas acceptées dans les plans")
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 2, column: 11))
        XCTAssertEqual(readErrors("id: op\nintitule: !texte x\n").map(\.rule), [.yamlNonAccepte])
    }

    func testDepthCountsFlowMappingsAndBlockLevelsAlike() {
        let flow = "id: op\nx: " + String(repeating: "{a: ", count: 60) + "1" + String(repeating: "}", count: 60) + "\n"
        let d = readErrors(flow)
        XCTAssertEqual(d.map(\.rule), [.yamlNonAccepte])
        // Root mapping = level 1; the 40th `{` (column 4 + 39 × 4 = 160) opens level 41.
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 2, column: 160))
    }

    // MARK: libyaml's words, in French

    func testParserMessagesAreFrench() {
        let cases: [(String, String, Int, Int)] = [
            ("id: op\n\tintitule: x\n", "YAML invalide : tabulation dans l'indentation", 2, 1),
            ("id: op\n---\nid: autre\n", "un fichier de plan ne contient qu'un seul document YAML", 2, 1),
            ("id: op\n\"intitule\n  x\": y\n", "YAML invalide : « : » attendu après la clé (une clé sur plusieurs lignes ?)", 3, 5),
            // An unclosed bracket: shown where it opens, with where the parser gave up.
            ("id: op\nintitule: [a, b\n", "YAML invalide : le crochet « [ » ouvert ici n'est jamais fermé (« , » ou « ] » attendu, ligne 3)", 2, 11),
            ("id: op\nintitule: \"Halle\nmaitre_ouvrage: x\n", "YAML invalide : le guillemet ouvert ici n'est jamais fermé (fin de fichier inattendue (guillemet ou crochet non fermé ?), ligne 4)", 2, 11),
        ]
        for (text, message, line, column) in cases {
            let d = readErrors(text)
            XCTAssertEqual(d.first?.message, message, text)
            XCTAssertEqual(d.first?.location?.line, line, text)
            XCTAssertEqual(d.first?.location?.column, column, text)
            for word in ["found", "expected", "could not", "Maximum", "document", "tab character"] where word != "document" {
                XCTAssertFalse(d.first?.message.contains(word) ?? true, "\(word) in \(d.first?.message ?? "")")
            }
        }
    }

    func testEveryKnownLibyamlProblemHasAFrenchWording() {
        // A few texts libyaml gives that plan files can meet, and an unknown one.
        for problem in ["did not find expected <document start>", "could not find expected ':'", "found a tab character that violates indentation",
            "some future problem"]
        {
            let french = YAMLSource.frenchProblem(problem)
            XCTAssertFalse(french.contains("found") || french.contains("expected") || french.contains("future"), french)
        }
    }

    // MARK: Amounts

    func testDigitGroupsAfterTheFirstAreOfThree() {
        for bad in ["4 50 00", "12 34", "1 0 0 0", "1234 567", "1 2345"] {
            guard case .failure(let problem) = ValueParsers.money(bad) else { return XCTFail("\(bad) was read") }
            XCTAssertTrue(problem.message.hasPrefix("montant illisible « \(bad) » : les chiffres se groupent par trois"), problem.message)
        }
        XCTAssertEqual(try ValueParsers.money("45 000").get(), Money(cents: 4_500_000))
        XCTAssertEqual(try ValueParsers.money("1 234 567,89 €").get(), Money(cents: 123_456_789))
        XCTAssertEqual(try ValueParsers.money("123 456").get(), Money(cents: 12_345_600))
        XCTAssertEqual(try ValueParsers.money("1234").get(), Money(cents: 123_400))
        if case .success = ValueParsers.count("1 0 0 0") { XCTFail("1 0 0 0 was read as a count") }
        XCTAssertEqual(try ValueParsers.count("6 200").get(), 6200)
    }

    func testADecimalCommaInABraceTableSaysWhatToWrite() {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 271 234,56, annees: { 2026: 271 234,56 } }"
        let text = F.operation("  - autofinancement: solde", costs: costs)
        let d = readErrors(text)
        XCTAssertEqual(d.map(\.rule), [.valeur, .valeur])
        XCTAssertEqual(d[0].message, "montant avec une virgule décimale dans `{ … }` : « 271 234,56 » est lu comme deux valeurs")
        XCTAssertEqual(d[0].notes, ["dans une table entre accolades, écrivez `\"271 234,56\"` entre guillemets, ou `271 234.56` avec un point"])
        // `  - { libelle: Travaux, nature: travaux, montant_ht: ` is 53 characters: the amount starts at column 54.
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 6, column: 54))
        XCTAssertEqual(d[1].location?.column, 82)
        let funding = readErrors(F.operation("  - { dispositif: etat.detr, montant: 45 234,56 }\n  - autofinancement: solde"))
        XCTAssertEqual(funding.map(\.rule), [.valeur])
        XCTAssertEqual(funding[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 8, column: 39))
    }

    func testAQuotedDecimalCommaIsRead() throws {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: \"271 234,56\", annees: { 2026: 100 % } }"
        let result = F.load([F.operation("  - autofinancement: solde", costs: costs)])
        let plans = try XCTUnwrap(result.plans, "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(plans.operations[0].costs[0].amountHT, Money(cents: 27_123_456))
    }

    // MARK: Texts

    func testNonCharactersAndControlsInALabelAreRefused() {
        for (escape, code) in [("\\uFFFF", "U+FFFF"), ("\\uFFFE", "U+FFFE"), ("\\e[31m", "U+001B"), ("\\x07", "U+0007"), ("\\x9B", "U+009B")] {
            let d = readErrors(operation("intitule: \"Halle\(escape)\""))
            XCTAssertEqual(d.map(\.rule), [.valeur], escape)
            XCTAssertEqual(d.first?.message, "`intitule` : caractère invisible ou interdit (\(code)) dans le texte")
            XCTAssertEqual(d.first?.location?.line, 2)
            XCTAssertEqual(d.first?.location?.column, 11)
        }
    }

    func testATextLongerThanACellIsRefused() {
        let long = String(repeating: "é", count: 32_768)
        let d = readErrors(operation("intitule: \(long)"))
        XCTAssertEqual(d.map(\.message), ["`intitule` : texte trop long (32768 caractères) ; une cellule de classeur en contient au plus 32 767"])
        XCTAssertNotNil(F.load([operation("intitule: \(String(long.dropLast()))")]).plans)
    }

    func testACommentIsText() {
        let d = readErrors(operation("intitule: Halle\ncommentaire: { a: 1 }"))
        XCTAssertEqual(d.map(\.rule), [.type])
        XCTAssertEqual(d[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 3, column: 14))
        XCTAssertNotNil(F.load([operation("intitule: Halle\ncommentaire: |\n  deux\n  lignes")]).plans)
    }

    // MARK: Year splits and parameters

    func testAYearSplitOfNinetyPercentIsAReadError() {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 60 %, 2026: 30 % } }"
        let result = F.load([F.operation("  - autofinancement: solde", costs: costs)])
        XCTAssertNil(result.plans, "the line must not be dropped silently")
        XCTAssertTrue(result.hasReadErrors)
        XCTAssertEqual(result.diagnostics.map(\.rule), [.repartitionAnnuelle])
        XCTAssertEqual(result.diagnostics[0].stage, .lecture)
        XCTAssertEqual(result.diagnostics[0].location, SourceLocation(file: "P/operations/op1.yaml", line: 6, column: 73))
    }

    func testALegalParameterToSupplyNamesTheRuleNotChecked() throws {
        let funders = "parametres:\n  part-maitre-ouvrage-min: a-fournir\n"
        let result = F.load([F.operation("  - autofinancement: solde")], funders: funders)
        XCTAssertNotNil(result.plans)
        let w = result.diagnostics.filter { $0.rule == .parametreAFournir }
        XCTAssertEqual(w.map(\.severity), [.avertissement])
        XCTAssertEqual(w.first?.message, "le paramètre `part-maitre-ouvrage-min` est « à fournir » : la règle `part-maitre-ouvrage` n'est pas vérifiée")
        XCTAssertEqual(w.first?.location, SourceLocation(file: "P/financeurs.yaml", line: 2, column: 28))
    }

    // MARK: Scale

    func testManyUnknownKeysAreReadInLinearTime() {
        func seconds(_ keys: Int) -> (Double, Int) {
            var text = operation("intitule: Essai")
            for i in 0..<keys { text += "\ninconnue\(i): 1" }
            let start = DispatchTime.now().uptimeNanoseconds
            let d = F.load([text]).diagnostics.filter { $0.rule == .cleInconnue }
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, d.count)
        }
        let (small, n1) = seconds(2_000)
        let (large, n2) = seconds(20_000)
        XCTAssertEqual(n1, 2_000)
        XCTAssertEqual(n2, 20_000)
        // Ten times the keys: about ten times the time when linear, a hundred when quadratic.
        XCTAssertLessThan(large, max(small, 0.02) * 35, "2 000 keys: \(small) s, 20 000 keys: \(large) s")
    }
}

extension ReaderTrustTests {
    // The fixture's programme runs 2024-2028: dates from 2014 to 2038 are accepted.
    func testDatesFarFromTheProgrammeAreRefusedWhereWritten() {
        let d = readErrors(operation("intitule: Halle\ncalendrier: { debut_travaux: 1900-01, fin: 2200-12-31 }"))
        XCTAssertEqual(
            d.map(\.message),
            [
                "`debut_travaux` : la date 1900-01-01 est hors des années admises, 2014 à 2038 (période 2024-2028 ± 10 ans)",
                "`fin` : la date 2200-12-31 est hors des années admises, 2014 à 2038 (période 2024-2028 ± 10 ans)",
            ])
        XCTAssertEqual(d.map(\.location?.column), [30, 44])
        let years = readErrors(F.operation("  - autofinancement: solde", costs: "  - { libelle: T, nature: travaux, montant_ht: 1 000, annees: { 2039: 100 % } }"))
        XCTAssertEqual(years.map(\.message), ["`annees` : l'année 2039 est hors des années admises, 2014 à 2038 (période 2024-2028 ± 10 ans)"])
        XCTAssertNotNil(F.load([operation("intitule: Halle\ncalendrier: { debut_travaux: 2014-01, fin: 2038-12-31 }")]).plans)
    }

    func testAnEnvelopeYearAndAPeriodAreBoundedToo() {
        let funders = "enveloppes:\n  - { dispositif: etat.detr, annee: 2040, montant: 1 000 }\n"
        let result = F.load([F.operation("  - autofinancement: solde")], funders: funders)
        XCTAssertNil(result.plans)
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .erreur }.map(\.location), [SourceLocation(file: "P/financeurs.yaml", line: 2, column: 5)])
        let long = F.programme.replacingOccurrences(of: "periode: { debut: 2024, fin: 2028 }", with: "periode: { debut: 1990, fin: 2200 }")
        let d = F.load([F.operation("  - autofinancement: solde")], programme: long).diagnostics.filter { $0.severity == .erreur }
        XCTAssertEqual(d.first?.message, "`periode` : 211 ans, au-delà des 30 ans qu'un programme peut couvrir")
    }

    func testAProgrammeBeyondTheTotalBoundIsRefused() {
        // 1 001 lines of 10 000 000 000 € = 10 010 000 000 000 €, beyond 10 000 000 000 000 €.
        let line = "  - { libelle: T, nature: travaux, montant_ht: 10 000 000 000, annees: { 2025: 100 % } }"
        let costs = Array(repeating: line, count: 1_001).joined(separator: "\n")
        let result = F.load([F.operation("  - autofinancement: solde", costs: costs)])
        XCTAssertNil(result.plans)
        let d = result.diagnostics.filter { $0.severity == .erreur }
        XCTAssertEqual(d.map(\.rule), [.valeur])
        XCTAssertEqual(d.first?.location, SourceLocation(file: "P/operations/op1.yaml", line: 1, column: 1))
    }
}

extension ReaderTrustTests {
    func testTheBuiltInCatalogueDefinesEveryParameterTheRulesNeed() {
        let result = F.load([F.operation("  - autofinancement: solde")])
        let catalogue = try? XCTUnwrap(result.plans).catalogue
        for name in ParameterName.all { XCTAssertNotNil(catalogue?.parameters[name], name) }
        XCTAssertEqual(result.diagnostics.filter { $0.rule == .parametreAFournir }.count, 0)
    }
}

extension ReaderTrustTests {
    /// The byte-level fast paths agree with the general parsers on every value they accept, over
    /// a few hundred thousand generated texts of the shapes plan files hold, right and wrong.
    func testTheFastScalarParsersAgreeWithTheGeneralOnes() {
        var g = StructuralFuzzTests.Generator(state: 7)
        let pieces = ["0", "1", "2", "9", "12", "123", "000", "45", " ", "  ", ",", ".", "%", " %", "-", "+", "€", "\u{00A0}", "e", "2025", "-03", "-29", "02"]
        var accepted = 0
        for _ in 0..<200_000 {
            var text = ""
            for _ in 0..<(1 + g.below(6)) { text += g.pick(pieces) }
            if let fast = FastScalars.money(text) {
                accepted += 1
                XCTAssertEqual(try? ValueParsers.generalMoney(text).get(), fast, "money « \(text) »")
            }
            if let fast = FastScalars.rate(text) {
                accepted += 1
                if fast <= Rate(percent: 100) { XCTAssertEqual(try? ValueParsers.generalRate(text).get(), fast, "rate « \(text) »") }
            }
            if let fast = FastScalars.day(text) {
                accepted += 1
                XCTAssertEqual(try? ValueParsers.generalDay(text).get(), fast, "day « \(text) »")
            }
            if let fast = FastScalars.year(text) {
                accepted += 1
                XCTAssertEqual(try? ValueParsers.generalYear(text).get(), fast, "year « \(text) »")
            }
        }
        XCTAssertGreaterThan(accepted, 10_000)
        // And the usual shapes are taken by the fast path.
        XCTAssertEqual(FastScalars.money("1 250 000,5"), Money(cents: 125_000_050))
        XCTAssertEqual(FastScalars.rate("16,404 %"), Rate(millionths: 164_040))
        XCTAssertEqual(FastScalars.day("2024-02-29"), Day(year: 2024, month: 2, day: 29))
        XCTAssertNil(FastScalars.day("2023-02-29"))
        XCTAssertNil(FastScalars.money("12 34"))
        // Long digit runs are counted before any multiplication (they trapped once).
        for text in ["99999999999999999999999 %", "9223372036854775808 %", "1,99999999999999999999 %", "123456789012345678901234567890"] {
            XCTAssertNil(FastScalars.rate(text), text)
            XCTAssertNil(FastScalars.money(text), text)
            if case .success = ValueParsers.rate(text) { XCTFail(text) }
        }
    }
}

extension ReaderTrustTests {
    func testCarriageReturnsAndInvisibleCharactersAreRefusedInTexts() {
        for (escape, code) in [("\\r", "U+000D"), ("\\u202E", "U+202E"), ("\\uFEFF", "U+FEFF"), ("\\u200B", "U+200B"), ("\\u2028", "U+2028"), ("\\u2066", "U+2066")] {
            let d = readErrors(operation("intitule: \"Tiers-lieu \(escape)HALLE\""))
            XCTAssertEqual(d.first?.message, "`intitule` : caractère invisible ou interdit (\(code)) dans le texte", escape)
        }
        // An en dash and accents are text.
        XCTAssertNotNil(F.load([operation("intitule: \"FEDER – énergies renouvelables\"")]).plans)
    }

    func testADecimalCommaInARateInsideBracesIsExplained() {
        let costs = "  - { libelle: Travaux, nature: travaux, montant_ht: 1 000 000, annees: { 2025: 33,5 %, 2026: 66,5 % } }"
        let d = readErrors(F.operation("  - autofinancement: solde", costs: costs))
        XCTAssertEqual(d.map(\.message), [
            "taux avec une virgule décimale dans `{ … }` : « 33,5 % » est lu comme deux valeurs",
            "taux avec une virgule décimale dans `{ … }` : « 66,5 % » est lu comme deux valeurs",
        ])
        XCTAssertEqual(d.first?.notes, ["dans une table entre accolades, écrivez `\"33,5 %\"` entre guillemets, ou `33.5 %` avec un point"])
        let funding = readErrors(F.operation("  - { dispositif: etat.detr, taux: 20,5 %, assiette: 1 000 000 }\n  - autofinancement: solde"))
        XCTAssertEqual(funding.map(\.message), ["taux avec une virgule décimale dans `{ … }` : « 20,5 % » est lu comme deux valeurs"])
    }
}

extension ReaderTrustTests {
    func testAnUnreadableFundersFileDoesNotMakeEveryDispositifUnknown() {
        // `cc.fdc` is declared only in this file, whose tab makes it unreadable.
        let funders = "financeurs: [{ id: cc, nom: CC, categorie: intercommunalite }]\ndispositifs:\n  - { id: cc.fdc, financeur: cc, nom: Fonds de concours, nature: fonds-de-concours }\n\t- x\n"
        let result = F.load([F.operation("  - { dispositif: cc.fdc, montant: 100 000 }\n  - autofinancement: solde")], funders: funders)
        XCTAssertNil(result.plans)
        XCTAssertEqual(result.diagnostics.map(\.rule), [.syntaxeYAML], "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(result.diagnostics.first?.location?.file, "P/financeurs.yaml")
    }
}
