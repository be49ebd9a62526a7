"""Which situation a complaint is about (late delivery, rude staff, billing, quality, no-show), by phrase lists per language."""

from __future__ import annotations

import re
import unicodedata

SITUATIONS = ("late_delivery", "rude_staff", "billing", "quality", "no_show", "general")

# Lower-case stems and phrases, matched where a word begins in the lower-cased text (a stem catches its inflections:
# "verspät" finds verspätet and Verspätung); one ending in "$" must also end a word ("late$" is not "later").
# Each language lists every situation but "general", the fallback.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "late_delivery": ("late$", "delay", "still waiting", "never arrived", "never came", "hasn't arrived",
                          "not arrived", "took weeks", "took days", "hours to arrive", "slow delivery"),
        "rude_staff": ("rude", "impolite", "unfriendly", "shouted", "yelled", "disrespect", "arrogant", "attitude",
                       "dismissive"),
        "billing": ("overcharg", "charged twice", "double charg", "refund", "invoice", "bill", "charge", "price",
                    "money back", "overpriced", "expensive", "cost", "fee$", "fees$"),
        "quality": ("broken", "cold", "stale", "dirty", "poor quality", "faulty", "defect", "damaged", "leak",
                    "inedible", "disgusting", "mould", "mold"),
        "no_show": ("no-show", "no show", "didn't show", "did not show", "never showed", "didn't turn up",
                    "did not turn up", "never turned up", "stood up", "missed the appointment", "missed appointment"),
    },
    "de": {
        "late_delivery": ("verspät", "zu spät", "warte immer noch", "nie angekommen", "nicht angekommen",
                          "lieferzeit", "wochen gewartet", "stunden gewartet", "lange gewartet"),
        "rude_staff": ("unfreundlich", "unhöflich", "frech", "angeschrien", "respektlos", "arrogant", "patzig"),
        "billing": ("rechnung", "abgebucht", "doppelt berechnet", "zu viel berechnet", "rückerstattung",
                    "erstattung", "preis", "geld zurück", "berechnet"),
        "quality": ("kaputt", "defekt", "kalt", "schmutzig", "dreckig", "beschädigt", "schlechte qualität",
                    "undicht", "verschimmelt", "ungenießbar", "alt und trocken"),
        "no_show": ("nicht erschienen", "nicht gekommen", "niemand kam", "nie aufgetaucht", "termin verpasst",
                    "versetzt"),
    },
    "fr": {
        "late_delivery": ("retard", "en retard", "toujours pas reçu", "jamais arrivé", "jamais reçu",
                          "attends toujours", "des semaines", "délai"),
        "rude_staff": ("impoli", "désagréable", "malpoli", "irrespectueu", "arrogant", "insolent", "crié",
                       "méprisant"),
        "billing": ("factur", "débité deux fois", "prélevé", "rembourse", "prix", "trop payé", "surfactur"),
        "quality": ("cassé", "froid", "sale", "abîmé", "défectueu", "mauvaise qualité", "moisi", "immangeable",
                    "fuit", "endommagé"),
        "no_show": ("jamais venu", "pas venu", "personne n'est venu", "pas présenté", "rendez-vous manqué",
                    "lapin"),
    },
    "es": {
        "late_delivery": ("tarde", "retras", "todavía espero", "nunca llegó", "no ha llegado", "sigo esperando",
                          "semanas esperando"),
        "rude_staff": ("maleducad", "grosero", "grosera", "antipátic", "irrespetuos", "borde", "nos gritó",
                       "arrogante"),
        "billing": ("factura", "cobraron dos veces", "cobro", "cobrado", "reembolso", "devolución", "precio",
                    "me cobraron"),
        "quality": ("roto", "rota", "frío", "fría", "sucio", "sucia", "defectuos", "mala calidad", "dañad",
                    "incomible", "moho"),
        "no_show": ("no vino", "no se presentó", "nunca vino", "nadie vino", "no apareció", "plantó"),
    },
    "it": {
        "late_delivery": ("ritardo", "in ritardo", "mai arrivat", "non è arrivat", "ancora in attesa",
                          "aspetto ancora", "settimane"),
        "rude_staff": ("maleducat", "scortes", "sgarbat", "arrogante", "ha urlato", "irrispettos"),
        "billing": ("fattura", "addebit", "rimborso", "prezzo", "pagato due volte", "conto"),
        "quality": ("rotto", "rotta", "freddo", "fredda", "sporco", "sporca", "difettos", "scarsa qualità",
                    "danneggiat", "immangiabile", "muffa"),
        "no_show": ("non si è presentat", "non è venut", "nessuno è venuto", "mai venut", "appuntamento saltato"),
    },
    "pt": {
        "late_delivery": ("atras", "demor", "nunca chegou", "não chegou", "ainda estou à espera", "ainda espero",
                          "semanas"),
        "rude_staff": ("mal-educad", "mal educad", "grosseir", "rude", "antipátic", "desrespeit", "arrogante"),
        "billing": ("fatura", "cobrad", "cobrança", "reembolso", "preço", "devolução", "pagamento"),
        "quality": ("partid", "quebrad", "frio", "fria", "suj", "defeituos", "má qualidade", "danificad",
                    "bolor", "estragad"),
        "no_show": ("não apareceu", "nunca apareceu", "ninguém apareceu", "não veio", "faltou"),
    },
    "nl": {
        "late_delivery": ("te laat", "vertraging", "nooit aangekomen", "niet aangekomen", "wacht nog steeds",
                          "weken gewacht", "levertijd"),
        "rude_staff": ("onbeleefd", "onvriendelijk", "brutaal", "geschreeuwd", "respectloos", "arrogant"),
        "billing": ("factuur", "rekening", "dubbel afgeschreven", "afgeschreven", "terugbetal", "prijs",
                    "geld terug"),
        "quality": ("kapot", "koud", "vies", "smerig", "defect", "beschadigd", "slechte kwaliteit", "schimmel",
                    "lekt"),
        "no_show": ("niet komen opdagen", "niet op komen dagen", "niemand kwam", "kwam niet", "afspraak gemist"),
    },
    "pl": {
        "late_delivery": ("opóźni", "spóźni", "nie dotarł", "nigdy nie dotarł", "nadal czekam", "wciąż czekam",
                          "tygodni"),
        "rude_staff": ("niegrzeczn", "nieuprzejm", "chamsk", "opryskliw", "krzyczał", "aroganck"),
        "billing": ("faktur", "rachun", "pobrano dwa razy", "obciążon", "zwrot pieniędzy", "zwrot", "cena",
                    "cenę"),
        "quality": ("zepsut", "uszkodzon", "zimn", "brudn", "wadliw", "słaba jakość", "kiepska jakość",
                    "pleśń", "niejadaln"),
        "no_show": ("nie przyszedł", "nie przyszła", "nikt nie przyszedł", "nie pojawił", "nie stawił"),
    },
    "ro": {
        "late_delivery": ("întârzi", "intarzi", "nu a ajuns", "n-a ajuns", "încă aștept", "tot aștept",
                          "săptămâni"),
        "rude_staff": ("nepoliticos", "nepoliticoș", "obraznic", "nesimțit", "arogant", "a țipat", "nepoliticoasă"),
        "billing": ("factur", "taxat de două ori", "taxat", "rambursare", "banii înapoi", "preț", "plătit"),
        "quality": ("stricat", "rece", "murdar", "defect", "deteriorat", "calitate slabă", "calitate proastă",
                    "mucegai"),
        "no_show": ("nu a venit", "n-a venit", "nu s-a prezentat", "nimeni nu a venit", "nu a apărut"),
    },
    "uk": {
        "late_delivery": ("запізн", "затрим", "досі чекаю", "так і не прийш", "не прийшло", "не доставили",
                          "тижнів"),
        "rude_staff": ("груб", "нечемн", "хамськ", "хамил", "кричал", "неввічлив", "зверхньо"),
        "billing": ("рахун", "списали двічі", "списали", "повернення коштів", "повернути гроші", "ціна", "ціну",
                    "переплат"),
        "quality": ("зламан", "холодн", "брудн", "бракован", "пошкоджен", "погана якість", "неякісн", "пліснява"),
        "no_show": ("не прийшов", "не прийшла", "ніхто не прийшов", "не з'явив", "не зʼявив"),
    },
    "ru": {
        "late_delivery": ("опозда", "задерж", "до сих пор жду", "так и не приш", "не пришло", "не доставили",
                          "недел"),
        "rude_staff": ("груб", "хамск", "хамил", "невежлив", "кричал", "неуважительн", "высокомерн"),
        "billing": ("счёт", "счет", "списали дважды", "списали", "возврат денег", "вернуть деньги", "цена", "цену",
                    "переплат"),
        "quality": ("сломан", "холодн", "грязн", "бракован", "поврежден", "плохое качество", "некачествен",
                    "плесен"),
        "no_show": ("не пришёл", "не пришел", "не пришла", "никто не пришёл", "никто не пришел", "не явил"),
    },
    "ja": {
        "late_delivery": ("遅れ", "遅い", "遅延", "届かない", "届いていない", "まだ届", "待たされ"),
        "rude_staff": ("失礼", "態度が悪", "無愛想", "怒鳴", "横柄", "不親切"),
        "billing": ("請求", "二重", "返金", "料金", "値段", "代金", "支払"),
        "quality": ("壊れ", "冷たい", "汚い", "汚れ", "不良", "品質が悪", "破損", "カビ", "まずい", "不具合", "フリーズ",
                    "落ちる", "使えな", "表示されな", "繋がらな"),
        "no_show": ("来なかった", "来ませんでした", "現れなかった", "すっぽかされ", "予約をすっぽか"),
    },
}
LANGUAGES = tuple(PHRASES)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("’", "'").lower())


