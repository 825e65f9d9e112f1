/*
 * probe_plugin.c — a plugin that reports what its process can see and do,
 * for the tests of worker isolation (descriptors, identity, environment,
 * protocol). Built with plain cc like fixture_plugin.c:
 *
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *      -I plugin-sdk/include [-DPROBE_ID='"x.y"'] -o libprobe.so Tests/Fixtures/probe_plugin.c
 *
 * Tools (all serial, no arguments unless noted):
 *   fds {}            {"fds": ["0 -> /dev/null", "3 -> pipe:[...]", ...]}: every
 *                     entry of /proc/self/fd but the listing's own
 *   identity {}       {"uid", "gid", "capEff" (hex, /proc/self/status), "shadow"
 *                     ("READ" or the errno name of opening /etc/shadow),
 *                     "pids": [every numeric entry of /proc], "self": getpid()}
 *   environ {}        {"environ": ["NAME=value", ...]}
 *   config {}         the instance's config JSON verbatim (kai scrubs secret
 *                     values out of it on the way back)
 *   config_hex {}     {"hex": the config's bytes in hex}: proves what the
 *                     plugin received without echoing a secret verbatim
 *   garbage {}        writes bytes that are no frame onto fd 4 (the pipe the
 *                     worker answers the host on; see kai-plugin-worker's
 *                     usage), then waits for its cancellation or deadline
 *   stray_stdout {}   write(2)s 11 bytes to fd 1 and returns {"wrote": 11}
 *   clean {}          {"clean": true}
 *   reach {"file", "socket", "dir"}  what the worker can reach of the host:
 *                     {"file": "READ" or the errno name of opening it,
 *                     "socket": "CONNECTED" or the errno name of connect()ing
 *                     to it (a Unix socket path), "dir": "LISTED" or the errno
 *                     name of opendir}; values are plain strings (no escapes)
 *   describe()        with -DPROBE_DESCRIBE_HOST, the manifest's description
 *                     is "scanned on host NAME by pid N" (gethostname(),
 *                     getpid()): the sandbox's host is kai-plugin, so it shows
 *                     where describe() ran
 *
 * -DPROBE_STDOUT_ONLY lists only stray_stdout and clean (for kai plugins
 * validate, which calls every tool listed).
 */
#include <kai/kai_sdk.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#ifndef PROBE_ID
#define PROBE_ID "test.probe"
#endif

#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false}"
#define TOOL(name) "{\"kind\":\"tool\",\"name\":\"" name "\",\"description\":\"Probe tool " name ".\",\"inputSchema\":" NO_ARGS "}"
#define REACH_ARGS "{\"type\":\"object\",\"properties\":{\"file\":{\"type\":\"string\"},\"socket\":{\"type\":\"string\"}," \
    "\"dir\":{\"type\":\"string\"}},\"required\":[\"file\",\"socket\",\"dir\"]}"
#define REACH_TOOL "{\"kind\":\"tool\",\"name\":\"reach\",\"description\":\"Probe tool reach.\",\"inputSchema\":" REACH_ARGS "}"

#ifdef PROBE_STDOUT_ONLY
#define PROBE_TOOLS TOOL("stray_stdout") "," TOOL("clean")
#else
#define PROBE_TOOLS TOOL("fds") "," TOOL("identity") "," TOOL("environ") "," TOOL("config") "," TOOL("config_hex") "," \
    TOOL("garbage") "," TOOL("stray_stdout") "," TOOL("clean") "," REACH_TOOL
#endif

#ifdef PROBE_DESCRIBE_HOST
#define PROBE_DESCRIPTION "scanned on host %s by pid %d"
#else
#define PROBE_DESCRIPTION "Reports what its worker process can see, for Kai's isolation tests."
#endif

static const char manifest[] =
    "{\"id\":\"" PROBE_ID "\",\"version\":\"0.1.0\",\"abiMinor\":0,"
    "\"description\":\"" PROBE_DESCRIPTION "\","
    "\"configSchema\":{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\"}}},"
    "\"capabilities\":[" PROBE_TOOLS "]}";

/* A growing JSON text; on allocation failure `failed` is set and the tool
 * reports KAI_ERR_INTERNAL. */
