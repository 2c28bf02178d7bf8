"""Regions (GB/T 2260 administrative divisions), sectors and government departments.

A region's code carries its ancestry: every region below a prefecture starts with the
prefecture's first four digits, and so on. "This region and everything under it" is therefore a
range over one indexed code column (`Region.subtree_q`), the same on SQLite and PostgreSQL, and
every hot table carries the region code of the place it belongs to.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from hazardloop.regions import codes
from hazardloop.regions.choices import (
    CODE_MAX_LENGTH,
    PREFIX_LENGTH,
    DepartmentKind,
    RegionLevel,
)

# The subtree helpers live in `codes`; re-exported here for the many `regions.models` importers.
subtree_bounds = codes.subtree_bounds
subtree_filter = codes.subtree_filter


class BilingualNameMixin:
    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __str__(self) -> str:
        return self.name


class Region(BilingualNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, primary_key=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    prefix = models.CharField(_("code prefix"), max_length=CODE_MAX_LENGTH, db_index=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)
    is_statistical = models.BooleanField(
        _("statistical code only"),
        default=False,
        help_text=_("Development zones carry NBS statistical codes, not GB/T 2260 codes."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def save(self, *args, **kwargs):
        self.prefix = self.prefix_for(self.code, self.level)
        super().save(*args, **kwargs)

    @staticmethod
    def prefix_for(code: str, level: str) -> str:
        return code[: PREFIX_LENGTH[RegionLevel(level)]]

    def subtree_q(self, field: str = "region") -> Q:
        """Rows whose `field` region code is this region or lies below it."""
        return subtree_filter(field, self.prefix)

    @property
    def option_label(self) -> str:
        """The name as an option of a region list: counties and zones indented under their
        prefecture."""
        return f"\u3000{self.name}" if self.level in ("county", "zone") else self.name

    @property
    def own_label(self) -> str:
        """The name of the "directly under" row of a table of its child regions: this region's
        own records, filed at its code or under no loaded child (本级)."""
        return gettext("%(name)s (directly under)") % {"name": self.name}

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    def ancestors(self) -> list["Region"]:
        """This region's ancestors, province first, in one query."""
        prefixes = {codes.prefix(code) for code in codes.ancestors(self.prefix)}
        rows = Region.objects.filter(prefix__in=prefixes).exclude(code=self.code)
        return sorted(rows, key=lambda r: len(r.prefix))


class Sector(BilingualNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Department(BilingualNameMixin, models.Model):
    """A government body in a region, with the sectors it supervises (管行业必须管安全)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="departments")
    doc_prefix = models.CharField(
        _("document prefix"),
        max_length=32,
        blank=True,
        help_text=_("Prefix of the numbered documents this department issues, e.g. 长南消限字."),
    )

    class Meta:
        ordering = ["region_id", "kind"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"], name="department_one_kind_per_region"
            )
        ]
