/// Text that came from a program, plugin or model, made safe to print on a
/// user's terminal.
///
/// A terminal acts on control characters: `ESC ] 52 ; c ; … BEL` (OSC 52)
/// writes the clipboard, `ESC [ 2 J` clears the screen, `\r` overwrites what
/// kai printed, and the C1 controls (U+0080–U+009F, and on some terminals the
/// raw bytes 0x80–0x9f) start the same sequences in one byte. So every C0
/// control except `\n` and `\t`, DEL and every C1 control is shown as
/// `\xNN` (two lowercase hex digits); bytes that are not valid UTF-8 are
/// shown the same way. Everything else, including non-ASCII text, is kept.
///
/// JSON output needs none of this for C0 (the serializer already writes
/// `\u001b`), but DEL and C1 are legal raw inside JSON strings:
/// `visibleJSON` writes them as `\u007f`…`\u009f`, which is still valid
/// JSON with the same value.
public enum TerminalText {
    /// `text` with its control characters made visible.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result.append(contentsOf: escaped(UInt8(scalar.value)).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Serialized JSON with DEL and C1 inside its strings written as `\u00NN`.
    /// Outside strings JSON text is ASCII, so every such scalar is in one.
    /// A raw `\r` can only be whitespace between tokens (a string may not
    /// hold one raw) and becomes a space: same JSON, and it cannot move the
    /// cursor back over what kai printed.
    public static func visibleJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscapeInJSON) else { return json }
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar == "\r" {
                result.append(" ")
            } else if scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value) {
                result.append(contentsOf: "\\u00\(hex(UInt8(scalar.value)))".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsEscapeInJSON(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\r" || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x0a && value != 0x09) || (0x7f...0x9f).contains(value)
    }

    static func escaped(_ byte: UInt8) -> String { "\\x" + hex(byte) }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}
