import CYAML
import MaquetteCore

/// A position in a plan file, 1-based, columns counted in characters (as libyaml counts them).
struct Mark: Sendable, Equatable {
    let line: Int
    let column: Int
}

enum ScalarStyle: Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A scalar exactly as written: Maquette reads every value's text with its own parsers, so no
/// tag resolution is ever done.
struct Scalar: Sendable {
    let string: String
    let style: ScalarStyle
    let mark: Mark
}

/// A mapping's entries in file order (duplicates are kept: the readers report them).
struct Mapping: Sendable, Sequence {
    let pairs: [(Node, Node)]
    let mark: Mark
    /// Written `{ … }` rather than as indented lines.
    let isFlow: Bool
    func makeIterator() -> IndexingIterator<[(Node, Node)]> { pairs.makeIterator() }
}

struct NodeList: Sendable, Sequence {
    let items: [Node]
    let mark: Mark
    func makeIterator() -> IndexingIterator<[Node]> { items.makeIterator() }
}

/// One YAML node of a plan file: only what plan files use. Anchors, aliases, tags and more than
/// one document are refused while parsing, so a node is always a tree. Each node is boxed: a
/// copy, as the readers make many, is one reference count rather than a copy of its payload.
indirect enum Node: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(NodeList)

    var mark: Mark {
        switch self {
        case .scalar(let s): return s.mark
        case .mapping(let m): return m.mark
        case .sequence(let l): return l.mark
        }
    }
}

/// Builds ``Node`` trees from libyaml's event parser (Debian's libyaml-dev).
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

    /// A mapping or sequence whose end has not come yet; its children so far are the nodes of
    /// the shared pending list from `first` on (one list for all, no array grown per container).
    private struct Open {
        let isMapping: Bool
        let isFlow: Bool
        let mark: Mark
        let first: Int
    }

    /// The document's root (`nil` for an empty file), or the first problem.
    func compose(_ text: String) -> Result<Node?, Problem> {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { utf8 = [0x0A] }
        return utf8.withUnsafeMutableBufferPointer { buffer -> Result<Node?, Problem> in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(.syntax(problem: "memory error", context: "", mark: Mark(line: 1, column: 1)))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return run(&parser, UnsafeBufferPointer(buffer))
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

    private func run(_ parser: inout yaml_parser_t, _ bytes: UnsafeBufferPointer<UInt8>) -> Result<Node?, Problem> {
        var stack: [Open] = []
        var pending: [Node] = []
        var root: Node?
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
                    ? Self.mark(ofOffset: Int(parser.problem_offset), in: bytes) : Mark(line: Int(m.line) + 1, column: Int(m.column) + 1)
                // An unclosed quote or bracket is found at the end of the file; where it was
                // opened (libyaml's context mark) is where to look.
                let opened = context.isEmpty || parser.error == YAML_READER_ERROR ? nil : Mark(line: Int(c.line) + 1, column: Int(c.column) + 1)
                return .failure(.syntax(problem: problem, context: context, mark: mark, opened: opened == mark ? nil : opened))
            }
            defer { yaml_event_delete(&event) }
            let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            var finished: Node?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .success(root)
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
                let string = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                finished = .scalar(Scalar(string: string, style: Self.style(data.style), mark: mark))
            case YAML_SEQUENCE_START_EVENT:
                let data = event.data.sequence_start
                if let problem = refused(anchor: data.anchor, tag: data.tag, mark: mark) { return .failure(problem) }
                stack.append(Open(isMapping: false, isFlow: false, mark: mark, first: pending.count))
            case YAML_MAPPING_START_EVENT:
                let data = event.data.mapping_start
                if let problem = refused(anchor: data.anchor, tag: data.tag, mark: mark) { return .failure(problem) }
                stack.append(Open(isMapping: true, isFlow: data.style == YAML_FLOW_MAPPING_STYLE, mark: mark, first: pending.count))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { break }
                let children = pending[open.first...]
                if open.isMapping {
                    var pairs: [(Node, Node)] = []
                    pairs.reserveCapacity(children.count / 2)
                    var i = children.startIndex
                    while i + 1 < children.endIndex {
                        pairs.append((children[i], children[i + 1]))
                        i += 2
                    }
                    finished = .mapping(Mapping(pairs: pairs, mark: open.mark, isFlow: open.isFlow))
                } else {
                    finished = .sequence(NodeList(items: Array(children), mark: open.mark))
                }
                pending.removeSubrange(open.first...)
            default:
                break
            }
            if stack.count > maximumDepth {
                return .failure(
                    .refused(
                        message: "imbrication trop profonde (plus de \(maximumDepth) niveaux)",
                        remedy: "un plan n'a que quelques niveaux : vérifiez les crochets et l'indentation", mark: mark))
            }
            if let node = finished {
                if stack.isEmpty { root = node } else { pending.append(node) }
            }
        }
    }

    private func refused(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?, mark: Mark) -> Problem? {
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
