import CYAML
import MaquetteCore

/// A position in a plan file, 1-based, columns counted in characters (as libyaml counts them).
struct Mark: Sendable, Equatable {
    let line: Int
    let column: Int
}

enum ScalarStyle: UInt8, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

enum NodeKind: UInt8, Sendable {
    case scalar, mapping, sequence
}

/// One node of a plan file's YAML, flat: the file's nodes are one array in document order (a
/// container before its children), so a container's children follow it and `next` jumps past a
/// whole subtree. A scalar's text is a byte range of the document's one byte buffer: Maquette
/// reads every value with its own parsers, so no tag resolution is ever done, and a String is
/// made only for a text the reader keeps or reports.
struct NodeRecord: Sendable {
    /// Index just past this node's subtree (a scalar: the next index).
    var next: Int32
    /// A scalar: first byte of its text; a container: unused.
    var start: Int32
    /// A scalar: bytes of its text; a container: number of children (twice its pairs for a mapping).
    var count: Int32
    var line: Int32
    var column: Int32
    var kind: NodeKind
    var style: ScalarStyle
    /// A mapping written `{ … }` rather than as indented lines.
    var isFlow: Bool
}

/// A plan file's nodes and their scalars' bytes. Anchors, aliases, tags and more than one
/// document are refused while parsing, so the nodes are always a tree.
///
/// Both are kept in plain buffers the document owns, handed over by ``YAMLComposer`` as it
/// built them: no copy into arrays, and reading a record or a scalar counts no reference.
final class YAMLDocument: @unchecked Sendable {
    private var recordStore: UnsafeMutablePointer<NodeRecord>
    private var recordCount = 0
    private var recordCapacity: Int
    private var byteStore: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity: Int

    /// The records in document order (valid until ``appendScalar(_:style:mark:)``).
    var records: UnsafeBufferPointer<NodeRecord> { UnsafeBufferPointer(start: recordStore, count: recordCount) }
    /// The scalars' bytes (valid until ``appendScalar(_:style:mark:)``).
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: byteStore, count: byteCount) }

    init() {
        (recordCapacity, byteCapacity) = (1, 1)
        recordStore = .allocate(capacity: recordCapacity)
        byteStore = .allocate(capacity: byteCapacity)
    }

    deinit {
        recordStore.deallocate()
        byteStore.deallocate()
    }

    /// Takes the buffers a composer filled (which it must no longer use), in place of its own.
    fileprivate func adopt(
        records: UnsafeMutablePointer<NodeRecord>, count: Int, capacity: Int, bytes: UnsafeMutablePointer<UInt8>, used: Int, room: Int
    ) {
        recordStore.deallocate()
        byteStore.deallocate()
        (recordStore, recordCount, recordCapacity) = (records, count, capacity)
        (byteStore, byteCount, byteCapacity) = (bytes, used, room)
    }

    var root: Node? { recordCount == 0 ? nil : Node(document: self, index: 0) }

    /// Calls `body` with the root (`nil` for an empty file), the document kept alive until it
    /// returns: node handles do not keep it (``Node``).
    func withRoot<R>(_ body: (Node?) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(root) }
    }

    /// A scalar that is not in the file (a value put back together by a reader), at `mark`.
    func appendScalar(_ text: String, style: ScalarStyle, mark: Mark) -> Node {
        let start = byteCount
        for byte in text.utf8 {
            if byteCount == byteCapacity { byteStore = doubled(byteStore, count: byteCount, capacity: &byteCapacity) }
            (byteStore + byteCount).initialize(to: byte)
            byteCount += 1
        }
        if recordCount == recordCapacity { recordStore = doubled(recordStore, count: recordCount, capacity: &recordCapacity) }
        let index = recordCount
        (recordStore + index).initialize(
            to: NodeRecord(
                next: Int32(index + 1), start: Int32(start), count: Int32(byteCount - start), line: Int32(mark.line),
                column: Int32(mark.column), kind: .scalar, style: style, isFlow: false))
        recordCount += 1
        return Node(document: self, index: index)
    }
}

extension UnsafeBufferPointer {
    /// `body` of the buffer itself: a document's records and bytes read as an array's would.
    @inline(__always)
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R { try body(self) }
}

