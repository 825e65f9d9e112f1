/*
 * cbrt_plugin.c — the benchmark's ABI plugin peer of a native tool: plugin
 * bench.cbrt with one tool, cbrt {x} -> {"result": cbrt(x)}, written the
 * way a plugin author wraps a C function by hand. bench/native_bench.py
 * builds it with
 *
 *     cc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *        -I plugin-sdk/include -o libcbrt_plugin.so bench/cbrt_plugin.c -lm
 */
#include <kai/kai_sdk.h>

#include <kai/kai_plugin.h>

static const char manifest[] =
    "{\"id\":\"bench.cbrt\",\"version\":\"1.0.0\",\"abiMinor\":0,\"capabilities\":[{\"kind\":\"tool\",\"name\":\"cbrt\","
    "\"description\":\"The cube root of x.\",\"concurrency\":\"serial\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\"}},\"required\":[\"x\"],"
    "\"additionalProperties\":false},"
    /* The output schema Kai generates for a native double result, so both
     * tools cost the host the same checks. */
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"number\"}},"
    "\"required\":[\"result\"],\"additionalProperties\":false}}]}";

static kai_result describe(const kai_output *out) { return out->write(out, manifest, sizeof manifest - 1); }

static kai_result create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)host;
    (void)error;
    *instance = NULL;
    return KAI_OK;
}

static void destroy(void *instance) { (void)instance; }

static kai_result invoke(void *instance, const kai_call *call)
{
    (void)instance;
    double x;
    if (kai_sdk_get_double(call->input, "x", &x) != KAI_SDK_FOUND)
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "x must be a number");
    return kai_sdk_writef(call->output, "{\"result\":%.17g}", cbrt(x));
}

static const kai_plugin plugin = {
    .struct_size = sizeof(kai_plugin), .abi_major = KAI_ABI_MAJOR, .abi_minor = 0,
    .describe = describe, .create = create, .destroy = destroy, .invoke = invoke, .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &plugin;
}
