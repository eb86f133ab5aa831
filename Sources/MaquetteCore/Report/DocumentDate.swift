/// The date a workbook is established on, and the instant written as the file's creation date.
///
/// It is the date the user gives (`--date`), else `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention: then it is also the file's creation instant, to the second, so that equal inputs
/// give equal bytes), else today. Never a date found in the plans: a works start in 2027 does not
/// date a document exported in 2026.
public struct DocumentDate: Sendable, Equatable {
    /// The day printed on every sheet ("Établi le …").
    public let day: Day
    /// The file's creation date, in seconds since 1970.
    public let timestamp: Int

    /// A document dated `day`, created at midnight of that day.
    public init(day: Day) {
        self.day = day
        timestamp = day.daysSinceEpoch * 86_400
    }

    /// A document created at `seconds` since 1970, dated that day (UTC); nil outside the calendar
    /// Maquette knows (before 1970 or after 2200).
    public init?(secondsSinceEpoch seconds: Int) {
        guard seconds >= 0, let day = Day(daysSinceEpoch: seconds / 86_400) else { return nil }
        self.day = day
        timestamp = seconds
    }

    /// The date from `--date` (already read), else from `SOURCE_DATE_EPOCH` (its raw text, nil or
    /// empty when unset), else `today`; a message in French when `SOURCE_DATE_EPOCH` is not a valid
    /// non-negative number of seconds.
    public static func resolve(date: Day?, sourceDateEpoch: String?, today: Day) -> Result<DocumentDate, DocumentDateError> {
        if let date { return .success(DocumentDate(day: date)) }
        if let raw = sourceDateEpoch, !raw.isEmpty {
            guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(raw), let found = DocumentDate(secondsSinceEpoch: seconds) else {
                return .failure(DocumentDateError(raw: raw))
            }
            return .success(found)
        }
        return .success(DocumentDate(day: today))
    }

    /// A day written `JJ/MM/AAAA` or `AAAA-MM-JJ` (for `--date`).
    public static func day(_ text: String) -> Day? {
        let slashes = text.split(separator: "/", omittingEmptySubsequences: false)
        let dashes = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits = { (parts: [Substring]) in parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } } }
        if slashes.count == 3, digits(slashes), slashes[2].count == 4, slashes[0].count <= 2, slashes[1].count <= 2 {
            guard let y = Int(slashes[2]), let m = Int(slashes[1]), let d = Int(slashes[0]) else { return nil }
            return Day(year: y, month: m, day: d)
        }
        if dashes.count == 3, digits(dashes), dashes[0].count == 4, dashes[1].count == 2, dashes[2].count == 2 {
            guard let y = Int(dashes[0]), let m = Int(dashes[1]), let d = Int(dashes[2]) else { return nil }
            return Day(year: y, month: m, day: d)
        }
        return nil
    }
}

/// `SOURCE_DATE_EPOCH` set to something that is not a date.
public struct DocumentDateError: Error, Equatable, CustomStringConvertible {
    public let raw: String
    public var description: String {
        "SOURCE_DATE_EPOCH vaut « \(raw) » : ce doit être un nombre entier de secondes depuis le 1er janvier 1970, positif ou nul, d'une date avant 2201 (par exemple `date +%s`) ; retirez la variable pour dater le classeur d'aujourd'hui"
    }
}

