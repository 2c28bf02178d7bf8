"""Start hazardloop: the web server plus the background worker (used by `make run`).

    python -m hazardloop.serve               gunicorn + tasks worker + sweep loop
    python -m hazardloop.serve --dev         Django's autoreloading server + the same workers
    python -m hazardloop.serve --worker-only tasks worker + sweep loop

HOST and PORT choose the address (default 127.0.0.1:8000); WEB_WORKERS the web processes
(3), WEB_THREADS the threads of each (1: gunicorn's sync worker), WEB_SERVER=granian serves
with granian instead (not installed by requirements.txt: it was measured no faster, see
docs/performance.md "Many users at once").
The processes are supervised: one that exits is logged and started again (after a pause that
grows while it keeps failing, up to a minute), so a crashed worker never stops the site. Ctrl-C
or SIGTERM stops them all. In production mode nothing starts while a privileged account signs
in with a known default password.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from hazardloop.lib.env import env_bool

# Pause before restarting a process that exited: doubles per quick failure, capped.
FIRST_PAUSE, MAX_PAUSE = 1.0, 60.0
# A process that ran at least this long before exiting starts again after the first pause.
HEALTHY_SECONDS = 30.0


def web_command(python: str, host: str, port: str) -> list[str]:
    """The production web server: gunicorn with WEB_WORKERS processes of WEB_THREADS threads
    (more than one thread: gunicorn's gthread worker), or granian with WEB_SERVER=granian."""
    workers = os.environ.get("WEB_WORKERS", "3")
    threads = os.environ.get("WEB_THREADS", "1")
    if os.environ.get("WEB_SERVER", "gunicorn") == "granian":
        return [
            python, "-m", "granian", "--interface", "wsgi", "hazardloop.wsgi:application",
            "--host", host, "--port", port, "--workers", workers,
            "--blocking-threads", threads, "--respawn-failed-workers", "--access-log",
        ]  # fmt: skip
    return [
        python, "-m", "gunicorn", "hazardloop.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", workers, "--threads", threads,
        "--access-logfile", "-", "--timeout", "120",
        # A worker that grew is replaced after this many requests (memory).
        "--max-requests", os.environ.get("WEB_MAX_REQUESTS", "2000"),
        "--max-requests-jitter", "200",
    ]  # fmt: skip


def commands(host: str, port: str, *, dev: bool, worker_only: bool) -> list[list[str]]:
    python = sys.executable
    out = []
    if not worker_only:
        if dev:
            out.append([python, "manage.py", "runserver", f"{host}:{port}"])
        else:
            out.append(web_command(python, host, port))
    out.append([python, "manage.py", "db_worker"])
    out.append([python, "manage.py", "run_sweeps"])
    return out


class Supervised:
    """One child process, started again whenever it exits (until stopping)."""

    def __init__(self, cmd: list[str], spawn=subprocess.Popen, clock=time.monotonic):
        self.cmd, self.spawn, self.clock = cmd, spawn, clock
        self.proc = None
        self.started_at = 0.0
        self.pause = FIRST_PAUSE
        self.restart_at: float | None = None
        self.restarts = 0

    @property
    def name(self) -> str:
        return " ".join(self.cmd[1:4])

    def start(self) -> None:
        self.proc = self.spawn(self.cmd)
        self.started_at = self.clock()
        self.restart_at = None

    def check(self) -> None:
        """Notice an exit (schedule a restart) or start a process whose pause is over."""
        now = self.clock()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                print(f"[serve] starting {self.name} again (restart {self.restarts})", flush=True)
                self.start()
            return
        code = self.proc.poll()
        if code is None:
            return
        ran = now - self.started_at
        self.pause = FIRST_PAUSE if ran >= HEALTHY_SECONDS else min(self.pause * 2, MAX_PAUSE)
        self.restart_at = now + self.pause
        print(
            f"[serve] {self.name} exited with {code} after {ran:.0f} s; "
            f"restarting in {self.pause:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()

    def wait(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--worker-only", action="store_true")
    args = parser.parse_args()

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    if env_bool("HAZARDLOOP_PRODUCTION", False):
        # Never serve production while an administrator can sign in with a published password.
        refused = subprocess.run(
            [sys.executable, "manage.py", "check_default_passwords"], check=False
        )
        if refused.returncode:
            return refused.returncode

    children = [
        Supervised(cmd) for cmd in commands(host, port, dev=args.dev, worker_only=args.worker_only)
    ]
    for child in children:
        child.start()
    if not args.worker_only:
        print(f"\nhazardloop is serving on http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        for child in children:
            child.check()
        time.sleep(0.5)
    for child in children:
        child.stop()
    for child in children:
        child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
