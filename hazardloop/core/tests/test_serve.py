"""`make run` supervises its processes: one that exits is started again, with a growing pause
while it keeps failing, and a real process killed with SIGKILL comes back."""

import signal
import sys
import time

from hazardloop import serve


class FakeProc:
    def __init__(self):
        self.code = None

    def poll(self):
        return self.code


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_exited_process_is_restarted_with_backoff():
    spawned, clock = [], Clock()

    def spawn(cmd):
        spawned.append(FakeProc())
        return spawned[-1]

    child = serve.Supervised(["python", "manage.py", "db_worker"], spawn=spawn, clock=clock)
    child.start()
    child.check()
    assert len(spawned) == 1
    spawned[-1].code = 1  # crashes at once
    clock.now += 2
    child.check()
    assert child.restart_at == clock.now + 2.0  # quick failure: the pause doubled
    clock.now += 1
    child.check()
    assert len(spawned) == 1  # still pausing
    clock.now += 1
    child.check()
    assert len(spawned) == 2 and child.restarts == 1
    spawned[-1].code = 1
    clock.now += 1
    child.check()
    assert child.pause == 4.0
    clock.now += 4
    child.check()
    assert len(spawned) == 3
    # a process that ran a long time restarts after the first pause again
    clock.now += serve.HEALTHY_SECONDS + 1
    spawned[-1].code = -9
    child.check()
    assert child.pause == serve.FIRST_PAUSE


def test_the_pause_is_capped():
    clock = Clock()
    child = serve.Supervised(["x", "y"], spawn=lambda cmd: FakeProc(), clock=clock)
    child.start()
    for _ in range(20):
        child.proc.code = 1
        child.check()
        clock.now = child.restart_at
        child.check()
    assert child.pause == serve.MAX_PAUSE


def test_a_killed_real_process_comes_back():
    cmd = [sys.executable, "-c", "import time; time.sleep(60)"]
    child = serve.Supervised(cmd)
    child.start()
    try:
        first = child.proc
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
        deadline = time.monotonic() + 10
        while child.proc is first and time.monotonic() < deadline:
            child.check()
            time.sleep(0.1)
        assert child.proc is not first and child.proc.poll() is None
    finally:
        child.stop()
        child.wait()


def test_gunicorn_recycles_workers_that_grew():
    web = serve.commands("127.0.0.1", "8000", dev=False, worker_only=False)[0]
    assert "--max-requests" in web


def test_web_server_settings_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("WEB_SERVER", raising=False)
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    web = serve.web_command("python", "127.0.0.1", "8000")
    # The default chosen by the load test (docs/performance.md, "Many users at once").
    assert web[2] == "gunicorn"
    assert web[web.index("--workers") + 1] == "3" and web[web.index("--threads") + 1] == "1"
    monkeypatch.setenv("WEB_SERVER", "granian")
    monkeypatch.setenv("WEB_WORKERS", "2")
    web = serve.web_command("python", "127.0.0.1", "8000")
    assert web[2] == "granian" and web[web.index("--workers") + 1] == "2"
