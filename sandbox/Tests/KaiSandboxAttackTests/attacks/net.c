/* Attack 19: reach the network. argv[1] is the probe, argv[2] an argument:
 *   route_out        look up a route out: connect() a UDP socket to 192.0.2.1:9
 *                    (TEST-NET-1; a UDP connect sends no packet, it only
 *                    asks the kernel for a route — the test never emits
 *                    traffic to anything but this machine's loopback)
 *   udp_loopback     UDP datagram to the host's 127.0.0.1:PORT
 *   dns              resolve example.com
 *   host_loopback    TCP to 127.0.0.1:PORT where the host listens
 *   abstract         connect to the host's abstract unix socket NAME
 *   vsock            connect to the hypervisor/host over AF_VSOCK
 *   netlink          list interfaces over rtnetlink (if_nameindex)
 *   own_loopback     listen and connect on the sandbox's own 127.0.0.1
 *   abstract_listen  listen on the abstract unix socket NAME for 1.5 s
 *                    (0 s with NAME ending in "-now"); prints whether anyone
 *                    connected, and this network namespace's inode
 *   abstract_retry   connect to abstract NAME every 50 ms for 1 s
 *   snmp_poke        send 37 UDP datagrams to TEST-NET-1 (no route: each
 *                    fails with ENETUNREACH and counts in Ip OutNoRoutes),
 *                    then print the counter
 *   snmp_read        print this namespace's Ip OutNoRoutes counter
 * Prints "<probe>=<result>"; exits 1 if the probe reached anything outside. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stddef.h>
#include <linux/vm_sockets.h>

static int report(const char *probe, int rc) {
    if (rc == 0) { printf("%s=CONNECTED\n", probe); return 1; }
    printf("%s=%s\n", probe, strerrorname_np(errno));
    return 0;
}

/* This namespace's Ip OutNoRoutes from /proc/net/snmp: two "Ip:" lines,
 * names then values. */
static long out_no_routes(void) {
    FILE *f = fopen("/proc/net/snmp", "r");
    char names[1024], values[1024];
    if (!f || !fgets(names, sizeof names, f) || !fgets(values, sizeof values, f)) return -1;
    fclose(f);
    char *name_save, *value_save, *name = strtok_r(names, " \n", &name_save), *value = strtok_r(values, " \n", &value_save);
    while (name && value && strcmp(name, "OutNoRoutes")) {
        name = strtok_r(NULL, " \n", &name_save);
        value = strtok_r(NULL, " \n", &value_save);
    }
    return value ? atol(value) : -1;
}

static int tcp(const char *probe, const char *ip, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return report(probe, -1);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &addr.sin_addr);
    return report(probe, connect(fd, (struct sockaddr *)&addr, sizeof addr));
}

int main(int argc, char **argv) {
    const char *probe = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : "";
    int escaped = 0;
    if (!strcmp(probe, "route_out")) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(9)};
        inet_pton(AF_INET, "192.0.2.1", &addr.sin_addr);
        escaped = report(probe, fd < 0 ? -1 : connect(fd, (struct sockaddr *)&addr, sizeof addr));
    } else if (!strcmp(probe, "host_loopback")) escaped = tcp(probe, "127.0.0.1", atoi(arg));
    else if (!strcmp(probe, "udp_loopback")) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg))};
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        ssize_t sent = fd < 0 ? -1 : sendto(fd, "q", 1, 0, (struct sockaddr *)&addr, sizeof addr);
        escaped = report(probe, sent == 1 ? 0 : -1);
    } else if (!strcmp(probe, "dns")) {
        struct addrinfo *result = NULL;
        int rc = getaddrinfo("example.com", "80", NULL, &result);
        printf("dns=%s\n", rc == 0 ? "RESOLVED" : gai_strerror(rc));
        escaped = rc == 0;
    } else if (!strcmp(probe, "abstract")) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        size_t length = strlen(arg);
        memcpy(addr.sun_path + 1, arg, length);
        escaped = report(probe, connect(fd, (struct sockaddr *)&addr, offsetof(struct sockaddr_un, sun_path) + 1 + length));
    } else if (!strcmp(probe, "abstract_listen")) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        size_t length = strlen(arg);
        memcpy(addr.sun_path + 1, arg, length);
        if (bind(fd, (struct sockaddr *)&addr, offsetof(struct sockaddr_un, sun_path) + 1 + length) != 0 || listen(fd, 8) != 0) {
            printf("abstract_listen=%s\n", strerrorname_np(errno));
            return 0;
        }
        char ns[64] = "";
        ssize_t n = readlink("/proc/self/ns/net", ns, sizeof ns - 1);
        if (n > 0) ns[n] = '\0';
        printf("netns=%s\nabstract_listen=LISTENING\n", ns);
        fflush(stdout);
        int rounds = length > 4 && !strcmp(arg + length - 4, "-now") ? 0 : 30, accepted = 0;
        for (int i = 0; i < rounds && !accepted; i++) {
            accepted = accept(fd, NULL, NULL) >= 0;
            usleep(50000);
        }
        printf("abstract_accepted=%s\n", accepted ? "YES" : "NO");
        escaped = accepted;
    } else if (!strcmp(probe, "abstract_retry")) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        size_t length = strlen(arg);
        memcpy(addr.sun_path + 1, arg, length);
        int rc = -1;
        for (int i = 0; i < 20 && rc != 0; i++) {
            int fd = socket(AF_UNIX, SOCK_STREAM, 0);
            rc = connect(fd, (struct sockaddr *)&addr, offsetof(struct sockaddr_un, sun_path) + 1 + length);
            if (rc != 0) { int saved = errno; close(fd); errno = saved; usleep(50000); }
        }
        escaped = report(probe, rc);
    } else if (!strcmp(probe, "snmp_poke")) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0), failed = 0;
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(9)};
        inet_pton(AF_INET, "192.0.2.1", &addr.sin_addr);
        for (int i = 0; i < 37; i++) failed += sendto(fd, "x", 1, 0, (struct sockaddr *)&addr, sizeof addr) < 0;
        printf("snmp_poke=%d\nsnmp_after=%ld\n", failed, out_no_routes());
    } else if (!strcmp(probe, "snmp_read")) {
        printf("snmp_read=%ld\n", out_no_routes());
    } else if (!strcmp(probe, "vsock")) {
        int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
        if (fd < 0) escaped = report("vsock", -1);
        else {
            struct sockaddr_vm addr = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_HOST, .svm_port = 1024};
            escaped = report(probe, connect(fd, (struct sockaddr *)&addr, sizeof addr));
        }
    } else if (!strcmp(probe, "netlink")) {
        struct if_nameindex *interfaces = if_nameindex();
        if (!interfaces) { printf("netlink=%s\n", strerrorname_np(errno)); return 0; }
        printf("netlink=");
        for (struct if_nameindex *i = interfaces; i->if_index; i++) {
            printf("%s%s", i == interfaces ? "" : ",", i->if_name);
            if (strcmp(i->if_name, "lo") != 0) escaped = 1;
        }
        printf("\n");
    } else if (!strcmp(probe, "own_loopback")) {
        int server = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(8765)};
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(server, 1) != 0) {
            printf("own_loopback_listen=%s\n", strerrorname_np(errno));
            return 0;
        }
        tcp("own_loopback", "127.0.0.1", 8765);
    } else {
        fprintf(stderr, "unknown probe %s\n", probe);
        return 2;
    }
    fflush(stdout);
    return escaped;
}
