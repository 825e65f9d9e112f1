/* Attack 23: non-native syscall ABIs from a 64-bit binary: the i386 `int
 * 0x80` gate ("int80", getpid = 20) and the x32 ABI ("x32", getpid | 1<<30). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long rc;
    if (argc > 1 && !strcmp(argv[1], "x32")) {
        long number = 39 | 0x40000000L;
        __asm__ volatile("syscall" : "=a"(rc) : "a"(number) : "rcx", "r11", "memory");
    } else {
        __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
    }
    printf("survived=%ld\n", rc);
    return 42;
}
