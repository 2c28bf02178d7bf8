"""Upgrading a database loaded before this release brings the shipped rule sets up to date,
except one the province has edited in the product."""

import importlib

import pytest
from django.apps import apps

from hazardloop.hazards.models import RuleSet, RuleSetVersion
from hazardloop.hazards.tests.helpers import ensure_rules

reload = importlib.import_module("hazardloop.hazards.migrations.0011_reload_shipped_rule_sets")


@pytest.mark.django_db
def test_an_unedited_rule_set_is_replaced_and_an_edited_one_kept(cast):
    ensure_rules()
    gb = RuleSet.objects.get(family="gb35181")
    gongmao = RuleSet.objects.get(family="gongmao")
    shipped = dict(gb.data)
    old = {k: v for k, v in shipped.items() if k != "direct_places"}  # as 0002 loaded it
    RuleSet.objects.filter(pk=gb.pk).update(data=old)
    RuleSet.objects.filter(pk=gongmao.pk).update(data={**gongmao.data, "title": "省里改过"})
    RuleSetVersion.objects.create(
        rule_set=gongmao, number=2, data={}, saved_by=cast.province_regulator, saved_at=gb.loaded_at
    )
    RuleSet.objects.filter(code="HAZCHEM-121-2017").delete()

    reload.forwards(apps, None)

    gb.refresh_from_db()
    assert gb.data == shipped and gb.versions.first().note == reload.NOTE
    assert gb.version == gb.versions.first().number
    assert RuleSet.objects.get(pk=gongmao.pk).data["title"] == "省里改过"
    assert RuleSet.objects.filter(code="HAZCHEM-121-2017").exists()
    before = RuleSetVersion.objects.count()
    reload.forwards(apps, None)  # nothing left to change
    assert RuleSetVersion.objects.count() == before
