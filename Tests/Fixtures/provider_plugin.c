/*
 * provider_plugin.c — an ABI 1.1 provider for the host core's provider
 * tests, written as a third party would: plain C against the SDK headers.
 *
 * Manifest id "test.provider"; capabilities:
 *   echo      streaming provider. KAI_OP_LIST_MODELS -> echo-1 (default),
 *             echo-2. A chat request answers "you said: <last user text>"
 *             in three deltas ("you ", "said: ", text), then USAGE, then
 *             DONE, and writes the whole response with the request's model
 *             (default "echo-1"). A last user message "HANG" blocks in
 *             poll() on the call's cancel fd (kai.host.cancel/1) until the
 *             call is cancelled, then fails with KAI_ERR_CANCELLED; "TOOL"
 *             answers with a tool call of the first tool named in the
 *             request; "CRASH" aborts (a provider's worker dying); "STOPME" keeps streaming deltas until the sink
 *             answers STOP, then finishes "stopped".
 *   broken    answers a response that breaks chat-response.schema.json
 *             (finish_reason "done").
 *   ask       a tool, {"text"}: asks echo/echo-2 through
 *             kai_host.provider_complete and returns its response as is.
 *   cancel_fd a tool, {} or {"then": "write"|"close"}: -> {"fd": N,
 *             "readable": B}, the number of its call's cancel fd and whether
 *             it polls readable already; then, breaking the contract, writes
 *             eight bytes to the fd or closes it (the host must not hand it,
 *             or whatever file takes its number, to a later call).
 *   ask_stream a tool, {"text"}: asks echo through provider_stream, its
 *             sink answering STOP at the third delta, and returns
 *             {"deltas": N, "terminal": "done"|"error", "finish": F}.
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEXT_ARGS "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}"

static const char manifest[] =
    "{\"id\":\"test.provider\",\"version\":\"0.1.0\",\"abiMinor\":1,"
    "\"description\":\"A provider for Kai's host tests.\","
    "\"capabilities\":["
    "{\"kind\":\"provider\",\"name\":\"echo\",\"description\":\"Echoes the last user message.\","
    "\"streaming\":true,\"models\":[\"echo-1\"]},"
    "{\"kind\":\"provider\",\"name\":\"broken\",\"description\":\"Breaks the response schema.\"},"
    "{\"kind\":\"tool\",\"name\":\"ask\",\"description\":\"Asks the echo provider.\",\"inputSchema\":" TEXT_ARGS "},"
    "{\"kind\":\"tool\",\"name\":\"cancel_fd\",\"description\":\"Its call's cancel fd.\",\"inputSchema\":{\"type\":\"object\"}},"
    "{\"kind\":\"tool\",\"name\":\"ask_stream\",\"description\":\"Streams from the echo provider.\",\"inputSchema\":" TEXT_ARGS "}"
    "]}";

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

static kai_result describe(const kai_output *out) { return kai_sdk_write(out, manifest); }

static kai_result create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void destroy(void *instance) { (void)instance; }

static int emit(const kai_call *call, const kai_event *event)
{
    return call->events ? call->events->on_event(call->events, event) : KAI_EVENT_CONTINUE;
}

static int text_delta(const kai_call *call, const char *text, size_t len)
{
    kai_event_text_delta e = {{sizeof e, KAI_EVENT_TEXT_DELTA}, {text, len}};
    return emit(call, &e.header);
}

static void done(const kai_call *call, const char *finish)
{
    kai_event_done e = {{sizeof e, KAI_EVENT_DONE}, {finish, strlen(finish)}, {NULL, 0}};
    emit(call, &e.header);
}

static kai_result fail(const kai_call *call, kai_result code, const char *message)
{
    char details[256];
    int n = snprintf(details, sizeof details, "{\"message\":\"%s\"}", message);
    kai_event_error e = {{sizeof e, KAI_EVENT_ERROR}, code, 0, {details, (size_t)n}};
    emit(call, &e.header);
    return kai_sdk_fail(call->output, code, "%s", message);
}

/* The content of the last message whose role is "user". */
static bool last_user_text(kai_str input, char **text, size_t *len)
{
    kai_str messages, message;
    if (!kai_sdk_find(input, "messages", &messages)) return false;
    size_t pos = 0;
    bool found = false;
    while (kai_sdk_array_next(messages, &pos, &message) == 1) {
        char *role = NULL;
        size_t role_len = 0;
        if (kai_sdk_get_string(message, "role", &role, &role_len) == KAI_SDK_FOUND && strcmp(role, "user") == 0) {
            if (found) free(*text);
            found = kai_sdk_get_string(message, "content", text, len) == KAI_SDK_FOUND;
        }
        free(role);
    }
    return found;
}