def _found(phrase: str, body: str, language: str) -> bool:
    """A phrase that begins a word ("late" is not in "chocolate"); Japanese has no spaces to begin one."""
    whole = phrase.endswith("$")
    phrase = phrase.removesuffix("$")
    if language == "ja":
        return phrase in body
    return re.search(r"(?<!\w)" + re.escape(phrase) + (r"(?!\w)" if whole else ""), body) is not None


def matches(text: str | None, language: str) -> dict[str, list[str]]:
    """The phrases of each situation found in the text (situations with none left out)."""
    language = language if language in PHRASES else "en"
    body = _normal(text or "")
    found: dict[str, list[str]] = {}
    for name, phrases in PHRASES[language].items():
        hits = [p for p in phrases if _found(p, body, language)]
        if hits:
            found[name] = hits
    return found


def situation(text: str | None, language: str) -> str:
    """The situation a complaint is about: the one with most phrases found (ties: the first in SITUATIONS,
    so a no-show outranks a late one only by evidence); "general" when none is found."""
    found = matches(text, language)
    if not found:
        return "general"
    return max(found, key=lambda name: (len(found[name]), -SITUATIONS.index(name)))


def quote(text: str | None, language: str, limit: int = 60) -> str | None:
    """What went wrong, briefly: the sentence holding the first phrase of the chosen situation, cut to
    `limit` characters at a word; None when no phrase was found (the template then speaks generally)."""
    if not text:
        return None
    found = matches(text, language).get(situation(text, language))
    if not found:
        return None
    sentences = [s.strip() for s in re.split(r"(?<=[.!?。！？])\s*|\n+", text) if s.strip()]
    normal = [_normal(s) for s in sentences]
    language = language if language in PHRASES else "en"
    for phrase in found:
        for original, lowered in zip(sentences, normal):
            if _found(phrase, lowered, language):
                return shorten(original.rstrip(".!?。！？ "), limit)
    return None


def shorten(text: str, limit: int) -> str:
    """The text cut to at most `limit` characters, at a word where there is one, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
