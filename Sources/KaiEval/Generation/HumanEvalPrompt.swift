import KaiJSON

/// How a HumanEval problem is put to a chat model: a system message asking
/// for the function, the problem's prompt (imports, signature, docstring) as
/// the user message, and the stop sequences that end the answer.
public enum HumanEvalPrompt {
    /// HumanEval's stop sequences, from the paper that introduced it (Chen et
    /// al. 2021, "Evaluating Large Language Models Trained on Code",
    /// arXiv:2107.03374: sampling stops at '\nclass', '\ndef', '\n#', '\nif'
    /// or '\nprint', "since the model will continue generating additional
    /// functions or statements otherwise"). Applied to the completion after
    /// it is cut out of the reply (CompletionExtractor).
    public static let stopSequences = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]

    /// The request carries no stop sequences: a chat model often answers
    /// with prose, a ``` fence or a comment before the code, and any of
    /// HumanEval's (or the closing fence) would end that answer before the
    /// code. Generation streams the reply and stops it client-side once it
    /// is whole (AnswerEnd); HumanEval's sequences are applied to the body
    /// after (CompletionExtractor).
    /// Measured with SmolLM2-135M-Instruct (see bench/RESULTS.md): asked
    /// for code only, a small chat model mostly answers with the function
    /// itself rather than prose around it.
    public static let systemMessage = "Complete the following Python function. Reply with the code only."

    /// The chat request (plugin-sdk/schema/chat-request.schema.json) for one
    /// sample, without "stop" (see above); the model travels in the provider
    /// name, as for `kai prompt`.
    public static func chatRequest(for problem: EvalProblem, temperature: Double, maxTokens: Int, seed: Int?) -> JSONValue {
        var request: JSONObject = [
            "messages": .array([
                .object(["role": "system", "content": .string(systemMessage)]),
                .object(["role": "user", "content": .string(problem.prompt)]),
            ]),
            "temperature": .number(temperature),
            "max_tokens": .integer(Int64(maxTokens)),
        ]
        if let seed { request["seed"] = .integer(Int64(seed)) }
        return .object(request)
    }
}
