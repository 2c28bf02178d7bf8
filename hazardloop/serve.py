"""Start hazardloop: the web server plus the background worker (used by `make run`).

    python -m hazardloop.serve               gunicorn + tasks worker + sweep loop
    python -m hazardloop.serve --dev         Django's autoreloading server + the same workers
    python -m hazardloop.serve --worker-only tasks worker + sweep loop

HOST and PORT choose the address (default 127.0.0.1:8000); WEB_WORKERS the gunicorn workers.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from hazardloop.lib.env import env_bool


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--worker-only", action="store_true")
    args = parser.parse_args()

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    if env_bool("HAZARDLOOP_PRODUCTION", False):
        # Never serve production while an administrator can sign in with a published password.
        refused = subprocess.run([python, "manage.py", "check_default_passwords"], check=False)  # noqa: S603
        if refused.returncode:
            return refused.returncode
    commands = []
    if not args.worker_only:
        if args.dev:
            commands.append([python, "manage.py", "runserver", f"{host}:{port}"])
        else:
            workers = os.environ.get("WEB_WORKERS", "3")
            commands.append(
                [
                    python, "-m", "gunicorn", "hazardloop.wsgi:application",
                    "--bind", f"{host}:{port}", "--workers", workers,
                    "--access-logfile", "-", "--timeout", "120",
                ]
            )  # fmt: skip
    commands.append([python, "manage.py", "db_worker"])
    commands.append([python, "manage.py", "run_sweeps"])

    procs = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603
    if not args.worker_only:
        print(f"\nhazardloop is serving on http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for proc in procs:
            if proc.poll() is not None:
                print(f"{proc.args[1:4]} exited with {proc.returncode}; stopping.", flush=True)
                code = proc.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
