"""Print the PostgreSQL URL the test suite uses when DATABASE_URL is not set, if it answers."""

import socket

URL = "postgres://postgres@127.0.0.1:5432/d8portal"

try:
    socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
except OSError:
    pass
else:
    print(URL)
