/*
 * hostile_plugin.c — a plugin that does what a careless or hostile third
 * party's in-process plugin may do, one tool per misdeed, so the host's
 * tests can check that kai stays in charge (issue 9, items 4b, 5, 9c, 9e):
 *
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *      -I plugin-sdk/include -o libhostile.so Tests/Fixtures/hostile_plugin.c
 *
 * Manifest id "test.hostile". Config keys: "api_key" (a secret, normally
 * from the environment) and "destroy_log" (a file destroy() appends to).
 *
 *   spin_quiet {}         writes "hostile: spinning\n" to fd 2, then loops
 *                         forever without polling is_cancelled or the deadline
 *   exit_now {status}     calls exit(status) (runs atexit/on_exit handlers)
 *   quick_exit_now {}     calls quick_exit(5) (runs at_quick_exit handlers)
 *   chatter {}            printf()s a line to stdout and starts a detached
 *                         thread that keeps write()ing to fd 1 -> {"ok":true}
 *   echo_secret {fail}    logs its api_key at WARN and sends it in a progress
 *                         event; fail=false -> {"echo":"<api_key>"},
 *                         fail=true -> KAI_ERR_INTERNAL with the key in the message
 *   big_result {bytes}    writes a JSON string of `bytes` bytes; on a write
 *                         error returns that error, as a typical plugin would
 *   hold {release,entered} opens and writes a byte to the FIFO named by
 *                         "entered" (if given), then waits until the file
 *                         named by "release" exists (polling every ms,
 *                         ignoring cancellation), appends "hold returned\n"
 *                         to destroy_log (if configured) -> {"held":true}
 *   ping {}               -> {"pong":true}
 *   print_stdout {text}   printf()s text to stdout without flushing (the C
 *                         library flushes it as the process exits) -> {}
 *   log_line {text}       logs text at WARN through host->log -> {}
 *   nested_hold {release} starts a thread that calls hold {release} through
 *                         host->call_tool, returns once that call is inside
 *                         invoke, and leaves it running -> {"started":true}
 *   exit_at_destroy {}    -> {}; the next destroy() starts a thread that
 *                         calls exit(0) and waits for it (so the plugin's
 *                         exit lands after the call returned, before kai
 *                         has finished)
 *
 * destroy() appends "destroy busy=N\n" to destroy_log (if configured):
 * N is the number of calls still inside invoke() — the ABI promises 0.
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false}"
#define TEXT_ARG "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}"
#define TOOL(name, input, extra) \
    "{\"kind\":\"tool\",\"name\":\"" name "\",\"description\":\"Hostile tool " name ".\"," \
    "\"inputSchema\":" input extra "}"

static const char manifest[] =
    "{\"id\":\"test.hostile\",\"version\":\"0.1.0\",\"abiMinor\":0,"
    "\"description\":\"Misbehaving in-process plugin for Kai's host tests.\","
    "\"configSchema\":{\"type\":\"object\",\"properties\":{\"api_key\":{\"type\":\"string\"},"
    "\"destroy_log\":{\"type\":\"string\"}}},"
    "\"capabilities\":["
    TOOL("spin_quiet", NO_ARGS, "") ","
    TOOL("exit_now", "{\"type\":\"object\",\"properties\":{\"status\":{\"type\":\"integer\"}},\"required\":[\"status\"]}", "") ","
    TOOL("quick_exit_now", NO_ARGS, "") ","
    TOOL("chatter", NO_ARGS, "") ","
    TOOL("echo_secret", "{\"type\":\"object\",\"properties\":{\"fail\":{\"type\":\"boolean\"}},\"required\":[\"fail\"]}",
         ",\"streaming\":true") ","
    TOOL("big_result", "{\"type\":\"object\",\"properties\":{\"bytes\":{\"type\":\"integer\",\"minimum\":2}},"
         "\"required\":[\"bytes\"]}", "") ","
    TOOL("hold", "{\"type\":\"object\",\"properties\":{\"release\":{\"type\":\"string\"},\"entered\":{\"type\":\"string\"}},"
         "\"required\":[\"release\"]}", ",\"concurrency\":\"parallel\"") ","
    TOOL("ping", NO_ARGS, ",\"concurrency\":\"parallel\"") ","
    TOOL("print_stdout", TEXT_ARG, "") ","
    TOOL("log_line", TEXT_ARG, "") ","
    TOOL("nested_hold", "{\"type\":\"object\",\"properties\":{\"release\":{\"type\":\"string\"}},\"required\":[\"release\"]}",
         ",\"concurrency\":\"parallel\"") ","
    TOOL("exit_at_destroy", NO_ARGS, "")
    "]}";

typedef struct hostile {
    const kai_host *host;
    char *api_key;
    char *destroy_log;
} hostile;

/* Calls inside invoke() right now, for destroy()'s report. */
static atomic_int in_flight;

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

