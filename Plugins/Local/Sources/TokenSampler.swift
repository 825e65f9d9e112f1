import CLlamaAPI

/// Picks each next token: temperature and a seeded distribution (or greedy
/// at temperature 0), under an optional grammar.
///
/// The grammar is not applied to the whole vocabulary first (checking
/// ~50,000 tokens against it costs tens of milliseconds per token); as in
/// llama.cpp's own common_sampler, the token is sampled freely, then the
/// grammar checks that one token, and only when it refuses is the grammar
/// applied to every candidate and the token sampled again. The result is
/// the same distribution restricted to what the grammar allows.
final class TokenSampler {
    private let api: kai_llama_api
    private let chain: OpaquePointer
    private(set) var grammar: OpaquePointer?
    private var candidates: [kai_llama_token_data]

    init(model: LlamaModel, temperature: Double, seed: UInt32?, grammar text: String?) throws(ProviderError) {
        api = model.api
        guard let chain = api.sampler_chain_init(api.sampler_chain_default_params()) else { throw .internalError("llama.cpp could not make a sampler") }
        if temperature <= 0 {
            api.sampler_chain_add(chain, api.sampler_init_greedy())
        } else {
            // llama.cpp's own defaults (and llama-cpp-python's) cut the long
            // tail first: sampling a 135M model's whole vocabulary at 0.8
            // gives word salad.
            api.sampler_chain_add(chain, api.sampler_init_top_k(40))
            api.sampler_chain_add(chain, api.sampler_init_top_p(0.95, 1))
            api.sampler_chain_add(chain, api.sampler_init_min_p(0.05, 1))
            api.sampler_chain_add(chain, api.sampler_init_temp(Float(temperature)))
            // 0xFFFFFFFF asks llama.cpp for a random seed.
            api.sampler_chain_add(chain, api.sampler_init_dist(seed ?? 0xFFFF_FFFF))
        }
        self.chain = chain
        if let text {
            guard let grammar = api.sampler_init_grammar(model.vocab, text, "root") else {
                api.sampler_free(chain)
                // Not the grammar itself: it can run past the 64 KiB of error details.
                throw .internalError("llama.cpp rejected the grammar Kai derived from the tools' input schemas (\(text.utf8.count) bytes): "
                    + "the schema is too large for it (e.g. dozens of optional properties in one object), or Kai's converter has a bug")
            }
            self.grammar = grammar
        }
        candidates = [kai_llama_token_data](repeating: kai_llama_token_data(), count: Int(api.vocab_n_tokens(model.vocab)))
    }

    deinit {
        api.sampler_free(chain)
        if let grammar { api.sampler_free(grammar) }
    }

    /// Stops constraining: the rest is free text (tool_choice auto after
    /// the output turned out not to be a call).
    func dropGrammar() {
        if let grammar { api.sampler_free(grammar) }
        grammar = nil
    }

    /// The next token after the last decoded batch of `context`.
    func sample(_ context: LlamaContext) throws(ProviderError) -> kai_llama_token {
        guard let logits = api.get_logits_ith(context.pointer, -1) else { throw .internalError("llama.cpp returned no logits") }
        var token = pick(logits, constrained: false)
        if let grammar, !allows(grammar, token) {
            token = pick(logits, constrained: true)
        }
        if let grammar { api.sampler_accept(grammar, token) }
        api.sampler_accept(chain, token)
        return token
    }

    private func pick(_ logits: UnsafeMutablePointer<Float>, constrained: Bool) -> kai_llama_token {
        candidates.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = kai_llama_token_data(id: kai_llama_token(i), logit: logits[i], p: 0) }
            var array = kai_llama_token_data_array(data: buffer.baseAddress, size: buffer.count, selected: -1, sorted: false)
            if constrained, let grammar { api.sampler_apply(grammar, &array) }
            api.sampler_apply(chain, &array)
            return array.data[Int(array.selected)].id
        }
    }

    private func allows(_ grammar: OpaquePointer, _ token: kai_llama_token) -> Bool {
        var one = kai_llama_token_data(id: token, logit: 1, p: 0)
        return withUnsafeMutablePointer(to: &one) { pointer in
            var array = kai_llama_token_data_array(data: pointer, size: 1, selected: -1, sorted: false)
            api.sampler_apply(grammar, &array)
            return array.data[0].logit != -Float.infinity
        }
    }
}
