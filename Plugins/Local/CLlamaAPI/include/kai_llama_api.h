/*
 * kai_llama_api.h — the part of llama.h (llama-cpp-python 0.3.36, llama.cpp
 * libllama.so 0.5.0) that Kai's `local` provider calls, declared here so
 * that Kai builds without llama.cpp and finds libllama.so at run time.
 *
 * Every struct is laid out EXACTLY as in that llama.h (enums are int-sized
 * there, declared int32_t here; pointers to types Kai never touches are
 * void *). Tests/KaiLocalProviderTests/LlamaLayoutTests compiles the real
 * llama.h beside this header and _Static_asserts every size and offset.
 * A different llama.cpp may lay them out differently: load only 0.3.36's.
 */
#ifndef KAI_LLAMA_API_H
#define KAI_LLAMA_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t kai_llama_token;

/** Opaque llama.cpp objects. */
typedef struct kai_llama_model kai_llama_model;
typedef struct kai_llama_context kai_llama_context;
typedef struct kai_llama_vocab kai_llama_vocab;
typedef struct kai_llama_sampler kai_llama_sampler;

/** struct llama_model_params */
typedef struct kai_llama_model_params {
    void *devices;
    const void *tensor_buft_overrides;
    int32_t n_gpu_layers;
    int32_t split_mode;
    int32_t load_mode;
    int32_t lazy_mode;
    int32_t main_gpu;
    const float *tensor_split;
    bool (*progress_callback)(float progress, void *user_data);
    void *progress_callback_user_data;
    const void *kv_overrides;
    bool vocab_only;
    bool check_tensors;
    bool use_extra_bufts;
    bool no_host;
    bool no_alloc;
    bool load_mtp;
} kai_llama_model_params;

/** struct llama_context_params */
typedef struct kai_llama_context_params {
    uint32_t n_ctx;
    uint32_t n_batch;
    uint32_t n_ubatch;
    uint32_t n_seq_max;
    uint32_t n_rs_seq;
    uint32_t n_outputs_max;
    uint32_t n_outputs_max_per_seq;
    int32_t n_threads;
    int32_t n_threads_batch;
    int32_t ctx_type;
    int32_t rope_scaling_type;
    int32_t pooling_type;
    int32_t attention_type;
    int32_t flash_attn_type;
    float rope_freq_base;
    float rope_freq_scale;
    float yarn_ext_factor;
    float yarn_attn_factor;
    float yarn_beta_fast;
    float yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void *cb_eval;
    void *cb_eval_user_data;
    int32_t type_k;
    int32_t type_v;
    bool (*abort_callback)(void *data);
    void *abort_callback_data;
    bool embeddings;
    bool offload_kqv;
    bool no_perf;
    bool op_offload;
    bool swa_full;
    bool kv_unified;
    void *samplers;
    size_t n_samplers;
    void *ctx_other;
} kai_llama_context_params;

/** struct llama_sampler_chain_params */
typedef struct kai_llama_sampler_chain_params {
    bool no_perf;
} kai_llama_sampler_chain_params;

/** struct llama_batch */
typedef struct kai_llama_batch {
    int32_t n_tokens;
    kai_llama_token *token;
    float *embd;
    int32_t *pos;
    int32_t *n_seq_id;
    int32_t **seq_id;
    int8_t *logits;
} kai_llama_batch;

/** struct llama_token_data */
typedef struct kai_llama_token_data {
    kai_llama_token id;
    float logit;
    float p;
} kai_llama_token_data;

/** struct llama_token_data_array (samplers may replace `data`) */
typedef struct kai_llama_token_data_array {
    kai_llama_token_data *data;
    size_t size;
    int64_t selected;
    bool sorted;
} kai_llama_token_data_array;

/** struct llama_chat_message */
typedef struct kai_llama_chat_message {
    const char *role;
    const char *content;
} kai_llama_chat_message;

/** ggml_log_callback (level is enum ggml_log_level). */
typedef void (*kai_llama_log_callback)(int32_t level, const char *text, void *user_data);
/** ggml_abort_callback: true stops the running llama_decode (it returns 2). */
typedef bool (*kai_llama_abort_callback)(void *data);