static void say(const char *text)
{
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(2, text, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        left -= (size_t)n;
    }
}

static kai_result spin_quiet(void)
{
    static volatile unsigned long spins;
    say("hostile: spinning\n");
    for (;;) spins++;
    return KAI_OK;
}

static void *chatter_thread(void *arg)
{
    (void)arg;
    static const char line[] = "thread chatter on fd 1\n";
    for (;;) {
        if (write(1, line, sizeof line - 1) < 0 && errno != EINTR) return NULL;
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static kai_result chatter(const kai_call *call)
{
    printf("printf chatter on stdout\n");
    fflush(stdout);
    pthread_t thread;
    int err = pthread_create(&thread, NULL, chatter_thread, NULL);
    if (err != 0) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "pthread_create failed: %s", strerror(err));
    pthread_detach(thread);
    return kai_sdk_write(call->output, "{\"ok\":true}");
}

static kai_result echo_secret(const hostile *self, const kai_call *call)
{
    bool fail = false;
    if (kai_sdk_get_bool(call->input, "fail", &fail) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "fail must be a boolean");
    }
    const char *key = self->api_key ? self->api_key : "";
    char line[512];
    int n = snprintf(line, sizeof line, "using api key %s", key);
    self->host->log(self->host, KAI_LOG_WARN, line, n > 0 ? (size_t)n : 0);
    if (call->events) {
        kai_event_progress ev = {
            .header = {(uint32_t)sizeof ev, KAI_EVENT_PROGRESS}, .progress = 1, .total = 1,
            .message = {line, n > 0 ? (size_t)n : 0},
        };
        (void)call->events->on_event(call->events, &ev.header);
    }
    if (fail) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "the server refused key %s", key);
    return kai_sdk_writef(call->output, "{\"echo\":\"%s\"}", key);
}

static kai_result big_result(const kai_call *call)
{
    int64_t bytes = 0;
    if (kai_sdk_get_int64(call->input, "bytes", &bytes) != KAI_SDK_FOUND || bytes < 2) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "bytes must be an integer >= 2");
    }
    static char chunk[65536];
    memset(chunk, 'a', sizeof chunk);
    kai_result r = call->output->write(call->output, "\"", 1);
    for (int64_t left = bytes - 2; r == KAI_OK && left > 0;) {
        size_t n = left < (int64_t)sizeof chunk ? (size_t)left : sizeof chunk;
        r = call->output->write(call->output, chunk, n);
        left -= (int64_t)n;
    }
    if (r == KAI_OK) r = call->output->write(call->output, "\"", 1);
    return r;
}

/* Appends `line` to destroy_log, if configured. */
static void log_event(const hostile *self, const char *line)
{
    if (!self->destroy_log) return;
    int fd = open(self->destroy_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        say("hostile: cannot open destroy_log\n");
        return;
    }
    if (write(fd, line, strlen(line)) < 0) say("hostile: cannot write destroy_log\n");
    close(fd);
}

/* Tells the test the call is inside invoke: one byte into its FIFO. */
static void signal_entered(const char *fifo)
{
    int fd = open(fifo, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        say("hostile: cannot open the entered FIFO\n");
        return;
    }
    if (write(fd, "e", 1) != 1) say("hostile: cannot write the entered FIFO\n");
    close(fd);
}

static kai_result hold(const hostile *self, const kai_call *call)
{
    char *release = NULL, *entered = NULL;
    if (kai_sdk_get_string(call->input, "release", &release, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "release must be a path");
    }
    if (kai_sdk_get_string(call->input, "entered", &entered, NULL) == KAI_SDK_FOUND) signal_entered(entered);
    free(entered);
    struct stat st;
    while (stat(release, &st) != 0) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    free(release);
    log_event(self, "hold returned\n");
    return kai_sdk_write(call->output, "{\"held\":true}");
}

static kai_result print_stdout(const kai_call *call)
{
    char *text = NULL;
    if (kai_sdk_get_string(call->input, "text", &text, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "text must be a string");
    }
    printf("%s", text);  /* no fflush: exit() flushes it, after kai's own handlers */
    free(text);
    return kai_sdk_write(call->output, "{}");
}

static kai_result log_line(const hostile *self, const kai_call *call)
{
    char *text = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "text", &text, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "text must be a string");
    }
    self->host->log(self->host, KAI_LOG_WARN, text, len);
    free(text);
    return kai_sdk_write(call->output, "{}");
}

