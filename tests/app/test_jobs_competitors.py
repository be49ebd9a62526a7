"""A competitor is crawled by the same scheduler at its own, lower cadence, and never gets a report slot."""

from __future__ import annotations

from datetime import datetime, timezone

from competitor_config import CONFIG, write
from repscan.app import jobs
from repscan.core import config as config_mod
from repscan.core.store import Store
from repscan.spiders.run import jobs_for



def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def due(config, store, now) -> dict[str, str]:
    return {d.client_id: d.slot.isoformat() for d in jobs._due(store, config, "crawl", now)}


def test_competitors_crawl_at_their_cadence_beside_the_clients(tmp_path):
    config = config_mod.load(write(tmp_path, CONFIG.replace('timezone = "Europe/Bucharest"', 'timezone = "UTC"')))
    store = Store(config.database)
    try:
        first = at("2026-12-07T08:10:00")  # a Monday
        assert sorted(due(config, store, first)) == ["acme", "acme:bolt", "acme:pipe"]  # never run: all due
        assert jobs._due(store, config, "report", first, record=True) == []  # a first report waits for its next
        # slot, and a competitor never has one
        assert [d.client_id for d in jobs._due(store, config, "report", at("2026-12-21T09:00:00"))] == ["acme"]
        for d in jobs._due(store, config, "crawl", first):
            store.mark_done(d.client_id, "crawl", d.slot.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "ok")
        assert due(config, store, at("2026-12-07T12:05:00")) == {"acme": "2026-12-07T12:00:00+00:00"}  # every 4 h
        assert due(config, store, at("2026-12-08T03:05:00")) == {"acme": "2026-12-08T00:00:00+00:00",
                                                                 "acme:bolt": "2026-12-08T03:00:00+00:00"}  # daily
        assert "acme:pipe" in due(config, store, at("2026-12-14T05:01:00"))  # its own weekly schedule
    finally:
        store.close()
    by_owner = {(job.client.id, job.site) for job in jobs_for(config)}
    assert by_owner == {("acme", "trustpilot"), ("acme:bolt", "trustpilot"), ("acme:bolt", "duckduckgo"),
                        ("acme:pipe", "jsonld")}
    assert {(j.client.id, j.site) for j in jobs_for(config, "acme:bolt")} == {("acme:bolt", "trustpilot"),
                                                                             ("acme:bolt", "duckduckgo")}
    assert [j.client.negative_threshold for j in jobs_for(config, "acme:pipe")] == [0.6]
