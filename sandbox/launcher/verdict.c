/*
 * verdict.c — turning what the supervisor saw into the one JSON report
 * (format and status precedence: sandbox/CONTRACT.md).
 */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char error[4096];               /* "" unless sandbox_error */
    bool have_result, have_denied, used_network;
    ks_result_rec result;
    ks_denied_rec denied;
    ks_buf files;                   /* JSON array body */
} ks_records;

static const char *const skip_names[] = {NULL, "missing", "symlink", "not a regular file", "unreadable"};

static void file_entry(ks_records *r, const ks_config *cfg, const unsigned char *p, uint32_t len)
{
    if (len < 16) return;
    uint32_t index;
    uint64_t size;
    memcpy(&index, p, 4);
    memcpy(&size, p + 8, 8);
    if (index >= (uint32_t)cfg->collect_count || p[4] > 4) return;
    ks_buf *b = &r->files;
    if (b->len) buf_puts(b, ", ");
    buf_puts(b, "{\"path\": ");
    buf_json_string(b, (const unsigned char *)cfg->collect[index], strlen(cfg->collect[index]));
    const unsigned char *content = p + 16;
    size_t clen = len - 16;
    if (p[4]) {
        buf_printf(b, ", \"size\": null, \"content\": null, \"content_base64\": null, \"truncated\": false, \"skipped\": \"%s\"}",
                   skip_names[p[4]]);
        return;
    }
    buf_printf(b, ", \"size\": %llu, \"content\": ", (unsigned long long)size);
    if (p[5]) clen = ks_utf8_trim_tail(content, clen);
    bool text = ks_utf8_valid(content, clen);
    if (text) buf_json_string(b, content, clen);
    else buf_puts(b, "null");
    buf_puts(b, ", \"content_base64\": ");
    if (text) buf_puts(b, "null");
    else buf_base64(b, p + 16, len - 16);
    buf_printf(b, ", \"truncated\": %s, \"skipped\": null}", p[5] ? "true" : "false");
}

/* Splits the status pipe's bytes into records; malformed tails are ignored. */
static void parse_records(const ks_run *run, ks_records *r)
{
    const unsigned char *p = (const unsigned char *)run->records.data;
    size_t left = run->records.len;
    while (left >= 5) {
        uint32_t len;
        memcpy(&len, p + 1, 4);
        if (len > left - 5) break;
        const unsigned char *payload = p + 5;
        if (p[0] == KS_REC_ERROR && !r->error[0])
            snprintf(r->error, sizeof r->error, "%.*s", (int)len, (const char *)payload);
        else if (p[0] == KS_REC_RESULT && len == sizeof r->result) {
            memcpy(&r->result, payload, len);
            r->have_result = true;
        } else if (p[0] == KS_REC_DENIED && len == sizeof r->denied) {
            memcpy(&r->denied, payload, len);
            r->have_denied = true;
        } else if (p[0] == KS_REC_NETWORK) r->used_network = true;
        else if (p[0] == KS_REC_FILE) file_entry(r, run->cfg, payload, len);
        p += 5 + len;
        left -= 5 + len;
    }
}

bool ks_run_left_network_unused(const ks_run *run)
{
    ks_records r;
    memset(&r, 0, sizeof r);
    parse_records(run, &r);
    free(r.files.data);
    return r.have_result && !r.error[0] && !r.used_network;
}

static void stream(ks_buf *b, const char *name, const ks_capture *c)
{
    size_t len = c->truncated ? ks_utf8_trim_tail(c->data, c->len) : c->len;
    bool text = ks_utf8_valid(c->data, len);
    buf_printf(b, "  \"%s\": ", name);
    buf_json_string(b, c->data, text ? len : c->len);
    buf_printf(b, ", \"%s_truncated\": %s, \"%s_base64\": ", name, c->truncated ? "true" : "false", name);
    if (text) buf_puts(b, "null");
    else buf_base64(b, c->data, c->len);
    buf_puts(b, ",\n");
}

