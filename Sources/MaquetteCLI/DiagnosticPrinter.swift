import Foundation
import MaquetteCore
import MaquettePlans

/// The one place where diagnostics become text:
/// `fichier:ligne:colonne: erreur: [règle] message`, the line with a caret, then the notes.
struct DiagnosticPrinter {
    let sources: [String: String]
    let colour: Bool
    /// Line starts of each file, found once (a file can have thousands of diagnostics).
    private let lines = LineIndex()

    /// How many characters of a line an excerpt shows at most, centred on the column.
    static let excerptWidth = 100
    /// Past this many diagnostics in one file, the text output says how many more there are
    /// (`--format json` gives them all): thousands of one mistake repeated help nobody.
    static let maximumPerFile = 200

    init(sources: [String: String], colour: Bool) {
        self.sources = sources
        self.colour = colour
    }

    static func terminalSupportsColour(_ fd: Int32) -> Bool {
        isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    private func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func render(_ d: Diagnostic) -> String {
        var out = ""
        let severity = d.severity == .erreur ? paint("erreur", "1;31") : paint("avertissement", "1;33")
        let prefix = d.location.map { "\(Self.visible($0.file, singleLine: true)):\($0.line):\($0.column): " } ?? ""
        let operation = d.location == nil ? d.operation.map { "(\($0)) " } ?? "" : ""
        out += "\(paint(prefix, "1"))\(severity): [\(d.rule)] \(Self.visible(Self.shortened(operation + d.message), singleLine: true))\n"
        if let location = d.location, let text = sources[location.file], let line = lines.line(location.line, of: location.file, text: text) {
            let (excerpt, caretColumn) = Self.excerpt(of: line, column: location.column)
            let number = String(location.line)
            let gutter = Self.spaces(number.utf8.count)
            out += " \(number) | \(excerpt)\n"
            // The caret under the character: as many cells as the excerpt takes before it on
            // a terminal (a combining accent takes none, an ideograph or an emoji two).
            let cells = Self.asciiCells(excerpt, caretColumn - 1) ?? Self.cells(of: excerpt.unicodeScalars.prefix(caretColumn - 1))
            out += " \(gutter) | \(Self.spaces(cells))\(paint("^", "1;32"))\n"
        }
        for note in d.notes { out += "  = \(Self.visible(Self.shortened(note), singleLine: true))\n" }
        return out
    }

    /// Every diagnostic, each followed by a blank line, at most ``maximumPerFile`` per file.
    func render(_ diagnostics: [Diagnostic]) -> [String] {
        let (kept, more) = selected(diagnostics)
        // Thousands of diagnostics (a large programme) are rendered on every core, in order.
        return Concurrent.map(kept, minimumChunk: 256) { render($0) } + more
    }

    /// What ``render(_:)`` gives, with a line end after each part, in a few long texts to be
    /// written one after the other: the diagnostics are rendered and joined on every core, a block
    /// at a time, so that no part is made, kept and freed on its own.
    func renderBlocks(_ diagnostics: [Diagnostic]) -> [String] {
        let (kept, more) = selected(diagnostics)
        let size = 256
        let blocks = stride(from: 0, to: kept.count, by: size).map { $0..<min($0 + size, kept.count) }
        var texts = Concurrent.map(blocks, minimumChunk: 1) { range -> String in
            var text = ""
            for d in kept[range] {
                text += render(d)
                text += "\n"
            }
            return text
        }
        if !more.isEmpty { texts.append(more.map { $0 + "\n" }.joined()) }
        return texts
    }

    /// The diagnostics shown, at most ``maximumPerFile`` per file in their order, and for each
    /// file that has more, in name order, the line that says how many are not.
    private func selected(_ diagnostics: [Diagnostic]) -> (kept: [Diagnostic], more: [String]) {
        var shown: [String: Int] = [:]
        var hidden: [String: Int] = [:]
        var kept: [Diagnostic] = []
        kept.reserveCapacity(diagnostics.count)
        // Diagnostics come by file: the count of the current file is kept at hand. While each
        // file comes after the one before in name order (diagnostics in order), none comes back
        // and no count need be kept by name; from the first that does not, counts are.
        var current: String?
        var count = 0
        var increasing = true
        for d in diagnostics {
            let file = d.location?.file ?? ""
            if file != current {
                if let current {
                    if increasing, file < current {
                        increasing = false
                        // Every file so far came once: their counts are the ones that matter.
                        shown = Dictionary(kept.map { ($0.location?.file ?? "", 1) }, uniquingKeysWith: +)
                    }
                    if !increasing { shown[current] = count }
                }
                (current, count) = (file, increasing ? 0 : shown[file] ?? 0)
            }
            if count >= Self.maximumPerFile {
                hidden[file, default: 0] += 1
                continue
            }
            count += 1
            kept.append(d)
        }
        let more = hidden.sorted(by: { $0.key < $1.key }).map { file, count in
            "\(Self.visible(file)) : \(count) autres problèmes non affichés (les \(Self.maximumPerFile) premiers le sont) ; `--format json` les donne tous\n"
        }
        return (kept, more)
    }

    /// `count` spaces, written at once (`String(repeating:count:)` appends them one by one).
    static func spaces(_ count: Int) -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(repeating: 0x20)
            return count
        }
    }

    /// The part of `line` around `column` (1-based, in characters) that fits ``excerptWidth``,
    /// with `…` where it is cut, tabs as spaces and control characters made visible; and the
    /// column of the caret in it.
    static func excerpt(of line: String, column: Int) -> (String, Int) {
        // A line without tab or control character (most lines, accents, `«`, `€` and no-break
        // spaces included) is cut on its bytes: nothing to replace, no character by character.
        var bytes = line
        switch bytes.withUTF8({ cleanExcerpt($0, column: column) }) {
        case .whole(let caret): return (line, caret)
        case .cut(let text, let caret): return (text, caret)
        case nil: return generalExcerpt(of: line, column: column)
        }
    }

    /// ``excerpt(of:column:)`` character by character, for any line.
    static func generalExcerpt(of line: String, column: Int) -> (String, Int) {
        let scalars = Array(line.unicodeScalars)
        let column = max(1, min(column, scalars.count + 1))
        var start = 0
        var end = scalars.count
        if scalars.count > excerptWidth {
            start = max(0, min(column - 1 - excerptWidth / 2, scalars.count - excerptWidth))
            end = min(scalars.count, start + excerptWidth)
        }
        var text = start > 0 ? "…" : ""
        for scalar in scalars[start..<end] {
            text.unicodeScalars.append(scalar == "\t" ? " " : (isControl(scalar) ? "\u{FFFD}" : scalar))
        }
        if end < scalars.count { text += "…" }
        return (text, column - start + (start > 0 ? 1 : 0))
    }

    enum CleanExcerpt {
        /// The whole line, and the caret's column.
        case whole(Int)
        /// The part shown (with `…` where cut), and the caret's column in it.
        case cut(String, Int)
    }

    /// ``excerpt(of:column:)`` of a line's UTF-8 bytes when they hold no control character (C0,
    /// DEL, C1 codes `C2 80`–`C2 9F`; a tab is one too): the same characters cut at the same
    /// places, counted from the bytes that begin a character; nil for a line to take character
    /// by character.
    static func cleanExcerpt(_ b: UnsafeBufferPointer<UInt8>, column: Int) -> CleanExcerpt? {
        var scalars = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x20 || c == 0x7F { return nil }
            if c == 0xC2, i + 1 < b.count, b[i + 1] <= 0x9F { return nil }
            // A byte 10xxxxxx continues a character; every other one begins one.
            if c & 0xC0 != 0x80 { scalars += 1 }
            i += 1
        }
        let column = max(1, min(column, scalars + 1))
        guard scalars > excerptWidth else { return .whole(column) }
        let start = max(0, min(column - 1 - excerptWidth / 2, scalars - excerptWidth))
        let end = min(scalars, start + excerptWidth)
        // The byte offsets where characters `start` and `end` begin.
        var startByte = b.count
        var endByte = b.count
        var n = 0
        i = 0
        while i < b.count {
            if b[i] & 0xC0 != 0x80 {
                if n == start { startByte = i }
                if n == end {
                    endByte = i
                    break
                }
                n += 1
            }
            i += 1
        }
        var text = start > 0 ? "…" : ""
        text += String(decoding: UnsafeBufferPointer(rebasing: b[startByte..<endByte]), as: UTF8.self)
        if end < scalars { text += "…" }
        return .cut(text, column - start + (start > 0 ? 1 : 0))
    }

    /// A message quoting a huge key or value is cut: the excerpt shows where it is.
    static func shortened(_ text: String, limit: Int = 400) -> String {
        // No more bytes than `limit`: no more characters either (a character takes one byte or more).
        guard text.utf8.count > limit, text.utf8.count > limit * 4 || text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// The cells `scalar` takes on a terminal, from its Unicode properties: none for a combining
    /// mark or a format character, two for an emoji shown as such, an ideograph, a Hangul
    /// syllable or a fullwidth form, else one.
    static func cells(_ scalar: Unicode.Scalar) -> Int {
        // Printable ASCII, most of what plan files hold: one cell, no property looked up.
        if (0x20..<0x7F).contains(scalar.value) { return 1 }
        let p = scalar.properties
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if p.isEmojiPresentation || p.isIdeographic { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0xAC00...0xD7A3, 0xFF01...0xFF60, 0xFFE0...0xFFE6: return 2
        default: return 1
        }
    }

    /// The cells `scalars` take on a terminal, emoji sequences counted as the one glyph a
    /// terminal shows: the emoji selector U+FE0F widens the emoji before it to two cells, a pair
    /// of regional indicators is one flag (two cells), and what a zero-width joiner joins to the
    /// emoji before it takes no cell of its own.
    static func cells<S: Sequence<Unicode.Scalar>>(of scalars: S) -> Int {
        var total = 0
        // The last scalar that is neither a selector nor a joiner, and the cells counted for it.
        var base: Unicode.Scalar?
        var baseCells = 0
        var afterJoiner = false
        var flagOpen = false
        for scalar in scalars {
            switch scalar.value {
            case 0xFE0F:
                if let b = base, b.properties.isEmoji, baseCells == 1 {
                    total += 1
                    baseCells = 2
                }
                continue
            case 0x200D:
                afterJoiner = base?.properties.isEmoji ?? false
                continue
            default: break
            }
            let width: Int
            if afterJoiner && scalar.properties.isEmoji {
                width = 0
            } else if (0x1F1E6...0x1F1FF).contains(scalar.value) {
                width = flagOpen ? 0 : 2
                flagOpen.toggle()
            } else {
                width = cells(scalar)
            }
            if !(0x1F1E6...0x1F1FF).contains(scalar.value) { flagOpen = false }
            afterJoiner = false
            total += width
            base = scalar
            baseCells = width == 0 ? 2 : width
        }
        return total
    }

    /// ``cells(of:)`` of the first `count` characters of `text` when they are all printable
    /// ASCII (one cell each, most excerpts); nil otherwise.
    static func asciiCells(_ text: String, _ count: Int) -> Int? {
        var text = text
        return text.withUTF8 { b in
            guard count >= 0, count <= b.count else { return nil }
            for i in 0..<count where !(0x20..<0x7F).contains(b[i]) { return nil }
            return count
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }

    /// `text` with terminal control characters (ESC sequences, C1 codes) replaced by `�`: a plan
    /// or a file name never drives the terminal it is printed on.
    static func visible(_ text: String, singleLine: Bool = false) -> String {
        func replaced(_ scalar: Unicode.Scalar) -> Bool {
            if scalar == "\t" { return false }
            if scalar == "\n" { return singleLine }
            return isControl(scalar) || TextSafety.isInvisible(scalar)
        }
        guard mayHoldReplaced(text, singleLine: singleLine), text.unicodeScalars.contains(where: replaced) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            out.unicodeScalars.append(replaced(scalar) ? (scalar == "\n" ? "↵" : "\u{FFFD}") : scalar)
        }
        return out
    }

    /// Whether `text` may hold a character ``visible(_:singleLine:)`` replaces, from its UTF-8
    /// bytes: a control character (a tab is kept, a newline too unless on a single line), a C1
    /// code (`C2 80`–`C2 9F`), or an invisible one (`E2 80 …`, `E2 81 …`, `EF BB …`, `EF BF …`,
    /// which hold them all). False means none; true, look at the characters.
    static func mayHoldReplaced(_ text: String, singleLine: Bool) -> Bool {
        var text = text
        return text.withUTF8 { b in
            var i = TextSafety.printableASCIIPrefix(b)
            while i < b.count {
                let c = b[i]
                if c < 0x20 {
                    if c == 0x09 || (c == 0x0A && !singleLine) {
                        i += 1
                        continue
                    }
                    return true
                }
                if c == 0x7F { return true }
                if i + 1 < b.count {
                    let next = b[i + 1]
                    if c == 0xC2 && next >= 0x80 && next <= 0x9F { return true }
                    if c == 0xE2 && (next == 0x80 || next == 0x81) { return true }
                    if c == 0xEF && (next == 0xBB || next == 0xBF) { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// Line `number` of `file`, found by its newline bytes (no splitting of the whole file: a
    /// programme's check can show thousands of lines from thousands of files).
    static func line(_ number: Int, of text: String) -> String? {
        LineIndex().line(number, of: "", text: text)
    }

    static func summary(_ diagnostics: [Diagnostic], operations: Int, strict: Bool = false) -> String {
        let errors = diagnostics.filter { $0.severity == .erreur }.count
        let warnings = diagnostics.count - errors
        func plural(_ n: Int, _ word: String) -> String { French.count(n, word, word + "s") }
        if errors == 0 && warnings == 0 { return "Aucun problème dans \(plural(operations, "opération"))." }
        let line = "\(plural(errors, "erreur")), \(plural(warnings, "avertissement")) dans \(plural(operations, "opération"))."
        guard strict && warnings > 0 else { return line }
        return line + " Mode strict : les avertissements comptent comme des erreurs."
    }

    /// Prints every diagnostic of plans that cannot be read on standard error, then `closing`.
    static func reportUnreadable(_ loaded: LoadResult, closing: String) {
        let printer = DiagnosticPrinter(sources: loaded.sources, colour: terminalSupportsColour(STDERR_FILENO))
        Console.err(printer.render(loaded.diagnostics).joined(separator: "\n") + closing)
    }
}

/// Where each line of a file starts and ends, computed once per file, with libyaml's line breaks:
/// LF, CR LF, a lone CR, NEL (U+0085), and the line and paragraph separators (U+2028, U+2029).
final class LineIndex: @unchecked Sendable {
    private var lines: [String: [(start: Int, end: Int)]] = [:]
    private let lock = NSLock()

    static func lines(of bytes: UnsafeBufferPointer<UInt8>) -> [(start: Int, end: Int)] {
        var found: [(start: Int, end: Int)] = []
        walk(bytes) { start, end in
            found.append((start, end))
            return true
        }
        return found
    }

    /// Calls `line` with each line's start and end, in order, the last one included, until it
    /// returns false.
    @inline(__always)
    static func walk(_ bytes: UnsafeBufferPointer<UInt8>, _ line: (_ start: Int, _ end: Int) -> Bool) {
        var start = 0
        var i = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while i < bytes.count {
            // Most bytes are printable ASCII, none of which breaks a line: passed eight at a time
            // (the word test of ``TextSafety/printableASCIIPrefix(_:)``, here in line).
            if i + 8 <= bytes.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let below = (w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080
                let above = ((w &+ 0x0101_0101_0101_0101) | w) & 0x8080_8080_8080_8080
                if below | above == 0 {
                    i += 8
                    continue
                }
            }
            let b = bytes[i]
            if b >= 0x20 && b < 0x7F {
                i += 1
                continue
            }
            let length = breakLength(bytes, at: i)
            if length > 0 {
                guard line(start, i) else { return }
                i += length
                start = i
            } else {
                i += 1
            }
        }
        _ = line(start, bytes.count)
    }

    /// Files up to this size are not indexed: the line asked for is found by reading up to it
    /// (an operation file has a diagnostic or two; indexing it whole cost more than its parse).
    static let indexedFrom = 64 * 1024

    /// Where line `number` (1-based) starts and ends, read from the start of `bytes`; nil past the last line.
    static func find(_ number: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int)? {
        var line = 1
        var found: (start: Int, end: Int)?
        walk(bytes) { start, end in
            if line == number {
                found = (start, end)
                return false
            }
            line += 1
            return true
        }
        return found
    }

    /// The bytes of the line break at `i` (LF, CR LF, CR, NEL, LS, PS); 0 if none is there.
    @inline(__always)
    static func breakLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = bytes[i]
        if b == 0x0A { return 1 }
        if b == 0x0D { return i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1 }
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 { return 2 }
        if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 { return 3 }
        return 0
    }

    func line(_ number: Int, of file: String, text: String) -> String? {
        guard number >= 1 else { return nil }
        var text = text
        return text.withUTF8 { bytes -> String? in
            if bytes.count < Self.indexedFrom {
                guard let (start, end) = Self.find(number, in: bytes) else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            // The file is indexed outside the lock: the threads rendering other files' diagnostics
            // do not wait for it (two threads indexing one file at once store the same lines).
            let known: [(start: Int, end: Int)]
            if let cached = lock.withLock({ lines[file] }) {
                known = cached
            } else {
                known = Self.lines(of: bytes)
                lock.withLock { lines[file] = known }
            }
            guard number <= known.count else { return nil }
            let (start, end) = known[number - 1]
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}
