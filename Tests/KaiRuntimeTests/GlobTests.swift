@testable import KaiRuntime
import Testing

/// The globs approval rules match string arguments with.
struct GlobTests {
    static let cases: [(pattern: String, text: String, matches: Bool)] = [
        ("/tmp/**", "/tmp/a", true),
        ("/tmp/**", "/tmp/a/b/c.txt", true),
        ("/tmp/**", "/tmp/", true),
        ("/tmp/**", "/tmpfile", false),
        ("/tmp/**", "/var/tmp/a", false),
        ("/tmp/*", "/tmp/a.txt", true),
        ("/tmp/*", "/tmp/a/b.txt", false),
        ("/tmp/*.txt", "/tmp/notes.txt", true),
        ("/tmp/*.txt", "/tmp/notes.md", false),
        ("/tmp/**/*.txt", "/tmp/x/y/notes.txt", true),
        ("/tmp/**/*.txt", "/tmp/x/y/notes.md", false),
        ("file?.log", "file1.log", true),
        ("file?.log", "file10.log", false),
        ("a?b", "a/b", false),
        ("exact", "exact", true),
        ("exact", "exactly", false),
        ("", "", true),
        ("*", "", true),
        ("*", "a/b", false),
        ("**", "a/b", true),
        ("***", "a/b", true),
        ("h*o w*d", "hello world", true),
        ("ü*", "über", true),
        // Traversal never escapes a wildcard's directory.
        ("/tmp/**", "/tmp/../etc/shadow", false),
        ("/tmp/*/x", "/tmp/../x", false),
        ("/tmp/../etc", "/tmp/../etc", true),
        ("/tmp/**", "/tmp/..hidden", true),
    ]

    @Test(arguments: cases)
    func matches_followsStarDoubleStarAndQuestionMark(pattern: String, text: String, matches: Bool) {
        #expect(Glob(pattern).matches(text) == matches)
    }

    @Test func matches_manyStarsAgainstALongText_answersWithoutBacktracking() {
        // Backtracking matchers take exponential time on this.
        let text = String(repeating: "a", count: 2_000)
        #expect(!Glob(String(repeating: "*a", count: 50) + "b").matches(text))
    }
}
