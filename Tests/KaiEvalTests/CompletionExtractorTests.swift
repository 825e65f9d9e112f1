import KaiEval
import Testing

/// A chat model's reply cut down to what HumanEval appends to the prompt.
@Suite struct CompletionExtractorTests {
    static let problem = EvalProblem(
        taskID: "Demo/0", prompt: "from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    \"\"\"Sum of xs.\"\"\"\n",
        canonicalSolution: "    return sum(xs)\n", test: "", entryPoint: "total")

    static func completion(_ reply: String) -> String {
        CompletionExtractor.completion(from: reply, problem: problem)
    }

    @Test func aFencedFunction_givesTheBodyAfterItsSignature() {
        #expect(Self.completion("Here it is:\n```python\ndef total(xs: List[int]) -> int:\n    return sum(xs)\n```\nIt sums.") == "    return sum(xs)\n")
    }

    @Test func ofSeveralFences_theOneDefiningTheEntryPointIsTaken() {
        let reply = "```bash\npip install x\n```\nThen:\n```python\ndef total(xs):\n    return sum(xs)\n```"
        #expect(Self.completion(reply) == "    return sum(xs)\n")
    }

    @Test func anUnclosedFence_runsToTheEndOfTheReply() {
        #expect(Self.completion("```python\ndef total(xs: List[int]) -> int:\n    return sum(xs)") == "    return sum(xs)")
    }

    @Test func aReplyRepeatingThePrompt_givesWhatFollowsIt() {
        let reply = "\n" + Self.problem.prompt + "    s = 0\n    for x in xs:\n        s += x\n    return s\n"
        #expect(Self.completion(reply) == "    s = 0\n    for x in xs:\n        s += x\n    return s\n")
    }

    @Test func aSignatureOverSeveralLines_isDroppedWhole() {
        let reply = "def total(\n    xs: List[int],\n) -> int:\n    return sum(xs)\n"
        #expect(Self.completion(reply) == "    return sum(xs)\n")
    }

    @Test func aBareBody_isKept_andIndentedWhenItStartsUnindented() {
        #expect(Self.completion("    return sum(xs)\n") == "    return sum(xs)\n")
        #expect(Self.completion("s = sum(xs)\nreturn s") == "    s = sum(xs)\n    return s")
    }

    @Test func theBodyIsCutAtTheFirstOfHumanEvalsStopSequences() {
        let reply = "def total(xs):\n    if not xs:\n        return 0\n    return sum(xs)\n\n# Test\nprint(total([1]))\n"
        #expect(Self.completion(reply) == "    if not xs:\n        return 0\n    return sum(xs)\n")
        for stop in HumanEvalPrompt.stopSequences {
            #expect(Self.completion("    return sum(xs)\(stop) more") == "    return sum(xs)", "stop \(stop.debugDescription)")
        }
    }

    @Test func theRequestCarriesNoStopSequences_soProseOrACommentBeforeTheCodeCannotEndIt() {
        // "\n```" or "\n#" would stop "Here is the function:\n```python\n# adds…" before any code.
        let request = HumanEvalPrompt.chatRequest(for: Self.problem, temperature: 0.2, maxTokens: 64, seed: 7)
        #expect(request == [
            "messages": [["role": "system", "content": .string(HumanEvalPrompt.systemMessage)], ["role": "user", "content": .string(Self.problem.prompt)]],
            "temperature": 0.2, "max_tokens": 64, "seed": 7,
        ])
    }

    /// SmolLM2 answers code, then a closing fence it never opened, then prose.
    @Test func codeThenAFenceItNeverOpened_givesTheCodeBeforeTheFence() {
        let reply = "def total(xs):\n    return sum(xs)\n```\n\nThis function uses `sum`.\n```python\nprint(total([1]))\n```"
        #expect(Self.completion(reply) == "    return sum(xs)\n")
    }
}
