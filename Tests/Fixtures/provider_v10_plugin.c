/*
 * provider_v10_plugin.c — a provider as a plugin built against the ABI 1.0
 * headers would write one (compiled against Tests/Fixtures/abi-1.0, never
 * against the current headers): abiMinor 0, no operation field, no cancel
 * fd, no streaming. Kept forever, so a 1.1+ host keeps serving such plugins.
 *
 * Manifest id "test.oldprovider"; provider "old" with models old-1, old-2.
 * Whatever input it gets, it answers one fixed chat response (so if a host
 * wrongly sent it KAI_OP_LIST_MODELS, the answer would break the model
 * list's schema and the test would see it).
 */
#include <kai/kai_sdk.h>

static const char manifest[] =
    "{\"id\":\"test.oldprovider\",\"version\":\"0.1.0\",\"abiMinor\":0,"
    "\"description\":\"A provider built against ABI 1.0.\","
    "\"capabilities\":[{\"kind\":\"provider\",\"name\":\"old\",\"description\":\"Answers one fixed line.\","
    "\"models\":[\"old-1\",\"old-2\"]}]}";

static kai_result describe(const kai_output *out) { return kai_sdk_write(out, manifest); }

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
    return kai_sdk_write(call->output,
                         "{\"message\":{\"role\":\"assistant\",\"content\":\"from 1.0\"},\"finish_reason\":\"stop\","
                         "\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");
}

static const kai_plugin plugin = {
    .struct_size = sizeof(kai_plugin), .abi_major = KAI_ABI_MAJOR, .abi_minor = 0,
    .describe = describe, .create = create, .destroy = destroy, .invoke = invoke,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &plugin;
}
