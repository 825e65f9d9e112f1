/*
 * fixture_plugin.c — ONE source the host's tests compile with plain cc into a
 * well-behaved test plugin and, with one -D flag each, into plugins that
 * break exactly one rule of the ABI:
 *
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *      -I plugin-sdk/include [-DFLAG] -o libfixture.so Tests/Fixtures/fixture_plugin.c
 *
 *   flag                        the one fault it produces
 *   --------------------------  --------------------------------------------------
 *   (none)                      none: a valid plugin (tools below)
 *   -DFIXTURE_ID='"x.y"'        none: the manifest id (default "test.fixture")
 *   -DFIXTURE_NO_ENTRY          exports kai_plugin_entry (no _v1) instead
 *   -DFIXTURE_ABI_MAJOR2        exports only kai_plugin_entry_v2; abi_major = 2
 *   -DFIXTURE_NEWER_MINOR       abi_minor = 7 (and manifest "abiMinor": 7)
 *   -DFIXTURE_NULL_INVOKE       descriptor invoke = NULL
 *   -DFIXTURE_ENTRY_NULL        the entry function returns NULL
 *   -DFIXTURE_MANIFEST_NOT_JSON describe writes {"id": "test.fixture", capabilities}
 *   -DFIXTURE_MANIFEST_SCHEMA   valid JSON manifest without "version"
 *   -DFIXTURE_NETWORK_NOT_BOOL  "network": "yes" (must be a boolean)
 *   -DFIXTURE_DUP_TOOL          the manifest lists tool "add" twice
 *   -DFIXTURE_CAPABILITY_TYPO   tool "add" says "concurency" (unknown key)
 *   -DFIXTURE_INIT_FAILS        create fails: KAI_ERR_INVALID_INPUT,
 *                               {"message":"missing API endpoint","field":"endpoint"}
 *   -DFIXTURE_DESCRIBE_FAILS    describe fails: KAI_ERR_INTERNAL, {"message":"describe exploded"}
 *   -DFIXTURE_BAD_SCHEMA        tool "add" has an inputSchema that is not a valid JSON Schema
 *   -DFIXTURE_BAD_OUTPUT_SCHEMA tool "add"'s outputSchema requires "total": every result violates it
 *   -DFIXTURE_REQUIRED_CONFIG   the configSchema requires "endpoint" (create fails without it)
 *   -DFIXTURE_CREATE_CRASH      create() dereferences NULL (SIGSEGV)
 *   -DFIXTURE_ENTRY_CRASH       the entry function dereferences NULL (SIGSEGV)
 *   -DFIXTURE_ENTRY_HANG        the entry function never returns
 *   -DFIXTURE_CONFORMING        none: only the tools that follow every rule (no
 *                               bad_json, no misbehaving tools); add
 *                               -DFIXTURE_WITH=T_SPIN (etc.) for one more tool
 *
 * Tools of the valid plugin (serial unless noted):
 *   sleep_ms {ms}        sleeps in <= 1 ms steps, polling is_cancelled and the
 *                        deadline -> {"slept_ms": N}; parallel
 *   sleep_serial {ms}    the same, serial (the host must serialize it)
 *   bad_json {}          writes `{"unterminated": ` and returns KAI_OK
 *   fail {}              KAI_ERR_INTERNAL, {"message":"fixture failure","hint":"this tool always fails"}
 *   config {}            writes the instance's config JSON verbatim
 *   call_tool {name, args}  host->call_tool into the call's own output; returns its code
 *   progress {steps}     emits `steps` PROGRESS events (if streaming) -> {"steps": N}
 *   add {a, b}           {"sum": a + b}; parallel, read-only (for benchmarks)
 *   rendezvous {n}       waits until n rendezvous calls are in flight at once
 *                        -> {"met": true}; parallel (proves the host overlaps them)
 *
 * Misbehaving tools (the corpus for process isolation; each kills or hangs
 * an in-process host, so call them only with isolation: process):
 *   crash_segv {}        dereferences NULL (SIGSEGV)
 *   abort {}             calls abort() (SIGABRT)
 *   exit3 {}             calls exit(3)
 *   spin {}              loops forever without polling is_cancelled
 *   oversleep {ms}       sleeps ms without polling, then -> {"slept_ms": N}
 *   alloc_mb {mb}        mallocs mb MiB and touches every page -> {"allocated_mb": N};
 *                        with -DFIXTURE_SLOW_ALLOC it pauses 2.5 ms after each MiB
 *                        KAI_ERR_UNAVAILABLE when malloc fails (e.g. under RLIMIT_AS)
 *   stdout_spam {bytes}  writes bytes of frame-like junk to stdout -> {"written": N}
 *   thread_crash {ms}    starts a thread that dereferences NULL after ms;
 *                        -> {"started": true} at once
 *   pid {}               -> {"pid": getpid()} (tells workers apart)
 *   sandbox_probe {path, port}  -> {"hostname", "write", "connect"}: creates
 *                        path, connects to 127.0.0.1:port; only with
 *                        -DFIXTURE_SANDBOX_PROBE (-DFIXTURE_NETWORK adds
 *                        "network": true to the manifest)
 *   leak {}              mallocs 16 KiB, touches it and never frees it -> {"leaked_kb": 16};
 *                        only in the manifest with -DFIXTURE_WITH=T_LEAK
 *
 * sleep_ms and sleep_serial log "<name> started" at INFO when they begin,
 * and report {"in_flight": K}: how many calls of that tool were running when
 * this one started (always 1 if the host serializes correctly).
 */
