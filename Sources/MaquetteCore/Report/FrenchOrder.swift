/// The order of a French list: letters compared without case or accents (« État » between
/// « Département » and « Région », not after « Union européenne » as in Unicode order).
enum FrenchOrder {
    static func key(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.lowercased() {
            switch c {
            case "à", "â", "ä", "á": out.append("a")
            case "é", "è", "ê", "ë": out.append("e")
            case "î", "ï", "í": out.append("i")
            case "ô", "ö", "ó": out.append("o")
            case "ù", "û", "ü", "ú": out.append("u")
            case "ç": out.append("c")
            case "œ": out.append("oe")
            case "æ": out.append("ae")
            case "ÿ": out.append("y")
            default: out.append(c)
            }
        }
        return out
    }
}
