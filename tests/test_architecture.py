"""What may import what (docs/ARCHITECTURE.md), checked by parsing the sources with `ast`, never by importing.

Every `import` and `from … import` counts, at module level or inside a function; `if TYPE_CHECKING:`
blocks count too, except for the CLI's rule (its module level must stay cheap at run time).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

SECTIONS = ("plan", "write", "measure", "cli")
HEAVY = ("streamlit", "altair", "sqlalchemy", "sqlmodel", "liquid", "mjml", "nh3", "pandas", "vl_convert")

# Imports that break a rule today, each to be moved by the issue that owns that code. The test fails
# if a new one appears, and also if one of these disappears: then delete it from the list.
CHART_MODULES = {"journey/measure/charts.py", "journey/plan/charts.py"}  # the only Altair importers
KNOWN_PAGES_IMPORTING_DB: set[str] = set()


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the root, e.g. "journey/plan/maps.py"
    line: int
    module: str  # the module imported, or imported from: "journey.plan.journeys"
    name: str | None  # the name taken from it (`from module import name`), None for `import module`
    runtime_top_level: bool  # at module level and not under `if TYPE_CHECKING:`

    @property
    def targets(self) -> tuple[str, ...]:
        """The module, and module.name (which may be a submodule): what a prefix rule looks at."""
        return (self.module,) if self.name is None else (self.module, f"{self.module}.{self.name}")

    def starts_with(self, *prefixes: str) -> bool:
        return any(t == p or t.startswith(p + ".") for t in self.targets for p in prefixes)

    def __str__(self) -> str:
        what = self.module if self.name is None else f"{self.module} import {self.name}"
        return f"{self.path}:{self.line}: {what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of_source(source: str, path: str, package: str) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, top_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top_level
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) or is_type_checking(
                child
            ):
                inner = False
            if isinstance(child, ast.Import):
                found.extend(Import(path, child.lineno, alias.name, None, top_level) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level:  # relative: from the importing module's package
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    module = ".".join([*base, module] if module else base)
                found.extend(
                    Import(path, child.lineno, module, alias.name, top_level) for alias in child.names
                )
            visit(child, inner)

    visit(ast.parse(source), True)
    return found


def imports_of(path: Path) -> list[Import]:
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_of_source(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix(), package)


def files(*patterns: str) -> list[Path]:
    found = sorted({p for pattern in patterns for p in ROOT.glob(pattern)})
    assert found, f"no file matches {patterns}"
    return found


def violations(paths: list[Path], rule) -> list[str]:
    return [str(i) for path in paths for i in imports_of(path) if rule(i)]


def exported_names(package_dir: Path) -> set[str]:
    """The keys of a lazy package's `_EXPORTS` dict, or its literal `__all__`, read from its __init__.py."""
    tree = ast.parse((package_dir / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in {"_EXPORTS", "__all__"} for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:  # __all__ = list(_EXPORTS)
                continue
            return set(value)
    return set()


def section_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if parts[0] == "journey" and len(parts) > 2 and parts[1] in SECTIONS else None


JOURNEY = files("journey/**/*.py")
CORE = files("journey/core/**/*.py")
DB = files("db/**/*.py")
PAGES = files("pages/*.py", "pages/**/*.py")
CLI = files("journey/cli/**/*.py", "journey/__main__.py")


# --- the collector itself: the rules below are only as good as this -------------------------------


def test_the_collector_sees_every_kind_of_import():
    source = (
        "from __future__ import annotations\n"
        "import os.path, json as j\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from sqlmodel import Session\n"
        "from . import sibling\n"
        "from ..core.errors import NotFound\n"
        "def handler():\n"
        "    import altair as alt\n"
        "    from journey.write.render import render_email\n"
    )
    found = imports_of_source(source, "journey/plan/x.py", "journey.plan")
    assert [(i.module, i.name, i.runtime_top_level) for i in found] == [
        ("__future__", "annotations", True),
        ("os.path", None, True),
        ("json", None, True),
        ("typing", "TYPE_CHECKING", True),
        ("sqlmodel", "Session", False),
        ("journey.plan", "sibling", True),
        ("journey.core.errors", "NotFound", True),
        ("altair", None, False),
        ("journey.write.render", "render_email", False),
    ]
    assert found[5].starts_with("journey.plan.sibling")
    assert not found[7].starts_with("alt")


def test_the_collector_reads_the_real_tree():
    """Guards against a glob or a parser that silently finds nothing."""
    assert any(i.starts_with("altair") for i in imports_of(ROOT / "journey/plan/charts.py"))
    assert any(i.starts_with("journey.measure.metrics") for i in imports_of(ROOT / "journey/plan/maps.py"))
    assert ROOT / "journey/measure/charts.py" in JOURNEY
    assert ROOT / "db/models.py" in DB


# --- the layers ---------------------------------------------------------------------------------------


def test_journey_never_imports_streamlit():
    assert violations(JOURNEY, lambda i: i.starts_with("streamlit")) == []


def test_core_imports_no_section():
    assert violations(CORE, lambda i: i.starts_with(*(f"journey.{s}" for s in SECTIONS))) == []


def test_db_imports_nothing_of_journey_nor_streamlit():
    assert violations(DB, lambda i: i.starts_with("journey", "streamlit", "ui", "pages")) == []


def test_only_the_cli_imports_the_cli():
    others = [p for p in JOURNEY if p not in CLI]
    assert violations(others, lambda i: i.starts_with("journey.cli", "journey.__main__")) == []


def test_only_the_chart_modules_import_altair():
    everything = JOURNEY + PAGES + DB + files("ui/**/*.py", "app.py")
    importing = {i.path for path in everything for i in imports_of(path) if i.starts_with("altair")}
    assert importing == CHART_MODULES, (
        f"altair belongs in a section's charts.py, not in {sorted(importing - CHART_MODULES)}"
    )


def test_pages_import_no_database_layer():
    """Pages go through ui and journey: no db, no sqlalchemy, no sqlmodel."""
    bad = [i for path in PAGES for i in imports_of(path) if i.starts_with("db", "sqlalchemy", "sqlmodel")]
    new = [str(i) for i in bad if i.path not in KNOWN_PAGES_IMPORTING_DB]
    assert new == []
    gone = KNOWN_PAGES_IMPORTING_DB - {i.path for i in bad}
    assert gone == set(), f"{sorted(gone)} no longer import db: delete them from KNOWN_PAGES_IMPORTING_DB"


# --- sections -----------------------------------------------------------------------------------------


def cross_section_problem(i: Import) -> str | None:
    """Why an import from another section is not through its public names, or None when it is."""
    own = section_of(i.path)
    if own is None or not i.module.startswith("journey."):
        return None
    parts = i.module.split(".")
    other = parts[1]
    if other not in SECTIONS or other == own:
        return None
    if any(part.startswith("_") for part in parts) or (i.name or "").startswith("_"):
        return "a private module or name"
    package_dir = ROOT.joinpath(*parts)
    if i.name is not None and (package_dir / "__init__.py").is_file():
        public_module = (package_dir / f"{i.name}.py").is_file() or (package_dir / i.name).is_dir()
        if not public_module and i.name not in exported_names(package_dir):
            return f"{i.name} is not in {i.module}'s public names (_EXPORTS)"
    return None


def test_sections_import_each_other_only_through_public_names():
    problems = [
        f"{i}: {why}"
        for path in JOURNEY
        for i in imports_of(path)
        if (why := cross_section_problem(i)) is not None
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("path", "line", "allowed"),
    [
        pytest.param(
            "journey/write/variants.py", "from journey.plan.journeys import get_email", True, id="module"
        ),
        pytest.param("journey/cli/x.py", "from journey.plan import journeys", True, id="submodule"),
        pytest.param("journey/cli/x.py", "from journey.plan import check_journey", True, id="exported-name"),
        pytest.param("journey/plan/x.py", "from journey.plan import _private", True, id="own-section"),
        pytest.param("journey/cli/x.py", "from journey.plan import no_such_name", False, id="not-exported"),
        pytest.param(
            "journey/plan/x.py", "from journey.write.render import _inner", False, id="private-name"
        ),
        pytest.param("journey/plan/x.py", "import journey.write._scan", False, id="private-module"),
    ],
)
def test_the_cross_section_rule_can_tell_public_from_private(path, line, allowed):
    (found,) = imports_of_source(line, path, "journey." + path.split("/")[1])
    assert (cross_section_problem(found) is None) is allowed


# --- the CLI starts fast -----------------------------------------------------------------------------


def test_cli_modules_import_only_the_standard_library_at_module_level():
    """`register` builds parsers; each handler imports its services when it runs (see journey/cli)."""
    allowed_first_party = ("journey.cli", "journey.core")

    def heavy_at_top(i: Import) -> bool:
        if not i.runtime_top_level or i.module == "__future__":
            return False
        if i.starts_with(*allowed_first_party):
            return False
        return i.module.split(".")[0] not in sys.stdlib_module_names

    assert violations(CLI, heavy_at_top) == []
    deferred = [i for path in CLI for i in imports_of(path) if not i.runtime_top_level]
    assert any(i.starts_with("journey.write.render") for i in deferred)


def test_the_package_init_files_import_no_heavy_library():
    inits = [p for p in JOURNEY if p.name == "__init__.py"] + [ROOT / "journey/__main__.py"]
    assert violations(inits, lambda i: i.starts_with(*HEAVY, "db")) == []
