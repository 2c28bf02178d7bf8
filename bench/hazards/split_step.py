"""Where a workflow step's time goes, in parts (PostgreSQL, in-process), and which querysets
the API's hot requests still compile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_step2 \\
        .venv/bin/python bench/hazards/split_step.py [--rounds 300]

Runs `profile_step.py`'s round (create, order, verify, page) with the parts of a step wrapped
in timers (wall and CPU, per call, over the order and verify requests), and counts the calls
of Django's SQL compilers per request kind after the first ten rounds: a queryset compiled on
every request where a query compiled once (core/prepared.py) would do.
"""

import argparse
import collections
import functools
import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # profile_step.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardloop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402
from django.db.models.sql import compiler  # noqa: E402

# (module, attribute path, label): the parts of a step, outermost first.
PARTS = [
    ("django.core.handlers.base", "BaseHandler._get_response", "inside the middleware"),
    ("ninja.operation", "Operation.run", "ninja: the endpoint"),
    ("hazardloop.accounts.services", "user_for_token", "the bearer token"),
    ("hazardloop.hazards.api", "_hazard", "the hazard, its events, the memberships"),
    ("hazardloop.hazards.workflow", "perform", "the step (perform)"),
    ("hazardloop.hazards.workflow", "_swap_and_append", "  swap, event, notice, unit lock+count"),
    ("hazardloop.hazards.unit_risk", "Recount.done", "  the unit's risk from its count"),
    ("hazardloop.notifications.services", "Notice.sent", "  the notification's audit, e-mail"),
    ("hazardloop.audit.services", "_append", "  the audit chain"),
    ("hazardloop.hazards.api", "hazard_detail", "the answer"),
]

totals: dict[str, list] = collections.defaultdict(lambda: [0.0, 0.0, 0])
compiles: collections.Counter = collections.Counter()
current = {"label": None, "counting": False}


def _timed(label, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            if current["label"] == "step":
                total = totals[label]
                total[0] += time.perf_counter() - wall
                total[1] += time.process_time() - cpu
                total[2] += 1

    return wrapper


def _wrap_parts() -> None:
    for module_name, path, label in PARTS:
        owner = importlib.import_module(module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(label, getattr(owner, name)))
    BaseDatabaseWrapper.commit = _timed("  COMMIT", BaseDatabaseWrapper.commit)
    WSGIHandler.__call__ = _timed("the whole request", WSGIHandler.__call__)


def _count_compiles() -> None:
    for kind in (
        compiler.SQLCompiler,
        compiler.SQLInsertCompiler,
        compiler.SQLUpdateCompiler,
        compiler.SQLDeleteCompiler,
    ):
        original = kind.as_sql

        def as_sql(self, *args, _original=original, **kwargs):
            if current["counting"] and current["label"] is not None:
                compiles[(current["label"], self.query.model.__name__)] += 1
            return _original(self, *args, **kwargs)

        kind.as_sql = as_sql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    _wrap_parts()
    _count_compiles()
    handle = WSGIHandler.__call__
    seen = {"pages": 0}

    def labelled(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        label = "page" if method == "GET" else "create" if path.endswith("hazards") else "step"
        current["label"], current["counting"] = label, seen["pages"] >= 10
        try:
            return handle(self, environ, start_response)
        finally:
            seen["pages"] += label == "page"
            current["label"] = None

    WSGIHandler.__call__ = labelled
    sys.argv = ["profile_step.py", "--rounds", str(args.rounds)]
    import profile_step

    profile_step.main()
    print("\nsteps (order and verify): wall ms, CPU ms per call, calls")
    for _module, _path, label in [(None, None, "the whole request"), *PARTS, (0, 0, "  COMMIT")]:
        wall, cpu, calls = totals.get(label, [0.0, 0.0, 0])
        if calls:
            print(f"{label:44} {wall / calls * 1000:7.3f} {cpu / calls * 1000:7.3f} {calls:6}")
    rounds = max(seen["pages"] - 10, 1)
    print(f"\nquerysets compiled per round (over {rounds} rounds), by request and model:")
    for (label, model), n in sorted(compiles.items()):
        print(f"  {label:7} {model:20} {n / rounds:.2f}")


if __name__ == "__main__":
    main()
