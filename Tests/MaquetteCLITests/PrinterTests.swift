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
}
