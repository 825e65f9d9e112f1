import KaiEval
import Testing

/// When a streamed reply holds a whole answer, so generation stops it.
@Suite struct AnswerEndTests {
    @Test(arguments: [
        "Here is the function:\n```python\ndef add(a, b):\n    return a + b\n```",
        "```python\n# adds a and b\ndef add(a, b):\n    return a + b\n```\nIt adds them.",
        "def add(a, b):\n    return a + b\n\nprint(add(1, 2))",
        "    return a + b\n\n# Tests\n",
        "def add(a, b):\n    return a + b\n```",
        "Sure.\ndef add(a, b):\n    if a:\n        return a + b\n    return b\nif __name__ == '__main__':",
    ])
    func aWholeAnswer_isComplete(_ text: String) {
        #expect(AnswerEnd.isComplete(text))
    }

    @Test(arguments: [
        "Here is the function:\n",
        "Here is the function:\n```python\n# adds a and b\ndef add(a, b):\n",
        "```python\ndef add(a, b):\n    return a + b\n",
        "```py",
        "# A comment about it\nif you want, here it is\n",
        "def add(a, b):\n    if a:\n        return a + b\n",
    ])
    func aPartOfAnAnswer_isNot(_ text: String) {
        #expect(!AnswerEnd.isComplete(text))
    }

    @Test func aStreamedAnswer_turnsCompleteAtTheClosingFence_andStaysSo() {
        let answer = StreamedAnswer()
        let deltas = ["Here is the function:\n", "```python\n", "# adds\n", "def add(a, b):\n", "    return a + b\n", "```", "\nMore"]
        #expect(deltas.map(answer.append) == [false, false, false, false, false, true, true])
    }
}
