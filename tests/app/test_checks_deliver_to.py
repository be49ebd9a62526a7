"""`repscan config check` fails a deliver_to folder that reports cannot be written to (naming file:line:field) and
leaves every folder as it found it; the send it warns of fails the same way."""

from __future__ import annotations

import pytest

from helpers import write_config
from repscan.app.checks import check
from repscan.app.cli import main
from repscan.core import config


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def with_folders(tmp_path, client: str | None, agency: str | None = None):
    """The usual config, with acme's deliver_to and the agency's where given."""
    extra = {"agency": {"name": "Test Agency", "sender": "reports@agency.example", "deliver_to": agency}} if agency else {}
    path = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")], **extra)
    if client is not None:
        path.write_text(path.read_text().replace('timezone = "Europe/Berlin"',
                                                 f'timezone = "Europe/Berlin"\ndeliver_to = "{client}"'))
    return path


def test_a_folder_that_cannot_be_made_is_an_error_naming_its_line(tmp_path, capsys):
    path = with_folders(tmp_path, "/proc/nonexistent/x")
    [finding] = [f for f in check(config.load(path), {}) if f.level == "error"]
    assert finding.where == f"{path}:{line_of(path, 'deliver_to')}: clients[acme].deliver_to"
    assert finding.message.startswith("/proc/nonexistent/x: cannot be made in /proc")
    assert main(["--config", str(path), "config", "check"]) == 2
    out, err = capsys.readouterr()
    assert f"error: {path}:{line_of(path, 'deliver_to')}: clients[acme].deliver_to: /proc/nonexistent/x" in err
    assert "ok" not in out


def test_a_file_in_the_way_and_the_agencys_folder_name_their_own_lines(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    path = with_folders(tmp_path, None, agency=str(tmp_path / "taken" / "reports"))
    [finding] = [f for f in check(config.load(path), {}) if f.level == "error"]
    assert finding.where == f"{path}:{line_of(path, 'deliver_to')}: agency.deliver_to"
    assert f"{tmp_path / 'taken'} is not a folder" in finding.message


@pytest.mark.parametrize("folder", ["present", "missing/below"])
def test_a_writable_folder_or_one_that_can_be_made_passes_and_nothing_is_left_behind(tmp_path, folder):
    (tmp_path / "present").mkdir()
    path = with_folders(tmp_path, str(tmp_path / folder))
    before = sorted(tmp_path.rglob("*"))
    assert [f for f in check(config.load(path), {}) if f.level == "error"] == []
    assert sorted(tmp_path.rglob("*")) == before  # no folder made, no probe left