typedef struct nested {
    const hostile *self;
    const kai_call *parent;
    char args[600];
} nested;

static void *nested_thread(void *arg)
{
    nested *job = arg;
    kai_sdk_buffer result;
    kai_sdk_buffer_init(&result);
    static const char name[] = "test.hostile.hold";
    kai_str tool = {name, sizeof name - 1}, args = {job->args, strlen(job->args)};
    (void)job->self->host->call_tool(job->self->host, job->parent, tool, args, &result.output);
    kai_sdk_buffer_free(&result);
    return NULL;
}

static kai_result nested_hold(const hostile *self, const kai_call *call)
{
    char *release = NULL;
    if (kai_sdk_get_string(call->input, "release", &release, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "release must be a path");
    }
    static nested job;  /* the thread outlives this call */
    job.self = self;
    job.parent = call;
    int n = snprintf(job.args, sizeof job.args, "{\"release\":\"%s\"}", release);
    free(release);
    if (n < 0 || (size_t)n >= sizeof job.args) return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "release is too long");
    int before = atomic_load(&in_flight);
    pthread_t thread;
    int err = pthread_create(&thread, NULL, nested_thread, &job);
    if (err != 0) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "pthread_create failed: %s", strerror(err));
    pthread_detach(thread);
    while (atomic_load(&in_flight) <= before) {  /* until hold is inside invoke */
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return kai_sdk_write(call->output, "{\"started\":true}");
}

/* Set by exit_at_destroy: destroy() then ends the process from a thread. */
static atomic_bool exit_at_destroy;

static void *exit_thread(void *arg)
{
    (void)arg;
    exit(0);
}

static kai_result hostile_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

static kai_result hostile_create(const kai_host *host, const kai_output *error, void **instance)
{
    hostile *self = calloc(1, sizeof *self);
    if (!self) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    self->host = host;
    kai_str config = host->config(host);
    (void)kai_sdk_get_string(config, "api_key", &self->api_key, NULL);
    (void)kai_sdk_get_string(config, "destroy_log", &self->destroy_log, NULL);
    *instance = self;
    return KAI_OK;
}

static void hostile_destroy(void *instance)
{
    hostile *self = instance;
    if (atomic_load(&exit_at_destroy)) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, exit_thread, NULL) == 0) pthread_join(thread, NULL);  /* never returns */
        say("hostile: cannot start the exit thread\n");
    }
    if (self->destroy_log) {
        int fd = open(self->destroy_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            char line[64];
            int n = snprintf(line, sizeof line, "destroy busy=%d\n", atomic_load(&in_flight));
            if (n > 0 && write(fd, line, (size_t)n) < 0) say("hostile: cannot write destroy_log\n");
            close(fd);
        }
    }
    free(self->api_key);
    free(self->destroy_log);
    free(self);
}

static kai_result dispatch(const hostile *self, const kai_call *call)
{
    if (name_is(call, "spin_quiet")) return spin_quiet();
    if (name_is(call, "exit_now")) {
        int64_t status = 0;
        (void)kai_sdk_get_int64(call->input, "status", &status);
        exit((int)status);
    }
    if (name_is(call, "quick_exit_now")) quick_exit(5);
    if (name_is(call, "chatter")) return chatter(call);
    if (name_is(call, "echo_secret")) return echo_secret(self, call);
    if (name_is(call, "big_result")) return big_result(call);
    if (name_is(call, "hold")) return hold(self, call);
    if (name_is(call, "ping")) return kai_sdk_write(call->output, "{\"pong\":true}");
    if (name_is(call, "print_stdout")) return print_stdout(call);
    if (name_is(call, "log_line")) return log_line(self, call);
    if (name_is(call, "nested_hold")) return nested_hold(self, call);
    if (name_is(call, "exit_at_destroy")) {
        atomic_store(&exit_at_destroy, true);
        return kai_sdk_write(call->output, "{}");
    }
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no tool named '%.*s'",
                        (int)(call->name.len > 64 ? 64 : call->name.len), call->name.data);
}

static kai_result hostile_invoke(void *instance, const kai_call *call)
{
    atomic_fetch_add(&in_flight, 1);
    kai_result r = dispatch(instance, call);
    atomic_fetch_sub(&in_flight, 1);
    return r;
}

static const kai_plugin hostile_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 0,
    .describe = hostile_describe,
    .create = hostile_create,
    .destroy = hostile_destroy,
    .invoke = hostile_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &hostile_plugin;
}
