/*
 * mock_agent — an OpenAI-compatible chat server that plays a model doing an
 * N-step tool task and answers at once, for the agent-step benchmarks
 * (bench/agent_bench.py): Kai, llm's tool chains and the OpenAI Agents SDK
 * all drive the same N-step run against it.
 *
 *   mock_agent STEPS     listens on 127.0.0.1 at a free port, prints it
 *
 * POST .../chat/completions: while the request's messages hold fewer than
 * STEPS-1 tool results, the answer is one call of the request's first tool
 * with {"expression": "1 + K"}, K the call's number from 1 (distinct
 * arguments: Kai's assistant refuses a third identical call); after that,
 * the final text. Both as a
 * chat.completion, or as an SSE stream when the body asks for "stream": true
 * (the real wire format: role chunk, tool-call or content chunks, finish
 * chunk, usage chunk, [DONE]). The reply depends on the request alone, so
 * any number of runs may share the server.
 *
 * GET /_stats: {"requests": N, "streamed": S, "handling_ns": T}, S the
 * requests that asked for a stream, T the server's own
 * time for the chat requests so far (from the readiness of a connection to
 * the end of the response's write, on CLOCK_MONOTONIC): the driver subtracts
 * the difference over a batch of runs from the runs' wall time.
 *
 * C, single-threaded over poll(): a few microseconds per request, steady.
 */
#define _GNU_SOURCE /* TCP_QUICKACK */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 256
#define BUFFER_SIZE (1 << 18)
#define OUT_SIZE (1 << 14)
#define MAX_NAME 128

struct connection {
    int fd;
    size_t used;
    char *buffer;
};

static struct connection connections[MAX_CONNECTIONS];
static long steps;
static uint64_t chat_requests, streamed, handling_ns;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) die("clock_gettime");
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/* One response with its headers, in a single write. */
static int respond(int fd, const char *type, const char *body, size_t length) {
    static char out[OUT_SIZE + 256];
    int head = snprintf(out, sizeof out,
                        "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
                        type, length);
    if (head < 0 || (size_t)head + length > sizeof out) return -1;
    memcpy(out + head, body, length);
    return write_all(fd, out, (size_t)head + length);
}

static const char *find(const char *haystack, size_t length, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= length; i++) {
        if (memcmp(haystack + i, needle, n) == 0) return haystack + i;
    }
    return NULL;
}

/* Case-insensitive Content-Length of the header block, 0 when absent. */
static size_t content_length(const char *headers, size_t length) {
    static const char name[] = "\r\ncontent-length:";
    size_t n = sizeof name - 1;
    for (size_t i = 0; i + n <= length; i++) {
        if (strncasecmp(headers + i, name, n) == 0) return (size_t)strtoul(headers + i + n, NULL, 10);
    }
    return 0;
}

/* The string value after `"key"` + optional spaces + ':' + spaces, at p. */
static const char *value_of(const char *p, const char *end, const char *key) {
    size_t n = strlen(key);
    if ((size_t)(end - p) < n || memcmp(p, key, n) != 0) return NULL;
    p += n;
    while (p < end && (*p == ' ' || *p == ':')) p++;
    return p;
}

/* Tool results in the messages: each `"role"` whose value is "tool". */
static long tool_results(const char *body, size_t length) {
    long count = 0;
    const char *end = body + length;
    for (const char *p = body; (p = find(p, (size_t)(end - p), "\"role\"")) != NULL; p++) {
        const char *v = value_of(p, end, "\"role\"");
        if (v && end - v >= 6 && memcmp(v, "\"tool\"", 6) == 0) count++;
    }
    return count;
}

/* The first tool's name: the first "name" after the "tools" key. */
static int first_tool(const char *body, size_t length, char *name) {
    const char *end = body + length, *p = find(body, length, "\"tools\"");
    if (p == NULL || (p = find(p, (size_t)(end - p), "\"name\"")) == NULL) return -1;
    const char *v = value_of(p, end, "\"name\"");
    if (v == NULL || v >= end || *v != '"') return -1;
    size_t n = 0;
    for (v++; v < end && *v != '"' && n + 1 < MAX_NAME; v++) {
        if (!isalnum((unsigned char)*v) && *v != '_' && *v != '-' && *v != '.') return -1;
        name[n++] = *v;
    }
    name[n] = '\0';
    return n > 0 ? 0 : -1;
}

#define HEAD "\"id\":\"chatcmpl-bench\",\"created\":1700000000,\"model\":\"bench-agent\""
#define USAGE "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}"
#define ARGS "{\\\"expression\\\": \\\"1 + %ld\\\"}"
#define FINAL "The answer is 3."

