/// A value kept behind one reference until it is changed: copying it is one reference count,
/// whatever texts and arrays it holds; changing a copy that is shared first copies the value.
///
/// The model's large values (``Operation``, ``Diagnostic``, ``Dispositif``) keep their fields in
/// one, so that the lists of them a check builds, sorts and merges (10 000 operations, as many
/// diagnostics) are copied at one count per element rather than one per text. Its accessors are
/// inlinable, and borrow: reading one field from another module reads that field alone, without a
/// copy of the others.
@usableFromInline
struct CopyOnWrite<Value> {
    /// Never changed while shared: `value`'s `_modify` copies it first. Values shared between
    /// threads are therefore only read, which is what makes the box `Sendable` when `Value` is.
    /// For the same reason no two accesses to one box's value can conflict: its reads go without
    /// the run-time exclusivity check (a look-up in a per-thread table at every field read).
    @usableFromInline
    final class Box {
        @exclusivity(unchecked) @usableFromInline var value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    @usableFromInline var box: Box

    @inlinable init(_ value: Value) { box = Box(value) }

    @inlinable var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }
}

/// Sendable as its value is: a shared box is only ever read.
extension CopyOnWrite: @unchecked Sendable where Value: Sendable {}

extension CopyOnWrite: Equatable where Value: Equatable {
    @inlinable static func == (a: CopyOnWrite, b: CopyOnWrite) -> Bool { a.box === b.box || a.box.value == b.box.value }
}

/// Shown as its value (a failed test's message lists the fields, not the box).
extension CopyOnWrite: CustomReflectable {
    @usableFromInline var customMirror: Mirror { Mirror(reflecting: box.value) }
}
