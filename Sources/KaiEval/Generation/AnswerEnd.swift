import Synchronization

/// Decides, while a reply streams in, when it already holds a whole answer,
/// so generation can ask the provider to stop (kai_events.h: a sink
/// answering STOP) instead of sending stop sequences.
///
/// Stop sequences sent with the request cannot tell prose from code: a chat
/// model answering "Here is the function:\n```python\n…" or "```python\n#
/// adds…" would be cut at "\n```" or "\n#" before any code. So the request
/// carries none, and the answer ends here instead:
///   - with a ``` fence: once a closing fence follows the opening one, or
///     once a fence follows code that began without one;
///   - without (yet): once one of HumanEval's stop sequences follows the
///     start of the code (a line opening with `def `, `import `, `from `,
///     or an indented body line); prose before the code is not code.
/// What follows is cut by CompletionExtractor as before.
public enum AnswerEnd {
    /// The stop sequences that end an unfenced answer: HumanEval's, less
    /// "\ndef" (a chat model repeats the signature, and a helper after the
    /// function is cut by the extractor anyway).
    static let unfencedStops = ["\nclass", "\n#", "\nif", "\nprint"]

    public static func isComplete(_ text: String) -> Bool {
        let start = codeStart(text)
        if let open = text.range(of: "```") {
            // A fence after code that began without one closes it (SmolLM2
            // answers "def add(…):\n    return a + b\n```\n" and then prose).
            if let start, start < open.lowerBound { return true }
            // The opening fence's info string ("python") ends at the line's end.
            guard let lineEnd = text[open.upperBound...].firstIndex(of: "\n") else { return false }
            return text[text.index(after: lineEnd)...].contains("```")
        }
        guard let start else { return false }
        let code = text[start...]
        return unfencedStops.contains { code.contains($0) }
    }

    /// Where the first line that is code begins; nil while there is none.
    static func codeStart(_ text: String) -> String.Index? {
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            let indentedCode = line.first?.isWhitespace == true && !line.allSatisfy(\.isWhitespace)
            if indentedCode || ["def ", "import ", "from "].contains(where: { line.hasPrefix($0) }) { return lineStart }
            guard lineEnd < text.endIndex else { return nil }
            lineStart = text.index(after: lineEnd)
        }
        return nil
    }
}

/// One streamed reply's text so far: `append` each text delta; it answers
/// true once the answer is whole (AnswerEnd), and from then on.
public final class StreamedAnswer: Sendable {
    private let state = Mutex<(text: String, complete: Bool)>(("", false))

    public init() {}

    public func append(_ delta: String) -> Bool {
        state.withLock { state in
            guard !state.complete else { return true }
            state.text += delta
            state.complete = AnswerEnd.isComplete(state.text)
            return state.complete
        }
    }
}
