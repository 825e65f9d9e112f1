import KaiJSON

extension SecretScrubber {
    /// Scrubs text that arrives in pieces (text deltas, progress messages,
    /// a drained pipe), so a value split across two pieces is caught: a
    /// piece whose end could be the start of a secret value is held until
    /// the next piece shows whether it is, then both are released. A value
    /// that spans pieces becomes its placeholder in the piece where it began.
    ///
    /// Pieces come out whole (never cut, unless a secret spans them) and in
    /// order; `push` returns the pieces it releases, `finish` the rest.
    /// Not thread-safe: one stream per sequence of pieces, guarded by its owner.
    public struct Stream: Sendable {
        private let scrubber: SecretScrubber
        /// Pieces not yet released, raw (the first without the bytes of a
        /// match already released with an earlier piece).
        private var held: [[UInt8]] = []

        init(_ scrubber: SecretScrubber) {
            self.scrubber = scrubber
        }

        /// Takes the next piece; returns the pieces now released, scrubbed.
        public mutating func push(_ piece: [UInt8]) -> [[UInt8]] {
            guard !scrubber.isEmpty else { return [piece] }
            held.append(piece)
            return release(all: false)
        }

        public mutating func push(_ piece: String) -> [String] {
            push(Array(piece.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }

        /// The pieces still held, scrubbed: the text has ended.
        public mutating func finish() -> [[UInt8]] {
            guard !held.isEmpty else { return [] }
            return release(all: true)
        }

        public mutating func finishText() -> [String] {
            finish().map { String(decoding: $0, as: UTF8.self) }
        }

        private mutating func release(all: Bool) -> [[UInt8]] {
            let text = held.flatMap { $0 }
            let found = SecretScrubber.matches(of: scrubber.rules, in: text[...])
            let keepFrom = all ? text.count : heldTail(text, after: found.last?.end ?? 0)
            var released: [[UInt8]] = []
            var offset = 0, count = 0
            for piece in held {
                guard offset + piece.count <= keepFrom else { break }
                released.append(SecretScrubber.render(piece[...], from: offset, found))
                offset += piece.count
                count += 1
            }
            held.removeFirst(count)
            // Drop what a released match already covered of the first held piece.
            if let first = held.first, let cut = found.last(where: { $0.start < offset })?.end, cut > offset {
                held[0] = Array(first.dropFirst(cut - offset))
            }
            return released
        }

        /// Where the longest ending of `text` (after `start`) that is the
        /// beginning of some value starts; `text.count` when none is.
        private func heldTail(_ text: [UInt8], after start: Int) -> Int {
            let longest = min((scrubber.rules.first?.value.count ?? 1) - 1, text.count - start)
            guard longest > 0 else { return text.count }
            for length in stride(from: longest, to: 0, by: -1) {
                let ending = text[(text.count - length)...]
                if scrubber.rules.contains(where: { $0.value.count > length && $0.value.starts(with: ending) }) {
                    return text.count - length
                }
            }
            return text.count
        }
    }

    /// A stream for text that arrives in pieces.
    public func stream() -> Stream { Stream(self) }
}

extension SecretScrubber {
    /// The event with every text it carries scrubbed on its own (no memory
    /// of earlier events: a call's events go through ScrubbingEventRelay).
    public func scrub(_ event: ToolEvent) -> ToolEvent {
        switch event {
        case .progress(let progress, let total, let message):
            .progress(progress: progress, total: total, message: scrub(message))
        case .usage:
            event
        case .textDelta(let text):
            .textDelta(scrub(text))
        case .toolCallDelta(let index, let id, let name, let arguments):
            .toolCallDelta(index: index, id: scrub(id), name: scrub(name), arguments: scrub(arguments))
        case .step(let value):
            // As a JSON value: a step stays an object, and escaping hides nothing.
            .step((try? JSONParser.parse(scrubJSON(value.serializedBytes()))) ?? value)
        }
    }
}
