/* Compiled by LlamaLayoutTests against the REAL llama.h of the cached
 * llama-cpp-python 0.3.36 build: every struct Kai declares in
 * kai_llama_api.h must have llama.h's size, and every field its offset. */
#include <stddef.h>
#include "llama.h"
#include "kai_llama_api.h"

#define SAME_SIZE(kai, real) _Static_assert(sizeof(kai) == sizeof(real), #kai " differs in size from " #real)
#define SAME_FIELD(kai, real, field) _Static_assert(offsetof(kai, field) == offsetof(real, field), #kai "." #field " is not where llama.h has it")

SAME_SIZE(kai_llama_model_params, struct llama_model_params);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, devices);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, tensor_buft_overrides);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, n_gpu_layers);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, split_mode);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, load_mode);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, lazy_mode);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, main_gpu);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, tensor_split);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, progress_callback);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, progress_callback_user_data);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, kv_overrides);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, vocab_only);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, check_tensors);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, use_extra_bufts);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, no_host);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, no_alloc);
SAME_FIELD(kai_llama_model_params, struct llama_model_params, load_mtp);

SAME_SIZE(kai_llama_context_params, struct llama_context_params);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_ctx);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_batch);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_ubatch);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_seq_max);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_rs_seq);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_outputs_max);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_outputs_max_per_seq);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_threads);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_threads_batch);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, ctx_type);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, rope_scaling_type);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, pooling_type);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, attention_type);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, flash_attn_type);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, rope_freq_base);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, rope_freq_scale);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, yarn_ext_factor);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, yarn_attn_factor);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, yarn_beta_fast);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, yarn_beta_slow);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, yarn_orig_ctx);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, defrag_thold);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, cb_eval);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, cb_eval_user_data);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, type_k);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, type_v);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, abort_callback);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, abort_callback_data);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, embeddings);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, offload_kqv);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, no_perf);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, op_offload);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, swa_full);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, kv_unified);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, samplers);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, n_samplers);
SAME_FIELD(kai_llama_context_params, struct llama_context_params, ctx_other);

SAME_SIZE(kai_llama_sampler_chain_params, struct llama_sampler_chain_params);
SAME_FIELD(kai_llama_sampler_chain_params, struct llama_sampler_chain_params, no_perf);

SAME_SIZE(kai_llama_batch, struct llama_batch);
SAME_FIELD(kai_llama_batch, struct llama_batch, n_tokens);
SAME_FIELD(kai_llama_batch, struct llama_batch, token);
SAME_FIELD(kai_llama_batch, struct llama_batch, embd);
SAME_FIELD(kai_llama_batch, struct llama_batch, pos);
SAME_FIELD(kai_llama_batch, struct llama_batch, n_seq_id);
SAME_FIELD(kai_llama_batch, struct llama_batch, seq_id);
SAME_FIELD(kai_llama_batch, struct llama_batch, logits);

SAME_SIZE(kai_llama_token_data, struct llama_token_data);
SAME_FIELD(kai_llama_token_data, struct llama_token_data, id);
SAME_FIELD(kai_llama_token_data, struct llama_token_data, logit);
SAME_FIELD(kai_llama_token_data, struct llama_token_data, p);

SAME_SIZE(kai_llama_token_data_array, struct llama_token_data_array);
SAME_FIELD(kai_llama_token_data_array, struct llama_token_data_array, data);
SAME_FIELD(kai_llama_token_data_array, struct llama_token_data_array, size);
SAME_FIELD(kai_llama_token_data_array, struct llama_token_data_array, selected);
SAME_FIELD(kai_llama_token_data_array, struct llama_token_data_array, sorted);

SAME_SIZE(kai_llama_chat_message, struct llama_chat_message);
SAME_FIELD(kai_llama_chat_message, struct llama_chat_message, role);
SAME_FIELD(kai_llama_chat_message, struct llama_chat_message, content);

_Static_assert(sizeof(llama_token) == sizeof(kai_llama_token), "llama_token is not 32-bit");
/* ISO C wants a declaration in a translation unit. */
typedef int kai_llama_layout_checked;
