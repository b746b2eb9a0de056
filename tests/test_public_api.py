"""The public API: `journey.__all__` and each section's, in the style of httpx's test_exported_members.

Every exported name resolves, is defined inside journey, appears in dir(); the lists are sorted and
unique; every error class is exported; and `import journey` / `python -m journey --help` stay cheap:
none of the heavy libraries is imported until a name that needs it is used.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest
from conftest import ROOT

import journey
import journey.core.errors

PACKAGES = (
    "journey",
    "journey.core",
    "journey.plan",
    "journey.write",
    "journey.measure",
    "journey.measure.imports",
)
LAZY_PACKAGES = tuple(name for name in PACKAGES if name != "journey.core")
HEAVY = ("streamlit", "altair", "sqlalchemy", "sqlmodel", "liquid", "mjml", "nh3", "pandas")


def defining_module(package: str, name: str):
    """The module that defines `package.name`, following lazy packages that re-export a sub-package."""
    module = importlib.import_module(package)
    while hasattr(module, "_EXPORTS") and name in module._EXPORTS:
        module = importlib.import_module(module._EXPORTS[name])
    return module


def exported(package: str) -> list[tuple[str, str]]:
    return [(package, name) for name in importlib.import_module(package).__all__]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_unique(package):
    names = importlib.import_module(package).__all__
    assert names, f"{package} exports nothing"
    assert names == sorted(set(names)), f"{package}.__all__ is not sorted, or lists a name twice"


@pytest.mark.parametrize(
    ("package", "name"),
    [pytest.param(*pair, id=".".join(pair)) for package in PACKAGES for pair in exported(package)],
)
def test_every_exported_name_resolves_to_something_defined_in_journey(package, name):
    value = getattr(importlib.import_module(package), name)
    module = getattr(value, "__module__", None)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert (module or "").startswith("journey."), f"{package}.{name} comes from {module}"
    else:  # a constant (a dict, a tuple): a module-level name of the module _EXPORTS names
        owner = defining_module(package, name)
        assert vars(owner).get(name) is value, f"{package}.{name} is not defined in {owner.__name__}"


@pytest.mark.parametrize("package", PACKAGES)
def test_dir_lists_every_exported_name(package):
    module = importlib.import_module(package)
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_exports_point_at_modules_inside_the_package_or_a_section(package):
    for name, module in importlib.import_module(package)._EXPORTS.items():
        assert module.startswith("journey."), f"{package}.{name} points outside journey: {module}"
        if package != "journey":
            assert module.startswith(package + "."), f"{package}.{name} lives outside {package}: {module}"


def test_every_top_level_name_is_exported_by_its_section():
    for name, section in journey._EXPORTS.items():
        assert name in importlib.import_module(section).__all__, (
            f"journey.{name}: {section} does not export it"
        )


@pytest.mark.parametrize("package", PACKAGES)
def test_no_exported_name_is_also_a_submodule(package):
    """A name equal to a submodule would turn into the module once that submodule is imported."""
    module = importlib.import_module(package)
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    assert not submodules & set(module.__all__)


def test_every_error_class_is_exported():
    errors = {
        name
        for name, value in vars(journey.core.errors).items()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and value.__module__ == "journey.core.errors"
    }
    assert "JourneyError" in errors
    assert errors <= set(journey.__all__), sorted(errors - set(journey.__all__))
    assert errors <= set(journey.core.__all__), sorted(errors - set(journey.core.__all__))
    for name in errors:
        assert getattr(journey, name) is getattr(journey.core.errors, name)


def test_the_main_services_are_in_the_flat_namespace():
    for name in (
        "list_journeys",
        "load_tree",
        "check_journey",
        "check_email",
        "render_email",
        "preview",
        "import_metrics",
        "weekly_review",
        "Finding",
    ):
        assert name in journey.__all__, name
    assert journey.check_journey is importlib.import_module("journey.plan.checks").check_journey


def test_an_unknown_name_raises_attribute_error_and_submodules_still_import():
    with pytest.raises(AttributeError, match="no_such_service"):
        journey.no_such_service  # noqa: B018
    from journey.plan import journeys

    assert journeys.list_journeys is journey.list_journeys


def imported_modules(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_importing_journey_and_its_sections_imports_no_heavy_library():
    modules = imported_modules(
        "import journey, journey.core, journey.plan, journey.write, journey.measure, journey.measure.imports\n"
        "dir(journey)"
    )
    assert "journey.plan" in modules
    assert heavy(modules) == []
    assert not {m for m in modules if m.startswith("journey.") and m.count(".") > 1} - {
        "journey.core.errors",
        "journey.core.fields",
        "journey.core.findings",
        "journey.core.lazy",
        "journey.measure.imports",
    }


def test_the_lazy_check_can_fail_a_name_imports_its_library_on_use():
    """Guards the test above: the same subprocess sees sqlalchemy once a service is used."""
    modules = imported_modules("import journey\njourney.list_journeys")
    assert "journey.plan.journeys" in modules
    assert "sqlalchemy" in heavy(modules)


@pytest.mark.parametrize(
    "argv", [["--help"], ["render", "--help"], ["check-journey", "--help"]], ids=" ".join
)
def test_cli_help_imports_no_heavy_library(argv):
    """`python -m journey … --help` in a fresh process, the modules it loaded listed on stderr.

    (sys.modules rather than `-X importtime`, which does not see modules loaded by importlib.)
    """
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['journey', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('journey', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m journey" in result.stdout
    modules = set(result.stderr.split())
    assert {"journey.cli.studio", "journey.cli.journeys"} <= modules
    assert heavy(modules) == []
    assert not {"db", "journey.write.render", "journey.plan.checks"} & modules
