import Foundation
import KaiTestSupport
import Testing

/// Review item 15: kai builds and starts on glibc < 2.34, which lacks
/// posix_spawn_file_actions_addclosefrom_np: the binaries look it up with
/// dlsym at run time (a no-op without it: the launcher and the worker close
/// inherited descriptors themselves), never link it.
@Suite struct GlibcLinkageTests {
    @Test(arguments: ["kai", "kai-plugin-worker"])
    func binary_doesNotLinkAddclosefromDirectly(_ name: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/nm") else { try Test.cancel("needs /usr/bin/nm (binutils)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        process.arguments = ["-D", "--undefined-only", Fixtures.buildDirectory + "/" + name]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let symbols = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0 && symbols.contains("posix_spawn"), "nm found no dynamic symbols")
        #expect(!symbols.contains("posix_spawn_file_actions_addclosefrom_np"))
    }
}
