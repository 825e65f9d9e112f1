/*
 * mock_openai — an OpenAI-compatible chat server that answers at once, for
 * the provider benchmarks (bench/providers_bench.py).
 *
 *   mock_openai          listens on 127.0.0.1 at a free port, prints it
 *
 * POST .../chat/completions answers a fixed chat.completion JSON, or, when
 * the body asks for "stream": true, a fixed short SSE stream (role chunk,
 * two content chunks, finish chunk, usage chunk, [DONE]) in the real wire
 * format. GET .../models answers one model. Connections are kept alive.
 *
 * Written in C, single-threaded over poll(), so the server's own time per
 * request is a few microseconds and steady: both sides of a comparison
 * (Kai and raw libcurl) see the same server, and its noise stays far below
 * the 0.3 ms being measured (a Python server adds ~100 µs with jitter).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNECTIONS 64
#define BUFFER_SIZE (1 << 16)

#define CHUNK(delta, finish) \
    "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000," \
    "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":" delta ",\"finish_reason\":" finish "}]}\n\n"

static const char CHAT_BODY[] =
    "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"bench-model\","
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there.\"},"
    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";

static const char STREAM_BODY[] =
    CHUNK("{\"role\":\"assistant\",\"content\":\"\"}", "null")
    CHUNK("{\"content\":\"Hello\"}", "null")
    CHUNK("{\"content\":\" there.\"}", "null")
    CHUNK("{}", "\"stop\"")
    "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
    "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n"
    "data: [DONE]\n\n";

static const char MODELS_BODY[] =
    "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"bench\"}]}";

struct connection {
    int fd;
    size_t used;
    char buffer[BUFFER_SIZE];
};

static struct connection connections[MAX_CONNECTIONS];

static void die(const char *what) {
    perror(what);
    exit(1);
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

/* One response with its headers, written with a single write where it fits. */
static int respond(int fd, const char *type, const char *body, size_t length) {
    static char out[BUFFER_SIZE];
    int head = snprintf(out, sizeof out,
                        "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
                        type, length);
    if (head < 0 || (size_t)head + length > sizeof out) return -1;
    memcpy(out + head, body, length);
    return write_all(fd, out, (size_t)head + length);
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

static int wants_stream(const char *body, size_t length) {
    static const char *forms[] = {"\"stream\":true", "\"stream\": true"};
    for (size_t f = 0; f < 2; f++) {
        size_t n = strlen(forms[f]);
        for (size_t i = 0; i + n <= length; i++) {
            if (memcmp(body + i, forms[f], n) == 0) return 1;
        }
    }
    return 0;
}

/* Answers every complete request in the buffer; -1 closes the connection. */
static int serve(struct connection *c) {
    for (;;) {
        char *end = NULL;
        for (size_t i = 0; i + 4 <= c->used; i++) {
            if (memcmp(c->buffer + i, "\r\n\r\n", 4) == 0) { end = c->buffer + i + 4; break; }
        }
        if (end == NULL) return c->used == sizeof c->buffer ? -1 : 0;
        size_t head = (size_t)(end - c->buffer);
        size_t body = content_length(c->buffer, head);
        if (body > sizeof c->buffer - head) return -1;
        if (c->used < head + body) return 0;
        int status;
        if (strncmp(c->buffer, "GET ", 4) == 0) {
            status = respond(c->fd, "application/json", MODELS_BODY, sizeof MODELS_BODY - 1);
        } else if (wants_stream(end, body)) {
            status = respond(c->fd, "text/event-stream", STREAM_BODY, sizeof STREAM_BODY - 1);
        } else {
            status = respond(c->fd, "application/json", CHAT_BODY, sizeof CHAT_BODY - 1);
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
    if (listen(fd, 64) != 0) die("listen");
    socklen_t size = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &size) != 0) die("getsockname");
    if (printf("%u\n", (unsigned)ntohs(address.sin_port)) < 0 || fflush(stdout) != 0) die("stdout");
    return fd;
}

static void accept_one(int listener) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) return;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt TCP_NODELAY");
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (connections[i].fd < 0) {
            connections[i].fd = fd;
            connections[i].used = 0;
            return;
        }
    }
    if (close(fd) != 0) die("close");
}

int main(void) {
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) die("signal");
    for (int i = 0; i < MAX_CONNECTIONS; i++) connections[i].fd = -1;
    int listener = listen_socket();
    struct pollfd fds[MAX_CONNECTIONS + 1];
    for (;;) {
        int slots[MAX_CONNECTIONS + 1], count = 1;
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
            if (fds[k].revents == 0) continue;
            struct connection *c = &connections[slots[k]];
            ssize_t n = read(c->fd, c->buffer + c->used, sizeof c->buffer - c->used);
            if (n > 0) c->used += (size_t)n;
            if ((n <= 0 && !(n < 0 && errno == EINTR)) || serve(c) != 0) {
                if (close(c->fd) != 0) die("close");
                c->fd = -1;
            }
        }
    }
}
