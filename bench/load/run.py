"""One load-test run: a fresh copy of the bench database, the server `make run` starts, locust.

    /work/helpers/bin/quiet .venv/bin/python bench/load/run.py --label gunicorn-3 \\
        [--server gunicorn|granian] [--workers 3] [--threads 1] [--users 200] [--time 4m]

1. `createdb -T hl_load_bench hl_load_run` (every run starts from the same province and
   accounts; bench/load/setup.py made them);
2. `python -m hazardloop.serve` (web server, tasks worker and sweeps, as `make run`) on a
   loopback port, with `WEB_SERVER`, `WEB_WORKERS`, `WEB_THREADS`;
3. locust, headless (`--locust`, default /tmp/locust-venv/bin/locust), for `--time`, with its
   statistics reset once every user has started;
4. meanwhile every 2 s: CPU seconds per process kind (web, worker, sweeps, postgres, locust,
   everything else) from /proc, and PostgreSQL's connections (all, active, waiting on a lock);
5. a summary: per operation count, failures, p50/p95/p99, requests/s; CPU shares; the
   server's log lines with a 5xx or a traceback.

Writes everything to `--out`/<label>/ (locust's CSV files, the server log, summary.txt).
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TMP = Path(tempfile.gettempdir())
TEMPLATE, DB = "hl_load_bench", "hl_load_run"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
TICK = os.sysconf("SC_CLK_TCK")


def kind_of(cmdline: str) -> str:
    if "locust" in cmdline:
        return "locust"
    if "gunicorn" in cmdline or "granian" in cmdline:
        return "web"
    if "db_worker" in cmdline:
        return "worker"
    if "run_sweeps" in cmdline:
        return "sweeps"
    if cmdline.startswith("postgres"):
        # A backend names its database; the server's own processes (WAL writer, checkpointer,
        # autovacuum) name none and count here too.
        return "pg-others" if " hl_" in cmdline and f" {DB} " not in cmdline else "postgres"
    return "others"


def cpu_by_pid() -> dict[int, tuple[str, float]]:
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        out[int(entry.name)] = (kind_of(cmd), (int(stat[11]) + int(stat[12])) / TICK)
    return out


def machine_busy() -> tuple[float, float]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.cpu = defaultdict(float)
        self.conns = []  # (all, active, waiting on a lock)
        self.busy = [machine_busy()]

    def run(self):
        import psycopg

        db = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}", autocommit=True)
        before = cpu_by_pid()
        while not self.stop.wait(2):
            now = cpu_by_pid()
            for pid, (kind, secs) in now.items():
                self.cpu[kind] += secs - before.get(pid, (kind, 0.0))[1]
            before = now
            row = db.execute(
                "select count(*), count(*) filter (where state = 'active'), "
                "count(*) filter (where wait_event_type = 'Lock') "
                "from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
                [DB],
            ).fetchone()
            self.conns.append(row)
        self.busy.append(machine_busy())
        db.close()


def fresh_database() -> None:
    subprocess.run(["dropdb", *PG, "--if-exists", DB], check=True)
    subprocess.run(["createdb", *PG, "-T", TEMPLATE, DB], check=True)


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:  # it answered
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def summary(out: Path, sampler: Sampler, elapsed: float) -> str:
    lines = []
    with open(out / "locust_stats.csv") as fh:
        rows = list(csv.DictReader(fh))
    lines.append(
        f"{'operation':44} {'count':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}"
    )
    for r in rows:
        lines.append(
            f"{r['Name'][:44]:44} {r['Request Count']:>6} {r['Failure Count']:>5} "
            f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6} {float(r['Requests/s']):6.1f}"
        )
    (busy0, all0), (busy1, all1) = sampler.busy[0], sampler.busy[-1]
    total = sum(sampler.cpu.values())
    lines.append(
        f"\nmachine CPU busy {100 * (busy1 - busy0) / (all1 - all0):.0f} % of 2 cores over "
        f"{elapsed:.0f} s; CPU seconds by kind (share of all used):"
    )
    for kind, secs in sorted(sampler.cpu.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {kind:9} {secs:7.1f} s  {100 * secs / max(total, 1e-9):4.0f} %")
    if sampler.conns:
        lines.append(
            "PostgreSQL connections: max "
            f"{max(c[0] for c in sampler.conns)}, active max {max(c[1] for c in sampler.conns)}, "
            f"active mean {sum(c[1] for c in sampler.conns) / len(sampler.conns):.1f}, "
            f"waiting on a lock max {max(c[2] for c in sampler.conns)}"
        )
    log = (out / "server.log").read_text(errors="replace").splitlines()
    bad = [
        line for line in log if "Traceback" in line or '" 5' in line or "ERROR" in line
    ]  # fmt: skip
    lines.append(f"server log: {len(bad)} lines with a 5xx, an error or a traceback")
    lines += bad[:20]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "granian"])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--time", default="4m")
    parser.add_argument("--port", type=int, default=8471)
    parser.add_argument("--locust", default=str(TMP / "locust-venv/bin/locust"))
    parser.add_argument("--out", default=str(TMP / "hl-load/runs"))
    parser.add_argument("--pace", type=float, default=1, help="think times ÷ this")
    parser.add_argument("--only", nargs="*", default=[], help="these user classes only")
    parser.add_argument("--extra-path", default="", help="PYTHONPATH for an evaluated server")
    args = parser.parse_args()

    out = Path(args.out) / args.label
    out.mkdir(parents=True, exist_ok=True)
    fresh_database()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "HAZARDLOOP_STATIC_MANIFEST": "1",
        "MEDIA_ROOT": str(out / "media"),
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "WEB_SERVER": args.server,
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "HL_LOAD_PACE": str(args.pace),
    }
    if args.extra_path:
        env["PYTHONPATH"] = args.extra_path
    log = open(out / "server.log", "w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [sys.executable, "-m", "hazardloop.serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_up(f"http://127.0.0.1:{args.port}/")
        # The server's PYTHONPATH (an evaluated server) is not the load generator's.
        client_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
        sampler = Sampler()
        sampler.start()
        started = time.monotonic()
        subprocess.run(
            [
                args.locust, "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
                "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.time,
                "--host", f"http://127.0.0.1:{args.port}", "--csv", str(out / "locust"),
                "--reset-stats", "--only-summary", "--stop-timeout", "10", *args.only,
            ],
            cwd=ROOT, env=client_env, check=False, stderr=subprocess.STDOUT,
            stdout=open(out / "locust.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    text = (
        f"{args.label}: {args.server}, {args.workers} workers × {args.threads} threads, "
        f"{args.users} users, pace {args.pace:g}, {args.time}\n" + summary(out, sampler, elapsed)
    )
    (out / "summary.txt").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
