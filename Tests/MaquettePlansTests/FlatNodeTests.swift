import XCTest

@testable import MaquettePlans

/// The flat node tree: one record per node in document order, a container's `next` just past
/// its subtree, scalars as byte ranges of one buffer. Every figure below is counted by hand on
/// the text.
final class FlatNodeTests: XCTestCase {
    let text = """
        a: 1
        b: [x, "y z"]
        c:
          d: {e: f}
        """

    func document() throws -> YAMLDocument {
        guard case .success(let document) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose(text) else {
            XCTFail("not parsed")
            throw CancellationError()
        }
        return document
    }

    func testRecordsInDocumentOrder() throws {
        let d = try document()
        // root, a, 1, b, [, x, "y z", c, (mapping of c), d, {, e, f
        XCTAssertEqual(d.records.count, 13)
        XCTAssertEqual(d.records.map(\.kind), [.mapping, .scalar, .scalar, .scalar, .sequence, .scalar, .scalar, .scalar, .mapping, .scalar, .mapping, .scalar, .scalar])
        // Past each subtree: the root ends the file, the list after its two items, both inner
        // mappings at the end too (they close together).
        XCTAssertEqual(d.records.map(\.next), [13, 2, 3, 4, 7, 6, 7, 8, 13, 10, 13, 12, 13])
        // Children: 3 pairs at the root, 2 items, one pair each below `c`.
        XCTAssertEqual([0, 4, 8, 10].map { Int(d.records[$0].count) }, [6, 2, 2, 2])
        XCTAssertEqual(String(decoding: d.bytes, as: UTF8.self), "a1bxy zcdef")
        XCTAssertEqual(d.records[6].start, 4)
        XCTAssertEqual(d.records[6].count, 3)
        XCTAssertEqual(d.records[6].style, .doubleQuoted)
        XCTAssertEqual(d.records.map(\.isFlow), [false, false, false, false, false, false, false, false, false, false, true, false, false])
    }

    func testMarksAndWalking() throws {
        let d = try document()
        // Node handles do not keep their document.
        defer { withExtendedLifetime(d) {} }
        let root = try XCTUnwrap(d.root)
        let pairs = Array(root.pairs)
        XCTAssertEqual(pairs.map { $0.0.scalarText }, ["a", "b", "c"])
        XCTAssertEqual(pairs.map { $0.1.kind }, [.scalar, .sequence, .mapping])
        // `b: [x, "y z"]`: the list at column 4, the quoted item at column 8 of line 2.
        XCTAssertEqual(pairs[1].1.mark, Mark(line: 2, column: 4))
        let items = Array(pairs[1].1.items)
        XCTAssertEqual(items.map(\.scalarText), ["x", "y z"])
        XCTAssertEqual(items.map(\.mark), [Mark(line: 2, column: 5), Mark(line: 2, column: 8)])
        XCTAssertEqual(pairs[1].1.items.last?.scalarText, "y z")
        // `  d: {e: f}`: the inner table at column 3 of line 4, its braces at 6, `f` at 10.
        let c = pairs[2].1
        XCTAssertEqual(c.mark, Mark(line: 4, column: 3))
        let (dKey, flow) = try XCTUnwrap(Array(c.pairs).first)
        XCTAssertTrue(dKey.isScalar("d"))
        XCTAssertFalse(dKey.isScalar("dd"))
        XCTAssertTrue(flow.isFlow)
        XCTAssertEqual(flow.mark, Mark(line: 4, column: 6))
        XCTAssertEqual(Array(flow.pairs).map { $0.1.mark }, [Mark(line: 4, column: 10)])
    }

    func testAppendedScalarKeepsItsMark() throws {
        let d = try document()
        let node = d.appendScalar("45 234,56", style: .doubleQuoted, mark: Mark(line: 7, column: 9))
        XCTAssertEqual(node.index, 13)
        XCTAssertEqual(node.scalarText, "45 234,56")
        XCTAssertEqual(node.mark, Mark(line: 7, column: 9))
        // The file's nodes are untouched.
        XCTAssertEqual(try XCTUnwrap(d.root).pairs.count, 3)
    }

    func testEmptyFileHasNoRoot() {
        guard case .success(let d) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose("") else { return XCTFail("not parsed") }
        XCTAssertNil(d.root)
    }

    func testPercentAtTheEndAndCleanTexts() throws {
        let text = "a: 50 %\nb: '12 %  '\nc: 1 200\nd: \"5 %\\u00A0\"\ne: ~\nf: '~'\ng: \"x\\ty\"\n"
        guard case .success(let d) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose(text), let root = d.root else { return XCTFail("not parsed") }
        defer { withExtendedLifetime(d) {} }
        let values = root.pairs.map(\.1)
        // `5 %` followed by a no-break space: trimmed as a text is, it still ends with `%`.
        XCTAssertEqual(values.map(\.endsWithPercent), [true, true, false, true, false, false, false])
        // Clean as they are: `50 %`, `1 200`; not: trailing spaces, a no-break space at the end,
        // `~` unquoted (but `'~'` is a text); a tab inside is allowed.
        let clean = values.map { v in v.withScalarBytes { NodeReader.isCleanText($0, plain: v.style == .plain) } }
        XCTAssertEqual(clean, [true, false, true, false, false, true, true])
    }

    /// The scalars' bytes outgrow the room first given (half the file plus 64 bytes) when
    /// escapes lengthen them: 200 `\L` (2 bytes each in the file, a line separator U+2028 of
    /// 3 bytes once read) make 600 bytes out of a 405-byte file, whose room was 405 / 2 + 64 = 266.
    func testScalarBytesBeyondTheRoomFirstGiven() throws {
        let text = "a: \"" + String(repeating: "\\L", count: 200) + "\""
        XCTAssertEqual(text.utf8.count, 405)
        guard case .success(let d) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose(text) else { return XCTFail("not parsed") }
        XCTAssertEqual(d.bytes.count, 601)
        XCTAssertEqual(String(decoding: d.bytes, as: UTF8.self), "a" + String(repeating: "\u{2028}", count: 200))
        XCTAssertEqual(d.records[2].start, 1)
        XCTAssertEqual(d.records[2].count, 600)
    }

    /// Records outgrow the room first given (one per eight bytes, plus 16): `[a,a,…]` of 101
    /// items is 203 bytes, room for 203 / 8 + 16 = 41 records, and has 102 (the list, then each
    /// `a`, one byte each in the scalars' buffer).
    func testRecordsBeyondTheRoomFirstGiven() throws {
        let text = "[" + Array(repeating: "a", count: 101).joined(separator: ",") + "]"
        XCTAssertEqual(text.utf8.count, 203)
        guard case .success(let d) = YAMLComposer(file: "t.yaml", maximumDepth: 40).compose(text) else { return XCTFail("not parsed") }
        XCTAssertEqual(d.records.count, 102)
        XCTAssertEqual(d.records[0].next, 102)
        XCTAssertEqual(d.records[0].count, 101)
        XCTAssertEqual(d.records[101].start, 100)
        XCTAssertEqual(d.records[101].column, 202)
        XCTAssertEqual(d.bytes.count, 101)
    }
}