#include <kai/kai_sdk.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef FIXTURE_ID
#define FIXTURE_ID "test.fixture"
#endif

#ifdef FIXTURE_NEWER_MINOR
#define FIXTURE_ABI_MINOR 7
#define FIXTURE_ABI_MINOR_JSON "7"
#else
#define FIXTURE_ABI_MINOR 0
#define FIXTURE_ABI_MINOR_JSON "0"
#endif

#ifdef FIXTURE_MANIFEST_SCHEMA
#define FIXTURE_VERSION_JSON ""
#else
#define FIXTURE_VERSION_JSON "\"version\":\"0.1.0\","
#endif

#if defined(FIXTURE_NETWORK)
#define FIXTURE_NETWORK_JSON "\"network\":true,"
#elif defined(FIXTURE_NETWORK_NOT_BOOL)
#define FIXTURE_NETWORK_JSON "\"network\":\"yes\","
#else
#define FIXTURE_NETWORK_JSON ""
#endif
#ifdef FIXTURE_REQUIRED_CONFIG
#define FIXTURE_CONFIG_REQUIRED_JSON ",\"required\":[\"endpoint\"]"
#else
#define FIXTURE_CONFIG_REQUIRED_JSON ""
#endif
#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false}"
#define MS_ARGS "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\",\"minimum\":0}}," \
                "\"required\":[\"ms\"],\"additionalProperties\":false}"
#define TOOL(name, input, extra) \
    "{\"kind\":\"tool\",\"name\":\"" name "\",\"description\":\"Fixture tool " name ".\"," \
    "\"inputSchema\":" input extra "}"
#define ADD_TOOL TOOL("add", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"}," \
    "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}", \
    ",\"outputSchema\":{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"number\"}},\"required\":[\"sum\"]}," \
    "\"annotations\":{\"readOnlyHint\":true,\"idempotentHint\":true},\"concurrency\":\"parallel\"")

#define T_SANDBOX_PROBE TOOL("sandbox_probe", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}," \
    "\"port\":{\"type\":\"integer\"}},\"required\":[\"path\",\"port\"]}", "")

#if defined(FIXTURE_DUP_TOOL)
#define EXTRA_TOOLS "," ADD_TOOL
#elif defined(FIXTURE_SANDBOX_PROBE)
#define EXTRA_TOOLS "," T_SANDBOX_PROBE
#elif defined(FIXTURE_CAPABILITY_TYPO)
#undef ADD_TOOL
#define ADD_TOOL TOOL("add", NO_ARGS, ",\"concurency\":\"parallel\"")
#define EXTRA_TOOLS ""
#elif defined(FIXTURE_BAD_OUTPUT_SCHEMA)
#undef ADD_TOOL
#define ADD_TOOL TOOL("add", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"}," \
    "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}", \
    ",\"outputSchema\":{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\"}},\"required\":[\"total\"]}," \
    "\"concurrency\":\"parallel\"")
