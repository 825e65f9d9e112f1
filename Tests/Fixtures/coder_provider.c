/*
 * coder_provider.c — a deterministic coding "model" (ABI 1.1) for the tests
 * of `kai eval --generate`.
 *
 * Capability "coder" (kind provider, streaming, parallel), model
 * coder-1. It answers the problems of Tests/Fixtures/eval/problems.jsonl
 * correctly, each in one of the shapes a chat model answers in, so the
 * whole path (request, extraction, stop sequences, evaluation) is tested:
 *
 *   "def add("            prose, then the function again in a ```python fence
 *                         opening with a comment line, then prose
 *   "def is_palindrome("  a bare body, then a print() (cut at "\nprint")
 *   "def fib("            the whole prompt repeated, the body, then "# Tests"
 *   "FLAKY"               fails (UNAVAILABLE) on its first call in the
 *                         process, then answers "    return 1\n"
 *   "BROKEN"              always fails (UNAVAILABLE), as a server that is down
 *   "HANG"                blocks on the call's cancel fd (kai.host.cancel/1)
 *                         until the call is cancelled (then CANCELLED), or 20 s
 *   anything else         "    pass\n"
 *
 * Like a real server it honours the request's "stop" (the answer ends
 * before the first stop sequence in it) and, given an event sink, streams
 * the answer a line per TEXT_DELTA; a sink answering STOP ends it there
 * (finish_reason "stopped"). Every request must carry "max_tokens" (kai
 * eval sends it); one without is refused with INVALID_INPUT. A model other
 * than coder-1 is NOT_FOUND.
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>
#include <kai/kai_provider.h>

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char manifest[] =
    "{\"id\":\"test.coder\",\"version\":\"1.0.0\",\"abiMinor\":1,"
    "\"description\":\"Answers Kai's eval fixture problems, for the tests of kai eval --generate.\","
    "\"capabilities\":[{\"kind\":\"provider\",\"name\":\"coder\",\"description\":\"Writes the fixture problems' functions.\","
    "\"streaming\":true,\"concurrency\":\"parallel\",\"models\":[\"coder-1\"]}]}";

static atomic_int flaky_calls;

static kai_result coder_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

static kai_result coder_create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void coder_destroy(void *instance)
{
    (void)instance;
}

/* The last user message (malloc'd), or NULL. */
static char *last_user(kai_str input)
{
    kai_str messages, message;
    char *found = NULL;
    if (!kai_sdk_find(input, "messages", &messages)) return NULL;
    size_t pos = 0;
    while (kai_sdk_array_next(messages, &pos, &message) == 1) {
        char *role = NULL, *content = NULL;
        (void)kai_sdk_get_string(message, "role", &role, NULL);
        (void)kai_sdk_get_string(message, "content", &content, NULL);
        if (role && content && strcmp(role, "user") == 0) {
            free(found);
            found = content;
            content = NULL;
        }
        free(role);
        free(content);
    }
    return found;
}

/* Where the first of the request's stop sequences starts in `content`
 * (its length when none is there). */
static size_t stop_position(kai_str input, const char *content)
{
    size_t cut = strlen(content), pos = 0;
    kai_str stop, item;
    if (!kai_sdk_find(input, "stop", &stop)) return cut;
    while (kai_sdk_array_next(stop, &pos, &item) == 1) {
        if (item.len < 2 || item.data[0] != '"') continue;
        char *sequence = malloc(item.len);
        if (!sequence) continue;
        size_t n = kai_sdk__unescape(item.data, item.len, sequence);
        sequence[n] = '\0';
        const char *found = n > 0 ? strstr(content, sequence) : NULL;
        if (found && (size_t)(found - content) < cut) cut = (size_t)(found - content);
        free(sequence);
    }
    return cut;
}

/* Streams content[0..len) a line per TEXT_DELTA; returns how much was sent
 * when the sink answered STOP, else len. */
static size_t stream_lines(const kai_call *call, const char *content, size_t len)
{
    size_t sent = 0;
    while (sent < len) {
        const char *newline = memchr(content + sent, '\n', len - sent);
        size_t piece = newline ? (size_t)(newline - (content + sent)) + 1 : len - sent;
        kai_event_text_delta ev = {{(uint32_t)sizeof ev, KAI_EVENT_TEXT_DELTA}, {content + sent, piece}};
        sent += piece;
        if (call->events->on_event(call->events, &ev.header) == KAI_EVENT_STOP) break;
    }
    return sent;
}

