"""The demo's made-up business and its reviews (people and text invented for repscan)."""

from __future__ import annotations

from datetime import datetime, timedelta

from repscan.app.demo.site import Business, Review, SearchHit
from repscan.core.items import iso_utc

HOSTILE = ('<img src="file:///etc/passwd"> <script>alert("x")</script> '
           '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"> Ignore the bread, look at this!')

# (id, author, stars, title, text, language, hours ago, reply, reply hours after)
TRUSTPILOT = [
    ("tp-1001", "Megan Oduya", 1, "Cold bread and a rude till", "Waited twenty minutes, the sourdough was stale and nobody apologised. Never again.", "en", 3, None, None),
    ("tp-1002", "Jonas Weber", 2, "Leider enttäuschend", "Die Brezeln waren hart und der Kaffee lauwarm. Schade, früher war es besser.", "de", 7, "Das tut uns leid, Jonas! Bitte melden Sie sich bei uns, wir laden Sie auf einen Kaffee ein.", 0.5),
    ("tp-1003", "Ioana Păunescu", 5, "Cel mai bun pâine din oraș", "Personal foarte amabil, pâinea e proaspătă în fiecare dimineață. Mulțumesc frumos!", "ro", 20, None, None),
    ("tp-1004", "Олена Коваль", 1, "Дуже погано", "Замовлення загубили, гроші не повернули. Ніхто не відповідає на дзвінки.", "uk", 30, None, None),
    ("tp-1005", "佐藤 花子", 4, "美味しいクロワッサン", "クロワッサンがとても美味しかったです。また来ます。", "ja", 40, "ありがとうございます！またのお越しをお待ちしております。", 30),
    ("tp-1006", "Sam Patel", 5, "Best cinnamon buns 🥐🔥", "Friendly staff, great coffee ☕ and the buns are unreal 😍", "en", 52, None, None),
    ("tp-1007", "Chris Lomax", 1, None, HOSTILE, "en", 60, "Hi Chris, your review reached us as code, not words. Please call us and tell us what went wrong.", 4),
    ("tp-1008", "Aoife Byrne", 3, "Fine, a bit pricey", "Good bread but £4.50 for a loaf is steep for the area.", "en", 300, None, None),
    ("tp-1009", "Tomasz Nowak", 5, "Great birthday cake", "Ordered a cake for my daughter, it was perfect and on time.", "en", 500, "Thank you Tomasz, happy birthday to her!", 2),
    ("tp-1010", "Ruth Ellery", 2, "Order mix-up", "They gave my order to someone else and I had to wait for a new one.", "en", 800, "So sorry Ruth, we have changed how we label orders.", 50),
    ("tp-1011", "Dmitri Volkov", 4, "Nice place", "Cosy corner and decent espresso.", "en", 1100, None, None),
    ("tp-1012", "Priya Nair", 5, "Lovely", "Lovely staff and the best focaccia I have had.", "en", 1500, None, None),
]
# A burst: three 1-star reviews within the hour, four days ago, on a page that gets about one review a week
# (the demo's spike alert: rules.spike).
BURST = [
    ("tp-0901", "Kev Marsh", 1, "Awful", "Worst bakery in town. Avoid.", "en", 96.8, None, None),
    ("tp-0902", "K. Marshall", 1, "Terrible service", "Terrible. Do not go there.", "en", 96.4, None, None),
    ("tp-0903", "Kevin M", 1, "Avoid!!", "Rude staff, stale bread, avoid.", "en", 96.0, None, None),
]
OWN_SITE = [
    ("hl-01", "Gemma Hart", 5, "Our go-to bakery", "We buy our weekend loaf here every Saturday.", "en", 10),
    ("hl-02", "Marco Bellini", 2, "Burnt croissants", "Two of the four croissants were burnt on the bottom.", "en", 26),
    ("hl-03", "Lena Fischer", 4, "Schöner Laden", "Sehr gutes Roggenbrot, etwas lange Schlange.", "de", 70),
    ("hl-04", "Ana Ionescu", 1, "Nu recomand", "Prăjitura era veche și vânzătoarea nepoliticoasă.", "ro", 90),
    ("hl-05", "Owen Price", 5, "Superb", "The sourdough is worth the queue.", "en", 700),
    ("hl-06", "Hiro Tanaka", 3, "普通", "普通のパン屋さんです。", "ja", 1300),
]


def businesses(now: datetime) -> tuple[Business, Business]:
    def at(hours: float) -> str:
        return iso_utc((now - timedelta(hours=hours)).replace(second=0, microsecond=0))

    trustpilot = Business(slug="harbourlanebakery.example", name="Harbour Lane Bakery", rating=3.1, per_page=5)
    for rid, author, stars, title, text, lang, ago, reply, after in sorted(TRUSTPILOT + BURST, key=lambda r: r[6]):
        trustpilot.reviews.append(Review(
            id=rid, author=author, rating=stars, title=title, text=text, published=at(ago), language=lang,
            reply=reply, reply_at=at(ago - after) if reply else None))
    own = Business(slug="harbourlanebakery.example", name="Harbour Lane Bakery", rating=3.3, per_page=4)
    for rid, author, stars, title, text, lang, ago in OWN_SITE:
        own.reviews.append(Review(id=rid, author=author, rating=stars, title=title, text=text,
                                  published=at(ago), language=lang))
    return trustpilot, own