/// A handle on one node of a ``YAMLDocument``: a copy is a pointer and an index, counting no
/// reference (a file's reading makes thousands of handles, and each count is an atomic
/// operation). The document must outlive its handles: every reading holds it to the end
/// (``YAMLDocument/withRoot(_:)``), and no handle is kept past the reading of its file.
struct Node: @unchecked Sendable {
    private let unmanagedDocument: Unmanaged<YAMLDocument>
    let index: Int

    init(document: YAMLDocument, index: Int) {
        unmanagedDocument = .passUnretained(document)
        self.index = index
    }

    /// The document, as a counted reference (for the few uses that keep or change it).
    var document: YAMLDocument { unmanagedDocument.takeUnretainedValue() }

    /// Calls `body` with the document, no reference counted.
    @inline(__always)
    private func withDocument<R>(_ body: (YAMLDocument) -> R) -> R { unmanagedDocument._withUnsafeGuaranteedRef(body) }

    private var record: NodeRecord { withDocument { $0.records[index] } }

    var kind: NodeKind { record.kind }
    var style: ScalarStyle { record.style }
    var isFlow: Bool { record.isFlow }
    var isScalar: Bool { record.kind == .scalar }
    var mark: Mark {
        let r = record
        return Mark(line: Int(r.line), column: Int(r.column))
    }

    /// A scalar's text as written (unescaped by libyaml); empty for a container.
    var scalarText: String {
        let r = record
        guard r.kind == .scalar, r.count > 0 else { return "" }
        return withDocument {
            $0.bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[Int(r.start)..<Int(r.start + r.count)]), as: UTF8.self)
            }
        }
    }

    /// Calls `body` with a scalar's bytes (none for a container).
    func withScalarBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = record
        let count = r.kind == .scalar ? Int(r.count) : 0
        return withDocument { $0.bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(r.start)..<Int(r.start) + count])) } }
    }

    /// Whether a scalar's text, trimmed, ends with `%` (a rate rather than an amount).
    var endsWithPercent: Bool {
        let ascii: Bool? = withScalarBytes { b in
            guard !b.contains(where: { $0 >= 0x80 }) else { return nil }
            // ASCII: every character is one byte; spaces, tabs and line ends are trimmed.
            var i = b.count - 1
            while i >= 0, b[i] == 0x20 || (0x09...0x0D).contains(b[i]) { i -= 1 }
            return i >= 0 && b[i] == UInt8(ascii: "%")
        }
        return ascii ?? scalarText.trimmingWhitespace().hasSuffix("%")
    }

    /// Whether this is a scalar with no text at all.
    var isEmptyScalar: Bool {
        let r = record
        return r.kind == .scalar && r.count == 0
    }

    /// Whether this is a scalar whose bytes are exactly `text`'s.
    func isScalar(_ text: String) -> Bool {
        let r = record
        guard r.kind == .scalar else { return false }
        return equals(start: Int(r.start), count: Int(r.count), text)
    }

    /// Whether the bytes at `start..<start+count` of the document are `text`'s.
    func equals(start: Int, count: Int, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { t in
            guard t.count == count else { return false }
            return withDocument { $0.bytes.withUnsafeBufferPointer { b in
                var i = 0
                while i < count {
                    if b[start + i] != t[i] { return false }
                    i += 1
                }
                return true
            } }
        }
    }

    /// A container's number of children (a mapping: keys and values).
    var childCount: Int { record.kind == .scalar ? 0 : Int(record.count) }

    /// A mapping's entries in file order (duplicates are kept: the readers report them).
    var pairs: Pairs { Pairs(node: self) }
    /// A sequence's items in file order.
    var items: Items { Items(node: self) }

    struct Pairs: Sequence {
        let node: Node
        var count: Int { node.childCount / 2 }
        func makeIterator() -> Iterator {
            Iterator(document: node.document, at: node.index + 1, left: node.childCount / 2)
        }
        struct Iterator: IteratorProtocol {
            let document: YAMLDocument
            var at: Int
            var left: Int
            mutating func next() -> (Node, Node)? {
                guard left > 0 else { return nil }
                left -= 1
                let key = at
                let value = Int(document.records[key].next)
                at = Int(document.records[value].next)
                return (Node(document: document, index: key), Node(document: document, index: value))
            }
        }
    }

    struct Items: Sequence {
        let node: Node
        var count: Int { node.childCount }
        var isEmpty: Bool { node.childCount == 0 }
        var last: Node? {
            var last: Node?
            for item in self { last = item }
            return last
        }
        func makeIterator() -> Iterator { Iterator(document: node.document, at: node.index + 1, left: node.childCount) }
        struct Iterator: IteratorProtocol {
            let document: YAMLDocument
            var at: Int
            var left: Int
            mutating func next() -> Node? {
                guard left > 0 else { return nil }
                left -= 1
                let item = at
                at = Int(document.records[item].next)
                return Node(document: document, index: item)
            }
        }
    }
}

