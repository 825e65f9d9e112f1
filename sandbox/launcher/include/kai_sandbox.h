/*
 * kai_sandbox.h — internal interfaces of the kai-sandbox launcher.
 *
 * Not a public API: one header shared by the launcher's C files. Three
 * processes run this code, and every function below says which:
 *   [supervisor] the launcher itself, outside all namespaces;
 *   [init]       PID 1 of the new pid namespace, the reaper;
 *   [program]    the child of init that becomes the program after execve.
 * Nothing here is thread-safe; the launcher is single-threaded.
 */
#ifndef KAI_SANDBOX_H
#define KAI_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>

#define KS_SANDBOX_ID 65534 /* uid and gid the program sees */
#define KS_MAX_LIST 64      /* --env, --bind, --collect each */

/* ---------- configuration (args.c) ---------- */

typedef struct {
    long time_limit_ms, cpu_limit_ms, memory_mb, pids, output_limit_kb;
    long file_size_mb, open_files, stack_mb, workdir_mb;
    long cpus;                      /* --cpus: CPU bandwidth in whole CPUs (cgroup v2 cpu.max) */
    bool cpus_given;                /* --cpus was on the command line (not enforcing it is then a warning) */
    const char *files_dir;          /* --files, or NULL */
    const char *stdin_file;         /* --stdin, or NULL */
    const char *env[KS_MAX_LIST];   /* --env NAME=VALUE */
    int env_count;
    const char *binds[KS_MAX_LIST]; /* --bind PATH (absolute) */
    int bind_count;
    const char *collect[KS_MAX_LIST]; /* --collect PATH (relative to /work) */
    int collect_count;
    bool allow_loopback, require_isolation, no_seccomp, no_cgroups, no_userns;
    bool probe;                     /* --probe: print the machine's findings, run nothing */
    char *const *argv;              /* PROGRAM ARGS..., borrowed from main's argv */
} ks_config;

/* [supervisor] Parses argv into *cfg. On a usage error prints the message to
 * stderr and exits 2. Strings in *cfg borrow from argv. */
void ks_parse_args(int argc, char **argv, ks_config *cfg);

/* ---------- launcher.c ---------- */
/* [supervisor] Everything the launcher does, for argc/argv as main would get
 * them: the report goes to stdout; returns the exit status (0 when a
 * report was written). The executable's main (sandbox/launcher-main) only
 * calls this. */
int ks_launcher_main(int argc, char **argv);

/* Library mode (sandbox/fork-server). With a hook set (before
 * ks_launcher_main, in the process that becomes the supervisor), the
 * program is a plain fork of init and, where it would execve, it closes
 * every fd above 2, sets environ to the allow-listed environment and calls
 * the hook, which must not return: it carries on as the program in the
 * caller's own code, already inside the sandbox (namespaces, root, uid,
 * rlimits, seccomp). [program] */
typedef void (*ks_program_hook)(void);
void ks_set_program_hook(ks_program_hook hook);
ks_program_hook ks_program_hook_set(void);

/* ---------- util.c ---------- */

/* Who dies: the supervisor writes a sandbox_error report; init and program
 * send the message to the supervisor over the status pipe. */
typedef void (*ks_die_hook)(const char *message);
void ks_set_die_hook(ks_die_hook hook);
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_with_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* [supervisor] First thing in ks_launcher_main: closes every descriptor
 * above 2, whatever the caller left open (a directory, a file, a socket,
 * a terminal) and however it was flagged. Nothing above 2 is the
 * launcher's by contract (CONTRACT.md), and init is a clone, not an exec,
 * so close-on-exec alone would leave them in init. Dies on failure. */
void ks_close_inherited_fds(void);
void *xmalloc(size_t size);
void *xrealloc(void *ptr, size_t size);
/* write(2)/read(2) the whole buffer, retrying on EINTR and short counts.
 * Return 0, or -1 with errno set (read_full: -1 also on early EOF, errno 0). */