/**
 * The functions of libllama.so Kai calls, resolved by kai_llama_api_load.
 * Names and signatures are llama.h's without the "llama_" prefix.
 */
typedef struct kai_llama_api {
    void (*backend_init)(void);
    void (*log_set)(kai_llama_log_callback callback, void *user_data);
    kai_llama_model_params (*model_default_params)(void);
    kai_llama_context_params (*context_default_params)(void);
    kai_llama_sampler_chain_params (*sampler_chain_default_params)(void);
    kai_llama_model *(*model_load_from_file)(const char *path, kai_llama_model_params params);
    const kai_llama_vocab *(*model_get_vocab)(const kai_llama_model *model);
    const char *(*model_chat_template)(const kai_llama_model *model, const char *name);
    int32_t (*model_n_ctx_train)(const kai_llama_model *model);
    kai_llama_context *(*init_from_model)(kai_llama_model *model, kai_llama_context_params params);
    void (*free)(kai_llama_context *ctx);
    void *(*get_memory)(const kai_llama_context *ctx);
    void (*memory_clear)(void *memory, bool data);
    void (*set_abort_callback)(kai_llama_context *ctx, kai_llama_abort_callback callback, void *data);
    int32_t (*chat_apply_template)(const char *tmpl, const kai_llama_chat_message *chat, size_t n_msg,
                                   bool add_ass, char *buf, int32_t length);
    int32_t (*tokenize)(const kai_llama_vocab *vocab, const char *text, int32_t text_len,
                        kai_llama_token *tokens, int32_t n_tokens_max, bool add_special, bool parse_special);
    int32_t (*token_to_piece)(const kai_llama_vocab *vocab, kai_llama_token token, char *buf,
                              int32_t length, int32_t lstrip, bool special);
    bool (*vocab_is_eog)(const kai_llama_vocab *vocab, kai_llama_token token);
    kai_llama_batch (*batch_get_one)(kai_llama_token *tokens, int32_t n_tokens);
    int32_t (*decode)(kai_llama_context *ctx, kai_llama_batch batch);
    kai_llama_sampler *(*sampler_chain_init)(kai_llama_sampler_chain_params params);
    void (*sampler_chain_add)(kai_llama_sampler *chain, kai_llama_sampler *sampler);
    kai_llama_sampler *(*sampler_init_greedy)(void);
    kai_llama_sampler *(*sampler_init_dist)(uint32_t seed);
    kai_llama_sampler *(*sampler_init_temp)(float t);
    kai_llama_sampler *(*sampler_init_grammar)(const kai_llama_vocab *vocab, const char *grammar, const char *root);
    kai_llama_sampler *(*sampler_init_top_k)(int32_t k);
    kai_llama_sampler *(*sampler_init_top_p)(float p, size_t min_keep);
    kai_llama_sampler *(*sampler_init_min_p)(float p, size_t min_keep);
    kai_llama_token (*sampler_sample)(kai_llama_sampler *sampler, kai_llama_context *ctx, int32_t idx);
    void (*sampler_free)(kai_llama_sampler *sampler);
    float *(*get_logits_ith)(kai_llama_context *ctx, int32_t i);
    int32_t (*vocab_n_tokens)(const kai_llama_vocab *vocab);
    void (*sampler_apply)(kai_llama_sampler *sampler, kai_llama_token_data_array *candidates);
    void (*sampler_accept)(kai_llama_sampler *sampler, kai_llama_token token);
} kai_llama_api;

/**
 * Opens `path` (absolute) with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)
 * and resolves every function of kai_llama_api into *api. The library is
 * never closed.
 *
 * Ownership: `path` borrowed; `error` (error_size bytes, caller's) receives a
 *            NUL-terminated reason on failure.
 * Returns:   0 on success; -1 when dlopen failed (error: dlerror's text);
 *            -2 when a symbol is missing (error: its name).
 * Threads:   any thread; dlopen and dlsym are thread-safe.
 */
int kai_llama_api_load(const char *path, kai_llama_api *api, char *error, size_t error_size);

#ifdef __cplusplus
}
#endif
#endif /* KAI_LLAMA_API_H */
