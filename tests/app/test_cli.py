"""The command-line contract: extract and classify output, exit codes, config check, README honesty."""

from __future__ import annotations

import argparse
import json
import re

import pytest

from helpers import ROOT, case, json_lines, make_business, real_path, run_cli, write_config
from repscan.app.cases import Case
from repscan.app.cli import build_parser
from repscan.app.demo.site import trustpilot_page
from repscan.core.items import FIELDS


def test_extract_prints_every_contract_field_as_json_lines(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(trustpilot_page(make_business(7), 1, "https://www.trustpilot.com"), encoding="utf-8")
    result = run_cli("extract", "trustpilot", str(page), "--url", "https://www.trustpilot.com/review/acme.example")
    assert result.returncode == 0, result.stderr
    items = json_lines(result.stdout)
    reviews = [i for i in items if i["kind"] == "review"]
    assert [r["source_id"] for r in reviews] == ["acme-0007", "acme-0006", "acme-0005", "acme-0004", "acme-0003"]
    for item in items:
        assert list(item) == ["kind", *FIELDS[item["kind"]]]
        assert "" not in item.values()
    assert reviews[0]["source"] == "trustpilot" and reviews[0]["business_url"] == "https://www.trustpilot.com/review/acme.example"
    [business] = [i for i in items if i["kind"] == "business"]
    assert business["review_count"] == 7


def test_extract_block_page_exits_3_with_reason(tmp_path):
    page = real_path("blocked", "duckduckgo-anomaly-challenge-2026.html")
    result = run_cli("extract", "jsonld", str(page))
    assert result.returncode == 3
    assert result.stderr.startswith("blocked: ") and result.stdout == ""


def test_extract_save_case_writes_a_case_that_reads_back_to_the_same_items(tmp_path):
    saved = case("facebook/posts-page")  # relative dates: the case keeps the time they were read against
    folder = tmp_path / "facebook" / "new-layout"
    result = run_cli("extract", "facebook", str(saved.body_path), "--url", saved.url, "--save-case", str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["expected.jsonl", "meta.json", "response.html"]
    new = Case(folder)
    assert new.body == saved.body and new.url == saved.url and new.site == "facebook"
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", new.meta["now"])
    assert new.expected == json_lines(result.stdout) == new.extract()
    assert new.meta["next_page"] == saved.meta["next_page"]
    again = run_cli("extract", "facebook", str(saved.body_path), "--url", saved.url, "--now", saved.meta["now"],
                    "--save-case", str(folder))
    assert again.returncode == 0 and Case(folder).expected == saved.expected
    assert Case(folder).meta["now"] == saved.meta["now"]


def test_extract_tz_reads_times_without_an_offset_in_the_business_zone_and_the_case_keeps_it(tmp_path):
    saved = case("bbb/customer-reviews-page-2")  # a review dated "2025-08-15T14:02:00", no offset
    folder = tmp_path / "bbb" / "dublin-ohio"
    result = run_cli("extract", "bbb", str(saved.body_path), "--url", saved.url, "--tz", "America/New_York",
                     "--save-case", str(folder))
    assert result.returncode == 0, result.stderr
    [review] = [item for item in json_lines(result.stdout) if item["kind"] == "review"]
    assert review["published_at"] == "2025-08-15T18:02:00Z"  # 14:02 in Ohio (EDT, UTC-4)
    assert Case(folder).meta["tz"] == "America/New_York" and Case(folder).extract() == json_lines(result.stdout)
    wrong = run_cli("extract", "bbb", str(saved.body_path), "--tz", "Ohio")
    assert wrong.returncode == 2 and "unknown timezone 'Ohio'" in wrong.stderr


def test_extract_save_case_keeps_the_query_and_json_answers(tmp_path):
    saved = case("brave/web-page-1")
    folder = tmp_path / "brave" / "x"
    result = run_cli("extract", "brave", str(saved.body_path), "--url", saved.url, "--query", "Acme",
                     "--save-case", str(folder))
    assert result.returncode == 0, result.stderr
    new = Case(folder)
    assert (new.meta["response"], new.body_path.name, new.context) == ("text", "response.json", {"query": "Acme"})
    assert {item["query"] for item in new.expected} == {"Acme"} and new.expected == new.extract()


def test_extract_save_case_of_a_block_or_an_unknown_layout_records_the_error(tmp_path):
    wall = run_cli("extract", "jsonld", str(case("jsonld/datadome-captcha").body_path), "--save-case",
                   str(tmp_path / "blocked"))
    assert wall.returncode == 3 and Case(tmp_path / "blocked").error == {"blocked": "DataDome"}
    layout = run_cli("extract", "trustpilot", str(case("trustpilot/changed-layout").body_path), "--save-case",
                     str(tmp_path / "layout"))
    error = Case(tmp_path / "layout").error
    assert layout.returncode == 1 and error["error"] == "LayoutError" and "__NEXT_DATA__" in error["match"]
    assert not (tmp_path / "layout" / "expected.jsonl").exists()


def test_extract_usage_errors_exit_2(tmp_path):
    unknown = run_cli("extract", "myspace", str(tmp_path / "x.html"))
    assert unknown.returncode == 2 and "unknown site 'myspace'" in unknown.stderr and "trustpilot" in unknown.stderr
    missing = run_cli("extract", "trustpilot", str(tmp_path / "missing.html"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert run_cli("extract").returncode == 2


def test_extract_unrecognised_layout_exits_1(tmp_path):
    page = tmp_path / "x.html"
    page.write_text("<html><body><p>A redesigned page</p></body></html>")
    result = run_cli("extract", "trustpilot", str(page))
    assert result.returncode == 1 and "layout" in result.stderr


def test_classify_adds_sentiment_and_negative_to_each_line():
    lines = [
        {"text": "Great service!", "rating": 1, "rating_max": 5},
        {"text": "Terrible, they never showed up and ignored my calls."},
        {"text": "Friendly and quick, thank you."},
    ]
    result = run_cli("classify", input="\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = json_lines(result.stdout)
    assert [o["negative"] for o in out] == [True, True, False]
    assert out[0]["sentiment"] == -1.0 and out[0]["text"] == "Great service!"
    assert out[1]["sentiment"] < 0 < out[2]["sentiment"]


def test_classify_reports_bad_lines_and_keeps_going():
    result = run_cli("classify", input='{"text": "fine"}\nnot json\n{"rating": 1}\n')
    assert result.returncode == 1
    assert "line 2" in result.stderr
    assert len(json_lines(result.stdout)) == 2


def test_config_check_ok_and_bad(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")])
    ok = run_cli("--config", str(path), "config", "check")
    assert ok.returncode == 0 and "1 clients, 1 sources" in ok.stdout
    path.write_text(path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Berlin"'))
    bad = run_cli("--config", str(path), "config", "check")
    assert bad.returncode == 2
    assert f"{path}:21: clients[acme].timezone: unknown timezone 'Berlin'" in bad.stderr


def test_crawl_with_bad_config_writes_nothing(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "not a url")])
    result = run_cli("--config", str(path), "crawl")
    assert result.returncode == 2 and "url" in result.stderr
    assert not (tmp_path / "repscan.db").exists()


def _commands() -> set[str]:
    parser = build_parser()
    names = set()
    for action in parser._subparsers._group_actions:
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            if nested:
                names |= {f"{name} {child}" for n in nested for child in n.choices}
            else:
                names.add(name)
    return names


def test_readme_documents_every_command_and_no_missing_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"^```sh\n(.*?)^```", readme, re.MULTILINE | re.DOTALL))
    documented = set(re.findall(r"^repscan ((?:config )?[a-z]+)\b", blocks, re.MULTILINE))
    assert _commands() <= documented, f"undocumented: {_commands() - documented}"
    assert documented <= _commands(), f"documented but missing: {documented - _commands()}"
    assert "make demo" in readme and "make test" in readme


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_help(command):
    result = run_cli(*command.split(), "--help")
    assert result.returncode == 0 and "usage: repscan" in result.stdout


@pytest.mark.parametrize("command", ["send", "replies", "report", "run"])
def test_readme_names_each_action_and_option_of_the_command(command):
    """`replies done` and `send --force` were missing from the README: its line of a command names them all."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = re.findall(rf"^repscan {command} .*$", readme, re.MULTILINE)
    [sub] = [choice for action in build_parser()._subparsers._group_actions
             for name, choice in action.choices.items() if name == command]
    words = set()
    for action in sub._actions:
        if action.help == argparse.SUPPRESS or action.dest == "help":
            continue
        words |= set(action.option_strings[-1:] if action.option_strings else action.choices or ())
    missing = {word for word in words if not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line)}
    assert not missing, f"README's `repscan {command}` line lacks {sorted(missing)}"
