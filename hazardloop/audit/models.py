"""The append-only, hash-chained audit log.

Each event's hash covers its own fields and the previous event's hash in its chain, so altering
or deleting any row breaks that chain at that row (`manage.py verify_audit`). There are several
chains (`settings.AUDIT_CHAINS`, docs/adr/0003-audit-chain.md): each has a head row that its
writer updates first — the lock that keeps that chain linear — and a writer takes whichever
chain no other transaction holds, so concurrent writers do not queue behind one row. SQLite
(which serialises writers anyway) uses chain 1 alone.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    # The event's number across all chains (the order in which they were written; on PostgreSQL
    # from a sequence, so a rolled-back write leaves a gap). Hashed.
    seq = models.BigIntegerField(_("sequence"), unique=True)
    # Its chain and position there (1, 2, … without gaps). Not hashed: the links bind them (each
    # chain starts from its own genesis hash and each event names its predecessor's hash).
    chain = models.PositiveSmallIntegerField(default=1)
    chain_seq = models.BigIntegerField()
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    # Asked only with its object's id: audit_object serves it (the two indexes of its own,
    # equality and prefix, were two more to write at every audited change).
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, db_index=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]
        constraints = [
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_chain_position")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")


class AuditChainHead(models.Model):
    """One row per chain (`id` is the chain's number): its newest event's position in the chain
    (`seq`, the chain's length) and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"
