import CLlamaAPI
import Glibc
import Synchronization

/// libllama.so, opened once per path for the life of the process (never
/// closed) with its functions resolved.
///
/// `@unchecked Sendable`: `api` is a table of C function pointers written
/// once in init and only read afterwards; llama.cpp's functions used through
/// it are thread-safe on distinct contexts.
final class LlamaLibrary: @unchecked Sendable {
    let path: String
    let api: kai_llama_api

    private static let opened = Mutex<[String: LlamaLibrary]>([:])

    private init(path: String, api: kai_llama_api) {
        self.path = path
        self.api = api
    }

    /// The library at `path`, opened on first use.
    static func open(_ path: String) throws(ProviderError) -> LlamaLibrary {
        let result: Result<LlamaLibrary, ProviderError> = opened.withLock { table in
            if let library = table[path] { return .success(library) }
            guard access(path, F_OK) == 0 else {
                return .failure(.unavailable(
                    "libllama.so not found at \(path); run `make` (it builds llama.cpp once) or set `library` in the local provider's config"))
            }
            var api = kai_llama_api()
            var error = [CChar](repeating: 0, count: 512)
            let status = kai_llama_api_load(path, &api, &error, error.count)
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if status == -1 {
                return .failure(.unavailable("cannot load libllama.so at \(path): \(reason); run `make` to rebuild it or set `library` in the local provider's config"))
            }
            if status != 0 {
                return .failure(.unavailable(
                    "\(path) has no function \(reason): the local provider needs the libllama.so of llama-cpp-python 0.3.36; run `make` or set `library` in the local provider's config"))
            }
            // llama.cpp logs to stderr unless told otherwise; a plugin must
            // not write there (stdout/stderr may be a worker's channels).
            api.log_set(dropLog, nil)
            api.backend_init()
            let library = LlamaLibrary(path: path, api: api)
            table[path] = library
            return .success(library)
        }
        return try result.get()
    }
}

private func dropLog(_ level: Int32, _ text: UnsafePointer<CChar>?, _ userData: UnsafeMutableRawPointer?) {}
