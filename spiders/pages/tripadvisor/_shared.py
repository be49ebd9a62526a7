"""What Tripadvisor's layouts share: the site key, the review id in a review link, text cleanup, the cards' words."""

from __future__ import annotations

import re

from ..common import values

SITE = "tripadvisor"
REVIEW_LINK = re.compile(r"-r(\d+)-")  # the review id in a /ShowUserReviews-…-rNNN- link

# The words around a card's dates and its management response on tripadvisor.com, .de, .fr, .es, .it,
# .com.br/.pt and .nl. Dates themselves are read by common.dates in any language.
WROTE = re.compile(r"\b(?:wrote a review|hat eine Bewertung geschrieben|schrieb eine Bewertung|a écrit un avis"
                   r"|escribió una opinión|escribió una reseña|ha scritto una recensione|escreveu uma avaliação"
                   r"|schreef een beoordeling|heeft een beoordeling geschreven)\b(?:\s+(?:am|le|el|il|em|op|on))?",
                   re.IGNORECASE)
WRITTEN = re.compile(r"^(?:Written|Reviewed|Verfasst am|Geschrieben am|Écrit le|Écrit en|Escrita el|Escrito el"
                     r"|Scritta in data|Scritta il|Escrita em|Escrito em|Geschreven op)\s+(.+)$", re.IGNORECASE)
RESPONSE_FROM = re.compile(r"^(?:Response from|Antwort von|Réponse de|Réponse du|Respuesta de|Risposta di|Risposta da"
                           r"|Resposta de|Reactie van|Antwoord van)\b|responded to this review", re.IGNORECASE)
RESPONDED = re.compile(r"^(?:Responded|Beantwortet|Antwort vom|Répondu|Respondido|Respondió|Risposta inviata"
                       r"|Ha risposto|Respondeu|Respondida|Beantwoord|Gereageerd)(?:\s+(?:am|le|el|il|em|op|on))?"
                       r"\s*:?\s*(.+)$", re.IGNORECASE)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a management response's date in its title attribute (2023 cards)
DATE_OF_STAY = re.compile(r"^(?:Date of stay|Aufenthaltsdatum|Date du séjour|Fecha de la estancia|Data del soggiorno"
                          r"|Data da estadia|Datum van verblijf|Date of experience|Date of visit)\b", re.IGNORECASE)
# "4.0 of 5 bubbles", "4,0 von 5 Punkten", "4,0 sur 5 bulles": always one decimal, unlike "1 of 5 photos".
BUBBLES = re.compile(r"^\s*(\d[.,]\d)\s+\w+\s+5(?:[.,]0)?\s+\w+")
# The reviewer's "14 contributions" (reviews, photos, forum posts: Tripadvisor's count of what the account wrote).
CONTRIBUTIONS = re.compile(r"^(\d[\d.,\u202f\xa0 ]*)\s*(?:contributions?|Beitrag|Beiträge|contribuciones|contribución|contributi"
                           r"|contributo|contribuições|contribuição|bijdragen?)$", re.IGNORECASE)
BUBBLE_CLASS = re.compile(r"\bbubble_(\d{1,2})\b")  # ui_bubble_rating bubble_45 is 4.5


def bubbles(el) -> int | float | None:
    """The rating an element shows: its ui_bubble_rating bubble_NN class, or its "N.N of 5 bubbles" label or svg title."""
    match = BUBBLE_CLASS.search(el.get("class", "")) if "ui_bubble_rating" in el.get("class", "") else None
    if match:
        return values.number(int(match.group(1)) / 10)
    labels = [el.get("aria-label", "")] + ["".join(t.itertext()) for t in el if t.tag == "title"]
    for label in labels:
        match = BUBBLES.match(label)
        if match:
            return values.number(match.group(1))
    return None


def contributions(elements) -> int | None:
    """The reviewer's contribution count: the first of `elements` whose whole text is "N contributions"."""
    for el in elements:
        if isinstance(el.tag, str) and el.tag not in ("script", "style"):
            match = CONTRIBUTIONS.match(" ".join("".join(el.itertext()).split()))
            if match:
                return values.count(match.group(1))
    return None


def clean(value) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


def page_language(response) -> str | None:
    """The page's language (<html lang="de-DE"> is "de"), which dates in other languages are tried in first."""
    lang = (response.xpath("/html/@lang").get() or "").strip()
    return lang.split("-")[0].lower() or None