static kai_result hang_until_cancelled(const kai_host *host, const kai_call *call)
{
    const kai_host_cancel_v1 *cancel = host->get_extension(host, KAI_HOST_CANCEL_ID);
    int fd = cancel ? cancel->cancel_fd(host, call) : -1;
    if (fd < 0) return fail(call, KAI_ERR_INTERNAL, "no cancel fd");
    struct pollfd waiter = {.fd = fd, .events = POLLIN};
    int ready;
    do ready = poll(&waiter, 1, 30000); while (ready < 0 && errno == EINTR);
    if (ready != 1) return fail(call, KAI_ERR_INTERNAL, "the cancel fd never turned readable");
    return fail(call, KAI_ERR_CANCELLED, "cancelled while waiting");
}

static kai_result write_response(const kai_call *call, const char *model, const char *text, size_t len,
                                 const char *finish, int output_tokens)
{
    kai_result r = kai_sdk_write(call->output, "{\"message\":{\"role\":\"assistant\",\"content\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, text, len);
    if (r == KAI_OK) r = kai_sdk_writef(call->output, "},\"finish_reason\":\"%s\",\"model\":", finish);
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, model, strlen(model));
    if (r == KAI_OK)
        r = kai_sdk_writef(call->output, ",\"usage\":{\"input_tokens\":7,\"output_tokens\":%d,\"cost_usd\":0.5}}",
                           output_tokens);
    return r;
}

static kai_result stop_me(const kai_call *call, const char *model)
{
    int sent = 0;
    while (sent < 2000 && text_delta(call, "la ", 3) == KAI_EVENT_CONTINUE) sent++;
    done(call, "stopped");
    return write_response(call, model, "la", 2, "stopped", sent + 1);
}

static kai_result tool_call(const kai_call *call, const char *model)
{
    kai_str tools, tool;
    char *name = NULL;
    size_t name_len = 0, pos = 0;
    if (!kai_sdk_find(call->input, "tools", &tools) || kai_sdk_array_next(tools, &pos, &tool) != 1
        || kai_sdk_get_string(tool, "name", &name, &name_len) != KAI_SDK_FOUND)
        return fail(call, KAI_ERR_INVALID_INPUT, "TOOL needs a tool in the request");
    kai_event_tool_call_delta first = {{sizeof first, KAI_EVENT_TOOL_CALL_DELTA}, 0, 0,
                                       {"call_1", 6}, {name, name_len}, {"{\"q\":", 5}};
    kai_event_tool_call_delta second = {{sizeof second, KAI_EVENT_TOOL_CALL_DELTA}, 0, 0,
                                        {NULL, 0}, {NULL, 0}, {"1}", 2}};
    emit(call, &first.header);
    emit(call, &second.header);
    done(call, "tool_calls");
    kai_result r = kai_sdk_write(call->output, "{\"message\":{\"role\":\"assistant\",\"content\":null,"
                                               "\"tool_calls\":[{\"id\":\"call_1\",\"name\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, name, name_len);
    if (r == KAI_OK) r = kai_sdk_write(call->output, ",\"arguments\":{\"q\":1}}]},\"finish_reason\":\"tool_calls\",\"model\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, model, strlen(model));
    if (r == KAI_OK) r = kai_sdk_write(call->output, "}");
    free(name);
    return r;
}

static kai_result echo(const kai_host *host, const kai_call *call)
{
    if (call->struct_size >= offsetof(kai_call, reserved1) && call->operation == KAI_OP_LIST_MODELS)
        return kai_sdk_write(call->output,
                             "{\"models\":[{\"id\":\"echo-1\",\"default\":true,\"context_length\":4096},{\"id\":\"echo-2\"}]}");
    char *model = NULL, *text = NULL;
    size_t model_len = 0, len = 0;
    if (kai_sdk_get_string(call->input, "model", &model, &model_len) != KAI_SDK_FOUND) model = strdup("echo-1");
    if (!last_user_text(call->input, &text, &len)) {
        free(model);
        return fail(call, KAI_ERR_INVALID_INPUT, "no user message");
    }
    kai_result r;
    if (strcmp(text, "CRASH") == 0) abort();
    if (strcmp(text, "HANG") == 0) {
        r = hang_until_cancelled(host, call);
    } else if (strcmp(text, "STOPME") == 0) {
        r = stop_me(call, model);
    } else if (strcmp(text, "TOOL") == 0) {
        r = tool_call(call, model);
    } else {
        text_delta(call, "you ", 4);
        text_delta(call, "said: ", 6);
        text_delta(call, text, len);
        kai_event_usage usage = {{sizeof usage, KAI_EVENT_USAGE}, 7, 3, 0.5};
        emit(call, &usage.header);
        done(call, "stop");
        char reply[4096];
        int n = snprintf(reply, sizeof reply, "you said: %.*s", (int)(len < 4000 ? len : 4000), text);
        r = write_response(call, model, reply, (size_t)n, "stop", 3);
    }
    free(model);
    free(text);
    return r;
}

/* {"messages":[{"role":"user","content":<text>}]} from the tool's arguments. */
static bool request_from(const kai_call *call, kai_sdk_buffer *request)
{
    char *text = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "text", &text, &len) != KAI_SDK_FOUND) return false;
    kai_sdk_buffer_init(request);
    const kai_output *out = &request->output;
    bool ok = kai_sdk_write(out, "{\"messages\":[{\"role\":\"user\",\"content\":") == KAI_OK
              && kai_sdk_write_json_string(out, text, len) == KAI_OK && kai_sdk_write(out, "}]}") == KAI_OK;
    free(text);
    return ok;
}

