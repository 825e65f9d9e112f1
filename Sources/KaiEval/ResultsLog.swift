import Foundation
import KaiJSON

/// `<samples>_results.jsonl`, appended one line per finished sample so a
/// killed run loses nothing it finished, and rewritten in sample order when
/// the run completes (atomically: a temp file renamed over it).
final class ResultsLog: @unchecked Sendable {  // the file handle is only touched under `lock`
    let path: String
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens the log. Without `resume`, an existing non-empty file is an
    /// error (it would mix two runs); with it, finished samples are returned
    /// and a partial last line (a run killed mid-write) is cut off.
    init(path: String, samples: [EvalSample], resume: Bool) throws(EvalInputError) {
        self.path = path
        let existing = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        if !existing.isEmpty && !resume {
            throw EvalInputError(file: path, line: nil, "already exists; pass --resume to continue that run, or delete it to start again")
        }
        var keep = existing.count
        if let lastNewline = existing.lastIndex(of: 0x0a) { keep = lastNewline + 1 } else { keep = 0 }
        if !FileManager.default.createFile(atPath: path, contents: Data(existing[0..<keep])) {
            throw EvalInputError(file: path, line: nil, "cannot be written; check the directory's permissions or pass --out")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EvalInputError(file: path, line: nil, "cannot be opened for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        finishedRecords = try Self.parse(Array(existing[0..<keep]), path: path, samples: samples)
    }

    /// Records already in the file when it was opened (for --resume).
    private(set) var finishedRecords: [Int: JSONObject]

    func append(_ record: EvalRecord) {
        let line = Data((record.json.serialized() + "\n").utf8)
        let asked = EvalProfile.stamp()
        lock.lock()
        let got = EvalProfile.stamp()
        handle.write(line)
        let released = EvalProfile.stamp()
        lock.unlock()
        EvalProfile.active?.lock("results file", asked: asked, got: got, released: released)
    }

    /// Rewrites the file with every record in sample order.
    func finalize(_ lines: [JSONValue]) throws(EvalInputError) {
        lock.withLock { try? handle.close() }
        let text = lines.map { $0.serialized() + "\n" }.joined()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EvalInputError(file: path, line: nil, "cannot be rewritten: \(error.localizedDescription)")
        }
    }

    private static func parse(_ bytes: [UInt8], path: String, samples: [EvalSample]) throws(EvalInputError) -> [Int: JSONObject] {
        var records: [Int: JSONObject] = [:]
        let byIndex = Dictionary(samples.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        var line = 0
        for text in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) where !text.isEmpty {
            line += 1
            guard case .object(let object)? = try? JSONParser.parse(Array(text)),
                  let index = object["sample_index"]?.intValue.map(Int.init),
                  let taskID = object["task_id"]?.stringValue
            else {
                throw EvalInputError(file: path, line: line, "is not a Kai results line (needs task_id and sample_index); it cannot be resumed — delete the file to start again")
            }
            // By index, not position: a Slurm shard's samples are a slice.
            guard byIndex[index]?.taskID == taskID else {
                throw EvalInputError(file: path, line: line, "sample \(index) (\(taskID)) does not match the samples file; these results belong to another run — delete the file or pass another --out")
            }
            records[index] = object
        }
        return records
    }
}
