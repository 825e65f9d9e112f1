/*
 * kai_host.h — services the host hands to each plugin instance, and the call
 * a plugin receives.
 *
 * A plugin never links to host symbols and never uses globals of the host:
 * everything it may ask of Kai is in the kai_host table given to create().
 * Agents are built from exactly these services (call a tool, call a provider,
 * log, watch the deadline).
 */
#ifndef KAI_HOST_H
#define KAI_HOST_H

#include "kai_abi.h"
#include "kai_events.h"
#include "kai_output.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kai_host kai_host;

/**
 * One invocation of one capability, handed to kai_plugin.invoke.
 *
 * Lifetime: the struct and everything it points to are owned by the host and
 * valid until invoke() returns. Host services that take a `const kai_call *`
 * must be given this pointer, and only while invoke() has not returned.
 */
typedef struct kai_call {
    uint32_t struct_size;
    kai_capability_kind kind;   /* tool, agent or provider */
    kai_str name;               /* capability name, as in the manifest */
    /** Arguments as JSON text. For tools it has already been validated
     *  against the tool's inputSchema. Borrowed for the call. */
    kai_str input;
    /** Where the result (or error details) goes; copies what it is given. */
    const kai_output *output;
    /** Streaming receiver, or NULL when the caller does not stream. A tool or
     *  agent may send PROGRESS events to it; a provider asked to stream sends
     *  deltas and exactly one terminal event, and still returns its code. */
    const kai_event_sink *events;
    /** Opaque host state for this call. */
    void *host_call;
    /* Fields appended in later minors go here; read them only when
     * struct_size says they exist. */
} kai_call;

struct kai_host {
    /** sizeof(kai_host) as the host compiled it. Check it before touching a
     *  field appended after minor 0: a field exists iff it lies within it. */
    uint32_t struct_size;
    /** The ABI minor the host agreed to for this plugin (= the plugin's). */
    uint32_t abi_minor;
    /** Opaque host state for this instance; do not touch. */
    void *ctx;

    /**
     * Writes one log line, attributed to this plugin. Plugins must never write
     * to stdout (it may be a protocol channel); use this instead.
     *
     * Ownership: `message` borrowed; copied before return. Need not be
     *            NUL-terminated. Must not contain secrets.
     * Returns:   nothing; a line the host filters out is dropped silently.
     * Threads:   [any-thread]
     */
    void (*log)(const kai_host *self, kai_log_level level, const char *message, size_t len);

    /**
     * The operator's configuration for this instance: a JSON object that has
     * been validated against the manifest's "configSchema", with schema
     * defaults filled in ({} when none). Never returns {NULL, 0}.
     *
     * Ownership: the returned bytes are owned by the host and stay valid and
     *            unchanged until destroy() of this instance returns.
     * Threads:   [any-thread]
     */
    kai_str (*config)(const kai_host *self);

    /**
     * Looks up an optional host feature by versioned id, of the form
     * "kai.host.<feature>/<revision>" (e.g. a future "kai.host.secrets/1").
     * Returns a pointer to that feature's table (owned by the host, valid
     * until destroy() returns), or NULL when absent. ABI 1.0 defines no
     * extensions: every id returns NULL today, so always handle NULL.
     * Threads:   [any-thread]
     */
    const void *(*get_extension)(const kai_host *self, const char *id);

    /**
     * The call's deadline as an absolute CLOCK_MONOTONIC time in nanoseconds,
     * or KAI_NO_DEADLINE. Long-running work compares it with
     * clock_gettime(CLOCK_MONOTONIC) (under strict -std=c11 define
     * _POSIX_C_SOURCE 200809L first, or use kai_sdk_now_ns) and gives up with
     * KAI_ERR_DEADLINE_EXCEEDED.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    int64_t (*deadline)(const kai_host *self, const kai_call *call);

    /**
     * True once the call has been cancelled by the caller (e.g. the user
     * pressed Ctrl-C) or its deadline has passed. Cheap: poll it in loops and
     * return KAI_ERR_CANCELLED (or KAI_ERR_DEADLINE_EXCEEDED) promptly.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    bool (*is_cancelled)(const kai_host *self, const kai_call *call);

    /**
     * Calls another tool through the host, as part of `parent`: the name may
     * be qualified "plugin.id.tool"; args are validated against the tool's
     * schema; the child inherits the parent's deadline and cancellation.
     * Nesting is limited (8 levels); calling into a serialized capability of
     * an instance that is already busy in this call chain fails instead of
     * deadlocking.
     *
     * Ownership: `name` and `args_json` borrowed for the duration of this
     *            function. The child's result, or its error details, are
     *            written to `out`, which the caller owns (any kai_output).
     * Returns:   the child's result code (KAI_OK, KAI_ERR_NOT_FOUND for an
     *            unknown tool, KAI_ERR_INVALID_INPUT for args that are not JSON
     *            or violate the schema, ...).
     * Threads:   [any-thread], while invoke() for `parent` has not returned.
     */
    kai_result (*call_tool)(const kai_host *self, const kai_call *parent,
                            kai_str name, kai_str args_json, const kai_output *out);

    /**
     * Asks an LLM provider for one complete response. `provider` names a
     * provider capability ("plugin.id.name" or "name") optionally followed by
     * "/model"; empty means the host's choice. The request is a chat request:
     * {"messages":[{"role","content"}...], "tools"?: [MCP tool descriptors],
     *  "max_tokens"?, "temperature"?}. The response written to `out` is
     * {"message":{"role":"assistant","content":..., "tool_calls"?:[...]},
     *  "finish_reason":..., "usage"?:{...}}.
     *
     * Ownership: as call_tool.
     * Returns:   KAI_OK or the failure's code; KAI_ERR_UNSUPPORTED when the
     *            host has no provider service.
     * Threads:   [any-thread], while invoke() for `parent` has not returned.
     */
    kai_result (*provider_complete)(const kai_host *self, const kai_call *parent,
                                    kai_str provider, kai_str request_json,
                                    const kai_output *out);

    /**
     * Like provider_complete, but streams: events go to `sink` on the calling
     * thread before this function returns, ending with exactly one terminal
     * event, whose code equals the return value.
     *
     * Ownership: `provider`, `request_json` borrowed; `sink` owned by the
     *            caller and must stay valid until this function returns.
     * Threads:   [any-thread], while invoke() for `parent` has not returned.
     */
    kai_result (*provider_stream)(const kai_host *self, const kai_call *parent,
                                  kai_str provider, kai_str request_json,
                                  const kai_event_sink *sink);
};

#ifdef __cplusplus
}
#endif
#endif /* KAI_HOST_H */
