"""Pages in the real sites' structure, generated from made-up data: the demo's and the crawl tests' website."""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from repscan.core.items import iso_utc


@dataclass
class Review:
    id: str
    author: str
    rating: int
    title: str | None
    text: str
    published: str  # ISO with Z
    language: str = "en"
    reply: str | None = None
    reply_at: str | None = None
    updated: str | None = None
    author_reviews: int = 4  # the reviewer's reviews on the site (1: a single-review account)


@dataclass
class Business:
    slug: str
    name: str
    rating: float
    reviews: list[Review] = field(default_factory=list)
    per_page: int = 5


def _json_script(data: dict) -> str:
    # json.dumps does not escape "</": a review saying "</script>" must not end the block.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def trustpilot_page(business: Business, page: int, host: str) -> str | None:
    """Page `page` (1-based, newest first) of a Trustpilot business profile, or None past the end."""
    total_pages = max(1, math.ceil(len(business.reviews) / business.per_page))
    if page < 1 or page > total_pages:
        return None
    chunk = business.reviews[(page - 1) * business.per_page: page * business.per_page]
    page_url = f"{host}/review/{business.slug}"
    next_data = {
        "props": {"pageProps": {
            "pageUrl": page_url,
            "businessUnit": {
                "id": f"bu-{business.slug}", "displayName": business.name,
                "identifyingName": business.slug, "numberOfReviews": len(business.reviews),
                "trustScore": business.rating, "stars": round(business.rating * 2) / 2,
                "websiteUrl": f"https://{business.slug}",
            },
            "reviews": [{
                "id": r.id, "filtered": False, "pending": False, "text": r.text, "rating": r.rating,
                "labels": {"merged": None, "verification": {"isVerified": False}},
                "title": r.title, "likes": 0,
                "dates": {"experiencedDate": r.published[:10] + "T00:00:00.000Z",
                          "publishedDate": r.published, "updatedDate": r.updated},
                "report": None, "hasUnhandledReports": False,
                "consumer": {"id": f"u-{r.id}", "displayName": r.author, "imageUrl": "",
                             "numberOfReviews": r.author_reviews, "countryCode": "GB", "hasImage": False},
                "reply": ({"message": r.reply, "publishedDate": r.reply_at, "updatedDate": None}
                          if r.reply else None),
                "productReviews": [], "language": r.language, "location": None,
            } for r in chunk],
            "filters": {
                "totalNumberOfReviews": len(business.reviews),
                "pagination": {"currentPage": page, "perPage": business.per_page,
                               "totalCount": len(business.reviews), "totalPages": total_pages},
                "selected": {"sort": "recency"},
            },
        }},
        "page": "/review/[businessUnit]", "query": {"businessUnit": business.slug},
        "buildId": "businessunitprofile-consumersite-demo",
    }
    org_id = f"https://www.trustpilot.com/#/schema/Organization/{business.slug}"
    graph = [
        {"@type": "LocalBusiness", "@id": org_id, "url": page_url, "name": business.name,
         "aggregateRating": {"@type": "AggregateRating", "bestRating": "5", "worstRating": "1",
                             "ratingValue": str(business.rating), "reviewCount": str(len(business.reviews))},
         "review": [{"@id": f"https://www.trustpilot.com/#/schema/Review/{business.slug}/{r.id}"} for r in chunk]},
    ] + [
        {"@type": "Review", "@id": f"https://www.trustpilot.com/#/schema/Review/{business.slug}/{r.id}",
         "itemReviewed": {"@id": org_id},
         "author": {"@type": "Person", "name": r.author, "url": f"https://www.trustpilot.com/users/u-{r.id}/"},
         "datePublished": r.published, "headline": r.title or "", "reviewBody": r.text,
         "reviewRating": {"@type": "Rating", "bestRating": "5", "worstRating": "1", "ratingValue": str(r.rating)},
         "inLanguage": r.language}
        for r in chunk
    ]
    cards = "\n".join(_trustpilot_card(r) for r in chunk)
    prev_href = f'href="/review/{business.slug}?page={page - 1}&amp;sort=recency"' if page > 1 else 'aria-disabled="true"'
    next_link = (f'<a name="pagination-button-next" data-pagination-button-next-link="true" '
                 f'href="/review/{business.slug}?page={page + 1}&amp;sort=recency" aria-label="Next page">Next page</a>'
                 if page < total_pages else
                 '<a name="pagination-button-next" data-pagination-button-next-link="true" aria-disabled="true" aria-label="Next page">Next page</a>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(business.name)} Reviews | Read Customer Service Reviews of {html.escape(business.slug)}</title>
<script type="application/ld+json" data-business-unit-json-ld="true">{_json_script({"@context": "https://schema.org", "@graph": graph})}</script>
</head><body><main>
<h1><span>{html.escape(business.name)}</span></h1>
<div data-reviews-list-start="true"></div>
{cards}
<nav aria-label="Pagination">
<a name="pagination-button-previous" data-pagination-button-previous-link="true" {prev_href} aria-label="Previous page">Previous page</a>
<a name="pagination-button-{page}" aria-current="page" href="/review/{business.slug}?page={page}&amp;sort=recency">{page}</a>
{next_link}
</nav></main>
<script id="__NEXT_DATA__" type="application/json">{_json_script(next_data)}</script>
</body></html>"""


def _trustpilot_card(r: Review) -> str:
    reply = (f'<div class="styles_replyInfo"><p class="styles_replyMessage" data-service-review-business-reply-text-typography="true">'
             f'{html.escape(r.reply)}</p><time datetime="{r.reply_at}"></time></div>') if r.reply else ""
    title = f'<h2 data-service-review-title-typography="true">{html.escape(r.title)}</h2>' if r.title else ""
    return f"""<article data-service-review-card-paper="true">
<aside aria-label="Info for {html.escape(r.author)}"><span data-consumer-name-typography="true">{html.escape(r.author)}</span></aside>
<section><div data-service-review-rating="{r.rating}"><img alt="Rated {r.rating} out of 5 stars"></div>
<time datetime="{r.published}" data-service-review-date-time-ago="true"></time>
<a href="/reviews/{r.id}" data-review-title-typography="true">{title}</a>
<p data-service-review-text-typography="true" lang="{r.language}">{html.escape(r.text)}</p></section>
{reply}</article>"""


def jsonld_page(business: Business, page: int, host: str, path: str) -> str | None:
    """A small business's own reviews page with schema.org LocalBusiness + Review JSON-LD, rel=next paging."""
    total_pages = max(1, math.ceil(len(business.reviews) / business.per_page))
    if page < 1 or page > total_pages:
        return None
    chunk = business.reviews[(page - 1) * business.per_page: page * business.per_page]
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": f"{host}{path}#webpage", "url": f"{host}{path}"},
            {"@type": ["LocalBusiness", "Bakery"], "@id": f"{host}/#business", "name": business.name,
             "aggregateRating": {"@type": "AggregateRating", "ratingValue": str(business.rating),
                                 "reviewCount": len(business.reviews), "bestRating": 5},
             "review": [{
                 "@type": "Review", "@id": f"{host}{path}#review-{r.id}",
                 "author": {"@type": "Person", "name": r.author}, "datePublished": r.published[:10],
                 "name": r.title, "reviewBody": r.text, "inLanguage": r.language,
                 "reviewRating": {"@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1},
             } for r in chunk]},
        ],
    }
    query = f"?page={page + 1}"
    next_link = f'<link rel="next" href="{path}{query}">' if page < total_pages else ""
    items = "\n".join(f"<li><strong>{html.escape(r.author)}</strong> ({r.rating}/5): {html.escape(r.text)}</li>" for r in chunk)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reviews - {html.escape(business.name)}</title>
