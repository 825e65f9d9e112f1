/// Turns a chat model's reply into a HumanEval completion: the code that,
/// appended to the problem's prompt, finishes the function.
///
/// A chat model answers with the whole function (signature again, often in
/// a ``` fence, often followed by tests or prose) where HumanEval wants only
/// what follows the prompt. In order:
///   1. the first fenced block (the one defining the entry point if several
///      do not), or the whole reply when there is none;
///   2. the part after the prompt when the code repeats it, else the part
///      after the entry point's signature line(s), else the code as is,
///      indented one level when it starts unindented (a bare body);
///   3. cut at the first of HumanEval's stop sequences.
public enum CompletionExtractor {
    public static func completion(from reply: String, problem: EvalProblem,
                                  stop: [String] = HumanEvalPrompt.stopSequences) -> String {
        let code = fencedCode(reply, entryPoint: problem.entryPoint) ?? reply
        let body = afterPrompt(code, prompt: problem.prompt)
            ?? afterSignature(code, entryPoint: problem.entryPoint)
            ?? indentedBody(code)
        return truncated(body, at: stop)
    }

    /// The first fenced block defining the entry point, else the first
    /// fenced block (or the code before a fence closing code that began
    /// without one); nil when the reply has none. An unclosed fence (the
    /// reply cut by max_tokens or a stop) runs to the end.
    static func fencedCode(_ reply: String, entryPoint: String) -> String? {
        // Code, then a fence it never opened: the code up to the fence.
        if let fence = reply.range(of: "```"), let start = AnswerEnd.codeStart(reply), start < fence.lowerBound {
            return String(reply[..<fence.lowerBound])
        }
        var blocks: [String] = []
        var rest = Substring(reply)
        while let open = rest.range(of: "```") {
            // The fence's info string ("python") ends at the line's end.
            guard let lineEnd = rest[open.upperBound...].firstIndex(of: "\n") else { break }
            let content = rest[rest.index(after: lineEnd)...]
            if let close = content.range(of: "```") {
                blocks.append(String(content[..<close.lowerBound]))
                rest = content[close.upperBound...]
            } else {
                blocks.append(String(content))
                break
            }
        }
        return blocks.first { $0.contains("def \(entryPoint)(") } ?? blocks.first
    }

    /// What follows the prompt when the code starts with it (blank lines
    /// around it aside).
    static func afterPrompt(_ code: String, prompt: String) -> String? {
        let trimmedPrompt = prompt.drop { $0 == "\n" }
        let trimmedCode = code.drop { $0 == "\n" }
        guard !trimmedPrompt.isEmpty, trimmedCode.hasPrefix(trimmedPrompt) else { return nil }
        return String(trimmedCode.dropFirst(trimmedPrompt.count))
    }

    /// What follows the line that ends the entry point's signature (the
    /// first line from `def name(` on that ends with ':').
    static func afterSignature(_ code: String, entryPoint: String) -> String? {
        guard let def = code.range(of: "def \(entryPoint)(") else { return nil }
        var position = def.lowerBound
        while let lineEnd = code[position...].firstIndex(of: "\n") {
            let line = code[position..<lineEnd]
            position = code.index(after: lineEnd)
            if line.trimmingTrailingWhitespace.hasSuffix(":") { return String(code[position...]) }
        }
        return nil
    }

    /// The code as a function body: indented by four spaces when its first
    /// non-blank line is not indented ("return a + b").
    static func indentedBody(_ code: String) -> String {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }), first.first?.isWhitespace == false else {
            return code
        }
        return lines.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    /// The text before the earliest stop sequence.
    static func truncated(_ text: String, at stop: [String]) -> String {
        let cut = stop.compactMap { text.range(of: $0)?.lowerBound }.min() ?? text.endIndex
        return String(text[..<cut])
    }
}

extension Substring {
    fileprivate var trimmingTrailingWhitespace: Substring {
        var text = self
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
