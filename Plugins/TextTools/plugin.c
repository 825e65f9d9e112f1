/*
 * plugin.c — the bundled text plugin's descriptor, entry point, lifecycle
 * and dispatch. The tools themselves live one per file (stats.c,
 * transform.c, base64.c, hash.c).
 */
#include "text_tools.h"

/** Used when the operator config has no max_input_bytes (the host normally
 *  fills in the schema default; this keeps a bare host working too). */
#define TEXT_DEFAULT_MAX_INPUT ((int64_t)1 << 20)

typedef struct text_instance {
    size_t max_input_bytes;
} text_instance;

static const struct {
    const char *name;
    text_tool_fn run;
} text_tools_table[] = {
    {"text_stats", text_stats},
    {"text_transform", text_transform},
    {"base64", text_base64},
    {"hash", text_hash},
};

static kai_result text_describe(const kai_output *out)
{
    return out->write(out, text_manifest_json, text_manifest_json_len);
}

static kai_result text_create(const kai_host *host, const kai_output *error, void **instance)
{
    int64_t max = TEXT_DEFAULT_MAX_INPUT;
    switch (kai_sdk_get_int64(host->config(host), "max_input_bytes", &max)) {
    case KAI_SDK_FOUND:
    case KAI_SDK_MISSING:
        break;
    case KAI_SDK_NO_MEMORY:
        return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory reading the configuration");
    case KAI_SDK_MALFORMED:
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "the configuration is not a JSON object");
    default:
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT,
                            "config key max_input_bytes must be an integer between 1 and %lld",
                            (long long)INT64_MAX);
    }
    if (max < 1) {
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT,
                            "config key max_input_bytes is %lld; it must be at least 1", (long long)max);
    }
    text_instance *self = malloc(sizeof *self);
    if (!self) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory creating the instance");
    self->max_input_bytes = (uint64_t)max > SIZE_MAX ? SIZE_MAX : (size_t)max;
    kai_sdk_log(host, KAI_LOG_DEBUG, "text tools ready, max_input_bytes=%zu", self->max_input_bytes);
    *instance = self;
    return KAI_OK;
}

static void text_destroy(void *instance)
{
    free(instance);
}

static kai_result text_invoke(void *instance, const kai_call *call)
{
    const text_instance *self = instance;
    const kai_output *out = call->output;
    if (call->kind != KAI_KIND_TOOL) {
        return kai_sdk_fail(out, KAI_ERR_UNSUPPORTED, "this plugin only has tools");
    }
    text_tool_fn run = NULL;
    for (size_t i = 0; i < sizeof text_tools_table / sizeof text_tools_table[0]; i++) {
        const char *name = text_tools_table[i].name;
        if (strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0) {
            run = text_tools_table[i].run;
        }
    }
    if (!run) {
        return kai_sdk_fail(out, KAI_ERR_NOT_FOUND,
                            "no tool named '%.*s'; this plugin has text_stats, text_transform, base64 and hash",
                            (int)(call->name.len > 64 ? 64 : call->name.len), call->name.data);
    }
    /* Every tool takes "text", so it is decoded and size-checked here. */
    char *text = NULL;
    size_t len = 0;
    switch (kai_sdk_get_string(call->input, "text", &text, &len)) {
    case KAI_SDK_FOUND:
        break;
    case KAI_SDK_NO_MEMORY:
        return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory reading \"text\"");
    case KAI_SDK_MISSING:
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "missing required string argument \"text\"");
    case KAI_SDK_MALFORMED:
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "the arguments are not a JSON object");
    default:
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "argument \"text\" must be a string");
    }
    kai_result r;
    if (len > self->max_input_bytes) {
        r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "text is %zu bytes; the configured max_input_bytes is %zu",
                         len, self->max_input_bytes);
    } else {
        r = run(call, text, len);
    }
    free(text);
    return r;
}

bool text_is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
        || c == 0x205F || c == 0x3000;
}

kai_result text_write_result(const kai_output *out, const char *s, size_t len)
{
    kai_result r = kai_sdk_write(out, "{\"result\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(out, s, len);
    if (r == KAI_OK) r = kai_sdk_write(out, "}");
    return r;
}

static const kai_plugin text_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 0,
    .describe = text_describe,
    .create = text_create,
    .destroy = text_destroy,
    .invoke = text_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor; /* minor 0 runs on every 1.x host */
    return &text_plugin;
}
