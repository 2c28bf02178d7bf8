"""The demo logins printed by `load_demo` (and so by `make run`) say who each account is: the
staff's post and the unit each `unit@` account manages."""

from io import StringIO

import pytest

from hazardloop.accounts.choices import Role
from hazardloop.demo.management.commands.load_demo import Command
from hazardloop.testing import make_user

pytestmark = pytest.mark.django_db


def test_each_unit_account_names_the_unit_it_manages(cast):
    make_user(f"unit@{cast.unit.uscc}", Role.UNIT_MANAGER, unit=cast.unit)
    make_user(f"unit@{cast.neighbour_unit.uscc}", Role.UNIT_MANAGER, unit=cast.neighbour_unit)
    out = StringIO()
    command = Command(stdout=out)
    command.print_logins()
    lines = out.getvalue().splitlines()
    mine = next(line for line in lines if f"unit@{cast.unit.uscc}" in line)
    assert "南关测试饺子馆" in mine and "南关区" in mine
    theirs = next(line for line in lines if f"unit@{cast.neighbour_unit.uscc}" in line)
    assert "宽城测试烧烤店" in theirs and "宽城区" in theirs
    assert any("regulator@220102" in line and "南关区应急局" in line for line in lines)
