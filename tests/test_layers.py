"""The layering holds: the core imports nothing above it; spiders and reports use the core, never each other."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

# Folder of the checkout -> the package it installs as, and the packages it may import.
LAYERS = {
    "repscan/core": ("repscan.core", {"repscan.core"}),
    "spiders": ("repscan.spiders", {"repscan.core", "repscan.spiders"}),
    "reports": ("repscan.reports", {"repscan.core", "repscan.reports"}),
}
OURS = ("repscan", "repscan.core", "repscan.app", "repscan.spiders", "repscan.reports")


def _imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file, at any depth, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from repscan import nodes` imports repscan.nodes, not just repscan.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _layer_of(module: str) -> str | None:
    """The layer package a module belongs to (longest match), or None when it is not ours."""
    if module == "repscan" or module.startswith("repscan.") and module.split(".")[1] in ("__version__", "USER_AGENT"):
        return "repscan"
    return max((p for p in OURS if module == p or module.startswith(p + ".")), key=len, default=None)


def violations(root: Path) -> list[str]:
    """Every import in the tree that crosses a layer the wrong way, as `path:line: imports X`."""
    problems = []
    for folder, (package, allowed) in LAYERS.items():
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root / folder).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            module_package = ".".join([package, *parts[:-1]] if path.name != "__init__.py" else [package, *parts])
            for line, module in _imports(path, module_package):
                layer = _layer_of(module)
                if layer not in (None, "repscan") and layer not in allowed:
                    problems.append(f"{path.relative_to(root)}:{line}: imports {module}")
    return problems


def test_the_tree_keeps_its_layers():
    assert violations(ROOT) == []


def test_a_forbidden_import_is_caught(tmp_path):
    for folder, text in {
        "repscan/core": "from repscan.spiders.pages import get\n",
        "spiders": "def later():\n    from repscan.reports import render\n",
        "reports": "from ..app import cli\n",
    }.items():
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "bad.py").write_text(text)
        (tmp_path / folder / "good.py").write_text("import json\nfrom repscan import __version__\nfrom repscan.core import items\n")
    assert violations(tmp_path) == [
        "repscan/core/bad.py:1: imports repscan.spiders.pages.get",
        "spiders/bad.py:2: imports repscan.reports.render",
        "reports/bad.py:1: imports repscan.app.cli",
    ]


# The checkout's folders that install under another name (pyproject's package-dir): `reports` is repscan.reports.
INSTALLED_AS = {"reports": "repscan.reports", "spiders": "repscan.spiders", "templates": "repscan.templates"}
SHIPPED = ("repscan", "spiders", "reports")


def checkout_imports(root: Path) -> list[str]:
    """Every import in shipped code of a module by its checkout folder's name (`from reports.alerts import ...`):
    it works where the checkout is on sys.path (pytest's pythonpath, a run from the checkout) and fails installed."""
    problems = []
    for folder in SHIPPED:
        for path in sorted((root / folder).rglob("*.py")):
            for line, module in _imports(path, "repscan"):
                if module.split(".")[0] in INSTALLED_AS:
                    problems.append(f"{path.relative_to(root)}:{line}: imports {module} (installed: "
                                    f"{INSTALLED_AS[module.split('.')[0]]})")
    return problems


def test_shipped_code_imports_its_packages_by_their_installed_names(tmp_path):
    assert checkout_imports(ROOT) == []
    planted = tmp_path / "repscan" / "app" / "late.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("def told():\n    from reports.alerts import RETIRED_UNSENT\n    return RETIRED_UNSENT\n")
    assert checkout_imports(tmp_path) == ["repscan/app/late.py:2: imports reports.alerts.RETIRED_UNSENT "
                                          "(installed: repscan.reports)"]
