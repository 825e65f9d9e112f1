/// Turns token pieces into text deltas: whole UTF-8 scalars only, and
/// nothing that might be the start of a stop sequence until it is known
/// not to be one. A stop sequence found ends the text before it.
struct TextStream {
    let stop: [[UInt8]]
    private var pending: [UInt8] = []
    private(set) var text: [UInt8] = []
    private(set) var stopped = false

    init(stop: [[UInt8]]) { self.stop = stop }

    /// Adds a piece; returns the bytes now safe to emit (possibly empty).
    mutating func append(_ piece: [UInt8]) -> [UInt8] {
        guard !stopped else { return [] }
        pending += piece
        if let cut = firstStop() {
            pending.removeSubrange(cut...)
            stopped = true
            return release(pending.count)
        }
        return release(completeScalarPrefix(pending.count - heldBack()))
    }

    /// What is left at the end of generation (a partial scalar is repaired
    /// as U+FFFD by the caller's String decoding).
    mutating func finish() -> [UInt8] { release(pending.count) }

    private mutating func release(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        let out = Array(pending.prefix(count))
        pending.removeFirst(count)
        text += out
        return out
    }

    private func firstStop() -> Int? {
        var best: Int?
        for sequence in stop where sequence.count <= pending.count {
            for start in 0...(pending.count - sequence.count) where pending[start..<start + sequence.count].elementsEqual(sequence) {
                best = min(best ?? start, start)
                break
            }
        }
        return best
    }

    /// How many bytes at the end may begin a stop sequence.
    private func heldBack() -> Int {
        var longest = 0
        for sequence in stop {
            for k in stride(from: min(sequence.count - 1, pending.count), to: longest, by: -1)
            where pending.suffix(k).elementsEqual(sequence.prefix(k)) {
                longest = k
                break
            }
        }
        return longest
    }

    /// The largest n <= limit such that pending[0..<n] ends on a scalar boundary.
    private func completeScalarPrefix(_ limit: Int) -> Int {
        var n = max(limit, 0)
        // Step back over continuation bytes to the lead byte of the last
        // scalar, and keep it only if all its bytes are there.
        var i = n - 1
        while i >= 0 && i >= n - 4 && pending[i] & 0xC0 == 0x80 { i -= 1 }
        if i >= 0 && i < n {
            let lead = pending[i]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 1
            if i + length > n { n = i }
        }
        return n
    }
}
