/*
 * agent_world_plugin.c — a test plugin for agent runs (ABI 1.2), built with
 * plain cc like a third party's:
 *   - tool `meet` {"party"}: returns only once a second call of it is
 *     running at the same time (a two-party rendezvous), so two calls that
 *     both succeed prove they ran concurrently; alone it gives up after 20 s
 *     with an error saying so. Read-only, closed-world: no approval needed.
 *   - tool `write_file` {"path", "content"}: writes nothing, answers
 *     {"written": BYTES}; it has no annotations, so (as MCP's defaults say)
 *     it is destructive and open-world and needs an approval.
 *   - agents `alpha` and `beta`, both tagged research and writing: each
 *     answers "NAME did: TASK" without asking a model, so a supervisor's
 *     choice between them is the registry score's alone.
 */
#include <kai/kai_sdk.h>

#include <errno.h>
#include <pthread.h>
#include <time.h>

/* -DWORLD_ID='"other.id"' builds a second plugin offering the same names. */
#ifndef WORLD_ID
#define WORLD_ID "test.agentworld"
#endif

static const char manifest[] =
    "{\"id\":\"" WORLD_ID "\",\"version\":\"1.0.0\",\"abiMinor\":2,"
    "\"description\":\"Agent-run fixtures: a rendezvous tool and two fixed-answer agents.\","
    "\"capabilities\":["
    "{\"kind\":\"tool\",\"name\":\"meet\",\"description\":\"Waits until another call of meet runs at the same time.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"party\":{\"type\":\"string\"}},\"required\":[\"party\"],"
    "\"additionalProperties\":false},"
    "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false,\"openWorldHint\":false},"
    "\"concurrency\":\"parallel\"},"
    "{\"kind\":\"tool\",\"name\":\"write_file\",\"description\":\"Pretends to write a file (writes nothing).\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}},"
    "\"required\":[\"path\",\"content\"],\"additionalProperties\":false},\"concurrency\":\"parallel\"},"
    "{\"kind\":\"agent\",\"name\":\"alpha\",\"description\":\"Answers 'alpha did: TASK'.\",\"concurrency\":\"parallel\","
    "\"tags\":[\"research\",\"writing\"]},"
    "{\"kind\":\"agent\",\"name\":\"beta\",\"description\":\"Answers 'beta did: TASK'.\",\"concurrency\":\"parallel\","
    "\"tags\":[\"research\",\"writing\"]}]}";

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER;
static unsigned waiting = 0;
static unsigned long generation = 0;

static kai_result world_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

static kai_result world_create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void world_destroy(void *instance)
{
    (void)instance;
}

static bool named(const kai_call *call, const char *name)
{
    size_t len = strlen(name);
    return call->name.len == len && memcmp(call->name.data, name, len) == 0;
}

/* A two-party barrier with generations: the second arrival releases the first. */
static bool rendezvous(void)
{
    struct timespec until;
    if (clock_gettime(CLOCK_REALTIME, &until) != 0) return false;
    until.tv_sec += 20;
    if (pthread_mutex_lock(&lock) != 0) return false;
    unsigned long mine = generation;
    bool met = false;
    if (++waiting == 2) {
        waiting = 0;
        generation++;
        met = pthread_cond_broadcast(&arrived) == 0;
    } else {
        int rc = 0;
        while (generation == mine && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&arrived, &lock, &until);
        met = generation != mine;
        if (!met) waiting--;
    }
    pthread_mutex_unlock(&lock);
    return met;
}

static kai_result meet(const kai_call *call)
{
    char *party = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "party", &party, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "\"party\" must be a string");
    }
    kai_result r;
    if (!rendezvous()) {
        r = kai_sdk_fail(call->output, KAI_ERR_UNAVAILABLE, "nobody came to meet within 20 s: the calls did not run concurrently");
    } else {
        r = kai_sdk_write(call->output, "{\"met\":true,\"party\":");
        if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, party, len);
        if (r == KAI_OK) r = kai_sdk_write(call->output, "}");
    }
    free(party);
    return r;
}

static kai_result write_file(const kai_call *call)
{
    char *content = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "content", &content, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "\"content\" must be a string");
    }
    free(content);
    return kai_sdk_writef(call->output, "{\"written\":%zu}", len);
}

static kai_result answer(const kai_call *call, const char *name)
{
    char *task = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "task", &task, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "this agent needs a \"task\"");
    }
    size_t prefix = strlen(name) + strlen(" did: ");
    char *message = malloc(prefix + len + 1);
    if (!message) {
        free(task);
        return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory");
    }
    memcpy(message, name, strlen(name));
    memcpy(message + strlen(name), " did: ", strlen(" did: "));
    memcpy(message + prefix, task, len);
    free(task);
    kai_result r = kai_sdk_write(call->output, "{\"status\":\"done\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0},\"message\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, message, prefix + len);
    if (r == KAI_OK) r = kai_sdk_write(call->output, "}");
    free(message);
    return r;
}

static kai_result world_invoke(void *instance, const kai_call *call)
{
    (void)instance;
    if (call->kind == KAI_KIND_TOOL && named(call, "meet")) return meet(call);
    if (call->kind == KAI_KIND_TOOL && named(call, "write_file")) return write_file(call);
    if (call->kind == KAI_KIND_AGENT && (named(call, "alpha") || named(call, "beta"))) {
        return answer(call, named(call, "alpha") ? "alpha" : "beta");
    }
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "test.agentworld has the tools meet and write_file and the agents alpha and beta");
}

static const kai_plugin world_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 2,
    .describe = world_describe,
    .create = world_create,
    .destroy = world_destroy,
    .invoke = world_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= 2 ? &world_plugin : NULL;
}
