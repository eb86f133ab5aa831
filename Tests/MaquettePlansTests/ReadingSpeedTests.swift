import Foundation
import MaquetteCore
import XCTest

@testable import MaquettePlans

/// What the faster reading of issue 15 must keep: the same answers as before, found by hand.
final class ReadingSpeedTests: XCTestCase {
    /// Identifiers are checked on bytes now; each answer here is the rule read by hand: lowercase
    /// ASCII letters and digits, words joined by a single `-` or `.`, at most 80 characters.
    func testIdentifiersAreCheckedAsBefore() {
        let accepted = ["friche-gersycoop", "etat.detr", "a", "7", "1a", "op-00001", "cc-0123", "region.occitanie.pvd", String(repeating: "a", count: 80)]
        let refused = [
            "", "A", "Halle", "halle_grains", "-halle", ".halle", "halle-", "halle.", "halle--grains", "etat..detr", "etat.-detr",
            "é", "halle aux grains", "halle\r\n", "halle\u{0}", String(repeating: "a", count: 81), "ｈalle", "halle\u{301}",
        ]
        for id in accepted { XCTAssertTrue(ValueParsers.isSlug(id), id) }
        for id in refused { XCTAssertFalse(ValueParsers.isSlug(id), id.debugDescription) }
    }

    /// Owners are checked for duplicates through a set now: the second and third declarations of
    /// `commune` are each reported where they are written (programme lines 8 and 10, column 5),
    /// the first is kept.
    func testAnOwnerDeclaredTwiceIsReportedAtEachRepetition() {
        let programme = PlanFixture.programme + """

              - { id: commune, nom: Commune répétée, regime_fctva: N+2 }
              - { id: autre, nom: Autre commune, regime_fctva: N+1 }
              - { id: commune, nom: Commune encore, regime_fctva: N+1 }
            """
        let loaded = PlanFixture.load([], programme: programme)
        let twice = loaded.diagnostics.filter { $0.rule == .identifiantEnDouble }
        XCTAssertEqual(twice.map(\.message), Array(repeating: "maître d'ouvrage `commune` déclaré deux fois", count: 2))
        XCTAssertEqual(twice.map { $0.location?.line }, [8, 10])
        XCTAssertEqual(twice.map { $0.location?.column }, [5, 5])
    }

    /// Operations are put together by their identifiers' hashes, worked out where each file was
    /// read: every repetition of an identifier (long ones too, kept outside the string itself) is
    /// reported at its `id`, naming the file that described it first, and only the first is kept.
    func testAnOperationIdentifierRepeatedIsReportedAgainstTheFirstFile() throws {
        let long = "reconversion-de-la-friche-gersycoop"
        let ids = [long, "halle", long, "halle", long, "blade"]
        let loaded = PlanFixture.load(ids.map { PlanFixture.operation("  - autofinancement: solde", id: $0) })
        let twice = loaded.diagnostics.filter { $0.rule == .identifiantEnDouble }
        XCTAssertEqual(twice.map(\.message), [
            "l'opération `\(long)` est déjà décrite dans P/operations/op1.yaml",
            "l'opération `halle` est déjà décrite dans P/operations/op2.yaml",
            "l'opération `\(long)` est déjà décrite dans P/operations/op1.yaml",
        ])
        XCTAssertEqual(twice.map { $0.location?.file }, ["P/operations/op3.yaml", "P/operations/op4.yaml", "P/operations/op5.yaml"])
        XCTAssertEqual(twice.map { $0.location?.line }, [1, 1, 1])
    }

    /// The documents of the roots given out: a node handle does not keep its document.
    private var documents: [YAMLDocument] = []

    private func root(_ text: String) throws -> Node {
        guard case .success(let document) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose(text), let root = document.root else {
            XCTFail("not parsed")
            throw CancellationError()
        }
        documents.append(document)
        return root
    }

