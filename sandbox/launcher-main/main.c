/* main.c — the kai-sandbox executable: the launcher itself is
 * ks_launcher_main (sandbox/launcher/launcher.c), shared with the fork server
 * library (sandbox/fork-server). */
#include "kai_sandbox.h"

int main(int argc, char **argv) { return ks_launcher_main(argc, argv); }
