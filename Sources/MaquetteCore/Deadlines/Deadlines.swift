/// Where the deadlines take their dates from, kept in one place: the request's receipt
/// (`accuse_reception`, else `depot`), the decision's (`notification`), the commencement
/// d'exécution (the first legal act, else the works' start) and the completion (`calendrier`).
public enum DeadlineDates {
    /// The day the request was received (accusé de réception).
    public static func requestReceipt(_ line: FundingLine) -> Day? { line.requestReceived }
    /// The day of the attributive decision (arrêté, convention).
    public static func decision(_ line: FundingLine) -> Day? { line.notificationDay }
    /// The commencement d'exécution (first legal act).
    /// As the dotations count it (CGCT R2334-24 I): the earliest first legal act of the operation
    /// or of a lot other than studies and land purchase; without one, the works' start.
    public static func commencement(_ operation: Operation) -> Day? {
        var earliest = operation.firstLegalAct
        // By index: a cost line taken whole would be copied, its texts retained, for two fields.
        for i in operation.costs.indices where !operation.costs[i].nature.isStudyOrLand {
            if let act = operation.costs[i].firstLegalAct, earliest.map({ act < $0 }) ?? true { earliest = act }
        }
        return earliest ?? operation.worksStart
    }
    /// The forecast completion.
    public static func completion(_ operation: Operation) -> Day? { operation.end }
}

/// Works out every dated obligation the plans imply. Pure: `today` is an input, and every delay
/// is a dated parameter of the catalogue, looked up on the day that starts it.
public enum Deadlines {
    /// Every deadline of `plans` (whose `figures` may be given when already worked out), the most
    /// urgent first.
    /// `selection` keeps every deadline or only some; only those kept have their texts worded.
    public static func of(_ plans: Plans, figures: [OperationFigures]? = nil, today: Day, selection: Selection = .all) -> [Deadline] {
        // Each operation's deadlines on every core (their texts are most of the cost), in order.
        var out = Concurrent.map(figures ?? Financing.figures(of: plans), minimumChunk: 64) { of($0, plans: plans, today: today, selection: selection) }.flatMap { $0 }
        if let end = Day(year: plans.programme.lastYear, month: 12, day: 31), selection.keeps(.finProgramme, end, losesGrant: false) {
            out.append(
                Deadline(
                    .finProgramme, day: end, operation: nil, operationTitle: nil, funder: nil, dispositif: nil,
                    title: "fin de la période du programme \(plans.programme.name) (convention PVD / ORT) : les opérations engagées, les aides demandées",
                    reference: "programme.yaml, `periode`", location: plans.programme.location, losesGrant: false, key: "programme/\(plans.programme.id)/fin",
                    today: today))
        }
        // Sorted by their order worked out once (a deadline is a large value: the indices move, not it).
        let keys = out.map(\.order)
        return out.indices.sorted { keys[$0] < keys[$1] }.map { out[$0] }
    }

    /// A count parameter of the programme in force on `day`, with its reference.
    static func count(_ name: String, _ plans: Plans, at day: Day) -> (Int, String)? {
        guard let v = plans.catalogue.parameters[name]?.value(at: day), case .count(let c) = v.value else { return nil }
        return (c, v.reference)
    }

    static func count(_ name: String, _ dispositif: Dispositif?, at day: Day) -> (Int, String)? {
        guard let v = dispositif?.parameters[name]?.value(at: day), case .count(let c) = v.value else { return nil }
        return (c, v.reference)
    }

    static func rate(_ name: String, _ plans: Plans, at day: Day) -> (Rate, String)? {
        guard let v = plans.catalogue.parameters[name]?.value(at: day), case .rate(let r) = v.value else { return nil }
        return (r, v.reference)
    }

    /// Which deadlines a list keeps.
    public enum Selection: Sendable {
        /// Every deadline.
        case all
        /// The grants lost on a day: the deadlines whose miss loses the grant and which passed
        /// before it (a decision awaited loses nothing by itself).
        case lostBefore(Day)