#define EXTRA_TOOLS ""
#elif defined(FIXTURE_BAD_SCHEMA)
#undef ADD_TOOL
#define ADD_TOOL TOOL("add", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"numbr\"}}}", "")
#define EXTRA_TOOLS ""
#else
#define EXTRA_TOOLS ""
#endif

/* Each tool's manifest entry, so builds can pick a set. The "examples" of
 * the misbehaving tools are what `kai plugins validate` calls them with. */
#define T_SLEEP_MS TOOL("sleep_ms", MS_ARGS, ",\"concurrency\":\"parallel\"")
#define T_SLEEP_SERIAL TOOL("sleep_serial", MS_ARGS, ",\"concurrency\":\"serial\"")
#define T_BAD_JSON TOOL("bad_json", NO_ARGS, "")
#define T_FAIL TOOL("fail", NO_ARGS, "")
#define T_CONFIG TOOL("config", NO_ARGS, "")
#define T_CALL_TOOL TOOL("call_tool", "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}," \
    "\"args\":{\"type\":\"object\"}},\"required\":[\"name\",\"args\"],\"additionalProperties\":false}", "")
#define T_RENDEZVOUS TOOL("rendezvous", "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1}}," \
    "\"required\":[\"n\"],\"additionalProperties\":false}", ",\"concurrency\":\"parallel\"")
#define T_PROGRESS TOOL("progress", "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"integer\",\"minimum\":0}}," \
    "\"required\":[\"steps\"],\"additionalProperties\":false}", ",\"streaming\":true")
#define T_CRASH_SEGV TOOL("crash_segv", NO_ARGS, "")
#define T_ABORT TOOL("abort", NO_ARGS, "")
#define T_EXIT3 TOOL("exit3", NO_ARGS, "")
#define T_SPIN TOOL("spin", NO_ARGS, "")
#define EXAMPLE_ARGS(key, example, minimum) "{\"type\":\"object\",\"properties\":{\"" key "\":{\"type\":\"integer\"," \
    "\"minimum\":" minimum ",\"examples\":[" example "]}},\"required\":[\"" key "\"],\"additionalProperties\":false}"
#define T_OVERSLEEP TOOL("oversleep", EXAMPLE_ARGS("ms", "2000", "0"), "")
#define T_ALLOC_MB TOOL("alloc_mb", EXAMPLE_ARGS("mb", "1024", "1"), "")
#define T_STDOUT_SPAM TOOL("stdout_spam", EXAMPLE_ARGS("bytes", "64", "0"), "")
#define T_THREAD_CRASH TOOL("thread_crash", EXAMPLE_ARGS("ms", "5", "0"), "")
#define T_PID TOOL("pid", NO_ARGS, "")
/* Only in builds that ask for it (-DFIXTURE_WITH=T_LEAK): never freed. */
#define T_LEAK TOOL("leak", NO_ARGS, "")

#if defined(FIXTURE_MANIFEST_NOT_JSON)
static const char manifest[] = "{\"id\": \"" FIXTURE_ID "\", capabilities}";
#else
#if defined(FIXTURE_CONFORMING)
/* Only tools that follow every rule, plus -DFIXTURE_WITH=T_<TOOL>, if any. */
#ifdef FIXTURE_WITH
#define WITH_TOOL "," FIXTURE_WITH
#else
#define WITH_TOOL ""
#endif
#define FIXTURE_TOOLS T_SLEEP_MS "," T_SLEEP_SERIAL "," T_FAIL "," T_CONFIG "," T_CALL_TOOL "," \
    T_RENDEZVOUS "," T_PROGRESS "," ADD_TOOL EXTRA_TOOLS WITH_TOOL
