/*
 * echo_provider.c — a deterministic LLM provider (ABI 1.1) for the CLI's
 * end-to-end tests of kai providers/models/prompt/chat/logs.
 *
 * Capability "echo" (kind provider, streaming, parallel), models echo-1
 * (default) and echo-2. Its reply to a chat request is
 *
 *     [system: S] <the last user message> (N messages)
 *
 * ("[system: S] " only when the first message is a system message), streamed
 * one word per TEXT_DELTA, then a USAGE event (input tokens: words in every
 * message; output tokens: deltas sent; cost at $1 per 1M in and $2 per 1M
 * out), then DONE, and the whole response is written to call->output as the
 * contract requires. max_tokens cuts the reply after that many deltas
 * (finish "length"). A sink answering STOP ends it with finish "stopped".
 *
 * Prompts with a special meaning:
 *   "hang"  sends the delta "waiting", then blocks in poll() on the call's
 *           cancel fd (kai.host.cancel/1) until the call is cancelled or
 *           stopped, then fails with KAI_ERR_CANCELLED (ERROR event); a
 *           poll() ended by EINTR is simply retried. After 20 s it gives
 *           up waiting ("stopped"), so a broken test cannot hang forever.
 *   "fail"  fails with KAI_ERR_UNAVAILABLE, as a provider whose server is
 *           down does: the message names the URL tried and the fix.
 *   "break" streams the delta "partial" and usage, then fails
 *           (KAI_ERR_UNAVAILABLE), as a stream cut off mid-answer.
 *   "sleep" sends the delta "sleeping" and usage, then sleeps without ever
 *           looking at is_cancelled or the cancel fd — a provider that
 *           ignores cancellation — for 20 s, then answers "slept".
 *   "bad"   answers with finish_reason "done", which the chat response
 *           schema refuses (a provider breaking its contract).
 *
 * A model other than echo-1/echo-2 is KAI_ERR_NOT_FOUND naming both.
 *
 * Built with -DECHO_BROKEN, the plugin (id "test.echo.broken") also offers
 * "mute", whose model listing fails like a provider whose server is down.
 * Built with -DECHO_PLAIN, the plugin (id "test.echo.plain") also offers
 * "plain", the same echo without streaming (manifest "streaming": false): it
 * sends no events at all and only writes its response to call->output.
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>
#include <kai/kai_events.h>
#include <kai/kai_provider.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef ECHO_BROKEN
#define ECHO_ID "test.echo.broken"
#define MUTE ",{\"kind\":\"provider\",\"name\":\"mute\",\"description\":\"A provider whose server is down.\"," \
    "\"streaming\":true,\"models\":[\"mute-1\"]}"
#elif defined(ECHO_PLAIN)
#define ECHO_ID "test.echo.plain"
#define MUTE ",{\"kind\":\"provider\",\"name\":\"plain\",\"description\":\"Echoes without streaming.\"," \
    "\"streaming\":false,\"models\":[\"echo-1\"]}"
#else
#define ECHO_ID "test.echo"
#define MUTE ""
#endif

static const char manifest[] =
    "{\"id\":\"" ECHO_ID "\",\"version\":\"1.0.0\",\"abiMinor\":1,"
    "\"description\":\"Echoes the last user message, for Kai's CLI tests.\","
    "\"capabilities\":["
    "{\"kind\":\"provider\",\"name\":\"echo\",\"description\":\"Echoes the last user message word by word.\","
    "\"streaming\":true,\"concurrency\":\"parallel\",\"models\":[\"echo-1\",\"echo-2\"]}" MUTE "]}";

static const char down[] =
    "cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused. "
    "Start the server, or set base_url in the operator config.";

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

static kai_result echo_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

static kai_result echo_create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void echo_destroy(void *instance)
{
    (void)instance;
}

/* What the reply is built from. Strings are malloc'd (kai_sdk_get_string). */
typedef struct request {
    char *system;
    char *last_user;
    size_t messages;
    uint64_t input_words;
    int64_t max_tokens;
    char *model;
} request;

static void request_free(request *r)
{
    free(r->system);
    free(r->last_user);
    free(r->model);
}

static uint64_t count_words(const char *s)
{
    uint64_t n = 0;
    bool in_word = false;
    for (; *s; s++) {
        bool space = *s == ' ' || *s == '\n' || *s == '\t';
        if (!space && !in_word) n++;
        in_word = !space;
    }
    return n;
}

