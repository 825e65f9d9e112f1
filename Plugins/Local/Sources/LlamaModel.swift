import CLlamaAPI
import Glibc
import Synchronization

/// A GGUF model loaded into memory, shared by every call of one instance,
/// with a pool of llama contexts: each running call takes its own context
/// (its KV cache), so calls overlap without a lock around decoding, and a
/// finished call's context is cleared and reused by the next.
///
/// `@unchecked Sendable`: the model and vocab pointers are immutable after
/// init and llama.cpp reads them concurrently from several contexts; the
/// pool is guarded by its Mutex.
final class LlamaModel: @unchecked Sendable {
    let library: LlamaLibrary
    let model: OpaquePointer
    let vocab: OpaquePointer
    let chatTemplate: String?
    let config: LocalConfig
    private let idle = Mutex<[LlamaContext]>([])

    var api: kai_llama_api { library.api }

    init(library: LlamaLibrary, config: LocalConfig) throws(ProviderError) {
        guard access(config.model, R_OK) == 0 else {
            throw .unavailable(
                "model not found at \(config.model); run `make` (it extracts SmolLM2-135M-Instruct once) or set `model` in the local provider's config to a GGUF file")
        }
        var params = library.api.model_default_params()
        params.n_gpu_layers = 0
        guard let model = library.api.model_load_from_file(config.model, params) else {
            throw .unavailable("llama.cpp could not load the model at \(config.model); is it a GGUF file this llama.cpp (0.3.36) supports?")
        }
        guard let vocab = library.api.model_get_vocab(model) else { throw .internalError("the model at \(config.model) has no vocabulary") }
        self.library = library
        self.model = model
        self.vocab = vocab
        self.chatTemplate = library.api.model_chat_template(model, nil).map { String(cString: $0) }
        self.config = config
    }

    /// A context for one call: an idle one, or a new one.
    func takeContext() throws(ProviderError) -> LlamaContext {
        if let context = idle.withLock({ $0.popLast() }) { return context }
        var params = api.context_default_params()
        params.n_ctx = config.contextLength
        params.n_batch = config.contextLength
        params.n_threads = config.threads
        params.n_threads_batch = config.threads
        params.no_perf = true
        guard let context = api.init_from_model(model, params) else {
            throw .unavailable("llama.cpp could not create a context of \(config.contextLength) tokens for \(config.model) (out of memory?)")
        }
        return LlamaContext(pointer: context)
    }

    /// Gives a context back for reuse, its KV cache cleared.
    func returnContext(_ context: LlamaContext) {
        api.set_abort_callback(context.pointer, nil, nil)
        api.memory_clear(api.get_memory(context.pointer), true)
        idle.withLock { $0.append(context) }
    }

    /// The tokens of `text` (special tokens of the chat template parsed).
    func tokenize(_ text: String) throws(ProviderError) -> [kai_llama_token] {
        var bytes = Array(text.utf8)
        var tokens = [kai_llama_token](repeating: 0, count: bytes.count + 8)
        var n = bytes.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { api.tokenize(vocab, $0.baseAddress, Int32($0.count), &tokens, Int32(tokens.count), true, true) }
        }
        if n < 0 {
            tokens = [kai_llama_token](repeating: 0, count: Int(-n))
            n = bytes.withUnsafeMutableBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { api.tokenize(vocab, $0.baseAddress, Int32($0.count), &tokens, Int32(tokens.count), true, true) }
            }
        }
        guard n >= 0 else { throw .internalError("llama.cpp could not tokenize the prompt") }
        return Array(tokens.prefix(Int(n)))
    }

    /// The bytes a token stands for (control tokens render as nothing).
    func piece(_ token: kai_llama_token) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 64)
        var n = api.token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, false)
        if n < 0 {
            buffer = [CChar](repeating: 0, count: Int(-n))
            n = api.token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, false)
        }
        return n <= 0 ? [] : buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }
    }

    func isEndOfGeneration(_ token: kai_llama_token) -> Bool { api.vocab_is_eog(vocab, token) }
}

/// One llama context (KV cache and compute buffers), used by one call at a
/// time. `@unchecked Sendable`: it moves between threads only through the
/// pool's Mutex, never used by two calls at once.
final class LlamaContext: @unchecked Sendable {
    let pointer: OpaquePointer
    init(pointer: OpaquePointer) { self.pointer = pointer }
}