#else
#define FIXTURE_TOOLS T_SLEEP_MS "," T_SLEEP_SERIAL "," T_BAD_JSON "," T_FAIL "," T_CONFIG "," T_CALL_TOOL "," \
    T_RENDEZVOUS "," T_PROGRESS "," T_CRASH_SEGV "," T_ABORT "," T_EXIT3 "," T_SPIN "," T_OVERSLEEP "," \
    T_ALLOC_MB "," T_STDOUT_SPAM "," T_THREAD_CRASH "," T_PID "," ADD_TOOL EXTRA_TOOLS
#endif
static const char manifest[] =
    "{\"id\":\"" FIXTURE_ID "\"," FIXTURE_VERSION_JSON FIXTURE_NETWORK_JSON "\"abiMinor\":" FIXTURE_ABI_MINOR_JSON ","
    "\"description\":\"Test fixture plugin for Kai's host tests.\","
    "\"configSchema\":{\"type\":\"object\",\"properties\":{\"endpoint\":{\"type\":\"string\"},"
    "\"level\":{\"type\":\"integer\",\"default\":3}}" FIXTURE_CONFIG_REQUIRED_JSON "},"
    "\"capabilities\":[" FIXTURE_TOOLS "]}";
#endif

typedef struct fixture {
    const kai_host *host;
} fixture;

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

/* Calls currently inside sleep_ms / sleep_serial / rendezvous. */
static atomic_int sleeping_parallel, sleeping_serial, waiting;
/* Set once n rendezvous calls were in flight together; cleared by the last to leave. */
static atomic_bool met;

static kai_result sleep_loop(const fixture *self, const kai_call *call, int in_flight);

static kai_result sleep_tool(const fixture *self, const kai_call *call, atomic_int *counter)
{
    const int in_flight = atomic_fetch_add(counter, 1) + 1;
    char started[64];
    int n = snprintf(started, sizeof started, "%.*s started", (int)call->name.len, call->name.data);
    self->host->log(self->host, KAI_LOG_INFO, started, n > 0 ? (size_t)n : 0);
    kai_result r = sleep_loop(self, call, in_flight);
    atomic_fetch_sub(counter, 1);
    return r;
}

static kai_result rendezvous_tool(const fixture *self, const kai_call *call)
{
    int64_t n = 0;
    if (kai_sdk_get_int64(call->input, "n", &n) != KAI_SDK_FOUND || n < 1) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "n must be an integer >= 1");
    }
    kai_result r = KAI_OK;
    int arrived = atomic_fetch_add(&waiting, 1) + 1;
    while (!atomic_load(&met)) {
        if (arrived >= n) {
            atomic_store(&met, true);
            break;
        }
        r = kai_sdk_should_stop(self->host, call);
        if (r != KAI_OK) break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        arrived = atomic_load(&waiting);
    }
    if (atomic_fetch_sub(&waiting, 1) == 1) atomic_store(&met, false);
    if (r != KAI_OK) return kai_sdk_fail(call->output, r, "only %d of %lld calls arrived", arrived, (long long)n);
    return kai_sdk_write(call->output, "{\"met\":true}");
}

static kai_result sleep_loop(const fixture *self, const kai_call *call, int in_flight)
{
    int64_t ms = 0;
    if (kai_sdk_get_int64(call->input, "ms", &ms) != KAI_SDK_FOUND || ms < 0) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "ms must be an integer >= 0");
    }
    const int64_t start = kai_sdk_now_ns(), until = start + ms * 1000000;
    for (;;) {
        const int64_t now = kai_sdk_now_ns();
        const long long elapsed_ms = (long long)((now - start) / 1000000);
        switch (kai_sdk_should_stop(self->host, call)) {
        case KAI_ERR_DEADLINE_EXCEEDED:
            return kai_sdk_fail(call->output, KAI_ERR_DEADLINE_EXCEEDED, "gave up at the deadline after %lld ms", elapsed_ms);
        case KAI_ERR_CANCELLED:
            return kai_sdk_fail(call->output, KAI_ERR_CANCELLED, "cancelled after %lld ms", elapsed_ms);
        default:
            break;
        }
        if (now >= until) break;
        const int64_t step = until - now < 1000000 ? until - now : 1000000;
        struct timespec ts = {0, (long)step};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR) {
            return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "nanosleep failed: %s", strerror(errno));
        }
    }
    return kai_sdk_writef(call->output, "{\"slept_ms\":%lld,\"in_flight\":%d}", (long long)ms, in_flight);
}

