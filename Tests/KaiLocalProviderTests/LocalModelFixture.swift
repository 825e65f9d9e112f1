import Foundation
import KaiTestSupport
import Testing

/// Where `make` put the local provider's llama.cpp and model, and whether
/// they are there: tests that need them skip with a message otherwise.
enum LocalModelFixture {
    static let cache: String = {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["KAI_CACHE_DIR"], !dir.isEmpty { return dir }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/kai" }
        return NSHomeDirectory() + "/.cache/kai"
    }()
    static let libraryDirectory = cache + "/llama-cpp-python-0.3.36"
    static let library = libraryDirectory + "/lib/libllama.so"
    static let include = libraryDirectory + "/include"
    static let model = cache + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    static let plugin = Fixtures.buildDirectory + "/libKaiPluginLocal.so"

    static var hasLlama: Bool {
        FileManager.default.fileExists(atPath: library) && FileManager.default.fileExists(atPath: include + "/llama.h")
    }
    static var hasModel: Bool { hasLlama && FileManager.default.fileExists(atPath: model) }

    /// One instance for the whole suite: the model loads once.
    static let shared: ProviderTestHost? = try? ProviderTestHost(library: plugin, config: "{\"threads\": 2}")
}

extension Trait where Self == ConditionTrait {
    static var requiresLlamaBuild: Self {
        .enabled(if: LocalModelFixture.hasLlama, Comment(rawValue:
            "needs llama.cpp built by `make` (libllama.so and llama.h under \(LocalModelFixture.libraryDirectory)); run `make local-model`"))
    }
    static var requiresLocalModel: Self {
        .enabled(if: LocalModelFixture.hasModel, Comment(rawValue:
            "needs llama.cpp and SmolLM2-135M-Instruct from `make` (\(LocalModelFixture.library), \(LocalModelFixture.model)); run `make local-model`"))
    }
}