    /// The tables walked from their records without a ``Fields`` (session 8) are exactly those
    /// `mapping` takes whole and silently; each case decided by hand.
    func testAPlainTableIsOneMappingWouldTakeWhole() throws {
        XCTAssertTrue(NodeReader.isPlainTable(try root("{ 2025: 60 %, 2026: 40 % }")))
        XCTAssertTrue(NodeReader.isPlainTable(try root("a: 1\nb: [x]\nc: { d: e }")))
        XCTAssertTrue(NodeReader.isPlainTable(try root("{}")))
        // A key twice, a key that is a list, a non-ASCII key (compared as a text), no mapping.
        XCTAssertFalse(NodeReader.isPlainTable(try root("{ 2025: 60 %, 2026: 10 %, 2025: 30 % }")))
        XCTAssertFalse(NodeReader.isPlainTable(try root("? [a, b]\n: 1\nc: 2")))
        XCTAssertFalse(NodeReader.isPlainTable(try root("{ année: 1 }")))
        XCTAssertFalse(NodeReader.isPlainTable(try root("[2025, 2026]")))
        // `{ 2025: 271 234,56 }`: YAML leaves a key `56` without value, for `mapping` to join.
        XCTAssertFalse(NodeReader.isPlainTable(try root("{ 2025: 271 234,56 }")))
        // The same decimals written in an indented table are a key `56` of their own.
        XCTAssertTrue(NodeReader.isPlainTable(try root("2025: 271 234\n56:")))
    }

    /// A year split walked without a table says the same as through one: a year twice is still
    /// said where written, and a split in amounts is kept in file order. Figures by hand:
    /// 1 000 € = 400 + 600; the second `2025` is on line 6 of the fixture, after 86 characters
    /// (`  - { ` 6, `libelle: B, ` 12, `nature: travaux, ` 17, `montant_ht: 1 000, ` 19, `annees: { ` 10,
    /// `2027: 400, ` 11, `2025: 600, ` 11), so at column 87.
    func testAYearSplitReadsAsBefore() throws {
        let costs = "  - { libelle: B, nature: travaux, montant_ht: 1 000, annees: { 2027: 400, 2025: 600 } }"
        let plans = try XCTUnwrap(PlanFixture.load([PlanFixture.operation("  - autofinancement: solde", costs: costs)]).plans)
        XCTAssertEqual(plans.operations[0].costs[0].years.map(\.year), [2027, 2025])
        XCTAssertEqual(plans.operations[0].costs[0].years.map(\.amountHT), [Money(euros: 400), Money(euros: 600)])
        let twice = "  - { libelle: B, nature: travaux, montant_ht: 1 000, annees: { 2027: 400, 2025: 600, 2025: 1 } }"
        let d = PlanFixture.load([PlanFixture.operation("  - autofinancement: solde", costs: twice)]).diagnostics
        XCTAssertEqual(d.map(\.message), ["clé `2025` en double dans `annees`"])
        XCTAssertEqual(d.map(\.rule), [.cleEnDouble])
        XCTAssertEqual(d.map { $0.location.map { [$0.line, $0.column] } }, [[6, 87]])
    }

    /// Closed vocabularies are matched on bytes when written exactly as spelt, and folded
    /// otherwise: the same values either way.
    func testVocabulariesMatchedOnBytesAsOnTexts() {
        for nature in CostNature.allCases {
            var raw = nature.rawValue
            XCTAssertEqual(raw.withUTF8 { CostNature.spellings.value(spelled: $0) }, nature)
        }
        var near = "travau"
        XCTAssertNil(near.withUTF8 { CostNature.spellings.value(spelled: $0) })
        var upper = "Travaux"
        XCTAssertNil(upper.withUTF8 { CostNature.spellings.value(spelled: $0) })
        // Written otherwise, the folded way still reads it.
        let costs = "  - { libelle: T, nature: Travaux, montant_ht: 1 000, annees: { 2025: 100 % } }"
        let plans = PlanFixture.load([PlanFixture.operation("  - autofinancement: solde", costs: costs)]).plans
        XCTAssertEqual(plans?.operations.first?.costs.first?.nature, .travaux)
    }

    /// `solde` is recognised folded (`Solde`, ` SOLDE `), never in a value holding a digit.
    func testTheBalanceIsRecognisedFolded() throws {
        for (text, expected) in [("solde", true), ("Solde", true), ("' SOLDE '", true), ("sôlde", true), ("250 000", false), ("solde2", false), ("soldes", false)] {
            let node = try XCTUnwrap(try root("v: \(text)").pairs.first { _ in true }?.1)
            XCTAssertEqual(OperationReader.isBalance(node), expected, text)
        }
    }

