import KaiProviderKit
import Testing

/// trimmingWhitespace drops spaces, tabs, CR and LF at both ends, and
/// returns text with neither end blank as it is.
@Suite struct TrimmingWhitespaceTests {
    @Test func blankEnds_areDropped() {
        #expect(" \t{\"a\": 1}\n ".trimmingWhitespace == "{\"a\": 1}")
        #expect("  ".trimmingWhitespace == "")
        #expect("".trimmingWhitespace == "")
        #expect("\tnull\r".trimmingWhitespace == "null")
    }

    @Test func textWithNeitherEndBlank_comesBackUnchanged() {
        for text in ["{}", "{\"expression\": \"1 + 2\"}", "a b", "é x é", "😀"] {
            #expect(text.trimmingWhitespace == text)
        }
    }
}
