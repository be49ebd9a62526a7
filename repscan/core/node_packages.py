"""The Python packages a Scrapyd node needs: pinned from this install, checked on the node before a spider loads."""

from __future__ import annotations

import json
import re
from importlib import metadata, resources

PINS_FILE = "node-requirements.json"  # written into the egg beside this module (repscan/app/nodes.py build_egg)
ROOTS = ("repscan", "scrapyd")  # what a node runs: repscan's dependencies and Scrapyd (the `nodes` extra)
MARKER = "repscan node packages do not match"


class NotInstalled(RuntimeError):
    """A package the nodes need is not installed here, so there is nothing to pin it from."""


class PackageMismatch(RuntimeError):
    """The node's packages are not the pinned ones: the egg refuses to list or run spiders."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    """Every distribution ROOTS need, transitively (markers and extras as this machine evaluates them), at its
    installed version; repscan itself excluded (it reaches nodes as the egg)."""
    from packaging.requirements import Requirement

    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset]] = set()
    todo = [(name, frozenset()) for name in ROOTS]
    while todo:
        name, extras = todo.pop()
        if (canonical(name), extras) in seen:
            continue
        seen.add((canonical(name), extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise NotInstalled(f"{name} is not installed on this machine; the nodes' packages are pinned from this"
                               " install: pip install 'repscan[nodes]' here first") from None
        if canonical(name) != "repscan":
            found[canonical(dist.metadata["Name"])] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in (extras or {""})):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return dict(sorted(found.items()))


def requirements_text(pinned: dict[str, str]) -> str:
    return ("# The Python packages of a repscan Scrapyd node, pinned from the main machine's install\n"
            "# (`repscan nodes requirements`). On each node: pip install -r requirements-nodes.txt\n"
            + "".join(f"{name}=={version}\n" for name, version in pinned.items()))


def mismatches(pinned: dict[str, str]) -> list[str]:
    """What differs from `pinned` here: 'missing NAME==V' and 'NAME X installed, V pinned', sorted."""
    installed: dict[str, str] = {}
    for dist in metadata.distributions():  # sys.path order: the first of a name is the one imported
        name = dist.metadata["Name"]
        if name:
            installed.setdefault(canonical(name), dist.version)
    problems = []
    for name, version in sorted(pinned.items()):
        have = installed.get(name)
        if have is None:
            problems.append(f"missing {name}=={version}")
        elif have != version:
            problems.append(f"{name} {have} installed, {version} pinned")
    return problems


def check() -> None:
    """On a node (the egg holds the pins): raise PackageMismatch naming every difference. Elsewhere: nothing."""
    try:
        text = resources.files(__package__).joinpath(PINS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return
    problems = mismatches(json.loads(text))
    if problems:
        raise PackageMismatch(f"{MARKER} requirements-nodes.txt: " + "; ".join(problems))


def mismatch_in(message: str) -> str | None:
    """The PackageMismatch line of a node's answer (a traceback), if it holds one."""
    for line in reversed(message.splitlines()):
        if MARKER in line:
            return line[line.index(MARKER):].strip()
    return None
