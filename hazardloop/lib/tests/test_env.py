import pytest

from hazardloop.lib.env import ConfigError, env_bool, env_int, env_int_list, env_list, env_str


def test_env_helpers_read_and_default(monkeypatch):
    monkeypatch.setenv("HL_T_BOOL", "yes")
    monkeypatch.setenv("HL_T_INT", "42")
    monkeypatch.setenv("HL_T_LIST", "a, b,,c")
    assert env_bool("HL_T_BOOL") is True
    assert env_bool("HL_T_MISSING", True) is True
    assert env_int("HL_T_INT", 1) == 42
    assert env_list("HL_T_LIST", []) == ["a", "b", "c"]
    assert env_str("HL_T_MISSING", "x") == "x"


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("HL_T_BOOL", "maybe")
    monkeypatch.setenv("HL_T_INT", "forty")
    with pytest.raises(ConfigError, match="HL_T_BOOL"):
        env_bool("HL_T_BOOL")
    with pytest.raises(ConfigError, match="HL_T_INT"):
        env_int("HL_T_INT", 0)
    with pytest.raises(ConfigError, match="HL_T_REQUIRED"):
        env_str("HL_T_REQUIRED")


def test_a_list_of_whole_numbers(monkeypatch):
    assert env_int_list("HL_T_NUMBERS", [30, 365]) == [30, 365]
    monkeypatch.setenv("HL_T_NUMBERS", "7, 30")
    assert env_int_list("HL_T_NUMBERS", []) == [7, 30]
    monkeypatch.setenv("HL_T_NUMBERS", "")
    assert env_int_list("HL_T_NUMBERS", [30]) == []  # set empty: none
    monkeypatch.setenv("HL_T_NUMBERS", "30,a year")
    with pytest.raises(ConfigError, match="HL_T_NUMBERS"):
        env_int_list("HL_T_NUMBERS", [])
