import KaiJSON
import Testing
@testable import KaiRuntime

/// The messages an agent's next model turn may skip validating: only those
/// written exactly as the ones validated last turn. JSON Schema equality
/// (`==`) is looser: 1 == 1.0, members in any order, NFC == NFD.
@Suite struct ValidatedPrefixTests {
    static let user: JSONValue = ["role": "user", "content": "hi"]

    @Test func identicalMessages_areSkipped() {
        let history: [JSONValue] = [Self.user, ["role": "assistant", "content": "hello"]]
        #expect(AgentRun.commonPrefix(history + [Self.user], history) == 2)
    }

    static let equalButNotIdentical: [(JSONValue, JSONValue)] = [
        (["role": "user", "content": "hi", "n": .integer(1)], ["role": "user", "content": "hi", "n": .number(1.0)]),
        (["role": "user", "content": "hi"], ["content": "hi", "role": "user"]),
        (["role": "user", "content": .string("caf\u{E9}")], ["role": "user", "content": .string("cafe\u{301}")]),
    ]

    @Test(arguments: equalButNotIdentical)
    func messagesEqualButNotIdentical_areValidatedAgain(now: JSONValue, validated: JSONValue) {
        #expect(now == validated, "the two are JSON Schema equal")
        #expect(AgentRun.commonPrefix([now, Self.user], [validated, Self.user]) == 0)
    }
}
