"""How fast this machine is today, printed with the benchmarks' figures so that figures taken
on different machines (or on one machine in a busy hour) can be told apart.

    .venv/bin/python bench/gauge.py [--db postgres://postgres@127.0.0.1:5432/postgres]

Two readings, each the best of five so that a moment's noise does not make the machine look
slower than it is:
- Python: a fixed piece of pure-Python work of the kind a request does (calls, dicts, string
  formatting, JSON), in ms. It does not depend on the database or the code under test.
- PostgreSQL: the round trip of a prepared `SELECT 1` (psycopg, TCP to the server in
  `--db`), p50 in µs: the client's and the server's per-statement cost with no work in it.

On two machines of the same kind the same code's verify step took 5.0 ms and 11.6 ms
(docs/performance.md, "Where issue 16's figures stand"); these two readings say how much of
such a difference is the machine.
"""

import argparse
import json
import os
import statistics
import time

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/postgres"


def _python_work() -> int:
    total = 0
    for i in range(20_000):
        row = {"id": i, "title": f"消防通道堵塞 {i}", "status": "open", "grade": i % 3}
        row["label"] = "{title} ({status})".format(**row)
        total += len(json.dumps(row, ensure_ascii=False)) + len(row["label"].upper())
    return total


def python_ms(repeat: int = 5) -> float:
    """The best of `repeat` runs of the fixed work, in ms."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        _python_work()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def round_trip_us(dsn: str, statements: int = 1000, repeat: int = 5) -> float:
    """The best of `repeat` p50s of a prepared `SELECT 1`, in µs."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True, prepare_threshold=0) as connection:
        cursor = connection.cursor()
        for _ in range(50):
            cursor.execute("SELECT %s::int", [1])
            cursor.fetchone()
        best = float("inf")
        for _ in range(repeat):
            times = []
            for _ in range(statements):
                started = time.perf_counter()
                cursor.execute("SELECT %s::int", [1])
                cursor.fetchone()
                times.append(time.perf_counter() - started)
            best = min(best, statistics.median(times) * 1e6)
        return best


def reading(dsn: str | None = None) -> str:
    """One line for a benchmark's output."""
    dsn = dsn or os.environ.get("DATABASE_URL") or DEFAULT_DB
    line = f"machine gauge (bench/gauge.py): Python {python_ms():.1f} ms"
    try:
        line += f", PostgreSQL round trip {round_trip_us(dsn):.0f} µs"
    except Exception as error:  # a gauge never stops a benchmark
        line += f", PostgreSQL not reached ({type(error).__name__})"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("DATABASE_URL") or DEFAULT_DB)
    args = parser.parse_args()
    print(reading(args.db))


if __name__ == "__main__":
    main()
