# Attack 13 (shell): cat /dev/zero into a file: 10 GB and beyond. `exec`
# makes cat the program itself, so the file-size signal is its own death.
exec /bin/cat /dev/zero > "$1/big.bin"
