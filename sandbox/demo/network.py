# Tries the host's loopback services: the sandbox has its own, empty, network namespace.
import socket
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    print("connected")
except OSError as error:
    print("no network:", error)
