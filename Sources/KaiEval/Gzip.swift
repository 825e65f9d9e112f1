import CZlib
import Foundation

/// Reads a whole file, gunzipping it when it is gzip-compressed (by its
/// magic bytes, not its name), through the system zlib.
enum CompressedFile {
    static func read(_ path: String) throws(EvalInputError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvalInputError(file: path, line: nil, "cannot be read: no such readable file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        guard let file = gzopen(path, "rb") else {
            throw EvalInputError(file: path, line: nil, "cannot be opened as gzip")
        }
        defer { gzclose(file) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw EvalInputError(file: path, line: nil, "is not valid gzip: \(message)")
            }
            if count == 0 { break }
            output.append(contentsOf: chunk[0..<Int(count)])
        }
        return output
    }
}
