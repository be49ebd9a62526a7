"""`repscan extract` on a page whose reviews it cannot read, or on a page of the wrong kind: exit 1, saying which; on a
page read in part: its items, exit 0 (parsed) and stderr saying what was not read."""

from __future__ import annotations

from helpers import case, json_lines, run_cli
from repscan.app.cases import Case


def test_a_changed_layout_exits_1_naming_the_evidence_and_prints_no_items(tmp_path):
    saved = case("tripadvisor/count-without-known-cards")
    result = run_cli("extract", "tripadvisor", str(saved.body_path), "--url", saved.url,
                     "--save-case", str(tmp_path / "changed"))
    assert result.returncode == 1 and result.stdout == ""
    assert f"error: {saved.body_path}: layout changed: expected a review count of 128, found none at {saved.url}" \
        in result.stderr.splitlines()
    assert Case(tmp_path / "changed").error == {
        "error": "LayoutChanged", "match": f"layout changed: expected a review count of 128, found none at {saved.url}"}


def test_a_list_page_exits_1_as_not_a_review_page_at_its_canonical_url():
    saved = case("tripadvisor/restaurant-list")
    result = run_cli("extract", "tripadvisor", str(saved.body_path))
    assert result.returncode == 1 and result.stdout == ""
    assert (f"error: {saved.body_path}: not a review page: https://www.tripadvisor.com/Restaurants-g9999001-"
            "Fernbridge_Wessex.html is a Tripadvisor restaurants list of 3 places, not one place's reviews") \
        in result.stderr.splitlines()


def test_a_genuine_zero_exits_0_with_the_business_alone():
    saved = case("tripadvisor/no-reviews-yet")
    result = run_cli("extract", "tripadvisor", str(saved.body_path), "--url", saved.url)
    assert result.returncode == 0, result.stderr
    assert [item["kind"] for item in json_lines(result.stdout)] == ["business"]


def test_a_page_read_in_part_prints_its_items_and_says_on_stderr_what_was_not_read(tmp_path):
    saved = case("trustpilot/json-ld-only-renamed")
    result = run_cli("extract", "trustpilot", str(saved.body_path), "--url", saved.url,
                     "--save-case", str(tmp_path / "partly"))
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout) == saved.expected  # the 5 reviews, without replies, and the business
    note = f"not read: {saved.error['match']}"
    assert note.startswith(f"not read: replies: trustpilot: {saved.url} gives 5 of its 5 reviews only as JSON-LD")
    assert note in result.stderr.splitlines()
    again = Case(tmp_path / "partly")
    assert (again.expected, again.error) == (saved.expected, saved.error)


def test_a_page_without_what_the_site_gives_exits_0_with_its_items_and_says_what_was_not_read(tmp_path):
    saved = case("trustpilot/legacy-cards-2016")  # 2016 cards: two reviews, no business summary on the page
    result = run_cli("extract", "trustpilot", str(saved.body_path), "--url", saved.url, "--save-case",
                     str(tmp_path / "fields"))
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout) == saved.expected
    assert (f"not read: business summary: trustpilot: {saved.url} gives 2 reviews but no business summary (rating"
            " and count)") in result.stderr.splitlines()
    again = Case(tmp_path / "fields")
    assert (again.expected, again.error) == (saved.expected, saved.error)
