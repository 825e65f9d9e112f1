/* args.c — the launcher's command line (see sandbox/CONTRACT.md). */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <unistd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kai-sandbox [options] -- PROGRAM [ARGS...]\n"
    "       kai-sandbox --probe   (what this machine gives the sandbox, as JSON)\n"
    "  --time-limit-ms N  --cpu-limit-ms N  --memory-mb N  --pids N  --cpus N\n"
    "  --output-limit-kb N  --file-size-mb N  --open-files N  --stack-mb N  --workdir-mb N\n"
    "  --files DIR  --stdin FILE  --env NAME=VALUE  --bind PATH  --collect PATH\n"
    "  --allow-loopback  --require-isolation  --no-seccomp  --no-cgroups  --no-userns\n";

static _Noreturn void usage_error(const char *fmt, const char *value)
{
    fprintf(stderr, "kai-sandbox: ");
    fprintf(stderr, fmt, value);
    fprintf(stderr, "\n%s", usage_text);
    fflush(stderr);
    _exit(2);
}

typedef struct { const char *name; long *slot; long min, max; } number_option;

static long parse_number(const char *name, const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > max) {
        char message[256];
        snprintf(message, sizeof message, "%s expects a whole number from %ld to %ld, got \"%%s\"", name, min, max);
        usage_error(message, text);
    }
    return value;
}

static void push(const char **list, int *count, const char *name, const char *value)
{
    if (*count >= KS_MAX_LIST) usage_error("too many %s options (at most 64)", name);
    list[(*count)++] = value;
}

static void validate(const ks_config *cfg)
{
    for (int i = 0; i < cfg->env_count; i++) {
        const char *eq = strchr(cfg->env[i], '=');
        if (!eq || eq == cfg->env[i]) usage_error("--env expects NAME=VALUE, got \"%s\"", cfg->env[i]);
    }
    for (int i = 0; i < cfg->bind_count; i++) {
        const char *p = cfg->binds[i];
        if (p[0] != '/' || strstr(p, "/..") || strcmp(p, "/") == 0)
            usage_error("--bind expects an absolute path without \"..\" (not /), got \"%s\"", p);
        if (strncmp(p, "/work", 5) == 0 && (p[5] == '\0' || p[5] == '/'))
            usage_error("--bind cannot cover the work directory, got \"%s\"", p);
    }
    for (int i = 0; i < cfg->collect_count; i++) {
        const char *p = cfg->collect[i];
        if (p[0] == '\0' || p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../") ||
            (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0))
            usage_error("--collect expects a path relative to /work without \"..\", got \"%s\"", p);
    }
    if (cfg->probe) {
        if (cfg->argv != NULL && cfg->argv[0] != NULL) usage_error("%s", "--probe runs no program: drop what follows \"--\"");
        return;
    }
    if (cfg->argv == NULL || cfg->argv[0] == NULL) usage_error("%s", "missing the program: put it after \"--\"");
}

void ks_parse_args(int argc, char **argv, ks_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->time_limit_ms = 10000;
    cfg->cpu_limit_ms = 10000;
    cfg->memory_mb = 512;
    cfg->pids = 64;
    cfg->output_limit_kb = 1024;
    cfg->file_size_mb = 64;
    cfg->open_files = 256;
    cfg->stack_mb = 8;
    cfg->workdir_mb = 64;
    cfg->cpus = 1;
    const number_option numbers[] = {
        {"--time-limit-ms", &cfg->time_limit_ms, 1, 86400000}, {"--cpu-limit-ms", &cfg->cpu_limit_ms, 1, 86400000},
        {"--memory-mb", &cfg->memory_mb, 8, 1048576},          {"--pids", &cfg->pids, 1, 65536},
        {"--output-limit-kb", &cfg->output_limit_kb, 1, 1048576}, {"--file-size-mb", &cfg->file_size_mb, 0, 1048576},
        {"--open-files", &cfg->open_files, 8, 1048576},        {"--stack-mb", &cfg->stack_mb, 1, 1024},
        {"--workdir-mb", &cfg->workdir_mb, 1, 1048576},        {"--cpus", &cfg->cpus, 1, 1024},
    };
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) { i++; break; }
        bool matched = false;
        for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
            if (strcmp(arg, numbers[k].name) == 0) {
                if (i + 1 >= argc) usage_error("%s needs a value", arg);
                *numbers[k].slot = parse_number(arg, argv[++i], numbers[k].min, numbers[k].max);
                if (numbers[k].slot == &cfg->cpus) cfg->cpus_given = true;
                matched = true;
            }
        }
        if (matched) continue;
        if (strcmp(arg, "--allow-loopback") == 0) cfg->allow_loopback = true;
        else if (strcmp(arg, "--require-isolation") == 0) cfg->require_isolation = true;
        else if (strcmp(arg, "--no-seccomp") == 0) cfg->no_seccomp = true;
        else if (strcmp(arg, "--no-cgroups") == 0) cfg->no_cgroups = true;
        else if (strcmp(arg, "--no-userns") == 0) cfg->no_userns = true;
        else if (strcmp(arg, "--probe") == 0) cfg->probe = true;
        else if (strcmp(arg, "--files") == 0 || strcmp(arg, "--stdin") == 0 || strcmp(arg, "--env") == 0 ||
                 strcmp(arg, "--bind") == 0 || strcmp(arg, "--collect") == 0) {
            if (i + 1 >= argc) usage_error("%s needs a value", arg);
            const char *value = argv[++i];
            if (strcmp(arg, "--files") == 0) cfg->files_dir = value;
            else if (strcmp(arg, "--stdin") == 0) cfg->stdin_file = value;
            else if (strcmp(arg, "--env") == 0) push(cfg->env, &cfg->env_count, arg, value);
            else if (strcmp(arg, "--bind") == 0) push(cfg->binds, &cfg->bind_count, arg, value);
            else push(cfg->collect, &cfg->collect_count, arg, value);
        } else {
            usage_error("unknown option \"%s\"", arg);
        }
    }
    cfg->argv = i < argc ? argv + i : NULL;
    validate(cfg);
}