static bool parse_request(kai_str input, request *r)
{
    memset(r, 0, sizeof *r);
    r->max_tokens = -1;
    kai_str messages;
    if (!kai_sdk_find(input, "messages", &messages)) return false;
    size_t pos = 0;
    kai_str message;
    while (kai_sdk_array_next(messages, &pos, &message) == 1) {
        char *role = NULL, *content = NULL;
        if (kai_sdk_get_string(message, "role", &role, NULL) != KAI_SDK_FOUND) return false;
        (void)kai_sdk_get_string(message, "content", &content, NULL);
        if (content) r->input_words += count_words(content);
        if (r->messages == 0 && strcmp(role, "system") == 0 && content) {
            r->system = content;
            content = NULL;
        } else if (strcmp(role, "user") == 0 && content) {
            free(r->last_user);
            r->last_user = content;
            content = NULL;
        }
        free(role);
        free(content);
        r->messages++;
    }
    (void)kai_sdk_get_int64(input, "max_tokens", &r->max_tokens);
    (void)kai_sdk_get_string(input, "model", &r->model, NULL);
    return r->last_user != NULL;
}

static int32_t emit(const kai_call *call, const kai_event *event)
{
    /* "plain" does not stream: it never looks at the sink. */
    if (name_is(call, "plain")) return KAI_EVENT_CONTINUE;
    return call->events ? call->events->on_event(call->events, event) : KAI_EVENT_CONTINUE;
}

static int32_t send_text(const kai_call *call, const char *text, size_t len)
{
    kai_event_text_delta ev = {{(uint32_t)sizeof ev, KAI_EVENT_TEXT_DELTA}, {text, len}};
    return emit(call, &ev.header);
}

static void send_usage(const kai_call *call, uint64_t in, uint64_t out)
{
    kai_event_usage ev = {{(uint32_t)sizeof ev, KAI_EVENT_USAGE}, in, out, ((double)in * 1 + (double)out * 2) / 1e6};
    (void)emit(call, &ev.header);
}

static kai_result fail(const kai_call *call, kai_result code, const char *message)
{
    (void)kai_sdk_fail(call->output, code, "%s", message);
    char details[512];
    int n = snprintf(details, sizeof details, "{\"message\":\"%s\"}", message);
    if (n < 0 || (size_t)n >= sizeof details) n = 0;
    kai_event_error ev = {{(uint32_t)sizeof ev, KAI_EVENT_ERROR}, code, 0, {details, (size_t)n}};
    (void)emit(call, &ev.header);
    return code;
}

/* Writes the complete response (and sends DONE): what was generated so far. */
static kai_result finish(const kai_call *call, const char *model, const char *content, size_t len,
                         const char *reason, uint64_t in, uint64_t out)
{
    const kai_output *o = call->output;
    kai_result r = kai_sdk_write(o, "{\"message\":{\"role\":\"assistant\",\"content\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(o, content, len);
    if (r == KAI_OK) r = kai_sdk_writef(o, "},\"finish_reason\":\"%s\",\"model\":\"%s\",", reason, model);
    if (r == KAI_OK)
        r = kai_sdk_writef(o, "\"usage\":{\"input_tokens\":%llu,\"output_tokens\":%llu,\"cost_usd\":%.9f}}",
                           (unsigned long long)in, (unsigned long long)out, ((double)in * 1 + (double)out * 2) / 1e6);
    if (r != KAI_OK) return r;
    kai_event_done ev = {{(uint32_t)sizeof ev, KAI_EVENT_DONE}, {reason, strlen(reason)}, {NULL, 0}};
    (void)emit(call, &ev.header);
    return KAI_OK;
}

/* Blocks until the call is cancelled or its sink said STOP (the cancel fd
 * turns readable for both). Returns true when cancelled. */
static bool wait_for_cancel(const kai_host *host, const kai_call *call)
{
    const kai_host_cancel_v1 *ext = host->get_extension(host, KAI_HOST_CANCEL_ID);
    int fd = ext ? ext->cancel_fd(host, call) : -1;
    int64_t give_up = kai_sdk_now_ns() + 20000000000LL;
    while (kai_sdk_now_ns() < give_up) {
        if (host->is_cancelled(host, call)) return true;
        if (fd >= 0) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int ready = poll(&p, 1, 1000);
            /* A signal for kai (Ctrl-C) may interrupt the wait: as
             * kai_provider.h says, that is no failure; count it and wait
             * again. */
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) return host->is_cancelled(host, call);
            if (ready > 0) return host->is_cancelled(host, call);
        } else {
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
    }
    return false;
}