typedef struct text {
    char *data;
    size_t len, cap;
    bool failed;
} text;

static void append(text *t, const char *bytes, size_t n)
{
    if (t->failed) return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *grown = realloc(t->data, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, bytes, n);
    t->len += n;
}

static void append_str(text *t, const char *s) { append(t, s, strlen(s)); }

/* `s` as a JSON string, control characters and non-ASCII as \u00XX. */
static void append_json_string(text *t, const char *s)
{
    append_str(t, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char escaped[8];
        if (*p == '"' || *p == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)*p;
            append(t, escaped, 2);
        } else if (*p < 0x20 || *p >= 0x7f) {
            snprintf(escaped, sizeof escaped, "\\u%04x", *p);
            append_str(t, escaped);
        } else {
            append(t, (const char *)p, 1);
        }
    }
    append_str(t, "\"");
}

static kai_result finish(const kai_call *call, text *t)
{
    kai_result r = t->failed ? kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory")
                             : call->output->write(call->output, t->data, t->len);
    free(t->data);
    return r;
}

static kai_result fds_tool(const kai_call *call)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "opendir /proc/self/fd: %s", strerror(errno));
    text t = {0};
    append_str(&t, "{\"fds\":[");
    bool first = true;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(dir)) continue;
        char target[512], line[1024];
        ssize_t n = readlinkat(dirfd(dir), entry->d_name, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        snprintf(line, sizeof line, "%.16s -> %s", entry->d_name, target);
        if (!first) append_str(&t, ",");
        first = false;
        append_json_string(&t, line);
    }
    closedir(dir);
    append_str(&t, "]}");
    return finish(call, &t);
}

/* The value of "CapEff:" in /proc/self/status, or "?" . */
static void cap_eff(char *out, size_t size)
{
    snprintf(out, size, "?");
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return;
    char line[256];
    while (fgets(line, sizeof line, status)) {
        if (strncmp(line, "CapEff:", 7) == 0) {
            char *value = line + 7;
            while (*value == ' ' || *value == '\t') value++;
            value[strcspn(value, "\n")] = '\0';
            snprintf(out, size, "%s", value);
        }
    }
    fclose(status);
}

static const char *errno_name(int error)
{
    switch (error) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ECONNREFUSED: return "ECONNREFUSED";
    default: return "OTHER";
    }
}

static kai_result identity_tool(const kai_call *call)
{
    char caps[64], number[32];
    cap_eff(caps, sizeof caps);
    int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
    const char *shadow = fd >= 0 ? "READ" : errno_name(errno);
    if (fd >= 0) close(fd);
    text t = {0};
    snprintf(number, sizeof number, "%u", (unsigned)getuid());
    append_str(&t, "{\"uid\":");
    append_str(&t, number);
    snprintf(number, sizeof number, "%u", (unsigned)getgid());
    append_str(&t, ",\"gid\":");
    append_str(&t, number);
    append_str(&t, ",\"capEff\":");
    append_json_string(&t, caps);
    append_str(&t, ",\"shadow\":");
    append_json_string(&t, shadow);
    snprintf(number, sizeof number, "%d", (int)getpid());
    append_str(&t, ",\"self\":");
    append_str(&t, number);
    append_str(&t, ",\"pids\":[");
    DIR *proc = opendir("/proc");
    bool first = true;
    struct dirent *entry;
    while (proc && (entry = readdir(proc)) != NULL) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        if (!first) append_str(&t, ",");
        first = false;
        append_str(&t, entry->d_name);
    }
    if (proc) closedir(proc);
    append_str(&t, "]}");
    return finish(call, &t);
}

static kai_result environ_tool(const kai_call *call)
{
    text t = {0};
    append_str(&t, "{\"environ\":[");
    for (char **variable = environ; variable && *variable; variable++) {
        if (variable != environ) append_str(&t, ",");
        append_json_string(&t, *variable);
    }
    append_str(&t, "]}");
    return finish(call, &t);
}

static kai_result garbage_tool(const kai_host *host, const kai_call *call)
{
    static const char junk[] = "this is not a frame\n";
    if (write(4, junk, sizeof junk - 1) != (ssize_t)(sizeof junk - 1)) {
        return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "write to fd 4: %s", strerror(errno));
    }
    while (kai_sdk_should_stop(host, call) == KAI_OK) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return kai_sdk_fail(call->output, KAI_ERR_DEADLINE_EXCEEDED, "the host never noticed the garbage");
}

