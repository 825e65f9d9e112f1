import Glibc
import KaiJSON

/// The operator's configuration of one `local` instance, with defaults.
///
/// library and model default to where `make` (Plugins/Local/install-llama.sh)
/// puts them: $CACHE/llama-cpp-python-0.3.36/lib/libllama.so and
/// $CACHE/models/SmolLM2-135M-Instruct.Q4_1.gguf, CACHE being $KAI_CACHE_DIR
/// or ${XDG_CACHE_HOME:-$HOME/.cache}/kai in this process's environment
/// (with the password database's home when $HOME has no such directory).
struct LocalConfig: Sendable {
    let library: String
    let model: String
    let threads: Int32
    let contextLength: UInt32

    /// The id the model is listed and requested under: the GGUF file name
    /// without ".gguf", lowercased ("smollm2-135m-instruct.q4_1").
    var modelID: String {
        var name = model.split(separator: "/").last.map(String.init) ?? model
        if name.lowercased().hasSuffix(".gguf") { name.removeLast(5) }
        return name.lowercased()
    }

    init(json: JSONValue) throws(ProviderError) {
        let cache = LocalConfig.cacheDirectory()
        library = try LocalConfig.path(json["library"], key: "library") ?? cache + "/llama-cpp-python-0.3.36/lib/libllama.so"
        model = try LocalConfig.path(json["model"], key: "model") ?? cache + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        if let value = json["threads"] {
            guard let n = value.intValue, n >= 1, n <= 1024 else { throw .invalidInput("config \"threads\" must be an integer from 1 to 1024") }
            threads = Int32(n)
        } else {
            // Every online CPU: generation is compute-bound and llama.cpp
            // splits each token's work across its threads.
            threads = Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        }
        if let value = json["context_length"] {
            guard let n = value.intValue, n >= 64, n <= 1 << 20 else {
                throw .invalidInput("config \"context_length\" must be an integer from 64 to 1048576")
            }
            contextLength = UInt32(n)
        } else {
            contextLength = 2048
        }
    }

    private static func path(_ value: JSONValue?, key: String) throws(ProviderError) -> String? {
        guard let value else { return nil }
        guard let path = value.stringValue, path.hasPrefix("/") else {
            throw .invalidInput("config \"\(key)\" must be an absolute path")
        }
        return path
    }

    static func cacheDirectory() -> String {
        func env(_ name: String) -> String? {
            guard let value = getenv(name) else { return nil }
            let text = String(cString: value)
            return text.isEmpty ? nil : text
        }
        if let dir = env("KAI_CACHE_DIR") { return dir }
        if let dir = env("XDG_CACHE_HOME") { return dir + "/kai" }
        // A plugin worker runs with HOME=/nonexistent (WorkerEnvironment):
        // then the user's home from the password database is where make
        // put the cache.
        var candidates: [String] = []
        if let home = env("HOME") { candidates.append(home + "/.cache/kai") }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { candidates.append(String(cString: dir) + "/.cache/kai") }
        return candidates.first { access($0, F_OK) == 0 } ?? candidates.first ?? "/.cache/kai"
    }
}
