/*
 * Compile-time checks of the ABI v1 layout on this platform (LP64). Once
 * released, these offsets are frozen: a change that trips one of these
 * asserts breaks every plugin already built, so the fix is never to edit the
 * numbers but to append a field instead.
 */
#include <kai/kai_plugin.h>

#define KAI_OFFSET(type, field, expected) \
    _Static_assert(offsetof(type, field) == (expected), #type "." #field " moved")
#define KAI_SIZE(type, expected) \
    _Static_assert(sizeof(type) == (expected), "sizeof(" #type ") changed")

#if UINTPTR_MAX == 0xffffffffffffffffu
KAI_SIZE(kai_str, 16);
KAI_OFFSET(kai_output, write, 16);
KAI_OFFSET(kai_output, set_error, 24);
KAI_SIZE(kai_output, 32);
KAI_SIZE(kai_event, 8);
KAI_OFFSET(kai_event_text_delta, text, 8);
KAI_OFFSET(kai_event_tool_call_delta, arguments, 48);
KAI_OFFSET(kai_event_usage, cost_usd, 24);
KAI_OFFSET(kai_event_error, details, 16);
KAI_OFFSET(kai_event_sink, on_event, 16);
KAI_OFFSET(kai_call, name, 8);
KAI_OFFSET(kai_call, input, 24);
KAI_OFFSET(kai_call, output, 40);
KAI_OFFSET(kai_call, events, 48);
KAI_OFFSET(kai_call, host_call, 56);
KAI_OFFSET(kai_call, operation, 64);
KAI_SIZE(kai_call, 72);
KAI_OFFSET(kai_host, log, 16);
KAI_OFFSET(kai_host, config, 24);
KAI_OFFSET(kai_host, get_extension, 32);
KAI_OFFSET(kai_host, deadline, 40);
KAI_OFFSET(kai_host, is_cancelled, 48);
KAI_OFFSET(kai_host, call_tool, 56);
KAI_OFFSET(kai_host, provider_complete, 64);
KAI_OFFSET(kai_host, provider_stream, 72);
KAI_SIZE(kai_host, 80);
KAI_OFFSET(kai_plugin, describe, 16);
KAI_OFFSET(kai_plugin, create, 24);
KAI_OFFSET(kai_plugin, destroy, 32);
KAI_OFFSET(kai_plugin, invoke, 40);
KAI_OFFSET(kai_plugin, get_extension, 48);
KAI_SIZE(kai_plugin, 56);
#endif

/* A translation unit must declare something. Static and unexported: a plugin
 * that links this file must still export exactly one symbol, its entry. */
__attribute__((used)) static const unsigned kai_sdk_abi_version[2] = {KAI_ABI_MAJOR, KAI_ABI_MINOR};
