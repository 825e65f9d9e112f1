extension PrivateCgroup2 {
    /// Shell functions for PrivateCgroup2 scripts (prepend them).
    ///
    /// `await` polls with `sleep`, which starts (and ends) a process; where
    /// a launcher may be moving the base's processes into its leaf at that
    /// moment, an exiting process would race that move, so `await_quietly`
    /// spins on builtins alone.
    public static let shellFunctions = #"""
        set -u
        # Polls a condition every 10 ms; a hang guard fails the script after 30 s.
        await() {
            n=0
            until eval "$1"; do
                n=$((n + 1))
                [ "$n" -lt 3000 ] || { echo "timed out waiting for: $1" >&2; exit 99; }
                sleep 0.01
            done
        }
        # The same with no process started: the condition must use builtins only.
        await_quietly() {
            n=0
            until eval "$1"; do
                n=$((n + 1))
                [ "$n" -lt 20000000 ] || { echo "timed out waiting for: $1" >&2; exit 99; }
            done
        }
        # Sets $procs to the number of processes in the run cgroups under $T (builtins only).
        count_run_procs() {
            procs=0
            for f in "$T"/kai-[0-9]*/cgroup.procs; do
                [ -e "$f" ] || continue
                while read -r p; do procs=$((procs + 1)); done < "$f"
            done
        }
        # When a process started: /proc/PID/stat field 22, in clock ticks since boot.
        started() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
        # The run cgroups (kai-<pid>-<start>-<n>) directly under $T, one a line.
        runs() { for d in "$T"/kai-[0-9]*; do [ -d "$d" ] && echo "${d#"$T"/}"; done; return 0; }
        # The launcher's trivial run: its report into $OUT/$1.json, stderr into $OUT/$1.err.
        trivial() { name=$1; shift; "$KAI_SANDBOX" "$@" -- /bin/true > "$OUT/$name.json" 2> "$OUT/$name.err"; echo "$name.exit=$?"; }

        """#
}
