import MaquetteCore
import XCTest

@testable import MaquetteCLI

/// The excerpt under a diagnostic: the right line of the file, whatever its line endings.
final class PrinterTests: XCTestCase {
    func testTheLineOfAFileIsFoundByItsNewlines() {
        let text = "id: halle\r\nintitulé: Halle aux grains\n\nmontant: 1 000 €\n"
        XCTAssertEqual(DiagnosticPrinter.line(1, of: text), "id: halle")
        XCTAssertEqual(DiagnosticPrinter.line(2, of: text), "intitulé: Halle aux grains")
        XCTAssertEqual(DiagnosticPrinter.line(3, of: text), "")
        XCTAssertEqual(DiagnosticPrinter.line(4, of: text), "montant: 1 000 €")
        // After the last newline there is an empty line 5, and nothing beyond.
        XCTAssertEqual(DiagnosticPrinter.line(5, of: text), "")
        XCTAssertNil(DiagnosticPrinter.line(6, of: text))
        XCTAssertNil(DiagnosticPrinter.line(0, of: text))
        XCTAssertEqual(DiagnosticPrinter.line(1, of: "sans fin de ligne"), "sans fin de ligne")
    }

    func testEveryLineBreakIsFoundInSmallAndLargeFiles() {
        // LF, CR LF, a lone CR, NEL, LS and PS each end a line, as libyaml counts them; a small
        // file is read up to the line asked for, a large one (over 64 KiB) indexed once: the same lines.
        let head = "un\ndeux\r\ntrois\rquatre\u{85}cinq\u{2028}six\u{2029}sept été\n"
        let lines = ["un", "deux", "trois", "quatre", "cinq", "six", "sept été"]
        let large = head + String(repeating: "# remplissage\n", count: 5_000)
        XCTAssertGreaterThan(large.utf8.count, LineIndex.indexedFrom)
        for (i, expected) in lines.enumerated() {
            XCTAssertEqual(DiagnosticPrinter.line(i + 1, of: head), expected)
            XCTAssertEqual(DiagnosticPrinter.line(i + 1, of: large), expected)
        }
        // After the last break, an empty last line; past it, none.
        XCTAssertEqual(DiagnosticPrinter.line(8, of: head), "")
        XCTAssertNil(DiagnosticPrinter.line(9, of: head))
        XCTAssertEqual(DiagnosticPrinter.line(5_008, of: large), "")
        XCTAssertNil(DiagnosticPrinter.line(5_009, of: large))
    }

