"""Sends one raw HTTP request head to 127.0.0.1:PORT/mcp, no body, and
prints the status line and the body the server sends before it closes.

    python3 mcp_http_raw.py PORT 'Header: value'...

Proves a server answers from the head alone: one that waited for the body
would never answer (the socket timeout is a hang guard, printed as TIMEOUT).
"""

import socket
import sys

port = int(sys.argv[1])
head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(h + "\r\n" for h in sys.argv[2:]) + "\r\n"
connection = socket.create_connection(("127.0.0.1", port))
connection.settimeout(120)
connection.sendall(head.encode())
data = b""
try:
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    print("TIMEOUT")
    sys.exit(0)
except ConnectionResetError:
    pass
status, _, rest = data.partition(b"\r\n")
print(status.decode())
print(rest.partition(b"\r\n\r\n")[2].decode(), end="")