static kai_result call_tool_tool(const fixture *self, const kai_call *call)
{
    char *name = NULL;
    size_t name_len = 0;
    kai_str args;
    if (kai_sdk_get_string(call->input, "name", &name, &name_len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "name must be a string");
    }
    if (!kai_sdk_find(call->input, "args", &args)) {
        free(name);
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "args is required");
    }
    /* The child writes straight into this call's output, so its result or
     * error details pass through unchanged. */
    kai_str child = {name, name_len};
    kai_result r = self->host->call_tool(self->host, call, child, args, call->output);
    free(name);
    return r;
}

static kai_result progress_tool(const kai_call *call)
{
    int64_t steps = 0;
    if (kai_sdk_get_int64(call->input, "steps", &steps) != KAI_SDK_FOUND || steps < 0) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "steps must be an integer >= 0");
    }
    int64_t sent = 0;
    for (; call->events && sent < steps; sent++) {
        char text[32];
        int n = snprintf(text, sizeof text, "step %lld", (long long)sent + 1);
        kai_event_progress ev = {
            .header = {(uint32_t)sizeof ev, KAI_EVENT_PROGRESS},
            .progress = (double)(sent + 1),
            .total = (double)steps,
            .message = {text, n > 0 ? (size_t)n : 0},
        };
        if (call->events->on_event(call->events, &ev.header) == KAI_EVENT_STOP) { sent++; break; }
    }
    return kai_sdk_writef(call->output, "{\"steps\":%lld}", (long long)(call->events ? sent : steps));
}

static kai_result add_tool(const kai_call *call)
{
    double a = 0, b = 0;
    if (kai_sdk_get_double(call->input, "a", &a) != KAI_SDK_FOUND
        || kai_sdk_get_double(call->input, "b", &b) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "a and b must be numbers");
    }
    const double sum = a + b;
    if (!isfinite(sum)) return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "the sum overflows a double");
    return kai_sdk_writef(call->output, "{\"sum\":%.17g}", sum);
}

/* Writes through a pointer the optimizer cannot prove NULL, so the crash
 * really happens where the tool says it does. */
static void crash(void)
{
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
}

static kai_result oversleep_tool(const kai_call *call)
{
    int64_t ms = 0;
    if (kai_sdk_get_int64(call->input, "ms", &ms) != KAI_SDK_FOUND || ms < 0) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "ms must be an integer >= 0");
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    return kai_sdk_writef(call->output, "{\"slept_ms\":%lld}", (long long)ms);
}

static kai_result alloc_tool(const kai_call *call)
{
    int64_t mb = 0;
    if (kai_sdk_get_int64(call->input, "mb", &mb) != KAI_SDK_FOUND || mb < 1) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "mb must be an integer >= 1");
    }
    const size_t size = (size_t)mb << 20;
    volatile char *block = malloc(size);
    if (!block) return kai_sdk_fail(call->output, KAI_ERR_UNAVAILABLE, "could not allocate %lld MiB", (long long)mb);
    for (size_t i = 0; i < size; i += 4096) {
        block[i] = (char)i;
#ifdef FIXTURE_SLOW_ALLOC
        /* Touching memory as slowly as a cold VM can (2.5 ms a MiB). */
        if ((i & 0xfffff) == 0) nanosleep(&(struct timespec){.tv_nsec = 2500000}, NULL);
#endif
    }
    free((void *)block);
    return kai_sdk_writef(call->output, "{\"allocated_mb\":%lld}", (long long)mb);
}