static kai_result probe_create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void probe_destroy(void *instance) { (void)instance; }

#ifdef PROBE_DESCRIBE_HOST
static kai_result probe_describe(const kai_output *out)
{
    char host[256] = "?", text[sizeof manifest + 256];
    (void)gethostname(host, sizeof host - 1);
    int n = snprintf(text, sizeof text, manifest, host, (int)getpid());
    return out->write(out, text, n < 0 ? 0 : (size_t)n);
}
#else
static kai_result probe_describe(const kai_output *out) { return out->write(out, manifest, sizeof manifest - 1); }
#endif

/* The string value of "key" in a flat JSON object without escapes, into
 * out; false if absent. */
static bool string_arg(kai_str args, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char *end = args.data + args.len;
    for (const char *p = args.data; p + strlen(pattern) <= end; p++) {
        if (memcmp(p, pattern, strlen(pattern)) != 0) continue;
        p += strlen(pattern);
        while (p < end && (*p == ' ' || *p == ':')) p++;
        if (p >= end || *p != '"') return false;
        p++;
        const char *close = memchr(p, '"', (size_t)(end - p));
        if (!close || (size_t)(close - p) >= size) return false;
        memcpy(out, p, (size_t)(close - p));
        out[close - p] = '\0';
        return true;
    }
    return false;
}

static kai_result reach_tool(const kai_call *call)
{
    char file[512], socket_path[108], dir_path[512];
    if (!string_arg(call->input, "file", file, sizeof file) || !string_arg(call->input, "socket", socket_path, sizeof socket_path)
        || !string_arg(call->input, "dir", dir_path, sizeof dir_path))
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "reach needs file, socket and dir");
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    const char *file_result = fd >= 0 ? "READ" : errno_name(errno);
    if (fd >= 0) close(fd);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path);
    const char *socket_result = s < 0 ? "NO_SOCKET"
        : connect(s, (struct sockaddr *)&address, sizeof address) == 0 ? "CONNECTED" : errno_name(errno);
    if (s >= 0) close(s);
    DIR *dir = opendir(dir_path);
    const char *dir_result = dir ? "LISTED" : errno_name(errno);
    if (dir) closedir(dir);
    return kai_sdk_writef(call->output, "{\"file\":\"%s\",\"socket\":\"%s\",\"dir\":\"%s\"}", file_result, socket_result, dir_result);
}

static bool name_is(const kai_call *call, const char *name)
{
    return call->name.len == strlen(name) && memcmp(call->name.data, name, call->name.len) == 0;
}

static kai_result probe_invoke(void *instance, const kai_call *call)
{
    const kai_host *host = instance;
    if (name_is(call, "fds")) return fds_tool(call);
    if (name_is(call, "identity")) return identity_tool(call);
    if (name_is(call, "environ")) return environ_tool(call);
    if (name_is(call, "config")) {
        kai_str config = host->config(host);
        return call->output->write(call->output, config.data, config.len);
    }
    if (name_is(call, "config_hex")) {
        kai_str config = host->config(host);
        kai_result r = kai_sdk_write(call->output, "{\"hex\":\"");
        for (size_t i = 0; i < config.len && r == KAI_OK; i++)
            r = kai_sdk_writef(call->output, "%02x", (unsigned char)config.data[i]);
        return r == KAI_OK ? kai_sdk_write(call->output, "\"}") : r;
    }
    if (name_is(call, "garbage")) return garbage_tool(host, call);
    if (name_is(call, "stray_stdout")) {
        if (write(1, "stray bytes", 11) != 11) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "write to fd 1 failed");
        return kai_sdk_write(call->output, "{\"wrote\":11}");
    }
    if (name_is(call, "reach")) return reach_tool(call);
    if (name_is(call, "clean")) return kai_sdk_write(call->output, "{\"clean\":true}");
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no such tool");
}

static const kai_plugin probe_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 0,
    .describe = probe_describe,
    .create = probe_create,
    .destroy = probe_destroy,
    .invoke = probe_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &probe_plugin;
}
