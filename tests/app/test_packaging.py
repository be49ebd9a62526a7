"""A plain (non-editable) install carries the templates and the demo, and runs from anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from helpers import ROOT


def _checkout(folder):
    """The files a fresh clone has (plus new, unignored ones): no build/ left over from earlier installs."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


def _tracked() -> list[str]:
    """The installable files of the checkout: the four package folders."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "repscan", "spiders", "reports",
                             "templates"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    return [name for name in listed if (ROOT / name).is_file()]


def test_non_editable_install_has_templates_and_runs_the_demo(tmp_path):
    target = tmp_path / "site"
    source = _checkout(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(source)],
                   check=True, capture_output=True, timeout=300)
    # Every module and data file of the checkout is installed where the package map puts it.
    mapped = {"repscan/": "repscan/", "spiders/": "repscan/spiders/", "reports/": "repscan/reports/",
              "templates/": "repscan/templates/"}
    missing = [name for name in _tracked() if not name.endswith(".md") and not (target / next(
        to + name[len(prefix):] for prefix, to in mapped.items() if name.startswith(prefix))).is_file()]
    assert not missing, f"not installed (pyproject packages / package-data): {missing}"
    assert (target / "repscan" / "templates" / "report.html").is_file()
    assert (target / "repscan" / "templates" / "report.css").is_file()
    assert (target / "repscan" / "spiders" / "pages" / "trustpilot" / "__init__.py").is_file()
    assert (target / "repscan" / "reports" / "render.py").is_file()
    # Nothing but repscan at the top level: no packages named spiders or reports to collide with others.
    assert sorted(p.name for p in target.iterdir() if p.name != "bin" and not p.name.endswith((".dist-info", ".egg-info"))) == ["repscan"]
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import repscan, repscan.reports.render as r; print(repscan.__file__); print(r.templates_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    module, templates = probe.stdout.split()
    assert module.startswith(str(target)) and templates == str(target / "repscan" / "templates")
    demo = subprocess.run([sys.executable, "-m", "repscan.app.cli", "demo", "--dir", str(tmp_path / "demo")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "demo: report" in demo.stdout and list((tmp_path / "demo" / "mail").glob("*.eml"))
    assert (tmp_path / "demo" / "report-uk.pdf").is_file()  # the installed catalogs (repscan/core/locale) are read
