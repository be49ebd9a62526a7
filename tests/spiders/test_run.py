"""Scrapy settings from the config: polite defaults, and the config's overrides on top."""

from helpers import write_config
from repscan import USER_AGENT
from repscan.core.config import load
from repscan.spiders.run import jobs_for, scrapy_settings


def test_polite_defaults_and_overrides(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://www.trustpilot.com/review/acme.example")], timeout=7))
    settings = scrapy_settings(cfg)
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings["USER_AGENT"] == USER_AGENT and "repscan" in USER_AGENT and "https://" in USER_AGENT
    assert 429 in settings.getlist("RETRY_HTTP_CODES")
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 7
    assert settings.getfloat("DOWNLOAD_DELAY") == 0  # the test config turns politeness delays off
    assert settings["REPSCAN_DATABASE"] == str(tmp_path / "repscan.db")


def test_default_config_is_polite(tmp_path):
    path = tmp_path / "repscan.toml"
    path.write_text('[agency]\nname = "A"\nsender = "a@a.example"\n[[clients]]\nid = "x"\nname = "X"\n'
                    'recipients = ["x@x.example"]\n[[clients.sources]]\nsite = "jsonld"\nurl = "https://x.example/r"\n')
    settings = scrapy_settings(load(path))
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.0 and settings.getbool("AUTOTHROTTLE_ENABLED") is True


def test_jobs_filter_by_client_and_site(tmp_path):
    cfg = load(write_config(tmp_path, [("trustpilot", "https://t.example/r"), ("jsonld", "https://x.example/r")]))
    assert [j.source.site for j in jobs_for(cfg)] == ["trustpilot", "jsonld"]
    assert [j.source.site for j in jobs_for(cfg, "acme", "jsonld")] == ["jsonld"]


def test_a_crawl_reads_on_to_watched_reviews_once_one_is_a_day_unseen_and_once_a_day(tmp_path):
    """A location's crawl reads on to its own waiting reviews, about once a day (rules.WATCH_SLACK early); another
    location of the chain (another URL of the same site) never to them: its pages never show them."""
    from repscan.core.items import make, normalise
    from repscan.core.store import Store
    from repscan.spiders.pipelines import classify_item
    from repscan.spiders.run import watched_ids

    url, other = "https://t.example/review/acme", "https://t.example/review/acme-north"
    job, north = jobs_for(load(write_config(tmp_path, [("trustpilot", url), ("trustpilot", other)])))
    store = Store(tmp_path / "repscan.db")
    first = store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at="2026-12-01T09:59:00.000000Z")
    store.save_items("acme", [classify_item(normalise(make(
        "review", source="trustpilot", source_id=f"r{stars}", url=f"{url}/r{stars}", rating=stars, text="Made-up words.",
        published_at="2026-11-02T10:00:00Z"))) for stars in (1, 5)], crawl_id=first, seen_at="2026-12-01T10:00:00.000000Z")
    assert watched_ids(store, job, now="2026-12-02T08:00:00Z") == []  # seen within the day
    assert watched_ids(store, job, now="2026-12-02T09:59:00Z") == ["r1"]  # a day after that crawl started
    assert watched_ids(store, north, now="2026-12-02T09:59:00Z") == []  # not the other location's
    store.start_crawl("acme", "trustpilot", "TrustpilotSpider", url, started_at="2026-12-02T10:00:00.000000Z", watched=1)
    assert watched_ids(store, job, now="2026-12-03T08:00:00Z") == []  # not found then: again only a day later
    assert watched_ids(store, job, now="2026-12-03T10:00:00Z") == ["r1"]
    store.close()


def test_a_crawl_and_a_node_job_carry_the_zone_of_the_business(tmp_path):
    """The spider argument `tz` (the same for a local crawl and a Scrapyd job): the source's location's zone, else
    the client's timezone; the page's times without an offset are read in it."""
    from repscan.app.nodes import _argument
    from repscan.spiders.run import source_arguments

    path = write_config(tmp_path, [{"site": "jsonld", "url": "https://x.example/tokyo", "location": "shibuya"},
                                   {"site": "jsonld", "url": "https://x.example/brand"}])
    path.write_text(path.read_text(encoding="utf-8") + '\n[[clients.locations]]\nid = "shibuya"\nname = "Shibuya"\n'
                    'timezone = "Asia/Tokyo"\n', encoding="utf-8")
    zones = {job.source.url: source_arguments(load(path), job, known=[], full=False)["tz"] for job in jobs_for(load(path))}
    assert zones == {"https://x.example/tokyo": "Asia/Tokyo", "https://x.example/brand": "Europe/Berlin"}
    assert _argument(zones["https://x.example/tokyo"]) == "Asia/Tokyo"
