"""make bench: requests from 127.0.0.2 while 2,000 idle and slow (slowloris) connections come from 127.0.0.1.
Prints how many of 200 requests were answered and their latency p50/p99. Usage: slow_clients.py PORT"""
import resource
import socket
import sys
import threading
import time

port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held, stop = [], threading.Event()
for i in range(2000):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=2)
        if i % 2:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        held.append((c, i % 2))
    except OSError:
        pass


def drip():
    while not stop.wait(1):
        for c, slow in held:
            if slow:
                try:
                    c.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass


threading.Thread(target=drip, daemon=True).start()
times, answered = [], 0
for _ in range(200):
    t0 = time.monotonic()
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=("127.0.0.2", 0))
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        ok = c.recv(64).startswith(b"HTTP/1.1 200")
        c.close()
    except OSError:
        ok = False
    times.append(time.monotonic() - t0 if ok else 10.0)
    answered += ok
stop.set()
times.sort()
print(f"slow clients: {len(held)} held from 127.0.0.1; from 127.0.0.2 {answered}/200 answered, "
      f"p50 {times[100] * 1000:.1f} ms, p99 {times[197] * 1000:.1f} ms")