    /// A funding line's optional keys are not looked for once every entry is taken (session 8);
    /// an unknown key leaves one untaken, so those after it are read as before, and a comment
    /// written last is still checked. By hand: 100 € notified, filed on 2 January 2025; the
    /// unknown key said; the bell character (U+0007) in the comment refused.
    func testAFundingLineReadsItsOptionalKeysAfterAnUnknownOne() throws {
        let funding = """
              - { dispositif: etat.detr, inconnu: 1, statut: notifie, depot: 2025-01-02, montant: 100 }
              - { autofinancement: solde, commentaire: "a\\u0007b" }
            """
        let loaded = PlanFixture.load([PlanFixture.operation(funding)])
        XCTAssertEqual(
            loaded.diagnostics.map(\.message),
            ["clé inconnue `inconnu` dans un financement", "`commentaire` : caractère invisible ou interdit (U+0007) dans le texte"])
        let clean = funding.replacingOccurrences(of: "inconnu: 1, ", with: "").replacingOccurrences(of: ", commentaire: \"a\\u0007b\"", with: "")
        let line = try XCTUnwrap(PlanFixture.load([PlanFixture.operation(clean)]).plans?.operations.first?.funding.first)
        XCTAssertEqual(line.status, .notifie)
        XCTAssertEqual(line.requestDay, Day(year: 2025, month: 1, day: 2))
        XCTAssertEqual(line.amount, .fixed(Money(euros: 100)))
    }

    /// A folder's names are read where readdir puts them, up to their end: a name of any length
    /// (1 to 255 bytes, the longest a file system allows) comes back whole, and nothing past the
    /// entry is read (the whole 256-byte name field was copied before session 8, past the end of
    /// the listing's buffer for its last entries: `swift test --sanitize=address` said so).
    func testAFolderListsNamesOfEveryLength() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-names-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = (1...255).map { String(repeating: "n", count: $0) }
        for name in names { XCTAssertTrue(FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)) }
        let listed = try XCTUnwrap(PlanFileReader.entries(of: folder.path))
        XCTAssertEqual(listed.map(\.name).sorted { $0.count < $1.count }, names)
        XCTAssertEqual(listed.count { $0.kind == .regular }, 255)
    }
    /// A file is read to its end in one read when it is as long as fstat says (no read is made
    /// to hear the end), and to its end all the same when it is longer: every byte comes back,
    /// for sizes around the 64 KiB chunk a longer file is read by.
    func testAFileIsReadWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maquette-sizes-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for size in [0, 1, 2, 4095, 4096, 65_535, 65_536, 65_537, 200_001] {
            // Lines of `a: 1` and a last one cut short, so that each size is exact.
            let text = String(String(repeating: "a: 1\n", count: size / 5 + 1).prefix(size))
            let path = folder.appendingPathComponent("f\(size).yaml").path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            let (file, problems) = PlanFileReader.read(path, opening: path, noFollow: true)
            XCTAssertEqual(problems.map(\.message), [])
            XCTAssertEqual(file?.text.utf8.count, size)
            XCTAssertEqual(file?.text, text)
        }
        // A file longer than fstat says (as /proc's, announced empty) is read to its end.
        let proc = "/proc/self/cmdline"
        let expected = String(decoding: try Data(contentsOf: URL(fileURLWithPath: proc)), as: UTF8.self)
        XCTAssertGreaterThan(expected.utf8.count, 1)
        XCTAssertEqual(PlanFileReader.read(proc, opening: proc).0?.text, expected)
        // Invalid UTF-8 (a lone 0xFF after `a: `) is still said, with its line and column.
        let bad = folder.appendingPathComponent("bad.yaml").path
        XCTAssertTrue(FileManager.default.createFile(atPath: bad, contents: Data("x: 1\na: ".utf8) + Data([0xFF])))
        let (none, problems) = PlanFileReader.read(bad, opening: bad, noFollow: true)
        XCTAssertNil(none)
        XCTAssertEqual(problems.first?.location, SourceLocation(file: bad, line: 2, column: 4))
    }

    /// A label that starts with a letter beyond ASCII (`Études`) is taken as written, without
    /// trimming; one that starts or ends with a space of any kind (a no-break space U+00A0, an
    /// ideographic space U+3000, quoted) is trimmed as before.
    func testLabelsBeyondASCIIAreTrimmedAsBefore() throws {
        let costs = """
              - { libelle: Études préalables, nature: etudes, montant_ht: 10 000, annees: { 2025: 100 % } }
              - { libelle: "\\u00a0Étude de sol", nature: etudes, montant_ht: 10 000, annees: { 2025: 100 % } }
              - { libelle: "\\u3000Œuvre d'art", nature: travaux, montant_ht: 10 000, annees: { 2025: 100 % } }
              - { libelle: "Ça va ", nature: travaux, montant_ht: 10 000, annees: { 2025: 100 % } }
            """
        let loaded = PlanFixture.load([PlanFixture.operation("  - { autofinancement: solde }", costs: costs)])
        let labels = try XCTUnwrap(loaded.plans?.operations.first?.costs.map(\.label))
        XCTAssertEqual(labels, ["Études préalables", "Étude de sol", "Œuvre d'art", "Ça va"])
    }
}
