"""Imports flow one way (STYLE.md): each app imports only from apps to its left."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Left to right. Apps in one group may not import each other.
ORDER = [
    ["lib"],
    ["core"],
    ["audit"],
    ["regions"],
    ["accounts"],
    ["notifications"],
    ["units"],
    ["evidence"],
    ["checklists"],
    ["hazards"],
    ["supervision"],
    ["inspections"],
    ["duty", "obligations"],
    ["training"],
    ["campaigns", "permits", "drills"],
    ["publicity"],
    ["accidents"],
    ["tips"],
    ["accountability"],
    ["reports"],
    ["workbench"],
    ["demo"],
    ["api"],
]
RANK = {app: i for i, group in enumerate(ORDER) for app in group}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_every_app_has_a_place_in_the_order():
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    unplaced = apps - set(RANK)
    assert not unplaced, f"add these apps to ORDER in {__file__}: {sorted(unplaced)}"


def test_imports_flow_one_way():
    wrong = []
    for app, rank in RANK.items():
        folder = PACKAGE / app
        if not folder.exists():
            continue
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).parts
            if parts[0] in ("tests", "migrations"):
                continue
            for module in _imports(path):
                bits = module.split(".")
                if len(bits) < 2 or bits[0] != "hazardloop" or bits[1] not in RANK:
                    continue
                other = bits[1]
                if other != app and RANK[other] >= rank:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)
