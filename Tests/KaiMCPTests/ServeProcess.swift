import Foundation
import KaiJSON
import KaiTestSupport

/// A running `kai mcp serve` (stdio or HTTP) whose stdout replies and
/// stderr lines are collected on threads, so a test can wait for a line
/// ("sleep_ms started") and for the reply to an id. A hang guard kills the
/// server after `guardSeconds` (a test that waits on a server that never
/// acts fails instead of hanging); it is no part of any check.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private let condition = NSCondition()
    private var stderrText = ""
    private var stdoutLines: [String] = []
    private var stdoutEnded = false, stderrEnded = false
    private var hangGuard: DispatchWorkItem?

    init(_ workspace: MCPServeWorkspace, _ extra: [String], guardSeconds: Double = 180) throws {
        process.executableURL = URL(fileURLWithPath: KaiProcess.executable)
        process.arguments = Array(workspace.serveArguments(extra).dropFirst())
        process.environment = workspace.environment
        (process.standardInput, process.standardOutput, process.standardError) = (input, output, errors)
        try process.run()
        // Cancelled once the server exits, so it never signals a reused pid.
        let guardItem = DispatchWorkItem { [process] in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        hangGuard = guardItem
        DispatchQueue.global().asyncAfter(deadline: .now() + guardSeconds, execute: guardItem)
        collect(output.fileHandleForReading) { [self] text in
            stdoutLines += text.split(separator: "\n").map(String.init)
        } ended: { [self] in stdoutEnded = true }
        collect(errors.fileHandleForReading) { [self] text in stderrText += text } ended: { [self] in stderrEnded = true }
    }

    private func collect(_ handle: FileHandle, _ add: @escaping @Sendable (String) -> Void, ended: @escaping @Sendable () -> Void) {
        let thread = Thread { [condition] in
            var partial = Data()
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty {
                    if !partial.isEmpty { add(String(decoding: partial, as: UTF8.self)) }
                    ended()
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                partial.append(chunk)
                // Whole lines only (a reply may arrive in pieces).
                if let last = partial.lastIndex(of: UInt8(ascii: "\n")) {
                    add(String(decoding: partial[...last], as: UTF8.self))
                    partial = Data(partial[(last + 1)...])
                }
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.start()
    }

    var pid: Int32 { process.processIdentifier }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Waits until stderr holds `text` `count` times; false if stderr ended first.
    @discardableResult
    func waitForStderr(_ text: String, count: Int = 1) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while stderrText.components(separatedBy: text).count - 1 < count {
            if stderrEnded { return false }
            condition.wait()
        }
        return true
    }

    /// The reply with this id (waits for it); nil if stdout ended first.
    func reply(id: JSONValue) -> JSONValue? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let found = stdoutLines.lazy.compactMap({ try? JSONParser.parse($0) }).first(where: { $0["id"] == id }) { return found }
            if stdoutEnded { return nil }
            condition.wait()
        }
    }

    /// Waits for exit; returns the status, every stdout line parsed, and stderr.
    func finish() -> (status: Int32, replies: [JSONValue], stderr: String) {
        process.waitUntilExit()
        hangGuard?.cancel()
        condition.lock()
        while !(stdoutEnded && stderrEnded) { condition.wait() }
        defer { condition.unlock() }
        return (process.terminationStatus, stdoutLines.compactMap { try? JSONParser.parse($0) }, stderrText)
    }

    var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        return stderrText
    }

    /// `kai mcp serve --http 0`: its URL, once it printed it.
    func httpURL() -> String? {
        guard waitForStderr("/mcp\n") else { return nil }
        return stderr.split(separator: "\n").first { $0.contains(" at http://") }.map { String($0.split(separator: " ").last!) }
    }
}
