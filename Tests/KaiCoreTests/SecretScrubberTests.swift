import KaiCore
import KaiJSON
import Testing

/// SecretScrubber on its own: JSON values, short values, and text that
/// arrives in pieces (review item 6).
@Suite struct SecretScrubberTests {
    static let scrubber = SecretScrubber([
        PluginSettings.Secret(value: "sk-abc/def", redacted: "<secret from KEY>"),
        PluginSettings.Secret(value: "8080", redacted: "<secret from PORT>"),
    ])

    static func pieces(_ pieces: [String]) -> [String] {
        var stream = scrubber.stream()
        return pieces.flatMap { stream.push($0) } + stream.finishText()
    }

    @Test func json_keepsNumbersAndStructure_andReplacesInsideStringsAndKeys() {
        let input = #"{"port":8080,"sk-abc\/def":"at 8080 \u0073k-abc/def"}"#
        let output = String(decoding: Self.scrubber.scrubJSON(Array(input.utf8)), as: UTF8.self)
        #expect(output == #"{"port":8080,"<secret from KEY>":"at <secret from PORT> <secret from KEY>"}"#)
    }

    @Test func json_aLongNumericSecretEchoedAsANumber_becomesThePlaceholder() {
        let scrubber = SecretScrubber([PluginSettings.Secret(value: "12345678901", redacted: "<secret from ACCOUNT>")])
        let output = String(decoding: scrubber.scrubJSON(Array(#"{"acct":12345678901,"n":123456789012}"#.utf8)), as: UTF8.self)
        #expect(output == #"{"acct":"<secret from ACCOUNT>","n":123456789012}"#)
    }

    /// An agent's STEP event (ABI 1.2) stays an object, with the values
    /// inside its strings replaced.
    @Test func aStepEvent_keepsItsShape_andLosesTheSecret() {
        let step: JSONValue = ["type": "note", "message": "calling sk-abc/def", "arguments": ["port": 8080]]
        #expect(Self.scrubber.scrub(ToolEvent.step(step))
            == .step(["type": "note", "message": "calling <secret from KEY>", "arguments": ["port": 8080]]))
    }

    @Test func json_whenNothingMatches_isTheSameBytes() {
        let input = #"{"a" : 1.50, "b":"\/x"}"#
        #expect(Self.scrubber.scrubJSON(Array(input.utf8)) == Array(input.utf8))
    }

    @Test func stream_whenASecretIsSplitOverThreePieces_replacesItInTheFirst() {
        #expect(Self.pieces(["key sk-", "abc/", "def end"]) == ["key <secret from KEY>", "", " end"])
    }

    @Test func stream_whenAPieceOnlyLooksLikeTheStart_releasesItUnchanged() {
        #expect(Self.pieces(["tasks", "done"]) == ["tasks", "done"])
        #expect(Self.pieces(["key sk-ab"]) == ["key sk-ab"])
    }

    @Test func stream_releasesPiecesThatCannotStartASecretAtOnce() {
        var stream = Self.scrubber.stream()
        #expect(stream.push("hello") == ["hello"])
        #expect(stream.push("then s") == [])
        #expect(stream.push("k-abc/def!") == ["then <secret from KEY>", "!"])
        #expect(stream.finishText() == [])
    }
}
