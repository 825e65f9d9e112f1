import Foundation
import KaiTestSupport
import Testing

/// CLlamaAPI declares llama.h's structs itself (Kai builds without
/// llama.cpp); a compiler checks them against the real llama.h of the
/// cached build, field by field.
struct LlamaLayoutTests {
    static let checks = Fixtures.repositoryRoot + "/Tests/KaiLocalProviderTests/Fixtures/llama_layout.c"
    static let declarations = Fixtures.repositoryRoot + "/Plugins/Local/CLlamaAPI/include"

    @Test(.requiresLlamaBuild) func declaredStructs_haveTheSizesAndOffsetsOfTheRealLlamaH() throws {
        let result = try compile(declarations: Self.declarations)
        #expect(result.status == 0, "\(result.errors)")
    }

    /// The check itself can fail: a struct one byte off is caught.
    @Test(.requiresLlamaBuild) func aFieldOutOfPlace_failsTheCheck() throws {
        let header = try String(contentsOfFile: Self.declarations + "/kai_llama_api.h", encoding: .utf8)
        let original = "typedef struct kai_llama_batch {\n    int32_t n_tokens;\n"
        try #require(header.contains(original))
        let shifted = header.replacingOccurrences(of: original, with: original + "    void *kai_extra_field;\n")
        let directory = Fixtures.scratch + "/llama-layout-shifted"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try shifted.write(toFile: directory + "/kai_llama_api.h", atomically: true, encoding: .utf8)
        let result = try compile(declarations: directory)
        #expect(result.status != 0)
        #expect(result.errors.contains("kai_llama_batch.token is not where llama.h has it"))
    }

    private func compile(declarations: String) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        process.arguments = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                             "-I", LocalModelFixture.include, "-I", declarations, Self.checks]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
