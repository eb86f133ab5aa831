/// The words the workbook's formulas compare against: a status typed in a drop-down, what a
/// resource counts as, a rule's verdict. Cells and formulas take them from here, so that changing a
/// label on screen cannot silently break a `SUMIFS` that looks for it.
enum WorkbookLabels {
    /// Beside an expense or funding line that changed since the reference of `exporter --depuis`.
    static let changedSinceReference = "◆ modifié depuis la référence"
    /// Funding statuses, as the drop-downs offer them; refused and lapsed lines do not count.
    static let statuses = FundingStatus.allCases.map(\.label)
    static let refused = FundingStatus.refuse.label
    static let lapsed = FundingStatus.caduc.label
    /// `SUMIFS` criteria pairs that keep the lines that count, for a range of statuses.
    static func counted(_ statuses: String) -> String { "\(statuses),\"<>\(refused)\",\(statuses),\"<>\(lapsed)\"" }

    /// A test of a status cell that holds for a line no total counts (refused or lapsed).
    static func notCounted(_ cell: String) -> String { "OR(\(cell)=\"\(refused)\",\(cell)=\"\(lapsed)\")" }

    /// A test of a status cell: `OR(A1="notifié",A1="versé")`.
    static func statusIs(_ statuses: [FundingStatus]) -> (String) -> String {
        { cell in
            let tests = statuses.map { "\(cell)=\"\($0.label)\"" }
            return tests.count == 1 ? tests[0] : "OR(\(tests.joined(separator: ",")))"
        }
    }

    /// What a resource counts as, in the operation sheets' "Compte comme" column.
    enum CountsAs {
        static let publicAid = "aide publique"
        static let ownersShare = "part du maître d'ouvrage"
        static let other = "autre ressource"
    }

    /// A rule's verdict in the operation sheets' checks.
    enum Verdict {
        static let broken = "non respectée"
        static let respected = "respectée"
        static let watch = "à surveiller"
    }

    /// The severity of an error, as the Contrôles sheet writes it.
    static let error = Severity.erreur.rawValue
}

/// Figures written inside formulas: always with a dot, whatever the locale.
enum FormulaText {
    /// `333333.33` for 333 333,33 €.
    static func number(_ m: Money) -> String {
        let magnitude = m.cents.magnitude
        let cents = magnitude % 100
        return (m.cents < 0 ? "-" : "") + "\(magnitude / 100)" + (cents == 0 ? "" : cents < 10 ? ".0\(cents)" : ".\(cents)")
    }
}

extension CellValue {
    var isFormula: Bool {
        if case .formula = self { return true }
        return false
    }
}
