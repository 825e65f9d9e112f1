import KaiCore
import Testing

/// TerminalText: what a plugin, program or model wrote, made safe to show.
@Suite struct TerminalTextTests {
    static let cases: [(String, String)] = [
        ("plain text, ünïcödé ✓\n\tindented", "plain text, ünïcödé ✓\n\tindented"),
        ("\u{1b}]52;c;cHduZWQ=\u{07}", "\\x1b]52;c;cHduZWQ=\\x07"),  // OSC 52: write the clipboard
        ("\u{1b}[2J", "\\x1b[2J"),  // CSI 2J: clear the screen
        ("done\rfake", "done\\x0dfake"),  // \r: overwrite the line
        ("\u{9b}31m", "\\x9b31m"),  // C1 CSI as a code point
        ("\u{7f}\u{80}\u{9f}\u{a0}", "\\x7f\\x80\\x9f\u{a0}"),  // DEL and C1; NBSP is text
        ("\u{0}\u{8}\u{b}\u{c}", "\\x00\\x08\\x0b\\x0c"),
    ]

    @Test(arguments: cases) func visible_showsControlCharactersAsHex(input: String, expected: String) {
        #expect(TerminalText.visible(input) == expected)
    }

    @Test func byteStream_showsRawC1AndInvalidBytesAsHex() {
        var stream = TerminalText.ByteStream()
        let bytes: [UInt8] = Array("a".utf8) + [0x9b] + Array("31m".utf8) + [0xc2, 0x9b, 0xff, 0xc3, 0xa9, 0x1b] + Array("[2J\r\n".utf8)
        let shown = stream.escape(bytes) + stream.finish()
        #expect(String(decoding: shown, as: UTF8.self) == "a\\x9b31m\\x9b\\xffé\\x1b[2J\\x0d\n")
    }

    @Test func byteStream_keepsASequenceSplitBetweenChunks() {
        var stream = TerminalText.ByteStream()
        let euro: [UInt8] = [0xe2, 0x82, 0xac]  // €
        let first = stream.escape(Array("price ".utf8) + euro.prefix(2))
        let second = stream.escape(Array(euro.suffix(1)) + [0xc2])
        let third = stream.escape([0x9b])
        let shown = first + second + third + stream.finish()
        #expect(String(decoding: shown, as: UTF8.self) == "price €\\x9b")
        #expect(String(decoding: first, as: UTF8.self) == "price ")
    }

    @Test func byteStream_atTheEnd_showsAnUnfinishedSequenceAsHex() {
        var stream = TerminalText.ByteStream()
        let shown = stream.escape([0x41, 0xe2, 0x82]) + stream.finish()
        #expect(String(decoding: shown, as: UTF8.self) == "A\\xe2\\x82")
    }

    @Test func byteStream_longPlainRunsPassThroughUnchanged() {
        var stream = TerminalText.ByteStream()
        let text = Array(String(repeating: "0123456789abcdef ", count: 1000).utf8)
        #expect(stream.escape(text + [0x07]) + stream.finish() == text + Array("\\x07".utf8))
    }

    @Test func visibleJSON_escapesDELAndC1AndStaysTheSameJSON() {
        #expect(TerminalText.visibleJSON("{\"a\": \"x\u{9b}2J\u{7f}\", \"b\": \"é\u{1b}\"}") == "{\"a\": \"x\\u009b2J\\u007f\", \"b\": \"é\u{1b}\"}")
        #expect(TerminalText.visibleJSON("[1, \"ok\"]") == "[1, \"ok\"]")
    }
}
