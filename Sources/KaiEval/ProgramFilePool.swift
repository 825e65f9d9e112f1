import Foundation
import Synchronization

/// Program files for a runner whose samples run on any thread
/// (SandboxSampleRunner): a sample takes a free file, or makes one, and
/// gives it back, so no more files exist than samples ever ran at once and
/// none is created or removed per sample (ProgramFile says why).
final class ProgramFilePool: Sendable {
    private let free = Mutex<[ProgramFile]>([])
    private let made = Atomic<Int>(0)
    private let directoryPath = Mutex<String?>(nil)

    deinit {
        free.withLock { $0.removeAll() }  // each file removes itself
        if let directory = directoryPath.withLock({ $0 }) { rmdir(directory) }
    }

    /// The files' directory, made with the first file; nil before.
    var directory: String? { directoryPath.withLock { $0 } }

    /// Runs `body` with a file holding `program`, then puts the file back.
    func with(_ program: String, _ body: (String) -> SampleOutcome) -> SampleOutcome {
        let file: ProgramFile
        do throws(ProgramFileError) {
            file = try take()
            try file.write(program)
        } catch {
            return SampleOutcome(result: "failed: \(error.description)", status: "sandbox_error", cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0)
        }
        defer { free.withLock { $0.append(file) } }
        return body(file.path)
    }

    /// A free file, or a new one.
    func take() throws(ProgramFileError) -> ProgramFile {
        if let file = free.withLock({ $0.popLast() }) { return file }
        return try ProgramFile(directory: try sharedDirectory(), number: made.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    private func sharedDirectory() throws(ProgramFileError) -> String {
        try directoryPath.withLock { (directory: inout String?) throws(ProgramFileError) -> String in
            if let directory { return directory }
            let made = try ProgramFile.makeDirectory()
            directory = made
            return made
        }
    }
}
