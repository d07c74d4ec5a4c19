"""The house: each app imports only the apps on its own floor or below (STYLE.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# From the ground floor up. A lower app reaches a higher one through reverse relations,
# signals or the registries in core (daily work), never by importing it.
FLOORS = [
    "core",
    "accounts",
    "memberstates",
    "taskforces",
    "meetings",
    "actionplans",
    "consultations",
    "knowledge",
    "partners",
    "linkages",
    "indicators",
    "d8portal",
]


def imported_apps(path):
    """(line, app) of every absolute import of a portal app in the file, nested ones included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in FLOORS:
                yield node.lineno, top


def upward_imports(app):
    floor = FLOORS.index(app)
    return [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, other in imported_apps(path)
        if FLOORS.index(other) > floor
    ]


def test_every_app_of_the_tree_has_a_floor():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(FLOORS), f"apps without a floor: {sorted(apps - set(FLOORS))}"


@pytest.mark.parametrize("app", FLOORS)
def test_no_module_imports_an_app_above_its_own(app):
    assert upward_imports(app) == []


def test_the_walk_sees_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from consultations.models import Consultation\n")
    assert list(imported_apps(module)) == [(2, "consultations")]


def test_pages_ask_whether_the_reader_is_the_secretariat_in_one_place():
    """Templates use `is_secretariat` (accounts.roles, through the context processor); the
    admin's own templates may keep Django's `is_staff`."""
    spelled_out = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "admin" not in path.relative_to(ROOT / "templates").parts
        and "is_staff" in path.read_text()
    ]
    assert spelled_out == []