/// Builds a ``YAMLDocument`` from libyaml's event parser (Debian's libyaml-dev).
///
/// Everything plan files never need and that could exhaust the machine is refused from the
/// parser's own events, not from the raw bytes: anchors and aliases (the "billion laughs" bomb
/// is built from them), explicit tags (`!!python/object`), nesting deeper than `maximumDepth`,
/// and a second document. The first problem stops the parse: what follows could not be trusted.
struct YAMLComposer {
    let file: String
    let maximumDepth: Int

    enum Problem: Error {
        /// libyaml's own problem text, its context (may be empty), and where.
        case syntax(problem: String, context: String, mark: Mark, opened: Mark? = nil)
        case refused(message: String, remedy: String, mark: Mark)
    }

    /// The document (its root is `nil` for an empty file), or the first problem.
    func compose(_ text: String) -> Result<YAMLDocument, Problem> {
        var text = text
        if text.isEmpty { text = "\n" }
        return text.withUTF8 { buffer -> Result<YAMLDocument, Problem> in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(.syntax(problem: "memory error", context: "", mark: Mark(line: 1, column: 1)))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return run(&parser, buffer)
        }
    }

    /// Line and column (in characters) of a byte offset: libyaml's reader errors give only that.
    static func mark(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for i in 0..<min(offset, bytes.count) {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }

    private func run(_ parser: inout yaml_parser_t, _ input: UnsafeBufferPointer<UInt8>) -> Result<YAMLDocument, Problem> {
        let document = YAMLDocument()
        // Scalars hold about a third of a plan file's bytes; records about one per nine bytes
        // (an operation file in `{ … }` tables of 1.6 KB has about 170): room for one per eight.
        // The records and the scalars' bytes are gathered in plain buffers (no array checks per
        // event), then handed over to the document as they are.
        var recordCapacity = input.count / 8 + 16
        var records = UnsafeMutablePointer<NodeRecord>.allocate(capacity: recordCapacity)
        var recordCount = 0
        var capacity = input.count / 2 + 64
        var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var used = 0
        // The open containers, as indexes of their records: never more than `maximumDepth + 1`
        // (one more is refused at once).
        let stack = UnsafeMutablePointer<Int>.allocate(capacity: maximumDepth + 2)
        var depth = 0
        defer {
            document.adopt(records: records, count: recordCount, capacity: recordCapacity, bytes: bytes, used: used, room: capacity)
            stack.deallocate()
        }
        func append(_ record: NodeRecord) {
            if recordCount == recordCapacity { records = doubled(records, count: recordCount, capacity: &recordCapacity) }
            (records + recordCount).initialize(to: record)
            recordCount += 1
        }
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem = parser.problem.map { String(cString: $0) } ?? "erreur inconnue"
                let context = parser.context.map { String(cString: $0) } ?? ""
                let m = parser.problem_mark
                let c = parser.context_mark
                let mark =
                    parser.error == YAML_READER_ERROR
                    ? Self.mark(ofOffset: Int(parser.problem_offset), in: input) : Mark(line: Int(m.line) + 1, column: Int(m.column) + 1)
                // An unclosed quote or bracket is found at the end of the file; where it was
                // opened (libyaml's context mark) is where to look.
                let opened = context.isEmpty || parser.error == YAML_READER_ERROR ? nil : Mark(line: Int(c.line) + 1, column: Int(c.column) + 1)
                return .failure(.syntax(problem: problem, context: context, mark: mark, opened: opened == mark ? nil : opened))
            }
            defer { yaml_event_delete(&event) }
            let line = Int32(truncatingIfNeeded: event.start_mark.line + 1)
            let column = Int32(truncatingIfNeeded: event.start_mark.column + 1)
            var mark: Mark { Mark(line: Int(line), column: Int(column)) }
            var started = false
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .success(document)
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    return .failure(
                        .refused(
                            message: "un fichier de plan ne contient qu'un seul document YAML",
                            remedy: "retirez la ligne `---` et ce qui la suit, ou faites-en un autre fichier", mark: mark))
                }
            case YAML_ALIAS_EVENT:
                return .failure(refusedAnchor("*", mark))
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                if let problem = refused(anchor: data.anchor, tag: data.tag, mark: mark) { return .failure(problem) }
                let start = used
                if data.length > 0, let value = data.value {
                    if used + data.length > capacity {
                        capacity = max(2 * capacity, used + data.length)
                        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                        UnsafeMutableRawPointer(larger).copyMemory(from: bytes, byteCount: used)
                        bytes.deallocate()
                        bytes = larger
                    }
                    UnsafeMutableRawPointer(bytes + used).copyMemory(from: value, byteCount: data.length)
                    used += data.length
                }
                append(
                    NodeRecord(
                        next: Int32(recordCount + 1), start: Int32(start), count: Int32(data.length), line: line, column: column,
                        kind: .scalar, style: Self.style(data.style), isFlow: false))
                started = true
            case YAML_SEQUENCE_START_EVENT:
                let data = event.data.sequence_start
                if let problem = refused(anchor: data.anchor, tag: data.tag, mark: mark) { return .failure(problem) }
                append(NodeRecord(next: 0, start: 0, count: 0, line: line, column: column, kind: .sequence, style: .plain, isFlow: false))
                started = true
            case YAML_MAPPING_START_EVENT:
                let data = event.data.mapping_start
                if let problem = refused(anchor: data.anchor, tag: data.tag, mark: mark) { return .failure(problem) }
                append(
                    NodeRecord(
                        next: 0, start: 0, count: 0, line: line, column: column, kind: .mapping, style: .plain,
                        isFlow: data.style == YAML_FLOW_MAPPING_STYLE))
                started = true
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if depth > 0 {
                    depth -= 1
                    records[stack[depth]].next = Int32(recordCount)
                }
            default:
                break
            }
            if started {
                // A child of the innermost open container (the first node is the root).
                if depth > 0 { records[stack[depth - 1]].count += 1 }
                if records[recordCount - 1].kind != .scalar {
                    stack[depth] = recordCount - 1
                    depth += 1
                }
            }
            if depth > maximumDepth {
                return .failure(
                    .refused(
                        message: "imbrication trop profonde (plus de \(maximumDepth) niveaux)",
                        remedy: "un plan n'a que quelques niveaux : vérifiez les crochets et l'indentation", mark: mark))
            }
        }
    }

    @inline(__always)
    private func refused(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, mark: @autoclosure () -> Mark) -> Problem? {
        if anchor == nil && tag == nil { return nil }
        return refusal(anchor: anchor, tag: tag, mark: mark())
    }

    private func refusal(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, mark: Mark) -> Problem? {
        if anchor != nil { return refusedAnchor("&", mark) }
        if let tag {
            var name = String(cString: tag)
            if name.hasPrefix("tag:yaml.org,2002:") { name = "!!" + name.dropFirst("tag:yaml.org,2002:".count) }
            return .refused(
                message: "les étiquettes YAML (`\(name)`) ne sont pas acceptées dans les plans",
                remedy: "retirez l'étiquette ; mettez entre guillemets un texte qui commence par `!`", mark: mark)
        }
        return nil
    }

    private func refusedAnchor(_ sign: String, _ mark: Mark) -> Problem {
        .refused(
            message: "les ancres et alias YAML (`&`, `*`) ne sont pas acceptés dans les plans",
            remedy: "écrivez chaque valeur en entier ; mettez entre guillemets un texte qui commence par `\(sign)`", mark: mark)
    }

    private static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}

/// `buffer`, holding `count` elements, moved into room for twice `capacity`, which it doubles
/// (the composer's and the tables' plain buffers grow this way).
@inline(__always)
func doubled<T>(_ buffer: UnsafeMutablePointer<T>, count: Int, capacity: inout Int) -> UnsafeMutablePointer<T> {
    capacity *= 2
    let larger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
    larger.moveInitialize(from: buffer, count: count)
    buffer.deallocate()
    return larger
}
