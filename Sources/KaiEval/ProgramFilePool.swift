import Foundation
import Synchronization

/// Program files for a runner whose samples run on any thread
/// (SandboxSampleRunner): a sample takes a free file, or makes one, and
/// gives it back, so no more files exist than samples ever ran at once and
/// none is created or removed per sample (ProgramFile says why).
final class ProgramFilePool: Sendable {
    private let free = Mutex<[ProgramFile]>([])
    private let made = Atomic<Int>(0)
    private let shared = Mutex<ProgramDirectory?>(nil)
    /// Where a new directory is made (ends in "/").
    private let parent: String

    init(parent: String = ProgramFile.baseDirectory()) {
        self.parent = parent
    }

    deinit {
        free.withLock { $0.removeAll() }  // each file removes itself, then the directory goes with `shared`
    }

    /// The files' directory, made with the first file; nil before.
    var directory: String? { shared.withLock { $0?.path } }

    /// Runs `body` with a file holding `program`, then empties the file
    /// (ProgramFile.clear) and puts it back.
    func with(_ program: String, _ body: (String) -> SampleOutcome) -> SampleOutcome {
        let file: ProgramFile
        do throws(ProgramFileError) {
            file = try take()
            try file.write(program)
        } catch {
            return SampleOutcome(result: "failed: \(error.description)", status: "sandbox_error", cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0)
        }
        defer {
            file.clear()
            free.withLock { $0.append(file) }
        }
        return body(file.path)
    }

    /// A free file, or a new one (in a new directory if the old one is
    /// gone: no worker keeps a dead path).
    func take() throws(ProgramFileError) -> ProgramFile {
        if let file = free.withLock({ $0.popLast() }) { return file }
        let number = made.wrappingAdd(1, ordering: .relaxed).oldValue
        let current = try sharedDirectory(replacing: nil)
        do throws(ProgramFileError) {
            return try ProgramFile(directory: current, number: number)
        } catch {
            guard error.errno == ENOENT else { throw error }
            return try ProgramFile(directory: try sharedDirectory(replacing: current), number: number)
        }
    }

    /// The directory, made now if there is none yet or it is `replacing`.
    private func sharedDirectory(replacing gone: String?) throws(ProgramFileError) -> String {
        try shared.withLock { (directory: inout ProgramDirectory?) throws(ProgramFileError) -> String in
            if let directory, directory.path != gone { return directory.path }
            let made = try ProgramDirectory(parent: parent)
            directory = made
            return made.path
        }
    }
}
