"""`repscan export`: a client's reviews, posts, search results and crawls as CSV, XLSX or JSON lines, read-only."""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from repscan.core import rules
from repscan.core.items import parse_iso
from repscan.core.store import Store
from repscan.core.store.queries import location_sql
from repscan.core.store.reviews import NOT_SHOWN, posted_at_sql

FORMATS = ("csv", "xlsx", "jsonl")
XLSX_CELL = 32_767  # characters an Excel cell holds
XLSX_ROWS = 1_048_576  # rows an Excel sheet holds, its header included
CUT = "… [cut at Excel's cell limit; the jsonl export has the whole text]"
# The stored `negative` is the text judge's verdict at crawl time (it decides only unrated items); `is_negative` is
# the rule's answer now, at the client's threshold: exported under a name that says so.
RENAMED = {"negative": "text_negative"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a CSV cell starting so as a formula


class ExportError(Exception):
    """The export cannot be made (no database, a table missing); str() says why."""


@dataclass(frozen=True)
class Table:
    """One exported table: its rows of one client since a time (by `since_column`), with the core's figures added."""

    name: str
    since_column: str
    order: str
    figures: Callable[[dict, float, str], dict]  # row, client's threshold and timezone -> the derived columns
    select: str = "*"  # the columns read: the stored ones, and what the core's figures need besides
    located: bool = False  # its rows carry the chain location of the source that found them (location_sql)


def _review_figures(row: dict, threshold: float, tz: str) -> dict:
    posted = None if row["reply_not_shown"] else row["reply_posted_from_repscan_at"]  # rules.reply_not_shown
    delay = rules.reply_delay(parse_iso(row["published_at"]),
                              parse_iso(rules.reply_at(row["reply_at"], posted)),
                              published_precision=row.get("published_precision"),
                              reply_precision=rules.reply_precision(row["reply_at"], row.get("reply_precision"), posted),
                              tz=tz)
    return {
        "stars": rules.stars(row["rating"], row["rating_max"]),
        "is_negative": rules.negative(row["rating"], row["rating_max"], threshold, text_negative=bool(row["negative"])),
        "replied": rules.replied(row["reply_text"], row["reply_at"], posted),
        "reply_delay_precision": delay.precision if delay else None,
        "reply_delay_hours": round(delay.delta.total_seconds() / 3600, 2) if delay and delay.delta is not None else None,
        "reply_delay_days": delay.days if delay else None,
        "suspicious": rules.suspicious(row.get("author_review_count")),
    }


def _post_figures(row: dict, threshold: float, tz: str) -> dict:
    return {"is_negative": rules.negative(None, None, threshold, text_negative=bool(row["negative"]))}


def _result_figures(row: dict, threshold: float, tz: str) -> dict:
    return {"on_page_one": rules.on_page_one(row["rank"]),
            "is_complaint": rules.complaint(row["category"], bool(row["negative"]))}


TABLES = {
    "reviews": Table("reviews", "first_seen_at", "first_seen_at, source, source_id", _review_figures,
                     f"*, {posted_at_sql('reviews')} AS reply_posted_from_repscan_at,"
                     f" CASE WHEN {NOT_SHOWN} THEN 1 ELSE 0 END AS reply_not_shown", located=True),
    "posts": Table("posts", "first_seen_at", "first_seen_at, source, source_id", _post_figures, located=True),
    "search_results": Table("search_results", "seen_at", "id", _result_figures),
    "crawls": Table("crawls", "started_at", "id", lambda row, threshold, tz: {}),
}


def connect(database: Path) -> sqlite3.Connection:
    """The database opened read-only (its schema brought up to date first, as every command does): an export
    never writes a row, nor waits for a crawl's write."""
    if not database.is_file():
        raise ExportError(f"no database at {database}: run `repscan crawl` first")
    Store(database).close()
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def rows(conn: sqlite3.Connection, table: Table, client_id: str, since: str | None,
         threshold: float, locations: Mapping[tuple[str, str, str], str] | None = None, tz: str = "UTC"
         ) -> tuple[list[str], Iterator[dict]]:
    """The columns, and the client's rows of `table` since `since` (a stored UTC stamp), each with the core's
    figures after its stored columns; reviews and posts with their chain `location` (source_locations: empty
    without locations)."""
    where, params = "client_id = ?", [client_id]
    if since:
        where += f" AND {table.since_column} >= ?"
        params.append(since)
    select = f"{table.select}, {location_sql(locations or {})} AS location" if table.located else table.select
    try:
        cursor = conn.execute(f"SELECT {select} FROM {table.name} WHERE {where} ORDER BY {table.order}", params)
    except sqlite3.OperationalError as exc:
        raise ExportError(f"cannot read {table.name}: {exc} (is this a repscan database?)") from None
    stored = [column[0] for column in cursor.description]
    columns = [RENAMED.get(name, name) for name in stored + list(table.figures(dict.fromkeys(stored), threshold, tz))]

    def each() -> Iterator[dict]:
        for record in cursor:
            row = dict(record)
            yield {RENAMED.get(key, key): value for key, value in {**row, **table.figures(row, threshold, tz)}.items()}

    return columns, each()


def _spreadsheet_text(value):
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(tables: dict[str, tuple[list[str], Iterator[dict]]], out: Path) -> list[Path]:
    """One CSV file a table in the folder `out` (UTF-8 with a BOM, so Excel reads it as UTF-8)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, table_rows) in tables.items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in table_rows:
                writer.writerow({key: _spreadsheet_text(value) for key, value in row.items()})
        written.append(path)
    return written


def write_xlsx(tables: dict[str, tuple[list[str], Iterator[dict]]], out: Path) -> list[Path]:
    """One workbook, a sheet a table; text is always written as text (never a formula)."""
    import xlsxwriter

    out.parent.mkdir(parents=True, exist_ok=True)
    written = False
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
    try:
        for name, (columns, table_rows) in tables.items():
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, columns)
            sheet.freeze_panes(1, 0)
            for r, row in enumerate(table_rows):
                if r + 1 >= XLSX_ROWS:  # xlsxwriter would drop the rest without a word
                    raise ExportError(f"{name} has more rows than an Excel sheet holds ({XLSX_ROWS - 1:,}): "
                                      "export it as csv or jsonl, or with --since")
                for c, value in enumerate(row.values()):
                    if isinstance(value, bool):
                        sheet.write_boolean(r + 1, c, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r + 1, c, value)
                    elif value is not None:
                        text = str(value)
                        sheet.write_string(r + 1, c, text if len(text) <= XLSX_CELL else text[:XLSX_CELL - len(CUT)] + CUT)
        written = True
    finally:
        workbook.close()
        if not written:
            out.unlink(missing_ok=True)  # never a workbook that looks whole and is not
    return [out]


def write_jsonl(tables: dict[str, tuple[list[str], Iterator[dict]]], out: Path | None) -> list[Path]:
    """JSON lines, each row with its table's name first; to stdout when `out` is None."""
    handle = sys.stdout if out is None else out.open("w", encoding="utf-8")
    try:
        for name, (_columns, table_rows) in tables.items():
            for row in table_rows:
                handle.write(json.dumps({"table": name, **row}, ensure_ascii=False) + "\n")
    finally:
        if out is not None:
            handle.close()
    return [] if out is None else [out]


def export(database: Path, client_id: str, threshold: float, *, fmt: str, out: Path | None,
           since: str | None = None, tables: tuple[str, ...] = tuple(TABLES),
           locations: Mapping[tuple[str, str, str], str] | None = None, tz: str = "UTC") -> list[Path]:
    """Write the export; returns the files written (none for JSON lines to stdout). `tz`: the client's timezone, the
    calendar of reply_delay_days."""
    conn = connect(database)
    try:
        conn.execute("BEGIN")  # one snapshot for every table while crawls write
        selected = {name: rows(conn, TABLES[name], client_id, since, threshold, locations, tz) for name in tables}
        if fmt == "csv":
            return write_csv(selected, out)
        if fmt == "xlsx":
            return write_xlsx(selected, out)
        return write_jsonl(selected, out)
    finally:
        conn.close()
