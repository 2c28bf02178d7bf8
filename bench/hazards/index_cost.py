"""What the indexes of the tables a step writes cost the database: the same writes on two
databases in turn, statement by statement, so that the machine's drift falls on both alike.

    createdb -T hl_step2 hl_step2_new     # a copy, then: manage.py migrate on the copy only
    .venv/bin/python bench/hazards/index_cost.py --a hl_step2 --b hl_step2_new [--steps 600]

Each round, on each database (the order alternating A B, then B A), in a transaction that is
rolled back: a step's writes to the tables whose indexes differ — the hazard's status moved
(found → ordered, an order; submitted → closed, a verify), its event inserted, a notification
to a unit member, an audit event — timed from the first statement to the last (the server's
time and one round trip each; no Python of the application). The rollback keeps both
databases as they were. Prints the p50 of each database, per kind of step, in µs.
"""

import argparse
import random
import statistics
import time

import psycopg

URL = "postgresql://postgres@127.0.0.1:5432/{}"
MOVES = {"order": ("found", "ordered"), "verify": ("submitted", "closed")}
WRITES = [
    "UPDATE hazards_hazard SET status = %(to)s, updated_at = now(), version = version + 1, "
    "clock = '' WHERE id = %(id)s",
    "INSERT INTO hazards_hazardevent (hazard_id, kind, from_status, to_status, actor_id, at, "
    "reason, data) VALUES (%(id)s, %(kind)s, %(from)s, %(to)s, %(actor)s, now(), '', '{}')",
    "INSERT INTO notifications_notification (recipient_id, key, message, params, link, "
    "object_type, object_id, region_code, created_at, email_attempts) VALUES (%(actor)s, "
    "%(key)s, 'bench', '{}', '', 'hazards.hazard', %(id)s::text, '220102', now(), 0)",
    "INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id, "
    "object_repr, region_code, ip, user_agent, message, before, after, prev_hash, hash, "
    "actor_id, chain, chain_seq) SELECT max(seq) + 1, now(), 'bench', 'hazard.bench', "
    "'hazards.hazard', %(id)s::text, 'bench', '220102', '', '', '', '{}', '{}', '', '', "
    "%(actor)s, 0, max(seq) + 1 FROM audit_auditevent",
]


def _ids(conn, status: str, n: int) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM hazards_hazard WHERE status = %s ORDER BY random() LIMIT %s", (status, n)
    ).fetchall()
    return [r[0] for r in rows]


def _one(conn, values: dict) -> float:
    conn.execute("BEGIN")
    started = time.perf_counter()
    for sql in WRITES:
        conn.execute(sql, values)
    took = time.perf_counter() - started
    conn.execute("ROLLBACK")
    return took * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True, help="database A (e.g. the indexes before)")
    parser.add_argument("--b", required=True, help="database B (the same data, after)")
    parser.add_argument("--steps", type=int, default=600, help="per kind of step")
    args = parser.parse_args()
    conns = {
        name: psycopg.connect(URL.format(name), autocommit=True, prepare_threshold=0)
        for name in (args.a, args.b)
    }
    actor = conns[args.a].execute("SELECT min(id) FROM accounts_user").fetchone()[0]
    rng = random.Random(7)
    for kind, (before, after) in MOVES.items():
        ids = _ids(conns[args.a], before, args.steps)
        took: dict[str, list[float]] = {args.a: [], args.b: []}
        for i, hazard_id in enumerate(ids):
            order = (args.a, args.b) if i % 2 == 0 else (args.b, args.a)
            values = {
                "id": hazard_id,
                "to": after,
                "from": before,
                "kind": kind,
                "actor": actor,
                "key": f"bench:{rng.random()}",
            }
            for name in order:
                took[name].append(_one(conns[name], values))
        warm = {name: times[20:] for name, times in took.items()}  # the first runs plan
        print(
            f"{kind:7} writes p50: {args.a} {statistics.median(warm[args.a]):6.0f} µs, "
            f"{args.b} {statistics.median(warm[args.b]):6.0f} µs (n {len(warm[args.a])})"
        )


if __name__ == "__main__":
    main()