static void protections(ks_buf *b, const ks_run *run)
{
    const ks_cgroup *cg = &run->cg;
    const char *tf[] = {"false", "true"};
    buf_printf(b, "  \"protections\": {\"user_namespace\": %s, \"pid_namespace\": true, \"net_namespace\": true, "
                  "\"mount_namespace\": true, \"ipc_namespace\": true, \"uts_namespace\": true, \"cgroup_namespace\": true, "
                  "\"no_new_privs\": true, \"seccomp\": %s, \"rlimits\": true, \"readonly_root\": true, \"cgroup\": \"%s\", "
                  "\"cgroup_memory\": %s, \"cgroup_pids\": %s, \"cgroup_cpu\": %s, \"cgroup_swap\": %s, "
                  "\"cgroup_cpu_max\": %s, \"cgroup_oom_group\": %s, \"cgroup_hugetlb\": %s, \"cgroup_kill\": %s, "
                  "\"network\": \"%s\", \"uid\": %d},\n",
               tf[run->userns], tf[run->seccomp], cg->v1 ? "v1" : cg->v2 ? "v2" : "none", tf[cg->has_memory],
               tf[cg->has_pids], tf[cg->has_cpu], tf[cg->has_memsw], tf[cg->has_cpu_max], tf[cg->has_oom_group],
               tf[cg->has_hugetlb], tf[cg->has_kill], run->cfg->allow_loopback ? "loopback" : "none", KS_SANDBOX_ID);
}

/* Only what weakens the run's promised protections becomes a warning: the
 * required cgroup findings, swap, and --cpus when it was asked for; the
 * other v2-only extras (oom group, hugetlb, cgroup.kill, the default
 * --cpus) are in protections and kai doctor. */
static bool warns(const ks_finding *f, const ks_config *cfg)
{
    return !f->ok && (f->required || strcmp(f->id, "cgroup_swap") == 0 ||
                      (cfg->cpus_given && strcmp(f->id, "cgroup_cpu_max") == 0));
}

static void warnings(ks_buf *b, const ks_run *run)
{
    buf_puts(b, "  \"warnings\": [");
    char all[1024];
    snprintf(all, sizeof all, "%s", run->warnings);
    bool first = true;
    for (char *save = NULL, *w = strtok_r(all, ";", &save); w; w = strtok_r(NULL, ";", &save)) {
        while (*w == ' ') w++;
        if (!*w) continue;
        if (!first) buf_puts(b, ", ");
        buf_json_string(b, (const unsigned char *)w, strlen(w));
        first = false;
    }
    /* NULL when the run failed before its cgroups were prepared. */
    const ks_findings *f = run->cg.findings;
    for (int i = 0; f && i < f->count; i++) {
        if (!warns(&f->items[i], run->cfg)) continue;
        char text[1700];
        if (strcmp(f->items[i].id, "cgroup_cpu_max") == 0)
            snprintf(text, sizeof text, "--cpus %ld is not enforced: %s (fix: %s)", run->cfg->cpus, f->items[i].detail,
                     f->items[i].fix);
        else
            snprintf(text, sizeof text, "%s (fix: %s)", f->items[i].detail, f->items[i].fix);
        bool repeated = false; /* e.g. --no-cgroups is the reason for all of them */
        for (int k = 0; k < i; k++)
            repeated |= warns(&f->items[k], run->cfg) && strcmp(f->items[k].detail, f->items[i].detail) == 0;
        if (repeated) continue;
        if (!first) buf_puts(b, ", ");
        buf_json_string(b, (const unsigned char *)text, strlen(text));
        first = false;
    }
    buf_puts(b, "],\n");
}

