"""Units (生产经营单位 / 社会单位): every business and venue a regulator supervises."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.units.choices import GasUse, RiskLevel


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="units", verbose_name=_("region")
    )
    sector = models.ForeignKey(
        "regions.Sector", on_delete=models.PROTECT, related_name="units", verbose_name=_("sector")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    business_hours = models.CharField(_("business hours"), max_length=100, blank=True)

    is_fire_key_unit = models.BooleanField(_("fire-safety key unit"), default=False)
    is_crowded_place = models.BooleanField(_("crowded place"), default=False)
    is_public_gathering = models.BooleanField(_("public gathering place"), default=False)
    gas_use = models.CharField(
        _("gas use"), max_length=16, choices=GasUse.choices, default=GasUse.NONE
    )
    lpg_cylinders = models.PositiveSmallIntegerField(_("LPG cylinders"), default=0)
    lpg_stored_kg = models.PositiveIntegerField(_("LPG stored (kg)"), default=0)

    principal_name = models.CharField(_("principal responsible person"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=32, blank=True)
    safety_manager_name = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager's phone"), max_length=32, blank=True)

    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["region", "id"], name="unit_region_id"),
            models.Index(fields=["sector", "region"], name="unit_sector_region"),
        ]

    def __str__(self) -> str:
        return self.name
