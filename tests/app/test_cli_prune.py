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
    assert capsys.readouterr().out.strip() == "would delete 3 of 6 crawl rows"
    assert cli.main(["--config", str(config), "prune", "--keep-days", "30"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "deleted 3 crawl rows, 3 left"

    store = Store(tmp_path / "repscan.db")
    assert [row["id"] for row in store.crawls()] == [ids[0], ids[4], ids[5]]  # the first (history), the recent
    store.close()
    assert cli.main(["--config", str(config), "prune", "--keep-days", "0"]) == cli.EXIT_USAGE
