"""Document numbers stay gap-free and unique when many issuers number at once (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from hazardloop.supervision import numbering
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.models import DocumentCounter, EnforcementDocument
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.tests.helpers import at, departments, make_hazard

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL"
    ),
]
THREADS = 8
PER_THREAD = 5


def _run(target):
    errors = []
    barrier = threading.Barrier(THREADS)

    def worker(n):
        try:
            barrier.wait()
            target(n)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_allocations_from_many_threads_are_gap_free(reference_data):
    dept = departments()["fire"]
    got: list[int] = []
    lock = threading.Lock()

    def target(n):
        for i in range(PER_THREAD):
            with transaction.atomic():
                block = numbering.allocate(dept, DocumentKind.DEADLINE_ORDER, 2026, 1 + i % 3)
                if n == 0 and i == 0:
                    # A rolled-back allocation gives its numbers back: no gap.
                    transaction.set_rollback(True)
                    continue
            with lock:
                got.extend(block)

    _run(target)
    assert sorted(got) == list(range(1, len(got) + 1))
    counter = DocumentCounter.objects.get(department=dept, kind="deadline_order", year=2026)
    assert counter.last == len(got)


def test_documents_issued_at_once_get_consecutive_numbers(cast):
    depts = departments()
    hazard = make_hazard(cast)

    def target(n):
        for _ in range(PER_THREAD):
            issue_document(
                hazard,
                actor=cast.inspector,
                kind=DocumentKind.DEADLINE_ORDER,
                department=depts["fire"],
                rectify_due_at=at(2099, 12, 31),
            )

    _run(target)
    seqs = sorted(EnforcementDocument.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert EnforcementDocument.objects.values("number").distinct().count() == len(seqs)