    /// Lines are walked eight bytes at a time since session 8: a break at any place of a word,
    /// next to the last printable character (`~`, 0x7E) or to DEL (0x7F, no break), is found
    /// all the same. Each text: `p` tildes, a break, nine spaces, DEL and `x`, a break, `fin`.
    func testEveryLineBreakIsFoundAtEveryPlaceOfAWord() {
        for br in ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            for p in 0..<17 {
                let first = String(repeating: "~", count: p)
                let second = String(repeating: " ", count: 9) + "\u{7F}x"
                let text = first + br + second + br + "fin"
                XCTAssertEqual(DiagnosticPrinter.line(1, of: text), first, "\(p)")
                XCTAssertEqual(DiagnosticPrinter.line(2, of: text), second, "\(p)")
                XCTAssertEqual(DiagnosticPrinter.line(3, of: text), "fin", "\(p)")
                XCTAssertNil(DiagnosticPrinter.line(4, of: text))
            }
        }
    }

    func testTheCaretOfAnASCIIExcerptIsCountedByItsBytes() {
        // Printable ASCII before the caret: one cell each, as the general count says.
        XCTAssertEqual(DiagnosticPrinter.asciiCells("montant: 12", 9), 9)
        XCTAssertEqual(DiagnosticPrinter.cells(of: "montant: 12".unicodeScalars.prefix(9)), 9)
        // An accent, a tab or a shorter text go the general way.
        XCTAssertNil(DiagnosticPrinter.asciiCells("intitulé: x", 10))
        XCTAssertNil(DiagnosticPrinter.asciiCells("a\tb", 3))
        XCTAssertNil(DiagnosticPrinter.asciiCells("ab", 3))
        XCTAssertEqual(DiagnosticPrinter.asciiCells("ab", 0), 0)
    }

    func testManyDiagnosticsRenderedTogetherEachShowTheirOwnLine() {
        // 300 files of three lines, two diagnostics on each (lines 2 and 3): 600 diagnostics,
        // rendered on every core, several at once in the same files.
        var sources: [String: String] = [:]
        var diagnostics: [Diagnostic] = []
        for k in 1...300 {
            let file = "P/operations/op\(k).yaml"
            sources[file] = "id: op\(k)\nintitule: Opération \(k)\nmontant: \(k) 000 €\n"
            for line in 2...3 { diagnostics.append(Diagnostic(.erreur, rule: .valeur, "n° \(k)", at: SourceLocation(file: file, line: line, column: 1))) }
        }
        let rendered = DiagnosticPrinter(sources: sources, colour: false).render(diagnostics)
        XCTAssertEqual(rendered.count, 600)
        for k in 1...300 {
            XCTAssertEqual(rendered[2 * k - 2].split(separator: "\n")[1], " 2 | intitule: Opération \(k)")
            XCTAssertEqual(rendered[2 * k - 1].split(separator: "\n")[1], " 3 | montant: \(k) 000 €")
        }
    }

    func testWhatAMessageShowsOfControlAndInvisibleCharacters() {
        // French punctuation is kept: « » (C2 AB, C2 BB), … and ’ (E2 80 A6, E2 80 99), é, a tab.
        let french = "« dépense » … l’opération\tn° 3"
        XCTAssertEqual(DiagnosticPrinter.visible(french, singleLine: true), french)
        // Replaced: ESC, a C1 code (U+0085), a zero-width space, a right-to-left override, an isolate
        // (U+2066), a byte-order mark, U+FFFF; a newline on a single line only, a CR always.
        XCTAssertEqual(
            DiagnosticPrinter.visible("a\u{1B}b\u{85}c\u{200B}d\u{202E}e\u{2066}f\u{FEFF}g\u{FFFF}h", singleLine: true),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{FFFD}h")
        XCTAssertEqual(DiagnosticPrinter.visible("x\ny\r", singleLine: true), "x↵y\u{FFFD}")
        XCTAssertEqual(DiagnosticPrinter.visible("x\ny\r"), "x\ny\u{FFFD}")
        XCTAssertEqual(DiagnosticPrinter.spaces(3) + "|", "   |")
        XCTAssertEqual(DiagnosticPrinter.spaces(0), "")
    }

    func testAMessageIsCutPastFourHundredCharacters() {
        let a400 = String(repeating: "a", count: 400)
        XCTAssertEqual(DiagnosticPrinter.shortened(a400), a400)
        XCTAssertEqual(DiagnosticPrinter.shortened(a400 + "b"), a400 + "…")
        // 400 « é » are 800 bytes but 400 characters: kept; one more is cut.
        let e400 = String(repeating: "é", count: 400)
        XCTAssertEqual(DiagnosticPrinter.shortened(e400), e400)
        XCTAssertEqual(DiagnosticPrinter.shortened(e400 + "é"), e400 + "…")
    }

    func testADiagnosticShowsItsLineWithACaretUnderTheColumn() {
        let printer = DiagnosticPrinter(sources: ["P/op.yaml": "id: op\n\ttaux: 120 %\n"], colour: false)
        let d = Diagnostic(.erreur, rule: .tauxDispositif, "taux de 120 % au-dessus du maximum", at: SourceLocation(file: "P/op.yaml", line: 2, column: 8), operation: "op", notes: ["ramenez le taux à 30 %"])
        XCTAssertEqual(
            printer.render(d),
            """
            P/op.yaml:2:8: erreur: [taux-dispositif] taux de 120 % au-dessus du maximum
             2 |  taux: 120 %
               |        ^
              = ramenez le taux à 30 %

            """)
    }

    /// The column of the `x` of a one-line file, and the caret line printed under a problem there.
    static func caretUnderX(_ line: String) -> (Int, Substring) {
        let column = Array(line.unicodeScalars).firstIndex(of: "x").map { $0 + 1 } ?? 0
        let printer = DiagnosticPrinter(sources: ["P/op.yaml": line + "\n"], colour: false)
        let d = Diagnostic(.erreur, rule: .valeur, "montant illisible « x »", at: SourceLocation(file: "P/op.yaml", line: 1, column: column), operation: "op")
        return (column, printer.render(d).split(separator: "\n")[2])
    }

    /// The caret stands under its character however wide what precedes it is on a terminal: a
    /// decomposed accent (e + U+0301, as some systems write « é ») takes no cell, an ideograph
    /// or an emoji two.
    func testTheCaretCountsTerminalCells() {
        // `- { libelle: "` is 14 scalars, `Re\u{301}fection` 10, ` 漢 😀` 4, `", montant: ` 12: the
        // value x is at column 41; the 40 scalars before it take 40 − 1 (the accent) + 1 (漢)
        // + 1 (😀) = 41 cells.
        let line = "- { libelle: \"Re\u{301}fection 漢 😀\", montant: x }"
        let (column, caretLine) = Self.caretUnderX(line)
        XCTAssertEqual(column, 41)
        XCTAssertEqual(caretLine, "   | " + String(repeating: " ", count: 41) + "^")
        XCTAssertEqual(DiagnosticPrinter.cells("\u{301}"), 0)
        XCTAssertEqual(DiagnosticPrinter.cells("漢"), 2)
        XCTAssertEqual(DiagnosticPrinter.cells("😀"), 2)
        XCTAssertEqual(DiagnosticPrinter.cells("é"), 1)
    }

    /// Short clean lines are shown as they are (a fast path since issue 15); the caret's column is
    /// kept within the line plus one. Each expectation counted by hand.
    func testAnExcerptKeepsAShortLineAndClampsTheColumn() {
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "montant_ht: 450 000", column: 13).0, "montant_ht: 450 000")
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "montant_ht: 450 000", column: 13).1, 13)
        // 19 characters: a column past the end is put just after the last one, 0 on the first.
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "montant_ht: 450 000", column: 40).1, 20)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "montant_ht: 450 000", column: 0).1, 1)
        // Accents count one column each: `libelle: Études 2` has 17 characters.
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "libelle: Études 2", column: 30).1, 18)
        // A tab becomes a space, a C1 control `�`, and French quotes stay.
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "\ttaux: 5 %", column: 2).0, " taux: 5 %")
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "id: a\u{85}b", column: 1).0, "id: a\u{FFFD}b")
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: "libelle: « Halle »", column: 10).0, "libelle: « Halle »")
        // Over 100 characters the line is cut around the column: characters 1 to 100, then `…`.
        let long = String(repeating: "a", count: 150)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: long, column: 3).0, String(repeating: "a", count: 100) + "…")
    }

    /// A line without control characters is cut on its bytes (since session 8): accents, French
    /// quotes and no-break spaces count one character each, as character by character. Each
    /// expectation counted by hand, then checked against the general way.
    func testAnExcerptCutOnItsBytesCountsCharacters() {
        // 100 `é` are 200 bytes but 100 characters: shown whole; a column past them is clamped to 101.
        let accents = String(repeating: "é", count: 100)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: accents, column: 150).0, accents)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: accents, column: 150).1, 101)
        // 150 `é`, caret at 3: characters 1 to 100, then `…`; the caret stays at 3.
        let more = String(repeating: "é", count: 150)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: more, column: 3).0, accents + "…")
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: more, column: 3).1, 3)
        // `« ` then 150 `a`: 152 characters; caret at 120: the window starts at character
        // min(120 − 1 − 50, 152 − 100) = 52 (0-based), so `…` and the last 100 `a`, the caret at
        // 120 − 52 + 1 = 69.
        let quoted = "« " + String(repeating: "a", count: 150)
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: quoted, column: 120).0, "…" + String(repeating: "a", count: 100))
        XCTAssertEqual(DiagnosticPrinter.excerpt(of: quoted, column: 120).1, 69)
        // A no-break space and `€` in a 120-character line (10 `b`, `450 000 €` in 9, 101 `c`),
        // caret at 60: window 9..<109 (0-based), the last `b` to the 90th `c`, cut at both ends;
        // the caret at 60 − 9 + 1 = 52.
        let euros = String(repeating: "b", count: 10) + "450\u{00A0}000 €" + String(repeating: "c", count: 101)
        XCTAssertEqual(euros.unicodeScalars.count, 120)
        let (cut, caret) = DiagnosticPrinter.excerpt(of: euros, column: 60)
        XCTAssertEqual(cut, "…b450\u{00A0}000 €" + String(repeating: "c", count: 90) + "…")
        XCTAssertEqual(caret, 52)
        // The same as character by character, over lines with and without controls.
        for line in [accents, more, quoted, euros, "\ttaux: 5 %", "id: a\u{85}b" + more, "libelle: « Halle »", "", "é"] {
            for column in [0, 1, 2, 50, 51, 99, 100, 101, 149, 150, 151, 300] {
                XCTAssertTrue(DiagnosticPrinter.excerpt(of: line, column: column) == DiagnosticPrinter.generalExcerpt(of: line, column: column), "\(line) \(column)")
            }
        }
    }

    /// Emoji made of several scalars take two cells in all, as a terminal shows them: a heart
    /// with its emoji selector (U+2764 U+FE0F, one cell without it), a flag (two regional
    /// indicators), a person at a computer (👩 U+200D 💻). They were counted 1, 4 and 4.
    func testTheCaretCountsEmojiSequencesAsOneGlyph() {
        // `- { libelle: "` 14 scalars, ❤️ 2, space, 🇫🇷 2, space, 👩‍💻 3, `", montant: ` 12: x is
        // scalar 36; before it 14 + 2 + 1 + 2 + 1 + 2 + 12 = 34 cells.
        let line = "- { libelle: \"\u{2764}\u{FE0F} \u{1F1EB}\u{1F1F7} \u{1F469}\u{200D}\u{1F4BB}\", montant: x }"
        let (column, caretLine) = Self.caretUnderX(line)
        XCTAssertEqual(column, 36)
        XCTAssertEqual(caretLine, "   | " + String(repeating: " ", count: 34) + "^")
    }

    /// The folder above a path as written, worked out by hand for each shape a user types.
    func testTheFolderAboveAWrittenPath() {
        let cases = [
            ("a/b", "a"), ("a", ""), ("a/", ""), ("/a", "/"), ("/", "/"), ("a//b/", "a"), (".", ".."), ("./", ".."),
            ("a/.", "a/.."), ("..", "../.."), ("./op.yaml", "."), ("P/operations", "P"),
        ]
        for (written, above) in cases { XCTAssertEqual(PlansLocation.parentFolder(of: written), above, written) }
    }

    /// The text output in blocks is the diagnostics rendered one by one and joined: at most 200
    /// per file counted across the whole list (a file's diagnostics need not follow each other),
    /// then one line per file with more, in name order.
    func testBlocksAreTheDiagnosticsOneByOneWithAtMost200PerFile() {
        let a = "P/operations/a.yaml", b = "P/operations/b.yaml"
        let sources = [a: "id: a\nmontant: 1\n", b: "id: b\n"]
        func d(_ file: String, _ i: Int) -> Diagnostic {
            Diagnostic(.avertissement, rule: .valeur, "problème \(i)", at: SourceLocation(file: file, line: 1 + i % 2, column: 1), notes: [])
        }
        // a: 250, then b: 3, then a again: 10, then one without a place: a has 260 (200 shown, 60
        // not), b 3.
        let list = (0..<250).map { d(a, $0) } + (0..<3).map { d(b, $0) } + (250..<260).map { d(a, $0) }
            + [Diagnostic(.erreur, rule: .valeur, "sans lieu", at: nil, notes: [])]
        let printer = DiagnosticPrinter(sources: sources, colour: false)
        let blocks = printer.renderBlocks(list)
        XCTAssertEqual(blocks.joined(), printer.render(list).map { $0 + "\n" }.joined())
        let text = blocks.joined()
        XCTAssertEqual(text.components(separatedBy: "avertissement: [valeur] problème").count - 1, 203)
        XCTAssertTrue(text.contains("problème 199\n"))
        XCTAssertFalse(text.contains("problème 200\n"))
        XCTAssertFalse(text.contains("problème 259\n"))
        XCTAssertTrue(text.contains("erreur: [valeur] sans lieu"))
        XCTAssertTrue(text.hasSuffix("P/operations/a.yaml : 60 autres problèmes non affichés (les 200 premiers le sont) ; `--format json` les donne tous\n\n"), String(text.suffix(300)))
    }
    /// The count per file without a table (files in increasing order) and with one (a file
    /// coming back, files out of order, diagnostics without a place, names equal in Unicode but
    /// not in bytes) keep what counting every file in a table keeps: a seeded series of lists
    /// against that plain count, done here diagnostic by diagnostic.
    func testAtMost200PerFileWhateverTheOrderOfTheFiles() {
        let names = ["P/a.yaml", "P/b.yaml", "P/caf\u{E9}.yaml", "P/cafe\u{301}.yaml", "P/z.yaml", ""]
        let printer = DiagnosticPrinter(sources: [:], colour: false)
        var g = SeededGenerator(seed: 10)
        for round in 0..<60 {
            // Runs of one file; in the first rounds the files come in increasing order only.
            var list: [Diagnostic] = []
            var file = 0
            for _ in 0..<(1 + Int(g.next(below: 8))) {
                file = round < 20 ? min(names.count - 1, file + Int(g.next(below: 2))) : Int(g.next(below: UInt64(names.count)))
                let name = names[file]
                for _ in 0..<Int(g.next(below: 150)) {
                    let place = name.isEmpty ? nil : SourceLocation(file: name, line: list.count + 1, column: 1)
                    list.append(Diagnostic(.avertissement, rule: .valeur, "problème \(list.count)", at: place, notes: []))
                }
            }
            var shown: [String: Int] = [:]
            var hidden: [String: Int] = [:]
            var expected = ""
            for d in list {
                let name = d.location?.file ?? ""
                if shown[name, default: 0] >= DiagnosticPrinter.maximumPerFile {
                    hidden[name, default: 0] += 1
                } else {
                    shown[name, default: 0] += 1
                    expected += printer.render(d) + "\n"
                }
            }
            for (name, count) in hidden.sorted(by: { $0.key < $1.key }) {
                expected += "\(DiagnosticPrinter.visible(name)) : \(count) autres problèmes non affichés (les 200 premiers le sont) ; `--format json` les donne tous\n\n"
            }
            XCTAssertEqual(printer.renderBlocks(list).joined(), expected, "round \(round)")
            XCTAssertEqual(printer.render(list).map { $0 + "\n" }.joined(), expected, "round \(round)")
        }
    }
}