static void emit(ks_run *run, const char *status, const ks_records *r, int exit_code, int sig,
                 double cpu_ms, double wall_ms, long long peak_kb, bool pids_hit)
{
    const ks_config *cfg = run->cfg;
    ks_buf b = {0};
    buf_printf(&b, "{\n  \"status\": \"%s\",\n", status);
    if (exit_code >= 0) buf_printf(&b, "  \"exit_code\": %d,\n", exit_code);
    else buf_puts(&b, "  \"exit_code\": null,\n");
    if (sig > 0) buf_printf(&b, "  \"signal\": %d, \"signal_name\": \"SIG%s\",\n", sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "UNKNOWN");
    else buf_puts(&b, "  \"signal\": null, \"signal_name\": null,\n");
    buf_printf(&b, "  \"cpu_time_ms\": %.3f, \"wall_time_ms\": %.3f, ", cpu_ms, wall_ms);
    if (peak_kb >= 0) buf_printf(&b, "\"peak_memory_kb\": %lld,\n", peak_kb);
    else buf_puts(&b, "\"peak_memory_kb\": null,\n");
    stream(&b, "stdout", &run->out);
    stream(&b, "stderr", &run->err);
    buf_puts(&b, "  \"seccomp_denied_syscall\": ");
    if (r && r->have_denied) {
        char name[128];
        ks_seccomp_name(r->denied.arch, r->denied.nr, name, sizeof name);
        buf_json_string(&b, (const unsigned char *)name, strlen(name));
    } else buf_puts(&b, "null");
    buf_printf(&b, ",\n  \"pids_limit_hit\": %s,\n  \"files\": [%s],\n", pids_hit ? "true" : "false",
               r && r->files.len ? r->files.data : "");
    protections(&b, run);
    buf_printf(&b, "  \"limits\": {\"time_limit_ms\": %ld, \"cpu_limit_ms\": %ld, \"memory_mb\": %ld, \"pids\": %ld, "
                   "\"output_limit_kb\": %ld, \"cpus\": %ld},\n", cfg->time_limit_ms, cfg->cpu_limit_ms, cfg->memory_mb,
               cfg->pids, cfg->output_limit_kb, cfg->cpus);
    warnings(&b, run);
    buf_puts(&b, "  \"error\": ");
    if (r && r->error[0]) buf_json_string(&b, (const unsigned char *)r->error, strlen(r->error));
    else buf_puts(&b, "null");
    buf_puts(&b, "\n}\n");
    if (write_full(STDOUT_FILENO, b.data, b.len) < 0) {
        perror("kai-sandbox: writing the report");
        _exit(3);
    }
}

void ks_write_error_report(ks_run *run, const char *message)
{
    ks_records r;
    memset(&r, 0, sizeof r);
    snprintf(r.error, sizeof r.error, "%s", message);
    emit(run, "sandbox_error", &r, -1, 0, 0, 0, -1, false);
}

void ks_write_report(ks_run *run)
{
    ks_records r;
    memset(&r, 0, sizeof r);
    parse_records(run, &r);
    ks_cgroup_stats stats;
    ks_cgroup_read_stats(&run->cg, &stats);
    int exit_code = -1, sig = 0;
    if (r.have_result) {
        int st = r.result.wait_status;
        if (WIFEXITED(st)) exit_code = WEXITSTATUS(st);
        else if (WIFSIGNALED(st)) sig = WTERMSIG(st);
    } else if (run->stopped != KS_STOP_NONE) {
        sig = SIGKILL; /* init was killed by us before it could report */
    } else if (!r.error[0] && stats.oom_killed && WIFSIGNALED(run->init_status) && WTERMSIG(run->init_status) == SIGKILL) {
        /* The memory cgroup's OOM killer took init itself: memory held
         * outside any process (tmpfs pages in /work, /tmp, /dev/shm, a memfd
         * or socket buffers still in flight) is not freed by killing the
         * program, and init may be the tree's largest process (it holds
         * --files, or a fork server's heap). Its death took the program
         * with it (SIGKILL): the verdict is the memory limit. */
        sig = SIGKILL;
    } else if (!r.error[0]) {
        snprintf(r.error, sizeof r.error, "the sandbox's init ended without a result (wait status 0x%x)", run->init_status);
    }
    double cpu_ms = stats.cpu_ns >= 0 ? stats.cpu_ns / 1e6 : r.have_result ? r.result.cpu_us / 1e3 : 0;
    double wall_ms = (run->end_ns - run->start_ns) / 1e6;
    long long peak_kb = stats.peak_bytes >= 0 ? stats.peak_bytes / 1024 : r.have_result ? r.result.maxrss_kb : -1;
    bool cpu_over = cpu_ms >= (double)run->cfg->cpu_limit_ms;
    const char *status = r.error[0] ? "sandbox_error"
                         : stats.oom_killed ? "memory_limit"
                         : run->stopped == KS_STOP_CPU || sig == SIGXCPU || (sig == SIGKILL && cpu_over) ? "cpu_time_limit"
                         : run->stopped == KS_STOP_WALL ? "wall_time_limit"
                         : run->out.truncated || run->err.truncated ? "output_limit"
                         : sig ? "signaled"
                         : exit_code != 0 ? "exited_nonzero"
                         : "ok";
    if (r.error[0]) { exit_code = -1; sig = 0; }
    emit(run, status, &r, exit_code, sig, cpu_ms, wall_ms, peak_kb, stats.pids_max_hit);
}
