import pytest

from hazardloop.testing import build_cast, ensure_reference_data


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is slow by design; tests that check hashing itself read PASSWORD_HASHERS directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    ensure_reference_data()


@pytest.fixture
def cast(db):
    return build_cast()