static kai_result chat(const kai_host *host, const kai_call *call)
{
    request req;
    if (!parse_request(call->input, &req)) {
        request_free(&req);
        return fail(call, KAI_ERR_INVALID_INPUT, "the request has no user message");
    }
    const char *model = req.model ? req.model : "echo-1";
    kai_result result;
    char reply[4096];
    if (strcmp(model, "echo-1") != 0 && strcmp(model, "echo-2") != 0) {
        snprintf(reply, sizeof reply, "model '%s' is not served by echo; it serves echo-1 and echo-2. Run 'kai models'.", model);
        result = fail(call, KAI_ERR_NOT_FOUND, reply);
    } else if (strcmp(req.last_user, "fail") == 0) {
        result = fail(call, KAI_ERR_UNAVAILABLE, down);
    } else if (strcmp(req.last_user, "break") == 0) {
        (void)send_text(call, "partial", 7);
        send_usage(call, req.input_words, 1);
        result = fail(call, KAI_ERR_UNAVAILABLE, "the server closed the stream after 1 token. Retry, or check the server's log.");
    } else if (strcmp(req.last_user, "hang") == 0) {
        /* Blocked "in inference": the answers to these events are not
         * looked at (as a real provider's would not be until its next
         * token), so Ctrl-C always ends it through the cancel fd. */
        (void)send_text(call, "waiting", 7);
        send_usage(call, req.input_words, 1);
        if (wait_for_cancel(host, call))
            result = fail(call, KAI_ERR_CANCELLED, "cancelled while waiting");
        else
            result = finish(call, model, "waiting", 7, KAI_FINISH_STOPPED, req.input_words, 1);
    } else if (strcmp(req.last_user, "sleep") == 0) {
        (void)send_text(call, "sleeping", 8);
        send_usage(call, req.input_words, 1);
        int64_t wake = kai_sdk_now_ns() + 20000000000LL;
        while (kai_sdk_now_ns() < wake) {
            struct timespec pause = {0, 10000000};
            nanosleep(&pause, NULL);
        }
        result = finish(call, model, "slept", 5, KAI_FINISH_STOP, req.input_words, 1);
    } else if (strcmp(req.last_user, "bad") == 0) {
        result = kai_sdk_write(call->output,
            "{\"message\":{\"role\":\"assistant\",\"content\":\"bad\"},\"finish_reason\":\"done\"}");
    } else {
        int n = snprintf(reply, sizeof reply, "%s%s%s%s (%zu messages)", req.system ? "[system: " : "",
                         req.system ? req.system : "", req.system ? "] " : "", req.last_user, req.messages);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof reply ? sizeof reply - 1 : (size_t)n;
        /* One delta per word, the space before a word going with it. */
        size_t sent = 0, deltas = 0;
        const char *reason = KAI_FINISH_STOP;
        while (sent < len) {
            if (req.max_tokens >= 0 && deltas == (size_t)req.max_tokens) {
                reason = KAI_FINISH_LENGTH;
                break;
            }
            size_t end = sent;
            while (end < len && reply[end] == ' ') end++;
            while (end < len && reply[end] != ' ') end++;
            deltas++;
            int32_t answer = send_text(call, reply + sent, end - sent);
            sent = end;
            if (answer == KAI_EVENT_STOP) {
                reason = KAI_FINISH_STOPPED;
                break;
            }
        }
        send_usage(call, req.input_words, deltas);
        result = finish(call, model, reply, sent, reason, req.input_words, deltas);
    }
    request_free(&req);
    return result;
}

static kai_result list_models(const kai_call *call)
{
    if (name_is(call, "mute")) return kai_sdk_fail(call->output, KAI_ERR_UNAVAILABLE, "cannot connect to http://127.0.0.1:9/v1/models: connection refused. Start the server, or set base_url in the operator config.");
    return kai_sdk_write(call->output,
        "{\"models\":[{\"id\":\"echo-1\",\"description\":\"Echoes\",\"default\":true},{\"id\":\"echo-2\"}]}");
}

static kai_result echo_invoke(void *instance, const kai_call *call)
{
    const kai_host *host = instance;
    bool has_operation = call->struct_size >= offsetof(kai_call, reserved1);
    uint32_t operation = has_operation ? call->operation : KAI_OP_INVOKE;
    if (!name_is(call, "echo") && !name_is(call, "mute") && !name_is(call, "plain"))
        return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no such provider");
    if (operation == KAI_OP_LIST_MODELS) return list_models(call);
    if (name_is(call, "mute")) return fail(call, KAI_ERR_UNAVAILABLE, down);
    return chat(host, call);
}

static const kai_plugin echo_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 1,
    .describe = echo_describe,
    .create = echo_create,
    .destroy = echo_destroy,
    .invoke = echo_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &echo_plugin;
}
