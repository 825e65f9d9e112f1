import Foundation
import KaiJSON
import KaiOllamaWire
import KaiTestSupport

/// The committed Ollama transcripts (Tests/Fixtures/transcripts/ollama),
/// read as the plugin reads a server's bytes.
enum OllamaTranscripts {
    static let directory = Fixtures.repositoryRoot + "/Tests/Fixtures/transcripts/ollama"

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }

    /// A transcript fed through the line splitter and ChatStream in pieces
    /// of `piece` bytes (1: every byte alone, as a dripping server sends).
    static func replay(_ name: String, piece: Int = 7, idPrefix: String = "call_t") throws
        -> (stream: ChatStream, deltas: [ChatStream.Delta], error: WireError?) {
        let data = try bytes(name)
        var lines = NDJSONLines()
        var stream = ChatStream(idPrefix: idPrefix, origin: "endpoint local (http://127.0.0.1:11434/api/chat)")
        var deltas: [ChatStream.Delta] = []
        var failure: WireError? = nil
        var start = 0
        while start < data.count, failure == nil {
            let end = min(start + piece, data.count)
            _ = lines.feed(data[start..<end]) { line in
                do throws(WireError) {
                    deltas += try stream.apply(line: line)
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            start = end
        }
        return (stream, deltas, failure)
    }
}
