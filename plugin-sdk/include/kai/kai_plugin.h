/*
 * kai_plugin.h — what a plugin exports. Include this one header.
 *
 * A Kai plugin is a shared object exporting exactly one function:
 *
 *     KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);
 *
 * The "_v1" is the ABI major: a future breaking ABI gets kai_plugin_entry_v2,
 * and one host can load both. Loading goes:
 *
 *   1. dlopen(absolute path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE); the host
 *      never unloads a plugin, so static state lives for the process.
 *   2. kai_plugin_entry_v1(host minor) -> descriptor. The host rejects a
 *      descriptor whose abi_major is not 1, whose abi_minor is newer than the
 *      host's, or whose describe/create/destroy/invoke is NULL.
 *   3. describe(out) -> the manifest JSON (see plugin-sdk/schema/), validated
 *      by the host.
 *   4. create(host services, config) -> an instance, once per configured use.
 *   5. invoke(instance, call) any number of times, under the manifest's
 *      concurrency rules.
 *   6. destroy(instance) at shutdown or when the plugin is disabled.
 */
#ifndef KAI_PLUGIN_H
#define KAI_PLUGIN_H

#include "kai_abi.h"
#include "kai_agent.h"
#include "kai_events.h"
#include "kai_host.h"
#include "kai_output.h"
#include "kai_provider.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kai_plugin {
    /** sizeof(kai_plugin) as the plugin compiled it. */
    uint32_t struct_size;
    /** Must be KAI_ABI_MAJOR (1). */
    uint32_t abi_major;
    /** The minor the plugin implements: at most the host_abi_minor offered to
     *  the entry function. Also stated as "abiMinor" in the manifest. */
    uint32_t abi_minor;
    uint32_t reserved0;

    /**
     * Writes the plugin's manifest: one JSON object (see
     * plugin-sdk/schema/manifest.schema.json) with id, version, abiMinor,
     * configSchema and capabilities. Must not depend on configuration, must
     * not call any host service, and must give the same answer every time
     * (the host caches it keyed by the file's identity).
     *
     * Ownership: `out` is the host's; write through out->write.
     * Returns:   KAI_OK, or a code with details through out->set_error.
     * Threads:   [load-thread]
     * Required.
     */
    kai_result (*describe)(const kai_output *out);

    /**
     * Creates an instance. `host` stays valid until destroy(instance)
     * returns; the operator config is host->config(host).
     *
     * Ownership: the plugin owns the instance it stores in *instance and frees
     *            it in destroy(). `error` is the host's, for details on failure.
     * Returns:   KAI_OK and sets *instance (NULL is a valid instance); any other
     *            code means no instance exists and destroy() is not called.
     *            Use KAI_ERR_INVALID_INPUT for bad configuration, with a
     *            message naming the key.
     * Threads:   [load-thread]
     * Required.
     */
    kai_result (*create)(const kai_host *host, const kai_output *error, void **instance);

    /**
     * Destroys an instance created by create(). No invoke() on it is running
     * or will start. Must not call host services.
     * Threads:   [load-thread]
     * Required.
     */
    void (*destroy)(void *instance);

    /**
     * Runs one capability: call->kind and call->name say which. Writes the
     * result JSON (or error details) to call->output.
     *
     * Ownership: `call` and all it points to are borrowed until return.
     * Returns:   KAI_OK with one JSON value written, or a failure code with
     *            details through call->output->set_error. A tool reporting an
     *            ordinary failure of its task (e.g. "file not found") may
     *            instead return KAI_OK with an MCP-style {"isError": true, ...}
     *            result the model can read.
     * Threads:   [instance] — concurrent calls on one instance happen only
     *            for capabilities declaring "concurrency": "parallel".
     * Required.
     */
    kai_result (*invoke)(void *instance, const kai_call *call);

    /**
     * Looks up an optional plugin feature by versioned id, e.g.
     * "kai.plugin.health/1". Returns a table owned by the plugin, valid
     * while the instance lives, or NULL. `instance` is NULL when asked
     * before create().
     * Threads:   [any-thread]
     * Optional: may be NULL.
     */
    const void *(*get_extension)(void *instance, const char *id);
} kai_plugin;

/**
 * The one exported symbol. Must do no work beyond returning a pointer: no
 * allocation that can fail, no host services, no threads.
 *
 * `host_abi_minor` is the newest minor the host speaks; a plugin able to run
 * on older hosts may return a descriptor for a lower minor.
 * Ownership: the descriptor is owned by the plugin and must stay valid and
 *            unchanged for the life of the process (a static const is ideal).
 * Returns:   the descriptor; NULL only if the plugin cannot work with this
 *            host at all (the host then reports the plugin as incompatible).
 * Threads:   [load-thread]
 */
KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

/** The entry symbol's name, for hosts and tools that dlsym it. */
#define KAI_PLUGIN_ENTRY_SYMBOL "kai_plugin_entry_v1"

/** Signature of the entry function, for hosts that dlsym it. */
typedef const kai_plugin *(*kai_plugin_entry_fn)(uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif
#endif /* KAI_PLUGIN_H */