        func keeps(_ kind: Kind, _ day: Day, losesGrant: Bool) -> Bool {
            switch self {
            case .all: return true
            case .lostBefore(let today): return losesGrant && kind != .decisionAttendue && day < today
            }
        }
        /// Whether deadlines that lose no grant are all left out: their branches need not run.
        var grantLosingOnly: Bool {
            if case .lostBefore = self { return true }
            return false
        }
    }

    /// The deadlines of one operation's funding lines.
    static func of(_ f: OperationFigures, plans: Plans, today: Day, selection: Selection = .all) -> [Deadline] {
        var out: [Deadline] = []
        let everything = !selection.grantLosingOnly
        // Worked out only when a deadline needs them: most lines of a restricted list keep none.
        lazy var years = f.costsByYear.map(\.year)
        lazy var commencement = DeadlineDates.commencement(f.operation)
        for (index, r) in f.funding.enumerated() where r.counts {
            // A line's key names its source and its rank among the lines of that source that
            // count; worked out only for a deadline kept.
            lazy var lineKey: String = {
                let source = r.line.source
                let rank = f.funding[..<index].reduce(0) { $0 + ($1.counts && $1.line.source == source ? 1 : 0) }
                switch source {
                case .dispositif(let d): return "\(f.operation.id)/\(d)#\(rank)"
                case .own(let n): return "\(f.operation.id)/\(n.rawValue)#\(rank)"
                }
            }()
            lazy var name = r.dispositif.map { shortName($0) } ?? r.label
            func add(
                _ kind: Kind, _ day: Day, _ title: @autoclosure () -> String, _ reference: @autoclosure () -> String, key: @autoclosure () -> String = "",
                losesGrant: Bool = false, at locationKey: String? = nil
            ) {
                // Texts are worded only for the deadlines kept.
                guard selection.keeps(kind, day, losesGrant: losesGrant) else { return }
                let title = title(), reference = reference(), key = key()
                out.append(
                    Deadline(
                        kind, day: day, operation: f.operation.id, operationTitle: f.operation.title, funder: r.funder?.name, dispositif: name, title: title,
                        reference: reference, location: locationKey.map { r.line.location(of: $0) } ?? r.line.location, losesGrant: losesGrant,
                        key: "\(lineKey)/\(kind.rawValue)\(key.isEmpty ? "" : "/" + key)", today: today))
            }
            let receipt = DeadlineDates.requestReceipt(r.line)
            let decision = DeadlineDates.decision(r.line)

            // Requests to file: before the dispositif's yearly closing day, and before the start
            // where no start may precede the request's receipt.
            if r.line.status == .envisage {
                let year = commencement?.year ?? years.first ?? plans.programme.referenceDay.year
                let lookup = Day(year: year, month: 1, day: 1) ?? plans.programme.referenceDay
                if let (month, ref) = count(Dispositif.depotAvantMois, r.dispositif, at: lookup),
                    let (dayOfMonth, _) = count(Dispositif.depotAvantJour, r.dispositif, at: lookup),
                    (1...12).contains(month),
                    let day = Day(year: year, month: month, day: min(max(1, dayOfMonth), Day.daysIn(month: month, year: year)))
                {
                    add(.depotDemande, day, "déposer la demande \(name) avant le \(day.formatted) (campagne \(year))", ref, key: String(year))
                } else if let start = commencement, r.dispositif?.regime.forbidsEarlyStart == true {
                    add(
                        .depotDemande, start, "faire recevoir la demande \(name) (accusé de réception) avant le commencement d'exécution prévu le \(start.formatted)",
                        earlyStartReference(r.dispositif), losesGrant: true)
                }
            }
            // Past this point, only renewals and the dotations' lapses lose a grant.
            if everything, r.line.status == .sollicite, let receipt, receipt > today {
                add(.depotDemande, receipt, "déposer la demande \(name) le \(receipt.formatted) au plus tard (dépôt prévu au plan)", r.dispositif?.reference ?? "", at: "depot")
            } else if everything, r.line.status == .sollicite, let receipt {
                add(.decisionAttendue, receipt, "demande \(name) reçue le \(receipt.formatted) : décision attendue", r.dispositif?.reference ?? "", at: "depot")
            }

            // Yearly renewals (ANAH ingénierie): a new request before each period after the first.
            if r.line.status != .refuse, r.dispositif?.parameters[Dispositif.renouvellementMois] != nil, let first = years.first, let last = years.last, let start = Day(year: first, month: 1, day: 1),
                let (months, ref) = count(Dispositif.renouvellementMois, r.dispositif, at: start), months > 0
            {
                var k = 1
                while k < 100 {
                    let day = start.adding(months: k * months)
                    guard day.year <= last else { break }
                    // A granted line stands for the periods already begun: only those to come are listed.
                    if r.line.status != .envisage && day < today { k += 1; continue }
                    add(.renouvellement, day, "déposer la demande \(name) pour la période qui commence le \(day.formatted), avant qu'elle commence", ref, key: day.iso, losesGrant: true)
                    k += 1
                }
            }

            // Envelope years: a line not yet granted draws on a yearly envelope that closes.
            if everything, r.line.status == .envisage || r.line.status == .sollicite, let id = r.line.dispositifID {
                let year = r.line.envelopeYear ?? decision?.year ?? receipt?.year
                if let year, plans.catalogue.envelopes.contains(where: { $0.dispositif == id && $0.year == year }), let day = Day(year: year, month: 12, day: 31) {
                    add(.enveloppe, day, "l'enveloppe \(year) de \(name) se clôt le \(day.formatted) : décision à obtenir avant", "financeurs.yaml, `enveloppes`", key: String(year), at: "annee_enveloppe")
                }
            }

            // EPF land carrying (no grant lost): the owner buys the land back at the latest at the end of the portage.
            if everything, r.nature == .portageFoncier, let buyBack = r.line.buyBack, let day = Day(year: buyBack.year, month: 12, day: 31) {
                add(.rachatPortage, day, "racheter le foncier porté en \(buyBack.year) pour \((buyBack.amount ?? r.amount).formatted), selon la convention de portage", "Convention de portage de l'EPF (`rachat`)", at: "rachat")
            } else if everything, r.nature == .portageFoncier, let from = decision ?? receipt, let (months, ref) = count(ParameterName.epfPortageDureeMaxMois, plans, at: from) {
                add(.rachatPortage, from.adding(months: months), "racheter le foncier porté (\(r.amount.formatted)) au plus tard le \(from.adding(months: months).formatted), sauf date plus proche dans la convention de portage", ref)
            }

            guard r.line.status == .notifie, r.isPublicAid else { continue }
            let isDotation = r.dispositif?.regime == .dotationCGCT

            // State dotations lapse: a start within 2 years of the arrêté (+1 on a reasoned request
            // made 2 months ahead), a completion within 4 years of the start (+2 exceptionally).
            if isDotation, let decision {
                let started = commencement.map { $0 <= today } ?? false
                if let (months, ref) = count(ParameterName.dotationsDelaiDemarrageMois, plans, at: decision), !started {
                    let limit = decision.adding(months: months)
                    var title = "commencement d'exécution (premier acte juridique) au plus tard le \(limit.formatted), sinon l'arrêté \(name) devient caduc"
                    if let (extra, extraRef) = count(ParameterName.dotationsProrogationDemarrageMois, plans, at: decision) {
                        title += " ; prorogation possible jusqu'au \(limit.adding(months: extra).formatted) (\(extraRef))"
                        if let (notice, noticeRef) = count(ParameterName.dotationsProrogationPreavisMois, plans, at: decision) {
                            let ask = limit.adding(months: -notice)
                            add(.prorogationCommencement, ask, "demander au préfet, par une demande motivée, la prorogation d'un an du commencement (\(name)) avant le \(ask.formatted)", noticeRef, at: "notification")
                        }
                    }
                    add(.commencement, limit, title, ref, losesGrant: true, at: "notification")
                }
                let start = commencement ?? count(ParameterName.dotationsDelaiDemarrageMois, plans, at: decision).map { decision.adding(months: $0.0) }
                if let start, let (months, ref) = count(ParameterName.dotationsDelaiAchevementMois, plans, at: decision) {
                    let limit = start.adding(months: months)
                    var title = "achever l'opération et demander le solde \(name) au plus tard le \(limit.formatted) ; après, aucune demande de paiement n'est recevable"
                    if let (extra, extraRef) = count(ParameterName.dotationsProrogationAchevementMois, plans, at: decision) {
                        title += " (prorogation exceptionnelle jusqu'au \(limit.adding(months: extra).formatted) : \(extraRef))"
                    }
                    add(.achevement, limit, title, ref, losesGrant: true, at: "notification")
                }
            }

            guard everything else { continue }
            // Payments (no grant lost): the advance at the start, an instalment on each year's spending, the final
            // payment on completion (for State dotations, within the completion deadline above).
            let paidAlready = !(r.line.paid ?? .zero).isZero
            let isState = r.category == .etat
            let day = decision ?? commencement ?? plans.programme.referenceDay
            if !paidAlready, let (advance, advanceRef) = rate(isState ? ParameterName.versementAvanceEtat : ParameterName.versementAvanceAutres, plans, at: day), advance > .zero {
                let when = max(commencement ?? day, decision ?? day)
                add(.demandeAvance, when, "demander l'avance \(name) (\(advance.formatted), soit \(r.amount.applying(advance).formatted)) au commencement d'exécution", advanceRef)
            }
            if let (cap, capRef) = rate(isState ? ParameterName.versementAcomptesPlafondEtat : ParameterName.versementAcomptesPlafondAutres, plans, at: day), cap > .zero {
                // Years already over are asked for together, once; each year to come, at its end.
                let due = years.dropLast().filter { $0 >= (decision?.year ?? $0) }
                let past = due.filter { $0 < today.year }, coming = due.filter { $0 >= today.year }
                if let first = past.first, let last = past.last, let end = Day(year: last, month: 12, day: 31) {
                    let span = first == last ? "en \(last)" : "de \(first) à \(last)"
                    add(.demandeAcompte, end, "demander les acomptes \(name) sur les dépenses payées \(span) (jusqu'à \(cap.formatted) de l'aide avec l'avance)", capRef, key: "passe")
                }
                for year in coming {
                    guard let end = Day(year: year, month: 12, day: 31) else { continue }
                    add(.demandeAcompte, end, "demander un acompte \(name) sur les dépenses payées en \(year) (jusqu'à \(cap.formatted) de l'aide avec l'avance)", capRef, key: String(year))
                }
            }
            if !isDotation, let end = DeadlineDates.completion(f.operation) ?? years.last.flatMap({ Day(year: $0, month: 12, day: 31) }) {
                add(.demandeSolde, end, "demander le solde \(name) à l'achèvement (\(end.formatted)), avec l'état récapitulatif des dépenses", r.dispositif?.reference ?? "")
            }
        }
        return out
    }

    typealias Kind = Deadline.Kind

    /// The text that forbids a start before the request is received, by regime.
    static func earlyStartReference(_ d: Dispositif?) -> String {
        switch d?.regime {
        case .dotationCGCT?: return "CGCT art. R2334-24"
        case .decret2018514?: return "Décret n° 2018-514 art. 3"
        case .cch?: return "ANAH, règlement général (demande avant le commencement)"
        case .europe?: return "\(d?.reference ?? "Programme européen") : demande avant tout engagement de dépense"
        default: return d?.reference ?? ""
        }
    }

    /// The usual name of a dispositif, as messages use it: `DETR` rather than its whole title.
    static func shortName(_ d: Dispositif) -> String {
        if let open = d.name.lastIndex(of: "("), d.name.hasSuffix(")") {
            return String(d.name[d.name.index(after: open)..<d.name.index(before: d.name.endIndex)])
        }
        return d.name
    }
}
