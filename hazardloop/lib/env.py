"""Reading configuration from the environment, loudly.

Every setting hazardloop reads from the environment goes through these helpers, so that a
misspelt value stops the process at start-up with a message naming the variable.
"""

import os


class ConfigError(RuntimeError):
    """A configuration value is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(
        f"Environment variable {name} must be a boolean (1/0, true/false), not {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(
            f"Environment variable {name} must be an integer, not {value!r}."
        ) from None


def env_int_list(name: str, default: list[int]) -> list[int]:
    """Comma-separated whole numbers ("30,365")."""
    items = env_list(name, [str(n) for n in default])
    try:
        return [int(item) for item in items]
    except ValueError:
        raise ConfigError(
            f"Environment variable {name} must be whole numbers separated by commas, "
            f"not {os.environ.get(name)!r}."
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