typedef struct stream_count {
    int deltas;
    const char *terminal;
    char finish[32];
} stream_count;

static int32_t count_event(const kai_event_sink *self, const kai_event *event)
{
    stream_count *count = self->ctx;
    if (event->type == KAI_EVENT_TEXT_DELTA && ++count->deltas >= 3) return KAI_EVENT_STOP;
    if (event->type == KAI_EVENT_ERROR) count->terminal = "error";
    if (event->type == KAI_EVENT_DONE) {
        const kai_event_done *done = (const kai_event_done *)event;
        count->terminal = "done";
        snprintf(count->finish, sizeof count->finish, "%.*s", (int)done->finish_reason.len, done->finish_reason.data);
    }
    return KAI_EVENT_CONTINUE;
}

static kai_result ask(const kai_host *host, const kai_call *call, bool stream)
{
    kai_sdk_buffer request;
    if (!request_from(call, &request)) return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "text is required");
    kai_str body = {request.data, request.len};
    kai_result r;
    if (!stream) {
        static const char provider[] = "test.provider.echo/echo-2";
        r = host->provider_complete(host, call, (kai_str){provider, sizeof provider - 1}, body, call->output);
    } else {
        stream_count count = {0, "none", ""};
        kai_event_sink sink = {sizeof sink, 0, &count, count_event};
        r = host->provider_stream(host, call, (kai_str){"echo", 4}, body, &sink);
        if (r == KAI_OK)
            r = kai_sdk_writef(call->output, "{\"deltas\":%d,\"terminal\":\"%s\",\"finish\":\"%s\"}",
                               count.deltas, count.terminal, count.finish);
    }
    kai_sdk_buffer_free(&request);
    return r;
}

/* Writes eight bytes to `fd`: directly (an eventfd), else through a new
 * descriptor for writing from /proc/self/fd (a pipe's read end). */
static bool write_to(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof one) == (ssize_t)sizeof one) return true;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int writer = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (writer < 0) return false;
    bool wrote = write(writer, &one, sizeof one) == (ssize_t)sizeof one;
    return close(writer) == 0 && wrote;
}

static kai_result invoke(void *instance, const kai_call *call)
{
    const kai_host *host = instance;
    if (name_is(call, "echo")) return echo(host, call);
    if (name_is(call, "ask")) return ask(host, call, false);
    if (name_is(call, "cancel_fd")) {
        const kai_host_cancel_v1 *cancel = host->get_extension(host, KAI_HOST_CANCEL_ID);
        int fd = cancel ? cancel->cancel_fd(host, call) : -1;
        struct pollfd probe = {.fd = fd, .events = POLLIN};
        int readable = fd >= 0 && poll(&probe, 1, 0) == 1;
        char *then = NULL;
        size_t then_len = 0;
        if (fd >= 0 && kai_sdk_get_string(call->input, "then", &then, &then_len) == KAI_SDK_FOUND) {
            if (strcmp(then, "write") == 0 && !write_to(fd)) readable = -1;
            if (strcmp(then, "close") == 0 && close(fd) != 0) readable = -1;
            free(then);
            if (readable < 0) return fail(call, KAI_ERR_INTERNAL, "misusing the cancel fd failed");
        }
        return kai_sdk_writef(call->output, "{\"fd\":%d,\"readable\":%s}", fd, readable ? "true" : "false");
    }
    if (name_is(call, "ask_stream")) return ask(host, call, true);
    if (name_is(call, "broken"))
        return kai_sdk_write(call->output, "{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"done\"}");
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no capability %.*s", (int)call->name.len, call->name.data);
}

static const kai_plugin plugin = {
    .struct_size = sizeof(kai_plugin), .abi_major = KAI_ABI_MAJOR, .abi_minor = 1,
    .describe = describe, .create = create, .destroy = destroy, .invoke = invoke,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= 1 ? &plugin : NULL;
}