static kai_result stdout_spam_tool(const kai_call *call)
{
    int64_t bytes = 0;
    if (kai_sdk_get_int64(call->input, "bytes", &bytes) != KAI_SDK_FOUND || bytes < 0) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "bytes must be an integer >= 0");
    }
    /* Looks like a frame header claiming a huge length, then garbage. */
    static const char junk[] = "\xff\xff\xff\x7f\x14\x01\x00\x00\x00{\"sum\":666}\n";
    int64_t written = 0;
    while (written < bytes) {
        size_t chunk = (size_t)(bytes - written) < sizeof junk - 1 ? (size_t)(bytes - written) : sizeof junk - 1;
        if (fwrite(junk, 1, chunk, stdout) != chunk) break;
        written += (int64_t)chunk;
    }
    fflush(stdout);
    return kai_sdk_writef(call->output, "{\"written\":%lld}", (long long)written);
}

static void *crash_later(void *arg)
{
    int64_t ms = (int64_t)(intptr_t)arg;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    crash();
    return NULL;
}

static kai_result thread_crash_tool(const kai_call *call)
{
    int64_t ms = 0;
    if (kai_sdk_get_int64(call->input, "ms", &ms) != KAI_SDK_FOUND || ms < 0) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "ms must be an integer >= 0");
    }
    pthread_t thread;
    int err = pthread_create(&thread, NULL, crash_later, (void *)(intptr_t)ms);
    if (err != 0) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "pthread_create failed: %s", strerror(err));
    pthread_detach(thread);
    return kai_sdk_write(call->output, "{\"started\":true}");
}

/* sandbox_probe {path, port}: what isolation: sandbox lets a plugin do —
 * its hostname, whether it can create the file path, and whether a TCP
 * connect to 127.0.0.1:port (a host listener) gets through. */
static const char *errno_name(int e)
{
    switch (e) {
    case EROFS: return "EROFS";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EEXIST: return "EEXIST";
    default: return "other";
    }
}

static kai_result sandbox_probe_tool(const kai_call *call)
{
    char *path = NULL;
    int64_t port = 0;
    if (kai_sdk_get_string(call->input, "path", &path, NULL) != KAI_SDK_FOUND ||
        kai_sdk_get_int64(call->input, "port", &port) != KAI_SDK_FOUND) {
        free(path);
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "path and port are required");
    }
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    const char *write_result = fd >= 0 ? "CREATED" : errno_name(errno);
    if (fd >= 0) close(fd);
    free(path);
    int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    const char *connect_result = sock < 0 ? errno_name(errno)
                                 : connect(sock, (struct sockaddr *)&addr, sizeof addr) == 0 ? "CONNECTED" : errno_name(errno);
    if (sock >= 0) close(sock);
    return kai_sdk_writef(call->output, "{\"hostname\":\"%s\",\"write\":\"%s\",\"connect\":\"%s\"}", host, write_result,
                          connect_result);
}

static kai_result leak_tool(const kai_call *call)
{
    volatile char *block = malloc(16 << 10);
    if (!block) return kai_sdk_fail(call->output, KAI_ERR_UNAVAILABLE, "out of memory");
    for (size_t i = 0; i < 16 << 10; i += 4096) block[i] = 1;
    return kai_sdk_write(call->output, "{\"leaked_kb\":16}");
}

static kai_result misbehave(const kai_call *call, bool *handled)
{
    static volatile unsigned long spins;
    *handled = true;
    if (name_is(call, "crash_segv")) crash();
    if (name_is(call, "abort")) abort();
    if (name_is(call, "exit3")) exit(3);
    if (name_is(call, "spin")) for (;;) spins++;
    if (name_is(call, "oversleep")) return oversleep_tool(call);
    if (name_is(call, "alloc_mb")) return alloc_tool(call);
    if (name_is(call, "stdout_spam")) return stdout_spam_tool(call);
    if (name_is(call, "thread_crash")) return thread_crash_tool(call);
    if (name_is(call, "sandbox_probe")) return sandbox_probe_tool(call);
    if (name_is(call, "pid")) return kai_sdk_writef(call->output, "{\"pid\":%ld}", (long)getpid());
    if (name_is(call, "leak")) return leak_tool(call);
    *handled = false;
    return KAI_OK;
}