# The competitor the bakery is compared with (a made-up café two streets away): fewer complaints, faster replies.
RIVAL = [
    ("qc-201", "Hannah Greer", 5, "Worth the walk", "Flaky pastries and a proper flat white.", "en", 5, "Thanks Hannah, see you soon!", 1),
    ("qc-202", "Victor Almeida", 4, "Good brunch", "Busy on Sunday but the eggs were spot on.", "en", 30, "Thank you Victor!", 3),
    ("qc-203", "Ilse Brandt", 2, "Zu laut", "Das Essen war gut, aber es war sehr laut und eng.", "de", 75, "Danke, Ilse, wir arbeiten an der Akustik.", 5),
    ("qc-204", "Kofi Mensah", 5, "Lovely team", "They remembered my order from last week.", "en", 130, "Thanks Kofi!", 2),
    ("qc-205", "Beth Carrow", 5, "Best scones", "Warm scones with proper clotted cream.", "en", 260, None, None),
    ("qc-206", "Radu Munteanu", 4, "Bun", "Cafea bună, prețuri corecte.", "ro", 420, "Mulțumim, Radu!", 20),
    ("qc-207", "Nell Sturgess", 1, "Wrong order twice", "Two visits, two wrong orders. The refund took a week.", "en", 640, "Sorry Nell, please email us so we can put it right.", 6),
    ("qc-208", "Yusuf Demir", 5, "Great coffee", "The best coffee on the quay.", "en", 900, "Thank you Yusuf!", 4),
]
RIVAL_NAME = "Quayside Crumb"


def rival(now: datetime) -> Business:
    """The competitor's Trustpilot profile."""
    def at(hours: float) -> str:
        return iso_utc((now - timedelta(hours=hours)).replace(second=0, microsecond=0))

    page = Business(slug="quaysidecrumb.example", name=RIVAL_NAME, rating=4.2, per_page=5)
    for rid, author, stars, title, text, lang, ago, reply, after in RIVAL:
        page.reviews.append(Review(id=rid, author=author, rating=stars, title=title, text=text, published=at(ago),
                                   language=lang, reply=reply, reply_at=at(ago - after) if reply else None))
    return page


# What a search for the bakery's name shows: a complaint above its own site.
SEARCH = {
    "Harbour Lane Bakery": [
        SearchHit("https://harbourlanebakery.example/order", "Harbour Lane Bakery - Order cakes online",
                  "Sponsored: same-day celebration cakes.", ad=True),
        SearchHit("https://www.ripoffreport.com/reports/harbour-lane-bakery/portsmouth/cake-never-delivered-1234567",
                  "Ripoff Report | Harbour Lane Bakery complaint: cake never delivered",
                  "Paid £80 for a birthday cake that never arrived and they refused a refund. Avoid!"),
        SearchHit("https://harbourlanebakery.example/", "Harbour Lane Bakery | Sourdough, cakes and coffee",
                  "Independent bakery on Harbour Lane, open every day from 7am."),
        SearchHit("https://uk.trustpilot.com/review/harbourlanebakery.example",
                  "Harbour Lane Bakery is rated 3.1 | Trustpilot", "Read 15 reviews about Harbour Lane Bakery."),
        SearchHit("https://www.facebook.com/harbourlanebakery", "Harbour Lane Bakery - Facebook",
                  "Harbour Lane Bakery. 1,204 likes. Bakery."),
        SearchHit("https://www.reddit.com/r/portsmouth/comments/abc123/harbour_lane_bakery_worth_it/",
                  "Harbour Lane Bakery worth it? : r/portsmouth", "Queue is long but the sourdough is great."),
        SearchHit("https://www.portsmouthnews.example/business/harbour-lane-bakery-opens-second-shop",
                  "Harbour Lane Bakery opens a second shop", "The bakery on Harbour Lane is expanding."),
    ],
    RIVAL_NAME: [
        SearchHit("https://quaysidecrumb.example/", "Quayside Crumb | Café and bakery on the quay",
                  "Breakfast, brunch and cakes by the harbour, open from 8am."),
        SearchHit("https://uk.trustpilot.com/review/quaysidecrumb.example", "Quayside Crumb is rated 4.2 | Trustpilot",
                  "Read 8 reviews about Quayside Crumb."),
        SearchHit("https://www.portsmouthnews.example/food/quayside-crumb-brunch-review",
                  "Brunch on the quay: Quayside Crumb reviewed", "Generous plates and a view of the boats."),
    ],
}
