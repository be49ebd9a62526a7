"""A crawl that meets a page it no longer reads, or a page of the wrong kind, is `broken`, never ok or empty:
real crawls over loopback HTTP into a real SQLite file."""

from __future__ import annotations

from crawl_harness import Scenario, Serve, Site, crawl

HOTEL = "/Hotel_Review-g9999001-d5555555-Reviews-Harbour_Lane_Hotel-Fernbridge_Wessex.html"
LIST = "/Restaurants-g9999001-Fernbridge_Wessex.html"


def scenario(path: str, page: str) -> Scenario:
    return Scenario(f"broken-{page}", "tripadvisor", path, serve=[Serve(path, page)], first=None)


def test_a_declared_count_without_readable_reviews_is_a_broken_crawl_naming_the_url(tmp_path):
    with Site(scenario(HOTEL, "tripadvisor/count-without-known-cards")) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 1
    assert run.crawl["status"] == "broken" and run.crawl["items"] == 0 and run.reviews == []
    assert run.crawl["error"] == f"layout changed: expected a review count of 128, found none at {site.url}{HOTEL}"
    assert "broken" in run.result.stdout and "layout changed" in run.result.stdout


def test_a_list_page_as_a_source_is_a_broken_crawl_not_a_business(tmp_path):
    with Site(scenario(LIST, "tripadvisor/restaurant-list")) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 1
    assert run.crawl["status"] == "broken" and run.businesses == [] and run.reviews == []
    assert run.crawl["error"] == (f"not a review page: {site.url}{LIST} is a Tripadvisor restaurants list of 3 places,"
                                  " not one place's reviews")


def test_a_genuine_zero_stays_empty(tmp_path):
    path = "/Hotel_Review-g9999001-d4444444-Reviews-Quayside_Rooms-Fernbridge_Wessex.html"
    with Site(scenario(path, "tripadvisor/no-reviews-yet")) as site:
        run = crawl(tmp_path, site)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    assert run.crawl["status"] == "empty" and run.crawl["error"] is None and len(run.businesses) == 1