static kai_result fixture_describe(const kai_output *out)
{
#ifdef FIXTURE_DESCRIBE_FAILS
    static const char details[] = "{\"message\":\"describe exploded\"}";
    (void)manifest;
    (void)out->set_error(out, details, sizeof details - 1);
    return KAI_ERR_INTERNAL;
#else
    return out->write(out, manifest, sizeof manifest - 1);
#endif
}

static kai_result fixture_create(const kai_host *host, const kai_output *error, void **instance)
{
#ifdef FIXTURE_CREATE_CRASH
    crash();
#endif
#ifdef FIXTURE_INIT_FAILS
    static const char details[] = "{\"message\":\"missing API endpoint\",\"field\":\"endpoint\"}";
    (void)host;
    (void)instance;
    (void)error->set_error(error, details, sizeof details - 1);
    return KAI_ERR_INVALID_INPUT;
#else
    fixture *self = malloc(sizeof *self);
    if (!self) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    self->host = host;
    *instance = self;
    return KAI_OK;
#endif
}

static void fixture_destroy(void *instance)
{
    free(instance);
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((unused)) /* unreferenced under FIXTURE_NULL_INVOKE */
#endif
static kai_result fixture_invoke(void *instance, const kai_call *call)
{
    const fixture *self = instance;
    const kai_output *out = call->output;
    if (name_is(call, "sleep_ms")) return sleep_tool(self, call, &sleeping_parallel);
    if (name_is(call, "sleep_serial")) return sleep_tool(self, call, &sleeping_serial);
    if (name_is(call, "rendezvous")) return rendezvous_tool(self, call);
    if (name_is(call, "bad_json")) return kai_sdk_write(out, "{\"unterminated\": ");
    if (name_is(call, "fail")) {
        static const char details[] = "{\"message\":\"fixture failure\",\"hint\":\"this tool always fails\"}";
        (void)out->set_error(out, details, sizeof details - 1);
        return KAI_ERR_INTERNAL;
    }
    if (name_is(call, "config")) {
        kai_str config = self->host->config(self->host);
        return out->write(out, config.data, config.len);
    }
    if (name_is(call, "call_tool")) return call_tool_tool(self, call);
    if (name_is(call, "progress")) return progress_tool(call);
    if (name_is(call, "add")) return add_tool(call);
    bool handled = false;
    kai_result r = misbehave(call, &handled);
    if (handled) return r;
    return kai_sdk_fail(out, KAI_ERR_NOT_FOUND, "no tool named '%.*s'",
                        (int)(call->name.len > 64 ? 64 : call->name.len), call->name.data);
}

static const kai_plugin fixture_plugin = {
    .struct_size = sizeof(kai_plugin),
#ifdef FIXTURE_ABI_MAJOR2
    .abi_major = 2,
#else
    .abi_major = KAI_ABI_MAJOR,
#endif
    .abi_minor = FIXTURE_ABI_MINOR,
    .describe = fixture_describe,
    .create = fixture_create,
    .destroy = fixture_destroy,
#ifdef FIXTURE_NULL_INVOKE
    .invoke = NULL,
#else
    .invoke = fixture_invoke,
#endif
    .get_extension = NULL,
};

#if defined(FIXTURE_NO_ENTRY)
#define FIXTURE_ENTRY kai_plugin_entry
#elif defined(FIXTURE_ABI_MAJOR2)
#define FIXTURE_ENTRY kai_plugin_entry_v2
#else
#define FIXTURE_ENTRY kai_plugin_entry_v1
#endif

KAI_EXPORT const kai_plugin *FIXTURE_ENTRY(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *FIXTURE_ENTRY(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
#ifdef FIXTURE_ENTRY_CRASH
    crash();
#endif
#ifdef FIXTURE_ENTRY_HANG
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
#endif
#ifdef FIXTURE_ENTRY_NULL
    (void)fixture_plugin;
    return NULL;
#else
    return &fixture_plugin;
#endif
}
