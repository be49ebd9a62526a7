"""The nodes' pinned packages: a package missing here is a clear error, not a traceback."""

import subprocess
import sys

from repscan.core import node_packages


def test_a_package_missing_on_this_machine_is_named(monkeypatch):
    monkeypatch.setattr(node_packages, "ROOTS", ("repscan", "no-such-package-xyz"))
    try:
        node_packages.pins()
    except node_packages.NotInstalled as exc:
        assert "no-such-package-xyz is not installed" in str(exc) and "repscan[nodes]" in str(exc)
    else:
        raise AssertionError("no error")


def test_the_cli_says_so_and_exits_1(tmp_path):
    code = ("import sys; from repscan.core import node_packages as n; n.ROOTS = ('repscan', 'no-such-package-xyz');"
            "from repscan.app.cli import main; sys.exit(main(['nodes', 'requirements', %r]))" % str(tmp_path / "r.txt"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "no-such-package-xyz is not installed" in result.stderr
    assert "Traceback" not in result.stderr
