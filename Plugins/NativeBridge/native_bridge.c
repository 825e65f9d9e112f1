/*
 * native_bridge.c — the plugin that calls native C functions by signature
 * (issue 15): libKaiNativeBridge.so, plugin dev.kai.native-bridge.
 *
 * Plain C11 against the SDK headers plus libffi. It is never loaded by path
 * as an ordinary plugin: the host lists each operator native_tools entry as
 * a plugin of its own whose manifest the host wrote, runs this file for it
 * (in a supervised worker unless the operator asks for inprocess) and
 * passes the entry's functions as the config. describe() therefore says
 * only what the file is; invoke() serves whatever the config lists.
 */
#include "native_bridge.h"

static const char bridge_manifest[] =
    "{\"id\":\"dev.kai.native-bridge\",\"name\":\"Kai native bridge\",\"version\":\"1.0.0\",\"abiMinor\":2,"
    "\"description\":\"Calls native C functions by signature through libffi. Configure it with native_tools entries "
    "in kai.yaml, never directly: each entry becomes a plugin of its own.\","
    "\"capabilities\":[{\"kind\":\"tool\",\"name\":\"unconfigured\",\"description\":\"Stands for the functions a "
    "native_tools entry lists; calling it by this name always fails.\","
    "\"inputSchema\":{\"type\":\"object\"}}]}";

static kai_result bridge_describe(const kai_output *out)
{
    return out->write(out, bridge_manifest, sizeof bridge_manifest - 1);
}

static kai_result bridge_create(const kai_host *host, const kai_output *error, void **instance)
{
    nb_bridge *bridge = NULL;
    kai_result r = nb_bridge_load(host->config(host), error, &bridge);
    if (r != KAI_OK) return r;
    bridge->host = host;
    *instance = bridge;
    return KAI_OK;
}

static void bridge_destroy(void *instance)
{
    nb_bridge_free((nb_bridge *)instance);
}

static kai_result bridge_invoke(void *instance, const kai_call *call)
{
    const nb_bridge *bridge = (const nb_bridge *)instance;
    if (call->kind != KAI_KIND_TOOL)
        return kai_sdk_fail(call->output, KAI_ERR_UNSUPPORTED, "the native bridge serves tools only");
    for (int i = 0; i < bridge->count; i++) {
        const nb_function *fn = &bridge->functions[i];
        if (strlen(fn->name) == call->name.len && memcmp(fn->name, call->name.data, call->name.len) == 0)
            return nb_call(fn, call);
    }
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no native function of this name is configured");
}

static const kai_plugin bridge_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 2,
    .describe = bridge_describe,
    .create = bridge_create,
    .destroy = bridge_destroy,
    .invoke = bridge_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= 2 ? &bridge_plugin : NULL;
}
