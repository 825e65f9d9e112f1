"""Holds N idle connections to 127.0.0.1:PORT, then tries one more, has the
server close one of the N and tries again; prints what each try got: the status line of
the answer to a request without a token, or "closed" when the server closed
the connection unanswered.

    python3 mcp_http_connections.py PORT N TOKEN
"""

import socket
import sys

port, count, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def connect():
    connection = socket.create_connection(("127.0.0.1", port))
    connection.settimeout(120)  # a hang guard, no part of the check
    return connection


def attempt():
    connection = connect()
    try:
        connection.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        data = connection.recv(65536)
    except (ConnectionResetError, BrokenPipeError):
        data = b""
    connection.close()
    return data.partition(b"\r\n")[0].decode() if data else "closed"


held = [connect() for _ in range(count)]
# Each held connection is accepted in order; an answer on the last proves
# the server has taken them all before the next try (a 400 for want of a
# session, which keeps the connection open).
ping = b'{"jsonrpc":"2.0","id":1,"method":"ping"}'
held[-1].sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.encode()
                 + b"\r\nContent-Length: " + str(len(ping)).encode() + b"\r\n\r\n" + ping)
held[-1].recv(65536)
print(attempt())
# The server closes the first one (a request without a token gets 401 and
# close): read to its end, so the server has let it go before the next try.
first = held.pop(0)
first.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
while first.recv(65536):
    pass
print(attempt())
