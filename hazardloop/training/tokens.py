"""Short-lived signed links for a staff member's phone (no account): signing a training's
attendance, and taking a unit's 四个能力 quiz. The token carries the training or the unit and
is valid for settings.TRAINING_LINK_MINUTES; nothing is stored for it."""

from django.conf import settings
from django.core import signing

SIGN, QUIZ = "training.sign", "training.quiz"


def make_token(purpose: str, pk: int) -> str:
    return signing.dumps(pk, salt=purpose, compress=False)


def read_token(purpose: str, token: str) -> int | None:
    """The id the token carries, or None when it is forged, for another purpose or too old."""
    try:
        value = signing.loads(token, salt=purpose, max_age=settings.TRAINING_LINK_MINUTES * 60)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value if isinstance(value, int) and value > 0 else None
