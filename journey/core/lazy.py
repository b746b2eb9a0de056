"""Lazy public names for a package (PEP 562): `import journey` stays cheap, a name loads its module on use.

    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

`_EXPORTS` maps each public name to the module that defines it; the package's `__all__` is its keys.
The first `package.name` imports that module and keeps the value on the package, so later look-ups
are plain attribute reads. A name that is not exported raises AttributeError, which also lets
`from package import submodule` fall through to the import system as usual.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`, resolving each name of `exports` on first use."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
