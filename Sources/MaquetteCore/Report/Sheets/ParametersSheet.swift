/// The figures the formulas of the operation sheets read, each in one cell a finance officer can
/// change: the FCTVA rate (defined name `Taux_FCTVA`) and each owner's FCTVA regime, with a legend
/// of the input cells.
struct ParametersSheet {
    let book: CommitteeWorkbook

    enum Column {
        static let label = 0, value = 1, note = 2
    }
    static let fctvaRateRow = 4
    static let firstOwnerRow = 7
    static let fctvaRateName = "Taux_FCTVA"

    /// The shares of a subsidy's amount the Échéancier's formulas pay it by: one cell each, with
    /// its defined name, the parameter's value on the programme's reference day.
    struct PaymentShare: Sendable {
        let label: String
        let name: String
        let parameter: String
        let value: Rate
        let reference: String
    }

    static func paymentShares(_ plans: Plans) -> [PaymentShare] {
        let day = plans.programme.referenceDay
        return [
            ("Avance des subventions de l'État (dotations, décret 2018-514)", "Avance_Etat", ParameterName.versementAvanceEtat),
            ("Acomptes des subventions de l'État : au plus", "Acomptes_Etat", ParameterName.versementAcomptesPlafondEtat),
            ("Avance des autres subventions", "Avance_Autres", ParameterName.versementAvanceAutres),
            ("Acomptes des autres subventions : au plus", "Acomptes_Autres", ParameterName.versementAcomptesPlafondAutres),
        ].map { label, name, parameter in
            let found = plans.catalogue.parameters[parameter]?.value(at: day)
            var value = Rate.zero
            if case .rate(let r)? = found?.value { value = r }
            return PaymentShare(label: label, name: name, parameter: parameter, value: value, reference: found?.reference ?? "")
        }
    }

    /// The row of the first payment share: after the owners, a blank row and a heading.
    static func firstPaymentRow(_ plans: Plans) -> Int { firstOwnerRow + plans.programme.maitresOuvrage.count + 2 }

    /// The defined names of the payment shares and where they point.
    static func paymentShareNames(_ plans: Plans) -> [(name: String, reference: String)] {
        let first = firstPaymentRow(plans)
        return paymentShares(plans).enumerated().map { i, share in
            (share.name, "=\(A1.sheet(CommitteeWorkbook.parametersSheet))!\(A1.cell(first + i, Column.value, absolute: true))")
        }
    }

    /// Where the owners' delays are, for the operation sheets' formulas.
    struct Rows: Sendable {
        let ownerRows: [String: Int]

        /// `'Paramètres'!$C$8`: the delay, in years, of the owner's FCTVA regime.
        func ownerDelayCell(_ owner: String) -> String? {
            ownerRows[owner].map { "\(A1.sheet(CommitteeWorkbook.parametersSheet))!\(A1.cell($0, Column.note, absolute: true))" }
        }
    }

    static func rows(_ plans: Plans) -> Rows {
        var rows: [String: Int] = [:]
        for (i, owner) in plans.programme.maitresOuvrage.enumerated() { rows[owner.id] = firstOwnerRow + i }
        return Rows(ownerRows: rows)
    }

    /// The one FCTVA rate of every spending year of the plans, or nil if it changes between them.
    static func fctvaRate(_ plans: Plans) -> Rate? {
        guard let parameter = plans.catalogue.parameters[ParameterName.fctvaTaux] else { return nil }
        var years: Set<Int> = []
        for op in plans.operations { for line in op.costs { for part in line.years { years.insert(part.year) } } }
        var found: Rate?
        for year in years.sorted() {
            guard let day = Day(year: year, month: 1, day: 1), case .rate(let rate)? = parameter.value(at: day)?.value else { return nil }
            if let found, found != rate { return nil }
            found = rate
        }
        return found
    }

    func build() -> SheetModel {
        var sheet = book.newSheet(
            CommitteeWorkbook.parametersSheet, title: "Paramètres lus par les formules",
            subtitle: "Modifiez une cellule de saisie (fond jaune) : les feuilles des opérations, la synthèse et les tableaux qui en dépendent se recalculent.",
            lastColumn: 2)
        sheet.append(Cell.headings(["Paramètre", "Valeur", "Référence"]))
        precondition(sheet.nextRow == Self.fctvaRateRow)
        let rate = Self.fctvaRate(book.plans) ?? .zero
        let reference = book.plans.catalogue.parameters[ParameterName.fctvaTaux]?.value(at: book.plans.programme.referenceDay)?.reference ?? ""
        sheet.append([.text("Taux de FCTVA"), .rate(rate, .inputRate), .text(reference, .textWrap)])
        sheet.skip()
        sheet.append(Cell.headings(["Maître d'ouvrage", "Régime de versement du FCTVA", "Délai (années)"]) { $0 == Column.note })
        precondition(sheet.nextRow == Self.firstOwnerRow)
        let owners = book.plans.programme.maitresOuvrage
        for owner in owners {
            let r = sheet.nextRow
            let regime = A1.cell(r, Column.value)
            sheet.append([
                .text(owner.name, .textWrap), .text(owner.fctvaRegime.rawValue, .input),
                .formula("IF(\(regime)=\"N\",0,IF(\(regime)=\"N+1\",1,2))", .number(owner.fctvaRegime.delayInYears), .integer),
            ])
        }
        if !owners.isEmpty {
            sheet.listValidations = [
                (CellRange(Self.firstOwnerRow, Column.value, Self.firstOwnerRow + owners.count - 1, Column.value), FCTVARegime.allCases.map(\.rawValue))
            ]
        }
        sheet.skip()
        sheet.append(Cell.headings(["Versement des subventions (feuille Échéancier)", "Part du montant", "Référence"]))
        precondition(sheet.nextRow == Self.firstPaymentRow(book.plans))
        for share in Self.paymentShares(book.plans) {
            sheet.append([.text(share.label, .textWrap), .rate(share.value, .inputRate), .text(share.reference, .textWrap)])
        }
        sheet.append([
            .text(
                "Avance l'année du début des travaux ; acomptes au prorata des dépenses HT, au plus la part ci-dessus ; solde l'année qui suit la dernière dépense. Une ligne dont la part diffère (garantie à première demande, projet de plus de 48 mois, autre date) garde la sienne dans sa formule.",
                .note)
        ])
        sheet.skip()
        sheet.append([.text("Légende", .section)])
        sheet.append([.text("Cellule de saisie : modifiable, les formules en dépendent"), .text("1 000,00", .input)])
        sheet.append([.text("Cellule calculée par une formule : ne pas saisir"), .text("1 000,00", .moneyBold)])
        sheet.append([.text("Montant en gris italique : ligne refusée ou caduque, gardée pour mémoire ; aucun total ne la compte", .textWrap)])
        sheet.append([.text("« vérifié par Maquette le … » : verdict établi par Maquette à cette date, qui ne suit pas les modifications", .textWrap)])
        sheet.columnWidths = [0: 58, 1: 22, 2: 40]
        sheet.fitRowHeights()
        return sheet
    }
}
