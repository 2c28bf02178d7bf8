"""Managing people: create accounts, grant and end memberships, reset passwords, deactivate.

Every function takes the acting user, checks with accounts/people.py (scope and role order),
writes in one transaction and records an audit event. Accounts are never deleted: the audit
trail keeps the person; a deactivated account signs in nowhere and its tokens and sessions end.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hazardloop.accounts.models import ApiToken, Membership, User
from hazardloop.accounts.people import (
    Grant,
    OwnAccount,
    check_grant,
    may_end,
    membership_key,
    require_manage,
)
from hazardloop.audit.services import record_event
from hazardloop.core.errors import DomainError
from hazardloop.lib import phones

USERNAME_MAX, NAME_MAX, PHONE_MAX = 150, 100, 32
# Unambiguous letters and digits (no 0/O, 1/l/I) for passwords read out over the phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class InvalidPerson(DomainError):
    """The account data does not pass: `errors` lists one translated message per problem."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


class UsernameTaken(DomainError):
    status = 409
    code = "username_taken"


def temporary_password() -> str:
    """16 random characters in four groups, e.g. `k7Pq-x3Mz-Ha9d-Ue2W`."""
    chars = "".join(secrets.choice(_ALPHABET) for _i in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


@dataclass
class PersonData:
    username: str
    name: str = ""
    phone: str = ""
    password: str | None = None
    grants: list[Grant] = field(default_factory=list)


def clean_person(data: PersonData, *, check_username: bool = True) -> PersonData:
    """Normalise and check the fields (not the grants); InvalidPerson or UsernameTaken."""
    errors = []
    username = (data.username or "").strip()
    name = (data.name or "").strip()
    phone = (data.phone or "").strip()
    if not username:
        errors.append(_("Give a username."))
    elif len(username) > USERNAME_MAX:
        errors.append(_("The username is longer than %(n)d characters.") % {"n": USERNAME_MAX})
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors.append(
                _("A username may hold letters, digits and @ . + - _ only, without spaces.")
            )
    if len(name) > NAME_MAX:
        errors.append(_("The name is longer than %(n)d characters.") % {"n": NAME_MAX})
    if phone:
        try:
            phone = phones.validate(phone[:PHONE_MAX])
        except phones.PhoneError:
            errors.append(_("The phone number is not a Chinese mobile or fixed-line number."))
    if data.password is not None:
        try:
            password_validation.validate_password(
                data.password, User(username=username, display_name=name)
            )
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise InvalidPerson(errors)
    if check_username and User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(_("The username %(name)s is taken.") % {"name": username})
    return PersonData(username, name, phone, data.password, list(data.grants))


def _grant_audit(grant: Grant) -> dict:
    return {"role": grant.role, "place": str(grant.unit or grant.department or grant.region)}


def _membership(user: User, grant: Grant) -> Membership:
    return Membership(
        user=user,
        role=grant.role,
        unit=grant.unit,
        department=grant.department,
        region_id=grant.region_code,
    )


def create_person(data: PersonData, *, actor: User) -> tuple[User, str | None]:
    """Create an account holding `data.grants` (at least one, each one `actor` may grant).

    Without a password a temporary one is made and returned (shown once). Either way the
    password was chosen by someone else, so its owner must change it at the next sign-in."""
    data = clean_person(data)
    if not data.grants:
        raise InvalidPerson([_("Give the person at least one role.")])
    for grant in data.grants:
        check_grant(actor, grant)
    temporary = None if data.password is not None else temporary_password()
    with transaction.atomic():
        user = User(
            username=data.username,
            display_name=data.name,
            phone=data.phone,
            must_change_password=True,
        )
        user.set_password(data.password if data.password is not None else temporary)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same username, created at the same moment by someone else
            raise UsernameTaken(
                _("The username %(name)s is taken.") % {"name": data.username}
            ) from None
        unique = {g.key(): g for g in data.grants}
        Membership.objects.bulk_create([_membership(user, g) for g in unique.values()])
        record_event(
            "account.created",
            actor=actor,
            obj=user,
            region_code=data.grants[0].region_code,
            after={
                "username": user.username,
                "name": user.display_name,
                "phone": user.phone,
                "memberships": [_grant_audit(g) for g in unique.values()],
            },
        )
    return user, temporary


def update_person(person: User, *, actor: User, name: str, phone: str) -> User:
    require_manage(actor, person)
    data = clean_person(PersonData(person.username, name, phone), check_username=False)
    before = {"name": person.display_name, "phone": person.phone}
    after = {"name": data.name, "phone": data.phone}
    if before == after:
        return person
    with transaction.atomic():
        person.display_name, person.phone = data.name, data.phone
        person.save(update_fields=["display_name", "phone"])
        record_event("account.updated", actor=actor, obj=person, before=before, after=after)
    return person


def grant_membership(person: User, grant: Grant, *, actor: User) -> Membership:
    """Give `person` a role (reactivating an ended identical one). Not to oneself."""
    if person.pk == actor.pk:
        raise OwnAccount(_("Your own roles are changed by an office above you."))
    check_grant(actor, grant)
    with transaction.atomic():
        existing = [
            m for m in person.memberships.select_for_update() if membership_key(m) == grant.key()
        ]
        if existing and existing[0].is_active:
            return existing[0]
        if existing:
            membership = existing[0]
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        else:
            membership = _membership(person, grant)
            membership.save()
        record_event(
            "membership.granted",
            actor=actor,
            obj=person,
            region_code=grant.region_code,
            after=_grant_audit(grant),
        )
    return membership


def end_membership(membership: Membership, *, actor: User) -> Membership:
    """End a role (kept, inactive, for the record). Only one `actor` could grant."""
    person = membership.user
    if person.pk == actor.pk:
        raise OwnAccount(_("Your own roles are changed by an office above you."))
    if not may_end(actor, membership):
        record_event("access.denied", actor=actor, obj=person, message="membership.end refused")
        raise PermissionDenied(_("You may not end this role: it is above yours or elsewhere."))
    if membership.is_active:
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(is_active=False)
            membership.is_active = False
            record_event(
                "membership.ended",
                actor=actor,
                obj=person,
                region_code=membership.region_id,
                before={"role": membership.role, "place": str(membership)},
            )
    return membership


def set_memberships(person: User, grants: list[Grant], *, actor: User) -> User:
    """Make `person`'s active roles that `actor` manages exactly `grants`; roles outside the
    actor's reach are left as they are. All checked before anything is written."""
    if person.pk == actor.pk:
        raise OwnAccount(_("Your own roles are changed by an office above you."))
    for grant in grants:
        check_grant(actor, grant)
    wanted = {g.key(): g for g in grants}
    with transaction.atomic():
        current = list(person.memberships.select_for_update().select_related("region"))
        for m in current:
            if m.is_active and membership_key(m) not in wanted and may_end(actor, m):
                end_membership(m, actor=actor)
        for grant in wanted.values():
            grant_membership(person, grant, actor=actor)
    return person


def end_sessions(user: User) -> int:
    """Delete the stored sessions signed in as `user` (live ones only: idle ones expire)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def reset_password(person: User, *, actor: User, method: str) -> str:
    """`method` "temporary": set a random password (returned, shown once) that must be changed
    at the next sign-in; the person's tokens and sessions end. "link": return the path of a
    one-time link (valid PASSWORD_RESET_TIMEOUT, dead once used or the password changes)."""
    require_manage(actor, person)
    if method not in ("temporary", "link"):
        raise DomainError(_("Choose a temporary password or a one-time link."), code="invalid")
    if method == "link":
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        token = default_token_generator.make_token(person)
        record_event("password.reset_link", actor=actor, obj=person)
        return f"/account/reset/{uid}/{token}/"
    password = temporary_password()
    with transaction.atomic():
        person.set_password(password)
        person.must_change_password = True
        person.save(update_fields=["password", "must_change_password"])
        revoked = _revoke_tokens(person)
        record_event(
            "password.reset_temporary",
            actor=actor,
            obj=person,
            after={"tokens_revoked": revoked},
        )
    end_sessions(person)
    return password


def set_active(person: User, *, actor: User, active: bool) -> User:
    """Deactivate (sign-in refused, every API token revoked, every session ended) or
    reactivate an account. Never deletes: the audit trail keeps the person."""
    require_manage(actor, person)
    if person.is_active == active:
        return person
    with transaction.atomic():
        person.is_active = active
        person.save(update_fields=["is_active"])
        revoked = 0 if active else _revoke_tokens(person)
        record_event(
            "account.reactivated" if active else "account.deactivated",
            actor=actor,
            obj=person,
            after={"tokens_revoked": revoked} if not active else None,
        )
    if not active:
        end_sessions(person)
    return person
