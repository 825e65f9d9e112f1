/// A JSON object that keeps members in insertion order with O(1) average lookup.
///
/// Order is kept so that serialization reproduces what a plugin sent and
/// violations can be reported in document order. Small objects (the common
/// case for tool arguments) are searched linearly, which beats hashing at that
/// size; a hash index is built only once an object grows past
/// `JSONObject.indexThreshold` members.
public struct JSONObject: Sendable {
    /// Member count above which lookups go through a hash index.
    static let indexThreshold = 8

    public private(set) var keys: [String] = []
    private var values: [JSONValue] = []
    private var index: [String: Int]? = nil

    public init() {}

    /// Builds an object from pairs; a repeated key keeps its first position
    /// and its last value.
    public init(_ pairs: [(String, JSONValue)]) {
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { values[$0] } }
        set {
            switch (position(of: key), newValue) {
            case (let found?, let value?):
                values[found] = value
            case (nil, let value?):
                appendNew(key: key, value: value)
            case (let found?, nil):
                keys.remove(at: found)
                values.remove(at: found)
                rebuildIndex()
            case (nil, nil):
                break
            }
        }
    }

    /// Index of `key` in insertion order, or `nil` when absent.
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    /// Appends a member the caller has already checked is not present; the
    /// parser uses this to avoid a second lookup after its duplicate check.
    mutating func appendNew(key: String, value: JSONValue) {
        if keys.capacity == 0 {
            // Room for a typical object's members at once: growing 1, 2, 4
            // reallocated both arrays twice for most objects a parse builds.
            keys.reserveCapacity(4)
            values.reserveCapacity(4)
        }
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        guard keys.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built = [String: Int](minimumCapacity: keys.count)
        for (offset, key) in keys.enumerated() { built[key] = offset }
        index = built
    }
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        private let object: JSONObject
        private var offset = 0

        init(_ object: JSONObject) { self.object = object }

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard offset < object.keys.count else { return nil }
            defer { offset += 1 }
            return (object.keys[offset], object.values[offset])
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: Hashable {
    /// Unordered equality: JSON objects are maps, so `{"a":1,"b":2}` equals
    /// `{"b":2,"a":1}`.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Commutative combination so that the hash, like ==, ignores order.
        var combined = 0
        for (key, value) in self {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            combined = combined &+ member.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
