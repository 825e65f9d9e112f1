/*
 * kai_abi.h — Kai plugin ABI, version 1 (minor 2): versions, result codes, basic types,
 * and the thread-rule vocabulary used by every other header.
 *
 * This folder is the whole contract between Kai and a plugin. A plugin
 * includes <kai/kai_plugin.h> and nothing else from Kai, links to nothing of
 * Kai's, and exports exactly one function (see kai_plugin.h).
 *
 * Stability promise for ABI major 1:
 *   - a plugin built against 1.x loads in every host speaking 1.y, y >= x;
 *   - structs that cross the boundary start with `struct_size`; readers copy
 *     min(their size, the sender's size) into zeroed storage, so fields and
 *     function pointers are only ever APPENDED, never reordered or removed;
 *   - result codes and event types form closed sets per minor: new ones are
 *     added only with a new minor, and only to plugins that negotiated it;
 *   - optional features are looked up by a versioned string id
 *     ("kai.host.<feature>/<revision>"); NULL means absent.
 *
 * THREAD RULES. Every function in these headers carries one tag:
 *   [any-thread]   may be called from any thread, concurrently.
 *   [call-thread]  only on the thread currently running the plugin's invoke()
 *                  for that call, and only before invoke() returns.
 *   [load-thread]  only by the host, once, while loading; never concurrently
 *                  with any other function of the same plugin.
 *   [instance]     by the host on any thread, but never concurrently with
 *                  itself for one instance unless the capability's manifest
 *                  entry says "concurrency": "parallel".
 *   [callback]     called by the other side while a function of yours is
 *                  running; do not block in it and do not re-enter the caller.
 */
#ifndef KAI_ABI_H
#define KAI_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI major. A different major is a different entry symbol. */
#define KAI_ABI_MAJOR 1
/** The newest ABI minor these headers describe.
 *  1.0: tools, host services, events.
 *  1.1: the provider contract (kai_provider.h): kai_call.operation, model
 *       listing at run time, the cancel wake-up fd, providers parallel by
 *       default. A plugin built against 1.0 headers loads and works unchanged.
 *  1.2: the agent contract (kai_agent.h): agents stream TEXT_DELTA and the
 *       new STEP event, and get host services for agents (tool calls under
 *       approval, delegation, the session) as extension "kai.host.agent/1".
 *       Plugins built against 1.0 or 1.1 headers load and work unchanged. */
#define KAI_ABI_MINOR 2

/** Marks the one symbol a plugin exports; build with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define KAI_EXPORT __attribute__((visibility("default")))
#else
#define KAI_EXPORT
#endif

/**
 * Result codes: a closed set. Every function returning kai_result returns one
 * of these; hosts treat an unknown value from a plugin as KAI_ERR_INTERNAL.
 * Plain int32_t rather than an enum so the width never depends on a compiler.
 */
typedef int32_t kai_result;
#define KAI_OK                     0  /**< success */
#define KAI_ERR_INVALID_INPUT      1  /**< the input was malformed or out of range */
#define KAI_ERR_NOT_FOUND          2  /**< no such capability, tool, provider or key */
#define KAI_ERR_CANCELLED          3  /**< the call was cancelled (see kai_host.is_cancelled) */
#define KAI_ERR_DEADLINE_EXCEEDED  4  /**< the call's deadline passed */
#define KAI_ERR_UNAVAILABLE        5  /**< temporarily unable (network down, busy); may retry */
#define KAI_ERR_PERMISSION_DENIED  6  /**< refused by policy or configuration */
#define KAI_ERR_UNSUPPORTED        7  /**< the feature or capability kind is not supported */
#define KAI_ERR_INTERNAL           8  /**< a bug or unexpected failure */
#define KAI_RESULT_LAST            KAI_ERR_INTERNAL

/**
 * A borrowed byte string: UTF-8, NOT necessarily NUL-terminated.
 * Ownership and lifetime are stated wherever one appears. {NULL, 0} is empty.
 */
typedef struct kai_str {
    const char *data;
    size_t len;
} kai_str;

/** Log levels for kai_host.log. */
typedef int32_t kai_log_level;
#define KAI_LOG_TRACE 0
#define KAI_LOG_DEBUG 1
#define KAI_LOG_INFO  2
#define KAI_LOG_WARN  3
#define KAI_LOG_ERROR 4

/** Capability kinds, as in the manifest's "kind" field. */
typedef int32_t kai_capability_kind;
#define KAI_KIND_TOOL     0
#define KAI_KIND_AGENT    1
#define KAI_KIND_PROVIDER 2

/** "no deadline" for functions returning an absolute monotonic time. */
#define KAI_NO_DEADLINE INT64_MAX

#ifdef __cplusplus
}
#endif
#endif /* KAI_ABI_H */
