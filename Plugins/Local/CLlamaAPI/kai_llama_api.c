/* Resolves libllama.so's functions at run time (kai_llama_api.h). */
#define _GNU_SOURCE
#include "kai_llama_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* ISO C forbids converting a data pointer (dlsym's void *) to a function
 * pointer; POSIX requires it to work, and memcpy is the portable way to
 * spell it without -Wpedantic complaints. */
#define RESOLVE(field, symbol)                                                   \
    do {                                                                         \
        void *p = dlsym(handle, symbol);                                         \
        if (p == NULL) {                                                         \
            snprintf(error, error_size, "%s", symbol);                           \
            return -2;                                                           \
        }                                                                        \
        memcpy(&api->field, &p, sizeof p);                                       \
    } while (0)

int kai_llama_api_load(const char *path, kai_llama_api *api, char *error, size_t error_size)
{
    memset(api, 0, sizeof *api);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(error, error_size, "%s", why ? why : "dlopen failed");
        return -1;
    }
    RESOLVE(backend_init, "llama_backend_init");
    RESOLVE(log_set, "llama_log_set");
    RESOLVE(model_default_params, "llama_model_default_params");
    RESOLVE(context_default_params, "llama_context_default_params");
    RESOLVE(sampler_chain_default_params, "llama_sampler_chain_default_params");
    RESOLVE(model_load_from_file, "llama_model_load_from_file");
    RESOLVE(model_get_vocab, "llama_model_get_vocab");
    RESOLVE(model_chat_template, "llama_model_chat_template");
    RESOLVE(model_n_ctx_train, "llama_model_n_ctx_train");
    RESOLVE(init_from_model, "llama_init_from_model");
    RESOLVE(free, "llama_free");
    RESOLVE(get_memory, "llama_get_memory");
    RESOLVE(memory_clear, "llama_memory_clear");
    RESOLVE(set_abort_callback, "llama_set_abort_callback");
    RESOLVE(chat_apply_template, "llama_chat_apply_template");
    RESOLVE(tokenize, "llama_tokenize");
    RESOLVE(token_to_piece, "llama_token_to_piece");
    RESOLVE(vocab_is_eog, "llama_vocab_is_eog");
    RESOLVE(batch_get_one, "llama_batch_get_one");
    RESOLVE(decode, "llama_decode");
    RESOLVE(sampler_chain_init, "llama_sampler_chain_init");
    RESOLVE(sampler_chain_add, "llama_sampler_chain_add");
    RESOLVE(sampler_init_greedy, "llama_sampler_init_greedy");
    RESOLVE(sampler_init_dist, "llama_sampler_init_dist");
    RESOLVE(sampler_init_temp, "llama_sampler_init_temp");
    RESOLVE(sampler_init_grammar, "llama_sampler_init_grammar");
    RESOLVE(sampler_init_top_k, "llama_sampler_init_top_k");
    RESOLVE(sampler_init_top_p, "llama_sampler_init_top_p");
    RESOLVE(sampler_init_min_p, "llama_sampler_init_min_p");
    RESOLVE(sampler_sample, "llama_sampler_sample");
    RESOLVE(sampler_free, "llama_sampler_free");
    RESOLVE(get_logits_ith, "llama_get_logits_ith");
    RESOLVE(vocab_n_tokens, "llama_vocab_n_tokens");
    RESOLVE(sampler_apply, "llama_sampler_apply");
    RESOLVE(sampler_accept, "llama_sampler_accept");
    return 0;
}
