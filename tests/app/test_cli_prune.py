"""`repscan prune`: old crawl rows go, the ones the rules read and the recent ones stay; --dry-run deletes nothing."""

from __future__ import annotations

from datetime import timedelta

from helpers import write_config
from repscan.app import cli
from repscan.core.items import stamp, utcnow
from repscan.core.store import Store


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


def test_prune_deletes_only_old_page_copies_that_no_evidence_row_names(tmp_path, capsys):
    import os

    from repscan.core.items import make
    from repscan.core.store.evidence import Page, save_copy

    config = write_config(tmp_path, [("trustpilot", "https://t.example/b/acme")])
    reports = tmp_path / "out"
    store = Store(tmp_path / "repscan.db")
    review = {**make("review", source="trustpilot", source_id="r1", url="https://t.example/r/r1", rating=1,
                     text="Made-up words."), "negative": True, "sentiment": -0.8}
    store.save_items("acme", [review])
    page = Page(url="https://t.example/b/acme", body=b"<html>named</html>", status=200, fetched_at=stamp(utcnow()))
    assert store.record_evidence("acme", reports, [(review, page)]) == 1
    [named] = store.evidence("acme")
    store.close()
    orphan = reports / save_copy(reports, "acme", "trustpilot", b"<html>a crawl died before its row</html>")[1]
    fresh = reports / save_copy(reports, "acme", "trustpilot", b"<html>a crawl is about to name me</html>")[1]
    partial = orphan.parent / ".tmp-killed.part"
    partial.write_bytes(b"half a copy")
    old = (utcnow() - timedelta(days=3)).timestamp()
    for path in (reports / named["path"], orphan, partial):
        os.utime(path, (old, old))

    assert cli.main(["--config", str(config), "prune", "--dry-run"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[1] == "would delete 2 evidence page copies that no evidence row names"
    assert orphan.exists() and partial.exists()
    assert cli.main(["--config", str(config), "prune"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines()[1] == "deleted 2 evidence page copies that no evidence row names"
    assert not orphan.exists() and not partial.exists()
    assert fresh.exists()  # unnamed, but written within the day: a crawl may be about to name it
    assert (reports / named["path"]).exists()  # named by a row: kept however old
    assert cli.main(["--config", str(config), "evidence", "--client", "acme"]) == cli.EXIT_OK