<link rel="canonical" href="{host}{path}{'' if page == 1 else f'?page={page}'}">{next_link}
<script type="application/ld+json">{_json_script(data)}</script>
</head><body><h1>What our customers say</h1><ul>{items}</ul></body></html>"""


@dataclass
class SearchHit:
    url: str
    title: str
    snippet: str
    ad: bool = False


def duckduckgo_page(query: str, hits: list[SearchHit]) -> str:
    """One results page in the structure of html.duckduckgo.com/html/ (redirect links, ads, result__ classes)."""
    from urllib.parse import quote

    rows = []
    for hit in hits:
        href = (f"https://duckduckgo.com/y.js?ad_domain={quote(hit.url)}&amp;rut=demo" if hit.ad
                else f"//duckduckgo.com/l/?uddg={quote(hit.url, safe='')}&amp;rut=demo")
        shown = hit.url.split("://", 1)[-1].rstrip("/")
        rows.append(f"""<div class="result results_links results_links_deep {'result--ad' if hit.ad else 'web-result'} ">
  <div class="links_main links_deep result__body">
    <h2 class="result__title"><a rel="nofollow" class="result__a" href="{href}">{html.escape(hit.title)}</a></h2>
    <div class="result__extras"><div class="result__extras__url"><a class="result__url" href="{href}">{html.escape(shown)}</a></div></div>
    <a class="result__snippet" href="{href}">{html.escape(hit.snippet)}</a>
    <div class="clear"></div>
  </div>
</div>""")
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="content-type" content="text/html; charset=UTF-8" />
<title>{html.escape(query)} at DuckDuckGo</title></head>
<body class="body--html"><div id="header" class="header cw header--html">
<form name="x" class="header__form" action="/html/" method="post">
<input name="q" autocomplete="off" class="search__input" type="text" value="{html.escape(query)}" /></form></div>
<div class="serp__results"><div id="links" class="results">
{''.join(rows)}
</div></div></body></html>"""


def mention_page(name: str, site_url: str, now: datetime) -> str:
    """A saved page of the demo's mentions (pages/NAME: a Reddit search, a Google Alerts feed, Facebook posts)
    with its times set relative to `now`: @@H5@@ is five hours ago (ISO), @@EPOCH_H5@@ the same as epoch seconds."""
    from importlib import resources

    text = resources.files(__package__).joinpath("pages", name).read_text(encoding="utf-8")

    def when(match) -> str:
        moment = (now - timedelta(hours=int(match.group(2)))).replace(microsecond=0)
        return str(int(moment.timestamp())) if match.group(1) else iso_utc(moment)

    text = re.sub(r"@@(EPOCH_)?H(\d+)@@", when, text)
    return text.replace("@@NOW@@", iso_utc(now.replace(microsecond=0))).replace("@@SITE@@", site_url)

