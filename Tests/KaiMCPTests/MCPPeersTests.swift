import Foundation
import KaiTestSupport
import Testing

@Suite struct MCPPeersTests {
    @Test(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
    func theVenvHasTheOfficialSDK() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MCPPeers.python)
        process.arguments = ["-c", "import mcp, importlib.metadata as m; print(m.version('mcp'))"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "2.3.0")
    }
}