static int chat(int fd, const char *body, size_t length) {
    static char out[OUT_SIZE];
    char name[MAX_NAME];
    long done = tool_results(body, length);
    int stream = find(body, length, "\"stream\":true") || find(body, length, "\"stream\": true");
    int call = done < steps - 1 && first_tool(body, length, name) == 0;
    streamed += (uint64_t)stream;
    int n;
    if (call && stream) {
        n = snprintf(out, sizeof out,
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                     "\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_%ld\",\"type\":\"function\",\"function\":{\"name\":\"%s\","
                     "\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                     "\"function\":{\"arguments\":\"" ARGS "\"}}]},\"finish_reason\":null}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[]," USAGE "}\n\ndata: [DONE]\n\n",
                     done + 1, name, done + 1);
    } else if (call) {
        n = snprintf(out, sizeof out,
                     "{" HEAD ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                     "\"tool_calls\":[{\"id\":\"call_%ld\",\"type\":\"function\",\"function\":{\"name\":\"%s\",\"arguments\":\"" ARGS "\"}}]},"
                     "\"finish_reason\":\"tool_calls\"}]," USAGE "}",
                     done + 1, name, done + 1);
    } else if (stream) {
        n = snprintf(out, sizeof out, "%s",
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                     "\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" FINAL "\"},"
                     "\"finish_reason\":null}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                     "data: {" HEAD ",\"object\":\"chat.completion.chunk\",\"choices\":[]," USAGE "}\n\ndata: [DONE]\n\n");
    } else {
        n = snprintf(out, sizeof out, "%s",
                     "{" HEAD ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                     "\"content\":\"" FINAL "\"},\"finish_reason\":\"stop\"}]," USAGE "}");
    }
    if (n < 0 || (size_t)n >= sizeof out) return -1;
    return respond(fd, stream ? "text/event-stream" : "application/json", out, (size_t)n);
}

static int stats(int fd) {
    char out[128];
    int n = snprintf(out, sizeof out, "{\"requests\": %llu, \"streamed\": %llu, \"handling_ns\": %llu}",
                     (unsigned long long)chat_requests, (unsigned long long)streamed, (unsigned long long)handling_ns);
    if (n < 0 || (size_t)n >= sizeof out) return -1;
    return respond(fd, "application/json", out, (size_t)n);
}

/* Answers every complete request in the buffer; -1 closes the connection.
   *chats counts the chat requests answered. */
static int serve(struct connection *c, int *chats) {
    for (;;) {
        const char *end = find(c->buffer, c->used, "\r\n\r\n");
        if (end == NULL) return c->used == BUFFER_SIZE ? -1 : 0;
        size_t head = (size_t)(end + 4 - c->buffer);
        size_t body = content_length(c->buffer, head);
        if (body > BUFFER_SIZE - head) return -1;
        if (c->used < head + body) return 0;
        int status;
        if (strncmp(c->buffer, "GET /_stats", 11) == 0) {
            status = stats(c->fd);
        } else {
            status = chat(c->fd, c->buffer + head, body);
            (*chats)++;
        }
        if (status != 0) return -1;
        memmove(c->buffer, c->buffer + head + body, c->used - head - body);
        c->used -= head + body;
    }
}

static int listen_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) die("setsockopt");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) die("bind");
    if (listen(fd, 256) != 0) die("listen");
    socklen_t size = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &size) != 0) die("getsockname");
    if (printf("%u\n", (unsigned)ntohs(address.sin_port)) < 0 || fflush(stdout) != 0) die("stdout");
    return fd;
}

/* Linux re-arms delayed ACKs after each read; a client that writes a
   request's headers and body separately with Nagle on (httpx does) would
   otherwise wait up to 40 ms for the ACK of the headers: time that is
   neither the host's nor the server's work. */
static void quick_ack(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) != 0 && errno != EBADF) die("setsockopt TCP_QUICKACK");
}

static void accept_one(int listener) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) return;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt TCP_NODELAY");
    quick_ack(fd);
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (connections[i].fd < 0) {
            connections[i].fd = fd;
            connections[i].used = 0;
            return;
        }
    }
    if (close(fd) != 0) die("close");
}

/* Reads what is there and answers it; the time counts as handling when the
   read completed at least one chat request. */
static void readable(struct connection *c) {
    uint64_t started = now_ns();
    int chats = 0;
    ssize_t n = read(c->fd, c->buffer + c->used, BUFFER_SIZE - c->used);
    if (n > 0) c->used += (size_t)n;
    quick_ack(c->fd);
    int failed = (n <= 0 && !(n < 0 && errno == EINTR)) || serve(c, &chats) != 0;
    if (chats > 0) {
        chat_requests += (uint64_t)chats;
        handling_ns += now_ns() - started;
    }
    if (failed) {
        if (close(c->fd) != 0) die("close");
        c->fd = -1;
    }
}

int main(int argc, char **argv) {
    char *rest = NULL;
    if (argc != 2 || (steps = strtol(argv[1], &rest, 10)) < 1 || *rest != '\0') {
        fprintf(stderr, "usage: mock_agent STEPS (model turns per run, >= 1)\n");
        return 64;
    }
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) die("signal");
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        connections[i].fd = -1;
        if ((connections[i].buffer = malloc(BUFFER_SIZE)) == NULL) die("malloc");
    }
    int listener = listen_socket();
    static struct pollfd fds[MAX_CONNECTIONS + 1];
    static int slots[MAX_CONNECTIONS + 1];
    for (;;) {
        int count = 1;
        fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            if (connections[i].fd < 0) continue;
            fds[count] = (struct pollfd){.fd = connections[i].fd, .events = POLLIN};
            slots[count++] = i;
        }
        if (poll(fds, (nfds_t)count, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (fds[0].revents & POLLIN) accept_one(listener);
        for (int k = 1; k < count; k++) {
            if (fds[k].revents != 0) readable(&connections[slots[k]]);
        }
    }
}
