"""One base for the errors a user meets (``newsdesk.errors``): every kind its docstring draws is under it, keeps
its standard base, and no other public error class of the package is left outside by accident."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import newsdesk
from newsdesk.errors import NewsdeskError

#: Raised and caught inside one module (never shown to a user as such): outside the tree on purpose.
INTERNAL = {"NotApplicable", "NotPlainFile", "DamagedVocabulary", "ImageRefused", "SvgRefused"}


def _error_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(newsdesk.__path__, "newsdesk."):
        if ".migrations." in module_info.name or module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found[name] = value
    return found


def test_every_kind_drawn_is_a_newsdesk_error_and_keeps_its_standard_base() -> None:
    classes = _error_classes()
    drawn = set(re.findall(r"[├└]── (\w+)", inspect.getdoc(importlib.import_module("newsdesk.errors")) or ""))
    kinds = drawn - {"what", "a", "keys"}  # the tree's group headings
    assert len(kinds) >= 18
    for name in sorted(kinds):
        assert name in classes, name
        assert issubclass(classes[name], NewsdeskError), name
    assert issubclass(classes["RecordError"], ValueError)
    assert issubclass(classes["StoreError"], RuntimeError)
    # Nothing public is outside the tree but the internal signals named above.
    outside = {name for name, cls in classes.items() if not issubclass(cls, NewsdeskError)} - {"NewsdeskError"}
    assert outside == INTERNAL
    assert set(classes) - {"NewsdeskError"} - INTERNAL == kinds