int write_full(int fd, const void *buf, size_t len);
int read_full(int fd, void *buf, size_t len);
/* Writes a whole small file (e.g. /proc/PID/uid_map). Returns 0 or -1/errno. */
int write_file(const char *path, const char *text);
/* Reads up to cap-1 bytes of a small file into buf, NUL-terminated.
 * Returns bytes read or -1/errno. */
ssize_t read_file(const char *path, char *buf, size_t cap);
int64_t now_ns(void);
/* Step timestamps for finding where start-up time goes. With
 * KAI_SANDBOX_TRACE=1 in the launcher's environment every process prints
 * "kai-trace <role> <pid> <ms since launcher main> <step>" to the launcher's
 * stderr (a close-on-exec duplicate, so the program never holds it).
 * ks_trace_init: [supervisor] first thing in main. ks_trace: cheap no-op
 * when tracing is off. */
void ks_trace_init(void);
void ks_trace(const char *role, const char *step);
bool ks_tracing(void);

/* ---------- seccomp.c ---------- */

/* [supervisor] Builds the deny-list filter (before clone, so the program
 * child only installs it). Returns a malloc'd program the caller owns. */
struct sock_fprog ks_seccomp_build(void);
/* [program] Installs the filter with a user-notification listener; returns
 * the listener fd or dies. Needs no_new_privs already set. */
int ks_seccomp_install(const struct sock_fprog *prog);
/* Syscalls the filter lets through after telling init (socket,
 * socketpair): their use marks the run's network namespace as used. */
#define KS_SECCOMP_WATCHED 2
extern const char *const ks_seccomp_watched[KS_SECCOMP_WATCHED];
/* [init] Whether a notification is for a watched syscall (native ABI). */
bool ks_seccomp_is_watched(uint32_t arch, int nr);
/* [supervisor] Name of a denied syscall for the report, e.g. "ptrace" or
 * "i386 ABI syscall 26". Writes into buf (NUL-terminated). */
void ks_seccomp_name(uint32_t arch, int nr, char *buf, size_t cap);

/* ---------- findings.c: what this machine gives the sandbox ---------- */

/* One fact about the machine, said once and used everywhere: in a run's
 * report (protections, warnings, --require-isolation's refusal) and in
 * `kai-sandbox --probe` (kai doctor). detail says what was found; fix says
 * how to get what is missing ("" when ok). */
typedef struct {
    const char *id;                 /* static, e.g. "cgroup_memory" */
    bool ok;
    bool required;                  /* --require-isolation (kai eval) needs it */
    char detail[768];
    char fix[768];
} ks_finding;

#define KS_MAX_FINDINGS 32
typedef struct {                    /* the small fields first: on the page of items[0] */
    int count;
    bool all;                       /* record what is ok too (the probe), not only what is missing (a run) */
    char cgroup_base[512];          /* where runs' v2 cgroups are made, or "" (set by the cgroup findings) */
    ks_finding items[KS_MAX_FINDINGS];
} ks_findings;

/* Adds (or replaces, by id) a finding; detail/fix are printf formats.
 * Silently drops past KS_MAX_FINDINGS (a programming error, not input). */
