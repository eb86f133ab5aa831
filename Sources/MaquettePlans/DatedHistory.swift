import MaquetteCore

extension NodeReader {
    /// Checks a dated history as written (`[{ depuis: …, valeur: … }, …]`): at least one value,
    /// and one value a day — two values from the same day leave the reader to guess which holds.
    /// `days` are the `depuis` read, each with the item it belongs to.
    func checkHistory(_ list: Node, _ days: [(Day, Node)], _ what: String) {
        if days.isEmpty, list.kind == .sequence, list.items.isEmpty {
            error(list, "\(what) : liste vide", "écrivez une valeur, ou au moins une valeur datée `{ depuis: AAAA-MM-JJ, valeur: … }`", rule: .cleManquante)
            return
        }
        var seen: [Day: Node] = [:]
        for (day, item) in days {
            if seen[day] != nil {
                error(item, "\(what) : deux valeurs datées du même jour (depuis \(day.formatted))", "gardez une seule valeur par date, ou corrigez la date de l'une d'elles")
            } else {
                seen[day] = item
            }
        }
    }
}
