/// Where the keys of one table of a plan file were written (`montant`, `taux`, `statut`…): a
/// handful of keys per table, kept as a small array with the file named once rather than as a
/// dictionary of locations.
public struct KeyLocations: Sendable, Equatable {
    public private(set) var file: String
    private var entries: [Entry] = []

    struct Entry: Sendable, Equatable {
        let key: String
        let line: Int32
        let column: Int32
    }

    public init(file: String = "", capacity: Int = 0) {
        self.file = file
        entries.reserveCapacity(capacity)
    }

    /// Adds a key's position; the first position of a key is the one kept.
    public mutating func append(_ key: String, line: Int, column: Int) {
        entries.append(Entry(key: key, line: Int32(clamping: line), column: Int32(clamping: column)))
    }

    public var count: Int { entries.count }

    public subscript(key: String) -> SourceLocation? {
        guard let e = entries.first(where: { $0.key == key }) else { return nil }
        return SourceLocation(file: file, line: Int(e.line), column: Int(e.column))
    }
}
