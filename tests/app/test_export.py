"""`repscan export`: a database built by real crawls, exported as JSON lines, CSV and XLSX and read back as an
agency would (csv module, openpyxl): every row, the core's figures, text never run as a formula."""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3

import openpyxl
import pytest

from helpers import run_cli
from repscan.app.cli import main
from scenario_site import ClientWeb, review
from repscan.core.items import utcnow

NOW = utcnow()
FORMULA = '=HYPERLINK("http://127.0.0.1:9/steal","click")'


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of a client: five Trustpilot reviews (one answered after 3 h), Reddit mentions, a search page."""
    folder = tmp_path_factory.mktemp("export")
    reviews = [review("bad-open", 1, 30, NOW, author_reviews=1), review("bad-answered", 2, 20, NOW, reply_after=3),
               review("good", 5, 10, NOW), review("fine", 4, 50, NOW),
               dataclasses.replace(review("formula", 3, 5, NOW), text=FORMULA)]
    with ClientWeb(sorted(reviews, key=lambda r: r.published, reverse=True)) as web:
        config = web.config(folder)
        done = run_cli("--config", str(config), "crawl", "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    return folder, config


def export(config, *args):
    return run_cli("--config", str(config), "export", "--client", "hlb-internal-7", *args)


def stored(folder, sql):
    with sqlite3.connect(folder / "repscan.db") as conn:
        return conn.execute(sql).fetchall()


def test_jsonl_has_every_stored_row_with_the_core_figures(crawled):
    folder, config = crawled
    done = export(config, "--format", "jsonl", "--out", "-")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    for table in ("reviews", "posts", "search_results", "crawls"):
        [(count,)] = stored(folder, f"SELECT COUNT(*) FROM {table}")
        assert count > 0 and sum(line["table"] == table for line in lines) == count, table
    reviews = {line["source_id"]: line for line in lines if line["table"] == "reviews"}
    assert {rid: r["is_negative"] for rid, r in reviews.items()} == {
        "bad-open": True, "bad-answered": True, "good": False, "fine": False, "formula": False}
    assert reviews["bad-answered"]["replied"] and reviews["bad-answered"]["reply_delay_hours"] == 3.0
    assert reviews["bad-open"]["replied"] is False and reviews["bad-open"]["reply_delay_hours"] is None
    assert "negative" not in reviews["fine"] and reviews["fine"]["stars"] == 4.0 and reviews["formula"]["text"] == FORMULA  # JSON keeps text exact
    assert {rid: (r["author_review_count"], r["suspicious"]) for rid, r in reviews.items()} == {
        "bad-open": (1, True), "bad-answered": (4, False), "good": (4, False), "fine": (4, False), "formula": (4, False)}
    results = [line for line in lines if line["table"] == "search_results"]
    assert any(r["is_complaint"] and r["on_page_one"] for r in results)
    assert {line["status"] for line in lines if line["table"] == "crawls"} == {"ok"}


def test_csv_is_a_file_a_table_and_no_cell_is_a_formula(crawled, tmp_path):
    _, config = crawled
    done = export(config, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["crawls.csv", "posts.csv", "reviews.csv",
                                                                    "search_results.csv"]
    assert (tmp_path / "csv" / "reviews.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8
    with (tmp_path / "csv" / "reviews.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["source_id"]: row for row in csv.DictReader(handle)}
    assert len(rows) == 5 and rows["formula"]["text"] == "'" + FORMULA
    assert rows["bad-answered"]["reply_delay_hours"] == "3.0" and rows["bad-open"]["is_negative"] == "True"


def test_xlsx_is_a_sheet_a_table_with_typed_cells(crawled, tmp_path):
    _, config = crawled
    out = tmp_path / "client.xlsx"
    done = export(config, "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0 and done.stdout.strip() == str(out), done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["reviews", "posts", "search_results", "crawls"]
    header, *rows = list(book["reviews"].values)
    rows = {row[header.index("source_id")]: dict(zip(header, row)) for row in rows}
    assert rows["formula"]["text"] == FORMULA and book["reviews"].cell(  # stored as text, not a formula
        row=2 + list(rows).index("formula"), column=header.index("text") + 1).data_type == "s"
    assert rows["bad-answered"]["reply_delay_hours"] == 3.0 and rows["bad-open"]["is_negative"] is True


def test_since_and_tables_select_and_an_empty_table_keeps_its_header(crawled, tmp_path):
    _, config = crawled
    done = export(config, "--format", "csv", "--tables", "reviews", "--since", "2999-01-01",
                  "--out", str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr
    [path] = (tmp_path / "none").iterdir()
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("client_id,source,source_id,")
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (("--tables", "reviews,secrets"), "--tables: unknown secrets"),
    (("--since", "last tuesday"), "is not an ISO 8601 date or time"),
    (("--format", "csv", "--out", "-"), "--out - (stdout) is for --format jsonl"),
])
def test_bad_usage_is_named(crawled, args, message, capsys):
    _, config = crawled
    assert main(["--config", str(config), "export", "--client", "hlb-internal-7", *args]) == 2
    assert message in capsys.readouterr().err


def test_no_database_is_an_error_not_an_empty_export(crawled, tmp_path, capsys):
    _, config = crawled
    other = tmp_path / "repscan.toml"
    other.write_text(config.read_text().replace('database = "repscan.db"', 'database = "missing.db"'))
    assert main(["--config", str(other), "export", "--client", "hlb-internal-7", "--format", "jsonl", "--out", "-"]) == 1
    assert "no database at" in capsys.readouterr().err and not (tmp_path / "missing.db").exists()


def test_a_reply_posted_from_repscan_counts_as_replied_with_its_delay(tmp_path):
    # One rule (rules.replied / rules.reply_at): a reply repscan posted counts before the site shows it.
    from repscan.core.store import Store

    folder, config = tmp_path, None
    with ClientWeb([review("waiting", 1, 30, NOW)], mentions=False, search=False) as web:
        config = web.config(folder)
        assert run_cli("--config", str(config), "crawl", "--quiet").returncode == 0
    store = Store(folder / "repscan.db")
    reply = store.add_draft({"client_id": "hlb-internal-7", "source": "trustpilot", "source_id": "waiting",
                             "kind": "review", "language": "en", "situation": "general", "text": "Sorry."},
                            actor="test")
    store.approve_reply(reply, actor="test")
    store.begin_attempt(reply, actor="test")
    store.mark_posted(reply, platform_reply_id="r1", answer="201", actor="test")
    store.close()
    done = export(config, "--format", "jsonl", "--out", "-", "--tables", "reviews")
    [row] = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["replied"] is True and row["reply_posted_from_repscan_at"] and row["reply_delay_precision"] == "exact"
    assert 29.9 < row["reply_delay_hours"] < 30.5


def test_more_rows_than_a_sheet_holds_is_an_error_and_no_workbook(crawled, tmp_path, monkeypatch, capsys):
    from repscan.app import export as module

    _, config = crawled
    monkeypatch.setattr(module, "XLSX_ROWS", 3)  # two rows a sheet: the five reviews do not fit
    out = tmp_path / "cut.xlsx"
    assert main(["--config", str(config), "export", "--client", "hlb-internal-7", "--format", "xlsx",
                 "--out", str(out)]) == 1
    assert "reviews has more rows than an Excel sheet holds" in capsys.readouterr().err and not out.exists()