void ks_findings_set(ks_findings *f, const char *id, bool ok, bool required, const char *fix, const char *detail_fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The finding with this id, or NULL. */
const ks_finding *ks_findings_get(const ks_findings *f, const char *id);

/* ---------- cgroup.c (runs), cgroup2.c (the delegated v2 subtree) ---------- */

/* Controllers Kai enables for its runs on cgroup v2, as bits. hugetlb is
 * there to forbid huge pages: they are charged to hugetlb, not memory.max,
 * so a program could otherwise hold the host's huge page pool. */
enum { KS_CG2_MEMORY = 1u, KS_CG2_PIDS = 2u, KS_CG2_CPU = 4u, KS_CG2_HUGETLB = 8u };
#define KS_CG2_WANTED (KS_CG2_MEMORY | KS_CG2_PIDS | KS_CG2_CPU | KS_CG2_HUGETLB)
/* The leaf that holds the processes which lived in Kai's base cgroup (kai
 * itself, its launchers, whatever else was started there): v2 lets a
 * non-root cgroup hand controllers to its children only once it has no
 * processes of its own. */
#define KS_CG2_LEAF "kai-host"

/* Where a v2 hierarchy's runs go, and what it delegates to them. */
typedef struct {
    char base[512];                 /* absolute directory runs are made in */
    bool is_root;                   /* the hierarchy's root: exempt from the no-internal-processes rule */
    bool moved;                     /* this call moved processes into base/kai-host */
    unsigned available;             /* KS_CG2_* in base's cgroup.controllers */
    unsigned enabled;               /* KS_CG2_* in base's cgroup.subtree_control (after this call) */
    int rel_offset;                 /* base + rel_offset: the base as /proc/<pid>/cgroup names it */
    int64_t waited_ns;              /* spent delegating (waiting out busy processes), not the program's time */
    char problem[1024];             /* why runs get none or not all of them, "...; fix: ..."; "" when none */
    char controller_problem[4][1024]; /* per controller (memory, pids, cpu, hugetlb): why it is not enabled */
} ks_cg2_base;

/* [supervisor] Small cgroup file helpers (cgroup2.c): read dir/file into
 * buf (0 or -1/errno); write text in one write(2), as `echo text >` does
 * (0 or -1/errno); whether dir/file exists. */
int ks_cg2_read_in(const char *dir, const char *file, char *buf, size_t cap);
int ks_cg2_write_in(const char *dir, const char *file, const char *text);
bool ks_cg2_exists_in(const char *dir, const char *file);
/* [supervisor] The v2 mount that holds this process's cgroup:
 * "/sys/fs/cgroup" (pure v2), "/sys/fs/cgroup/unified" (hybrid), or NULL.
 * Two statfs calls each time (not cached). */
const char *ks_cg2_mount(void);
/* [supervisor] Makes base (mount + own, own being the "0::" path from
 * /proc/self/cgroup; the parent of own when own is a kai-host leaf) ready
 * for runs: every controller in `wanted` that base has available is enabled
 * in base/cgroup.subtree_control, and when the no-internal-processes rule
 * refuses (EBUSY), base's processes are first moved into base/kai-host.
 * The root cgroup's controllers belong to the init system and are only
 * read. Idempotent, and safe against other launchers doing the same at
 * once. Returns false only when no run can be made under base (then
 * out->problem says why and how to fix it); a controller left off is named
 * in out->controller_problem but returns true. Never dies.
 * = ks_cg2_locate (string work only: before clone, for the run's
 * directory) + ks_cg2_enable (the reads and writes: after clone, while
 * init builds the sandbox; a child made before its parent enables a
 * controller gets the controller's files then). */
bool ks_cg2_locate(const char *mount, const char *own, ks_cg2_base *out);
bool ks_cg2_enable(ks_cg2_base *out, unsigned wanted);
bool ks_cg2_delegate(const char *mount, const char *own, unsigned wanted, ks_cg2_base *out);

typedef struct {
    char memory[512], pids[512], cpuacct[512], unified[512]; /* "" when unused */
    bool v1, v2, has_memory, has_memsw, has_pids, has_cpu, has_kill;
    bool has_cpu_max, has_oom_group, has_hugetlb; /* v2 only */
    bool killed;                    /* cgroup.kill was written (teardown then waits on cgroup.events) */
    ks_cg2_base base;               /* the v2 base runs are made in (base.base "" when none) */
    char v1_problem[3][384];        /* why the v1 memory, pids, cpuacct directory could not be made, or "" */
    char v2_dir_problem[640];       /* why the v2 run directory could not be made, or "" */
    /* cgroup, cgroup_memory, cgroup_swap, cgroup_pids, cgroup_cpu, ...: a
     * pointer (ks_cgroup_prepare sets it to storage of its own) so that the
     * 25 KB of findings stay out of the run's hot pages. */
    ks_findings *findings;
} ks_cgroup;

typedef struct {
    int64_t cpu_ns;                 /* -1 when unknown */
    int64_t peak_bytes;             /* -1 when unknown */
    bool oom_killed, pids_max_hit;
} ks_cgroup_stats;

/* [supervisor] Before clone: resets *cg and creates the run's v2 cgroup
 * directory in the base (ks_cg2_locate: its path only), so init can be
 * cloned straight into it. Controllers and limits come after clone. */
void ks_cgroup_prepare(ks_cgroup *cg, const ks_config *cfg);
/* [supervisor] After clone, while init builds the sandbox: creates the v1
 * cgroups under the launcher's own ones and writes every limit (v1, else
 * v2); a controller that is not writable is left off and its finding says
 * why. Never dies for missing cgroups. */
void ks_cgroup_create(ks_cgroup *cg, const ks_config *cfg);
/* [supervisor] Writes a run's v2 limits into dir (memory.max,
 * memory.swap.max 0, memory.oom.group 1, pids.max, cpu.max, every
 * hugetlb.<size>.max and .rsvd.max 0) for the limits v1 did not already
 * take, and sets cg's has_* flags for each one written. With a known base
 * (cg->base.base set) only the controllers it enables are looked for.
 * Separate so that tests can run it on a directory laid out as the kernel
 * lays out a cgroup. */
void ks_cg2_write_limits(ks_cgroup *cg, const char *dir, const ks_config *cfg);
/* [supervisor] The verdict files of a v2 run cgroup: memory.events
 * (oom_kill), pids.events (max), memory.peak, cpu.stat (usage_usec). Fields
 * whose file is missing stay -1/false. */
void ks_cg2_read_stats(const char *dir, ks_cgroup_stats *out);
/* [supervisor] Kills everything in the v2 cgroup dir at once (cgroup.kill)
 * and waits, by poll(2) on cgroup.events, until it reports "populated 0",
 * at most timeout_ms. Returns true once empty. */
bool ks_cg2_kill(const char *dir, int timeout_ms);
/* [supervisor] Waits (poll on cgroup.events) until dir is unpopulated, at
 * most timeout_ms; true once empty (also when cgroup.events is missing). */
bool ks_cg2_wait_empty(const char *dir, int timeout_ms);
/* [supervisor] Removes the empty kai-<pid>-<start>-<n> children of parent
 * whose launcher is gone (cgroup_sweep.c). Returns how many were removed. */
int ks_cgroup_sweep(const char *parent);
/* [supervisor] Sweeps the siblings of the run's cgroups (ks_cgroup_sweep
 * on each parent). While the program runs: it is not needed before. Does
 * nothing when ks_set_cgroup_sweep(false) was called. */
void ks_cgroup_sweep_beside(const ks_cgroup *cg);
/* [caller, before ks_launcher_main] Whether this run sweeps (default:
 * yes). The fork-server library sweeps on a server's first run and every
 * KS_FORK_SWEEP_EVERY-th: a sweep reads every sibling run's cgroup
 * directory and /proc entry, work that grows with the runs alive at once
 * and holds the shared parent directories' locks (bench/RESULTS.md, "kai
 * eval at many workers"). */
void ks_set_cgroup_sweep(bool sweep);
/* From /proc/<pid>/stat: the state letter and the start time in clock
 * ticks since boot. False when unreadable. */
bool ks_proc_stat(pid_t pid, char *state, unsigned long long *started);
/* [supervisor] The v2 directory for CLONE_INTO_CGROUP, or -1. */
int ks_cgroup_open_unified(const ks_cgroup *cg);
/* [supervisor] Opens the v1 tasks files for writing (at most 3) into fds;
 * returns how many. They are passed to init. */
int ks_cgroup_open_tasks(const ks_cgroup *cg, int fds[3]);
/* [init] Moves itself into the v1 cgroups and closes the fds; dies on failure. */
void ks_cgroup_join(const int *fds, int count);
/* [supervisor] CPU time of the tree so far in ns, or -1. Cheap (one read). */
int64_t ks_cgroup_cpu_ns(const ks_cgroup *cg);
void ks_cgroup_read_stats(const ks_cgroup *cg, ks_cgroup_stats *out);
/* [supervisor] Kills the whole tree now if the v2 cgroup can (cgroup.kill);
 * returns false when it cannot (the caller then kills init). */
bool ks_cgroup_kill_tree(ks_cgroup *cg);
/* [supervisor] Kills anything left (cgroup.kill, unless tree_dead: init
 * was reaped, so its pid namespace is empty; then procs still listed),
 * waits for the cgroups to empty and removes them. Safe to call twice. */
void ks_cgroup_destroy(ks_cgroup *cg, bool tree_dead);
/* [supervisor] Records in cg->findings what this run's cgroups lacked,
 * and, when cg->findings->all, also what they got (cgroup_findings.c).
 * ks_cgroup_create records what is missing; the probe records all. */
void ks_cgroup_record_findings(ks_cgroup *cg, const ks_config *cfg);
/* [supervisor] The cgroup findings of a run made now, with cfg's limits:
 * makes one cgroup exactly as a run does (ks_cgroup_prepare/create),
 * records what it got, and removes it. For --probe (kai doctor). */
void ks_cgroup_findings(const ks_config *cfg, ks_findings *out);

/* ---------- probe.c: kai-sandbox --probe ---------- */

/* [supervisor] Every finding about this machine: each namespace (tried in
 * a child), user-namespace limits, seccomp, no_new_privs, and the cgroup
 * findings. */
void ks_probe(const ks_config *cfg, ks_findings *out);
/* [supervisor] Prints ks_probe's findings as the JSON object documented in
 * sandbox/CONTRACT.md ("Probe"); returns the exit status (0). */
int ks_probe_main(const ks_config *cfg);
/* [supervisor] The namespace findings (probe_namespaces.c): user_namespace,
 * then pid, net, mount, ipc, uts and cgroup, appended to out. */
void ks_probe_namespaces(ks_findings *out);

/* probe_trial.c: one trial, made for real in a forked child that exits
 * right after. A trial returns 0 when what it made works, else an
 * errno-like code (< 256) with why filled (NUL-terminated, cap bytes). */
typedef int (*ks_trial_fn)(const void *arg, char *why, size_t cap);
#define KS_TRIAL_DIED 254           /* the trial died (a die() in shared code) or failed otherwise */
/* [supervisor] Runs fn(arg) in a child; returns its code, why = what the
 * child (and any child of its) wrote. A die() in the child ends the trial
 * with its message. Dies only when it cannot fork or make a pipe. */
int ks_trial_run(ks_trial_fn fn, const void *arg, char *why, size_t cap);
/* Fills why with "what: strerror(code)"; returns code. */
int ks_trial_fail(int code, char *why, size_t cap, const char *what);
/* [supervisor or trial] Waits for pid; its exit status, or -signal. */
int ks_trial_wait(pid_t pid);
/* [trial child] The pipe to the probe (for a grandchild's message). */
int ks_trial_fd(void);

/* ---------- namespaces.c ---------- */

/* [supervisor] clone3(2) with the user (unless userns is false), pid,
 * mount, ipc, uts and cgroup namespaces, straight into the v2 cgroup
 * cgroup_fd when it is >= 0. The network namespace is not among them: it
 * costs ~0.45 ms to create, so init makes it (ks_netns_create) while the
 * supervisor goes on. Returns the child pid in the parent, 0 in the child;
 * *pidfd receives a pidfd for the child. */
pid_t ks_clone_sandbox(bool userns, int cgroup_fd, int *pidfd);
/* [supervisor] Writes setgroups/uid_map/gid_map for the child: the sandbox's
 * uid/gid 65534 maps to outside_id, never to root. */
void ks_write_id_maps(pid_t child, uid_t outside_uid, gid_t outside_gid);
/* [supervisor] ks_write_id_maps that returns instead of dying: 0, or -1
 * with why (NUL-terminated, at most cap bytes) naming the file and errno.
 * For --probe, which tries the same maps. */
int ks_try_id_maps(pid_t child, uid_t outside_uid, gid_t outside_gid, char *why, size_t cap);
/* [supervisor] What to do when the kernel refuses this process a user
 * namespace, from the knobs that refuse it (user.max_user_namespaces,
 * kernel.unprivileged_userns_clone, kernel.apparmor_restrict_unprivileged_userns),
 * into buf. One text for the clone failure and the probe's finding. */
void ks_userns_fix(char *buf, size_t cap);
/* [supervisor] What to do when the id maps for outside_uid cannot be
 * written (as root: root only inside a user namespace that does not map
 * it), into buf. For the run's failure and the probe's finding. */
void ks_id_map_fix(uid_t outside_uid, char *buf, size_t cap);
/* [init] unshare(CLONE_NEWNET): the network namespace, owned by the
 * sandbox's user namespace (init still has every capability in it). */
void ks_netns_create(void);
/* [init] Brings the loopback interface up (SIOCSIFFLAGS). */
void ks_loopback_up(void);

/* ---------- slots.c ---------- */
/* [supervisor] Takes the lowest free slot (an exclusive flock on
 * /run/kai-sandbox/slots/slot-N.lock, held by this process and, through the
 * inherited fd, by init until both are gone). Returns N, or -1 when slots
 * cannot be used here (not root, unwritable /run). */
int ks_slot_acquire(void);
/* [supervisor] Before clone: enters the unused network namespace waiting
 * in slot N and claims it (overwrites its marker), so init inherits it and no
 * other run can enter it. Returns false when nothing is waiting (init then
 * makes its own). */
bool ks_slot_take_netns(int slot);
/* [supervisor] After the run: puts the taken namespace back (marker) when
 * the run left it unused, else unpins it so it dies with this run. */
void ks_slot_return_netns(int slot, bool unused);
/* [supervisor] While the program runs, when nothing was waiting: makes and
 * pins a fresh network namespace for the slot's next run (the supervisor
 * moves into it). Failure only costs the next run the wait. */
void ks_slot_refill_netns(int slot);

/* ---------- files.c ---------- */

typedef struct {
    char *path;                     /* relative to /work */
    bool is_dir, executable;
    unsigned char *data;
    size_t len;
} ks_file;

typedef struct { ks_file *items; size_t count, cap; } ks_files;

/* [supervisor] Reads DIR's regular files and directories (no symlinks
 * followed) into memory, at most max_total bytes; dies when over. */
void ks_files_load(const char *dir, size_t max_total, ks_files *files);
/* [init] Writes them under the directory fd work (/work). */
void ks_files_write(const ks_files *files, int work);

/* ---------- mounts.c ---------- */

/* [init] Builds the read-only root, pivot_roots into it and detaches the
 * old root; cwd is /work. Returns an fd for /work (--files are written
 * later, see init.c). Dies on any failure. */
int ks_build_root(const ks_config *cfg, uid_t work_owner);

/* ---------- rlimits.c ---------- */

/* [program] Sets CPU, AS, FSIZE, NOFILE, NPROC, STACK and CORE limits.
 * cgroup_memory tells whether RLIMIT_AS is only a backstop. */
void ks_set_rlimits(const ks_config *cfg, bool cgroup_memory, bool private_uid);

/* ---------- init.c ---------- */

/* Records on the status pipe, init/program → supervisor. */
enum { KS_REC_ERROR = 'E', KS_REC_RESULT = 'R', KS_REC_FILE = 'F', KS_REC_DENIED = 'D',
       KS_REC_NETWORK = 'N' /* the program used socket/socketpair; no payload */ };

typedef struct {
    int32_t wait_status;            /* as from waitpid */
    int32_t reserved;
    int64_t cpu_us;                 /* rusage of init's children */
    int64_t maxrss_kb;
} ks_result_rec;

typedef struct {
    uint32_t arch;
    int32_t nr;
} ks_denied_rec;

typedef struct {
    const ks_files *files;
    int stdin_fd, out_fd, err_fd, status_fd;
    int setup_fd;                   /* SOCK_SEQPACKET from the supervisor: 'g', then the ks_setup_msg */
    char *const *envp;
    uid_t work_owner;
    bool private_uid;
    bool own_netns;                 /* init makes the network namespace (no slot's) */
} ks_init_args;

/* The supervisor's second message to init, sent once the cgroups exist and
 * the filter is built (init has been building the sandbox meanwhile). Its
 * SCM_RIGHTS carry the v1 tasks files to join (0-3); the seccomp program
 * follows the header (filter_len instructions, 0 with --no-seccomp). */
typedef struct {
    char kind;                      /* 'c' */
    uint8_t cgroup_memory;          /* RLIMIT_AS is only a backstop */
    uint8_t seccomp;
    uint8_t reserved;
    uint32_t filter_len;
} ks_setup_msg;

/* [init] Everything PID 1 does: waits for the supervisor, builds the root,
 * drops privileges, starts the program, reaps, collects files, reports. */
_Noreturn void ks_init_main(const ks_config *cfg, const ks_init_args *args);
/* [init/program] Sends one record; dies never (best effort on a dying path). */
int ks_send_record(int fd, char type, const void *payload, uint32_t len);

/* ---------- collect.c ---------- */

/* [init] Sends one KS_REC_FILE record per --collect path, read from /work
 * without following symlinks and never past cap bytes. */
void ks_collect_files(const ks_config *cfg, int status_fd, size_t cap);

/* ---------- output.c ---------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
    bool truncated, eof;
} ks_capture;

/* [supervisor] Reads what is available from fd into c, keeping at most
 * c->cap bytes and discarding (but draining) the rest. Sets c->eof at EOF. */
void ks_capture_read(ks_capture *c, int fd);
/* Length (1-4) of the valid UTF-8 sequence at s, or 0 if invalid or cut off. */
size_t ks_utf8_sequence(const unsigned char *s, size_t len);
bool ks_utf8_valid(const unsigned char *s, size_t len);
/* Drops an incomplete multi-byte sequence cut off at the end. */
size_t ks_utf8_trim_tail(const unsigned char *s, size_t len);

/* ---------- report.c ---------- */

typedef struct { char *data; size_t len, cap; } ks_buf;

void buf_puts(ks_buf *b, const char *s);
void buf_append(ks_buf *b, const void *data, size_t len);
void buf_printf(ks_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a JSON string literal; invalid UTF-8 becomes U+FFFD. */
void buf_json_string(ks_buf *b, const unsigned char *s, size_t len);
void buf_base64(ks_buf *b, const unsigned char *s, size_t len);

/* ---------- the run (launcher.c, supervisor.c, verdict.c) ---------- */

typedef struct {
    const ks_config *cfg;
    ks_cgroup cg;
    bool userns, seccomp, private_uid;
    uid_t outside_uid;
    char warnings[1024];            /* "; "-separated, or "" */
    pid_t init_pid;                 /* 0 before clone */
    int pidfd, out_fd, err_fd, status_fd;
    int64_t start_ns, end_ns;
    ks_capture out, err;
    ks_buf records;                 /* raw bytes from the status pipe */
    bool status_eof, init_reaped;
    int init_status;
    enum { KS_STOP_NONE, KS_STOP_WALL, KS_STOP_CPU } stopped;
    int64_t last_cpu_ns;            /* -1 when the tree's CPU is not measurable */
} ks_run;

/* [supervisor] Runs the poll loop until init has exited and every pipe is
 * at EOF, enforcing the wall-clock and CPU limits on the way. */
void ks_supervise(ks_run *run);
/* [supervisor] Kills the sandbox now (SIGKILL to its init). */
void ks_kill_sandbox(ks_run *run);
/* [supervisor] Whether the run ended normally (init's result arrived, no
 * error) without the program touching the network namespace: only then
 * may the namespace wait in its slot for another run. */
bool ks_run_left_network_unused(const ks_run *run);
/* [supervisor] Writes the report for a finished run to stdout. */
void ks_write_report(ks_run *run);
/* [supervisor] Writes a sandbox_error report with message to stdout. */
void ks_write_error_report(ks_run *run, const char *message);

#endif
