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

    /// The stop sequences sent to the provider. HumanEval's are made for a
    /// model that continues the prompt; a chat model answers with the whole
    /// function, often after a ``` fence or an import line, and '\ndef' would
    /// end that answer before its body. So the request carries the others
    /// plus the closing fence, and all five are applied to the body after.
    public static let requestStopSequences = ["\n```", "\nclass", "\n#", "\nif", "\nprint"]

    /// Measured with SmolLM2-135M-Instruct (see bench/RESULTS.md): asked
    /// for code only, a small chat model mostly answers with the function
    /// itself rather than prose around it.
    public static let systemMessage = "Complete the following Python function. Reply with the code only."

    /// The chat request (plugin-sdk/schema/chat-request.schema.json) for one
    /// sample; the model travels in the provider name, as for `kai prompt`.
    public static func chatRequest(for problem: EvalProblem, temperature: Double, maxTokens: Int, seed: Int?) -> JSONValue {
        var request: JSONObject = [
            "messages": .array([
                .object(["role": "system", "content": .string(systemMessage)]),
                .object(["role": "user", "content": .string(problem.prompt)]),
            ]),
            "temperature": .number(temperature),
            "max_tokens": .integer(Int64(maxTokens)),
            "stop": .array(requestStopSequences.map { .string($0) }),
        ]
        if let seed { request["seed"] = .integer(Int64(seed)) }
        return .object(request)
    }
}
