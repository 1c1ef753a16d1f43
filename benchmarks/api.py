"""Benchmark `/api/check` on loopback: requests per second and wrong answers under concurrency.

    python benchmarks/api.py                      # 20,000 requests, 8 client threads
    python benchmarks/api.py --requests 5000 --threads 16

Starts `scopecheck serve` (one uvicorn process, as shipped) on a free port, asks every question once
serially to know its answer, then sends the same questions again, shuffled, from several client
threads over keep-alive connections, and counts answers that differ from the serial one (target:
0) and requests per second (target: >= 3,000 on 2 cores). Clients share the machine with the
server, so the figure is a floor. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
STATES = ["CA", "NY", "TX", "FL", "WA", "PA", "OH", "IL", "NJ", "SC", "AZ", "MA"]
TASKS = [
    "flu shot",
    "venipuncture",
    "vital signs",
    "ekg",
    "injection_intramuscular",
    "xray_operation",
    "waived_lab_tests",
    "medication_oral",
    "iv_start",
    "triage",
    "botox",
    "ear_lavage",
]
CREDENTIALS = [[], ["CMA_AAMA"], ["RMA_AMT"], ["none"]]
SUPERVISION = [None, "direct", "general"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        params: list[tuple[str, str]] = [("state", rng.choice(STATES)), ("task", rng.choice(TASKS))]
        params += [("credential", c) for c in rng.choice(CREDENTIALS)]
        sup = rng.choice(SUPERVISION)
        if sup:
            params.append(("supervision", sup))
        out.append("/api/check?" + urlencode(params))
    return out


def ask(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "scopecheck", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                ask(http.client.HTTPConnection("127.0.0.1", port), "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        paths = questions(args.requests)
        distinct = sorted(set(paths))
        conn = http.client.HTTPConnection("127.0.0.1", port)
        expected = {p: json.loads(ask(conn, p)[1]) for p in distinct}
        order = paths[:]
        random.Random(9).shuffle(order)
        wrong, errors, lock = [0], [0], threading.Lock()

        def client(part: list[str]) -> None:
            c = http.client.HTTPConnection("127.0.0.1", port)
            for p in part:
                status, body = ask(c, p)
                bad = status != 200 or json.loads(body) != expected[p]
                if bad or status >= 500:
                    with lock:
                        wrong[0] += bad
                        errors[0] += status >= 500

        parts = [order[i :: args.threads] for i in range(args.threads)]
        threads = [threading.Thread(target=client, args=(part,)) for part in parts]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        print(
            f"/api/check  {len(order):,} requests ({len(distinct):,} distinct) from {args.threads} threads on "
            f"{os.cpu_count()} cores: {len(order) / wall:,.0f} requests/s (target >= 3,000), "
            f"{wrong[0]} wrong (target 0), {errors[0]} 5xx"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