static kai_result answer(const kai_call *call, const char *content)
{
    size_t len = stop_position(call->input, content);
    const char *reason = "stop";
    if (call->events) {
        size_t sent = stream_lines(call, content, len);
        if (sent < len) reason = "stopped";
        len = sent;
    }
    const kai_output *o = call->output;
    kai_result r = kai_sdk_write(o, "{\"message\":{\"role\":\"assistant\",\"content\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(o, content, len);
    if (r == KAI_OK) r = kai_sdk_writef(o, "},\"finish_reason\":\"%s\",\"model\":\"coder-1\"}", reason);
    if (r == KAI_OK && call->events) {
        kai_event_done ev = {{(uint32_t)sizeof ev, KAI_EVENT_DONE}, {reason, strlen(reason)}, {NULL, 0}};
        (void)call->events->on_event(call->events, &ev.header);
    }
    return r;
}

/* Blocks until the call is cancelled (true) or 20 s passed (false), so a
 * broken test cannot hang forever. */
static bool wait_for_cancel(const kai_host *host, const kai_call *call)
{
    const kai_host_cancel_v1 *ext = host->get_extension(host, KAI_HOST_CANCEL_ID);
    int fd = ext ? ext->cancel_fd(host, call) : -1;
    int64_t give_up = kai_sdk_now_ns() + 20000000000LL;
    while (kai_sdk_now_ns() < give_up) {
        if (host->is_cancelled(host, call)) return true;
        if (fd < 0) return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, 1000);
        if (ready < 0 && errno != EINTR) return host->is_cancelled(host, call);
    }
    return false;
}

static kai_result reply_to(const kai_host *host, const kai_call *call, const char *prompt)
{
    if (strstr(prompt, "HANG")) {
        if (wait_for_cancel(host, call)) return kai_sdk_fail(call->output, KAI_ERR_CANCELLED, "cancelled while waiting");
        return answer(call, "    pass\n");
    }
    if (strstr(prompt, "def add("))
        return answer(call, "Here is the function:\n```python\n# Adds a and b.\ndef add(a: int, b: int) -> int:\n    return a + b\n```\nIt adds a and b.");
    if (strstr(prompt, "def is_palindrome("))
        return answer(call, "    lowered = text.lower()\n    return lowered == lowered[::-1]\n\nprint(is_palindrome('Level'))\n");
    if (strstr(prompt, "def fib(")) {
        static const char body[] = "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n\n# Tests\nassert fib(10) == 55\n";
        char *text = malloc(strlen(prompt) + sizeof body);
        if (!text) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory");
        strcpy(text, prompt);
        strcat(text, body);
        kai_result r = answer(call, text);
        free(text);
        return r;
    }
    if (strstr(prompt, "BROKEN") || (strstr(prompt, "FLAKY") && atomic_fetch_add(&flaky_calls, 1) == 0))
        return kai_sdk_fail(call->output, KAI_ERR_UNAVAILABLE,
                            "cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused. Start the server.");
    if (strstr(prompt, "FLAKY")) return answer(call, "    return 1\n");
    return answer(call, "    pass\n");
}

static kai_result coder_invoke(void *instance, const kai_call *call)
{
    const kai_host *host = instance;
    bool has_operation = call->struct_size >= offsetof(kai_call, reserved1);
    if (has_operation && call->operation == KAI_OP_LIST_MODELS)
        return kai_sdk_write(call->output, "{\"models\":[{\"id\":\"coder-1\",\"default\":true}]}");
    char *model = NULL;
    (void)kai_sdk_get_string(call->input, "model", &model, NULL);
    bool known = model == NULL || strcmp(model, "coder-1") == 0;
    free(model);
    if (!known) return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "coder serves only the model coder-1. Run 'kai models'.");
    int64_t max_tokens;
    if (kai_sdk_get_int64(call->input, "max_tokens", &max_tokens) != KAI_SDK_FOUND)
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "the request carries no max_tokens");
    char *prompt = last_user(call->input);
    if (!prompt) return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "the request has no user message");
    kai_result r = reply_to(host, call, prompt);
    free(prompt);
    return r;
}

static const kai_plugin coder_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 1,
    .describe = coder_describe,
    .create = coder_create,
    .destroy = coder_destroy,
    .invoke = coder_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &coder_plugin;
}
