"""`repscan prune`: old crawl rows go, the ones the rules read and the recent ones stay; --dry-run deletes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import write_config
from repscan.app import cli
from repscan.core.config import ConfigError, load
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store

SOURCE = ("trustpilot", "https://t.example/b/acme")


def test_prune_deletes_old_crawl_rows_and_keeps_what_rules_read(tmp_path, capsys):
    config = write_config(tmp_path, [("trustpilot", "https://t.example/b/acme")])
    store = Store(tmp_path / "repscan.db")
    ids = []
    for days_ago in (200, 150, 120, 100, 10, 1):
        when = utcnow() - timedelta(days=days_ago)
        ids.append(store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/b/acme",
                                     started_at=stamp(when)))
        store.finish_crawl(ids[-1], status="empty", items=0, new_items=0, requests=1, pages=1, full=False, error=None,
                           finished_at=stamp(when + timedelta(minutes=5)))
    store.close()

    assert cli.main(["--config", str(config), "prune", "--keep-days", "30", "--dry-run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[0] == "would delete 3 of 6 crawl rows"
    assert cli.main(["--config", str(config), "prune", "--keep-days", "30"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[0] == "deleted 3 crawl rows, 3 left"

    store = Store(tmp_path / "repscan.db")
    assert [row["id"] for row in store.crawls()] == [ids[0], ids[4], ids[5]]  # the first (history), the recent
    store.close()
    assert cli.main(["--config", str(config), "prune", "--keep-days", "0"]) == cli.EXIT_USAGE


def test_prune_deletes_only_page_copies_that_no_evidence_row_names(tmp_path, capsys):
    """Pages in the store go once no row names them; files kept before m025 (and a killed write's temporary files)
    go once no row names them and they are a day old; a copy a row names stays, however old."""
    import os

    from repscan.core.items import make
    from repscan.core.store.evidence import Page

    config = write_config(tmp_path, [("trustpilot", "https://t.example/b/acme")])
    reports = tmp_path / "out"
    store = Store(tmp_path / "repscan.db")
    items = [{**make("review", source="trustpilot", source_id=f"r{n}", url=f"https://t.example/r/r{n}", rating=1,
                     text=f"Made-up words {n}."), "negative": True, "sentiment": -0.8} for n in (1, 2)]
    store.save_items("acme", items)
    pages = [Page(url="https://t.example/b/acme", body=f"<html>page {n}</html>".encode(), status=200,
                  fetched_at=stamp(utcnow())) for n in (1, 2)]
    assert store.record_evidence("acme", list(zip(items, pages))) == 2
    with store.transaction():
        store._db.conn.execute("DELETE FROM evidence WHERE source_id = 'r2'")  # a row deleted by hand
    [named] = store.evidence("acme")
    store.close()
    folder = reports / "evidence" / "acme" / "trustpilot"
    folder.mkdir(parents=True)
    orphan, fresh, partial = folder / ("a" * 64 + ".html.zst"), folder / ("b" * 64 + ".html.gz"), folder / ".x.part"
    for path in (orphan, fresh, partial):
        path.write_bytes(b"an old copy no row names")
    old = (utcnow() - timedelta(days=3)).timestamp()
    for path in (orphan, partial):
        os.utime(path, (old, old))

    assert cli.main(["--config", str(config), "prune", "--dry-run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[1] == "would delete 3 evidence page copies that no evidence row names"
    assert orphan.exists() and partial.exists()
    assert cli.main(["--config", str(config), "prune"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[1] == "deleted 3 evidence page copies that no evidence row names"
    assert not orphan.exists() and not partial.exists()
    assert fresh.exists()  # unnamed, but written within the day
    store = Store(tmp_path / "repscan.db")
    assert [row["sha256"] for row in store.query("SELECT sha256 FROM evidence_pages")] == [named["sha256"]]
    store.close()
    assert cli.main(["--config", str(config), "evidence", "--client", "acme"]) == cli.EXIT_OK


def test_prune_takes_an_older_versions_page_files_into_the_database(tmp_path, capsys):
    """After an upgrade, the files older versions kept (zstd and gzip) are taken into evidence_pages once they verify,
    their rows name the store's copy, and the files go; an altered file stays named and `repscan evidence` says so."""
    import gzip
    import hashlib
    import os

    import zstandard

    config = write_config(tmp_path, [("trustpilot", "https://t.example/b/acme")])
    reports, store = tmp_path / "out", Store(tmp_path / "repscan.db")
    folder = reports / "evidence" / "acme" / "trustpilot"
    folder.mkdir(parents=True)
    bodies = {"r1": b"<html>kept as zstd</html>", "r2": b"<html>kept as gzip</html>", "r3": b"<html>altered</html>"}
    old = (utcnow() - timedelta(days=30)).timestamp()
    rows = []
    for source_id, body in bodies.items():
        sha = hashlib.sha256(body).hexdigest()
        suffix, packed = (".html.gz", gzip.compress(body)) if source_id == "r2" else \
            (".html.zst", zstandard.ZstdCompressor().compress(body if source_id != "r3" else body + b"!"))
        (folder / f"{sha}{suffix}").write_bytes(packed)
        os.utime(folder / f"{sha}{suffix}", (old, old))
        rows.append({"client_id": "acme", "kind": "review", "source": "trustpilot", "source_id": source_id,
                     "sha256": sha, "path": f"evidence/acme/trustpilot/{sha}{suffix}", "size": len(body)})
    with store.transaction():
        store._insert("evidence", rows)
    store.close()

    assert cli.main(["--config", str(config), "prune"]) == cli.EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "took 2 evidence page copies kept as files by an older version into the database"
    assert out[2] == ("deleted 2 evidence page copies that no evidence row names any more (the files taken in, once a"
                      " day old, among them)")
    store = Store(tmp_path / "repscan.db")
    kept = {row["source_id"]: row for row in store.evidence("acme")}
    assert (kept["r1"]["path"], kept["r2"]["path"]) == (None, None) and kept["r3"]["path"] is not None
    assert all(store.check_copy(reports, kept[key]) is None for key in ("r1", "r2"))
    store.close()
    assert [path.name for path in folder.iterdir()] == [Path(kept["r3"]["path"]).name]
    assert cli.main(["--config", str(config), "evidence", "--client", "acme"]) == cli.EXIT_FAILURE
    assert "ALTERED (HASH DIFFERS)" in capsys.readouterr().out


def seed_crawls(database, days_ago: tuple[int, ...]) -> list[int]:
    store = Store(database)
    ids = []
    for days in days_ago:
        when = utcnow() - timedelta(days=days)
        ids.append(store.start_crawl("acme", "trustpilot", "TrustpilotSpider", "https://t.example/b/acme",
                                     started_at=stamp(when)))
        store.finish_crawl(ids[-1], status="empty", items=0, new_items=0, requests=1, pages=1, full=False, error=None,
                           finished_at=stamp(when + timedelta(minutes=5)))
    store.mark_done("acme", "report", "2099-01-01T00:00:00.000000Z", "ok")  # no report due: no mail to send
    store.mark_done("acme", "crawl", "2099-01-01T00:00:00.000000Z", "ok")  # no crawl due: nothing fetched
    store.close()
    return ids


def test_run_prunes_once_a_day_with_storage_keep_days(tmp_path, capsys):
    """[storage] keep_days: `repscan run` deletes what `repscan prune --keep-days` would, then not again that day."""
    config = write_config(tmp_path, [SOURCE], storage={"database": "repscan.db", "reports_dir": "out", "keep_days": 30})
    ids = seed_crawls(tmp_path / "repscan.db", (200, 150, 120, 100, 10, 1))
    assert cli.main(["--config", str(config), "run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines() == [
        "nothing due", "pruned ([storage] keep_days = 30): 3 crawl rows (3 left), 0 evidence page copies,"
                       " 0 repeated or unnamed site summaries"]
    seed_crawls(tmp_path / "repscan.db", (90,))
    assert cli.main(["--config", str(config), "run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines() == ["nothing due"]  # pruned today already
    store = Store(tmp_path / "repscan.db")
    assert [row["id"] for row in store.crawls()][:3] == [ids[0], ids[4], ids[5]] and len(store.crawls()) == 4
    store.close()


def test_run_prunes_nothing_without_keep_days_and_a_bad_value_names_its_line(tmp_path, capsys):
    config = write_config(tmp_path, [SOURCE])
    seed_crawls(tmp_path / "repscan.db", (200, 150, 1))
    assert cli.main(["--config", str(config), "run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines() == ["nothing due"]
    store = Store(tmp_path / "repscan.db")
    assert len(store.crawls()) == 3
    store.close()
    bad = write_config(tmp_path / "bad", [SOURCE], storage={"database": "repscan.db", "keep_days": 0})
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if text.startswith("keep_days"))
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(bad))}:{line}: storage\.keep_days: "):
        load(bad)
