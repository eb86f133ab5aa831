import MaquetteCore

/// The deadlines as an iCalendar file (RFC 5545) that Outlook and Thunderbird import: one all-day
/// VEVENT per deadline with a VALARM 30 days ahead (RFC durations have no months), a UID made
/// from the deadline's stable key so that importing again updates the events, CRLF line ends and
/// lines folded at 75 octets.
public enum ICalendar {
    /// Days before the deadline that the reminder fires.
    public static let reminderDays = 30

    public static func render(_ deadlines: [Deadline], programme: Programme, today: Day) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maquette//Echeances//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape("Échéances — \(programme.name)"),
        ]
        // The stamp is the day the list was made (`--date`, SOURCE_DATE_EPOCH): same input, same file.
        let stamp = basic(today) + "T000000Z"
        for d in deadlines {
            let summary = [d.kind.label.prefix(1).uppercased() + d.kind.label.dropFirst(), d.dispositif, d.operationTitle].compactMap { $0 }.joined(separator: " — ")
            var description = d.title
            if let funder = d.funder { description += "\nFinanceur : \(funder)" }
            if let operation = d.operation { description += "\nOpération : \(operation)" }
            if !d.reference.isEmpty { description += "\nRéférence : \(d.reference)" }
            if let location = d.location { description += "\nPlan : \(location.file):\(location.line)" }
            if d.losesGrant { description += "\nPassé ce jour, l'aide est perdue." }
            let end = d.day.adding(days: 1) ?? d.day
            lines += [
                "BEGIN:VEVENT",
                "UID:" + escape("\(d.key)@\(programme.id).maquette"),
                "DTSTAMP:" + stamp,
                "DTSTART;VALUE=DATE:" + basic(d.day),
                "DTEND;VALUE=DATE:" + basic(end),
                "SUMMARY:" + escape(summary),
                "DESCRIPTION:" + escape(description),
                "CATEGORIES:" + escape(d.kind.label),
                "TRANSP:TRANSPARENT",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:" + escape(summary),
                "TRIGGER:-P\(reminderDays)D",
                "END:VALARM",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20270131`.
    static func basic(_ day: Day) -> String { day.iso.replacingOccurrences(of: "-", with: "") }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newline; every other
    /// control character is dropped. Done on Unicode scalars, not Characters: "\r\n" is one
    /// Character in Swift, and must not slip through as a real line break.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            default:
                if c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029 { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets (§3.1): CRLF then a space, never inside a UTF-8 sequence.
    public static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > 75 {
                out += "\r\n "
                octets = 1
            }
            out.unicodeScalars.append(scalar)
            octets += size
        }
        return out
    }
}
