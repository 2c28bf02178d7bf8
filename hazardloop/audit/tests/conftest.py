import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _numbered_from_one_in_chain_one(request):
    """The single-chain tests (test_chain.py) name events by number (`seq = 4`) and the chain
    head by its row (`id = 1`), as they did when there was one chain. On PostgreSQL the numbers
    come from a sequence that a rolled-back test does not rewind and a writer may take any chain,
    so each test starts the sequence again and prefers chain 1 (free in a single-threaded test,
    so it is the one taken). test_chains.py tests several chains."""
    if not request.module.__name__.endswith(".test_chain"):
        yield
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('audit_event_seq', 1, false)")
    connection._hl_audit_chain = 1
    yield
    connection.__dict__.pop("_hl_audit_chain", None)
