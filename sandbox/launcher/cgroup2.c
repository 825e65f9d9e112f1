/* cgroup2.c — STUB, being written. */
#define _GNU_SOURCE
#include "kai_sandbox.h"
#include <string.h>
const char *ks_cg2_mount(void) { return NULL; }
bool ks_cg2_delegate(const char *mount, const char *own, unsigned wanted, ks_cg2_base *out)
{ (void)mount; (void)own; (void)wanted; memset(out, 0, sizeof *out); return false; }
void ks_cg2_write_limits(ks_cgroup *cg, const char *dir, const ks_config *cfg) { (void)cg; (void)dir; (void)cfg; }
void ks_cg2_read_stats(const char *dir, ks_cgroup_stats *out) { (void)dir; (void)out; }
bool ks_cg2_kill(const char *dir, int timeout_ms) { (void)dir; (void)timeout_ms; return false; }
bool ks_cg2_wait_empty(const char *dir, int timeout_ms) { (void)dir; (void)timeout_ms; return false; }
int ks_cgroup_sweep(const char *parent) { (void)parent; return 0; }
bool ks_cgroup_kill_tree(const ks_cgroup *cg) { (void)cg; return false; }
void ks_cgroup_findings(const ks_config *cfg, ks_findings *out) { (void)cfg; (void)out; }
