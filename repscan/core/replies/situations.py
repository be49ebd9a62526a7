"""Which situation a complaint is about (late delivery, rude staff, billing, quality, no-show), by phrase lists per language."""

from __future__ import annotations

import re
import unicodedata

from repscan.core.replies.quoting import opens_with_a_name, quotable, shorten

SITUATIONS = ("late_delivery", "rude_staff", "billing", "quality", "no_show", "general")
# Which situation a tie goes to: a complaint about money only where money is all it is about (a draft that offers to
# check a charge nobody made tells the customer something untrue).
TIES = ("late_delivery", "rude_staff", "quality", "no_show", "billing")

# Lower-case stems and phrases, matched where a word begins in the lower-cased text (a stem catches its inflections:
# "verspät" finds verspätet and Verspätung); one ending in "$" must also end a word ("late$" is not "later").
# One beginning with "~" counts only beside another phrase of its situation: a price, a cost or a payment is money
# talk, not a billing complaint ("the food was cold and the price was high" is about the food); and a bare "bill"
# is never one (Bill is a name; "the bill" is not); nor is an opinion of the price ("expensive", "a rip-off": nobody
# disputes a charge). Each language lists every situation but "general", the fallback.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "late_delivery": ("late$", "delay", "still waiting", "never arrived", "never came", "hasn't arrived",
                          "not arrived", "took weeks", "took days", "hours to arrive", "slow delivery"),
        "rude_staff": ("rude", "impolite", "unfriendly", "shouted", "yelled", "disrespect", "arrogant", "attitude",
                       "dismissive"),
        "billing": ("overcharg", "charged twice", "double charg", "charged me", "charged us", "charged$", "refund",
                    "invoice", "billed", "billing", "the bill$", "the bills$", "my bill$", "our bill$",
                    "your bill$", "a bill$", "this bill$", "money back", "fee$", "fees$",
                    "~price", "~cost", "~charge", "~paid", "~overpriced", "~expensive", "~rip-off", "~ripped off"),
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
                    "erstattung", "geld zurück", "berechnet", "~überteuert", "~abzocke", "~preis", "~kosten",
                    "~bezahlt"),
        "quality": ("kaputt", "defekt", "kalt", "schmutzig", "dreckig", "beschädigt", "schlechte qualität",
                    "undicht", "verschimmelt", "ungenießbar", "alt und trocken"),
        "no_show": ("nicht erschienen", "nie erschienen", "nicht gekommen", "niemand kam", "nie aufgetaucht",
                    "termin verpasst", "versetzt"),
    },
    "fr": {
        "late_delivery": ("retard", "en retard", "toujours pas reçu", "jamais arrivé", "jamais reçu",
                          "attends toujours", "des semaines", "délai"),
        "rude_staff": ("impoli", "désagréable", "malpoli", "irrespectueu", "arrogant", "insolent", "crié",
                       "méprisant"),
        "billing": ("factur", "débité deux fois", "prélevé", "rembourse", "trop payé", "surfactur", "~hors de prix",
                    "~arnaque", "~prix", "~coût", "~payé"),
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
        "billing": ("factura", "cobraron dos veces", "cobro", "cobrado", "reembolso", "devolución", "me cobraron",
                    "~carísim", "~timo", "~precio", "~pagué"),
        "quality": ("roto", "rota", "frío", "fría", "sucio", "sucia", "defectuos", "mala calidad", "dañad",
                    "incomible", "moho"),
        "no_show": ("no vino", "no se presentó", "nunca vino", "nadie vino", "no apareció", "plantó"),
    },
    "it": {
        "late_delivery": ("ritardo", "in ritardo", "mai arrivat", "non è arrivat", "ancora in attesa",
                          "aspetto ancora", "settimane"),
        "rude_staff": ("maleducat", "scortes", "sgarbat", "arrogante", "ha urlato", "irrispettos"),
        "billing": ("fattura", "addebit", "rimborso", "pagato due volte", "il conto", "~prezzo", "~pagato"),
        "quality": ("rotto", "rotta", "freddo", "fredda", "sporco", "sporca", "difettos", "scarsa qualità",
                    "danneggiat", "immangiabile", "muffa"),
        "no_show": ("non si è presentat", "non è venut", "nessuno è venuto", "mai venut", "appuntamento saltato"),
    },
    "pt": {
        "late_delivery": ("atras", "demor", "nunca chegou", "não chegou", "ainda estou à espera", "ainda espero",
                          "semanas"),
        "rude_staff": ("mal-educad", "mal educad", "grosseir", "rude", "antipátic", "desrespeit", "arrogante"),
        "billing": ("fatura", "cobrad", "cobrança", "reembolso", "devolução", "~preço", "~pagamento"),
        "quality": ("partid", "quebrad", "frio", "fria", "suj", "defeituos", "má qualidade", "danificad",
                    "bolor", "estragad"),
        "no_show": ("não apareceu", "nunca apareceu", "ninguém apareceu", "não veio", "faltou"),
    },
    "nl": {
        "late_delivery": ("te laat", "vertraging", "nooit aangekomen", "niet aangekomen", "wacht nog steeds",
                          "weken gewacht", "levertijd"),
        "rude_staff": ("onbeleefd", "onvriendelijk", "brutaal", "geschreeuwd", "respectloos", "arrogant"),
        "billing": ("factuur", "de rekening", "dubbel afgeschreven", "afgeschreven", "terugbetal", "geld terug",
                    "~prijs", "~betaald"),
        "quality": ("kapot", "koud", "vies", "smerig", "defect", "beschadigd", "slechte kwaliteit", "schimmel",
                    "lekt"),
        "no_show": ("niet komen opdagen", "niet op komen dagen", "niemand kwam", "kwam niet", "afspraak gemist"),
    },
    "pl": {
        "late_delivery": ("opóźni", "spóźni", "nie dotarł", "nigdy nie dotarł", "nadal czekam", "wciąż czekam",
                          "tygodni"),
        "rude_staff": ("niegrzeczn", "nieuprzejm", "chamsk", "opryskliw", "krzyczał", "aroganck"),
        "billing": ("faktur", "rachun", "pobrano dwa razy", "obciążon", "zwrot pieniędzy", "zwrot", "~cena",
                    "~cenę", "~zapłaci"),
        "quality": ("zepsut", "uszkodzon", "zimn", "brudn", "wadliw", "słaba jakość", "kiepska jakość",
                    "pleśń", "niejadaln"),
        "no_show": ("nie przyszedł", "nie przyszła", "nikt nie przyszedł", "nie pojawił", "nie stawił"),
    },
    "ro": {
        "late_delivery": ("întârzi", "intarzi", "nu a ajuns", "n-a ajuns", "încă aștept", "tot aștept",
                          "săptămâni"),
        "rude_staff": ("nepoliticos", "nepoliticoș", "obraznic", "nesimțit", "arogant", "a țipat", "nepoliticoasă"),
        "billing": ("factur", "taxat de două ori", "taxat", "rambursare", "banii înapoi", "suprataxat", "~preț",
                    "~plătit"),
        "quality": ("stricat", "rece", "murdar", "defect", "deteriorat", "calitate slabă", "calitate proastă",
                    "mucegai"),
        "no_show": ("nu a venit", "n-a venit", "nu s-a prezentat", "nimeni nu a venit", "nu a apărut"),
    },
    "uk": {
        "late_delivery": ("запізн", "затрим", "досі чекаю", "так і не прийш", "не прийшло", "не доставили",
                          "тижнів"),
        "rude_staff": ("груб", "нечемн", "хамськ", "хамил", "кричал", "неввічлив", "зверхньо"),
        "billing": ("рахунок$", "рахунку$", "списали двічі", "списали", "повернення коштів", "повернути гроші",
                    "переплат", "~ціна", "~ціну", "~заплатил"),
        "quality": ("зламан", "холодн", "брудн", "бракован", "пошкоджен", "погана якість", "неякісн", "пліснява"),
        "no_show": ("не прийшов", "не прийшла", "ніхто не прийшов", "не з'явив", "не зʼявив"),
    },
    "ru": {
        "late_delivery": ("опозда", "задерж", "до сих пор жду", "так и не приш", "не пришло", "не доставили",
                          "недел"),
        "rude_staff": ("груб", "хамск", "хамил", "невежлив", "кричал", "неуважительн", "высокомерн"),
        "billing": ("счёт$", "счет$", "счёта$", "счета$", "списали дважды", "списали", "возврат денег",
                    "вернуть деньги", "переплат", "~цена", "~цену", "~заплатил"),
        "quality": ("сломан", "холодн", "грязн", "бракован", "поврежден", "плохое качество", "некачествен",
                    "плесен"),
        "no_show": ("не пришёл", "не пришел", "не пришла", "никто не пришёл", "никто не пришел", "не явил"),
    },
    "ja": {
        "late_delivery": ("遅れ", "遅い", "遅延", "届かない", "届いていない", "まだ届", "待たされ"),
        "rude_staff": ("失礼", "態度が悪", "無愛想", "怒鳴", "横柄", "不親切"),
        "billing": ("請求", "返金", "二重に引き落と", "~二重", "~料金", "~値段", "~代金", "~支払"),
        "quality": ("壊れ", "冷たい", "汚い", "汚れ", "不良", "品質が悪", "破損", "カビ", "まずい", "不具合", "フリーズ",
                    "落ちる", "使えな", "表示されな", "繋がらな"),
        "no_show": ("来なかった", "来ませんでした", "現れなかった", "すっぽかされ", "予約をすっぽか"),
    },
}
LANGUAGES = tuple(PHRASES)

# Words that deny the phrase right after them ("not rude at all", "nicht zu spät"): a phrase with one of these among
# the two words before it is not found. Billing phrases are exempt ("no refund", "never refunded" are the complaint);
# Japanese denies with an ending, so it has none.
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "never", "no", "nothing", "hardly", "without"}),
    "de": frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne"}),
    "fr": frozenset({"pas", "jamais", "ne", "n", "aucun", "aucune", "ni", "sans"}),
    "es": frozenset({"no", "nunca", "ni", "nada", "sin", "jamás"}),
    "it": frozenset({"non", "mai", "nessun", "nessuna", "né", "senza"}),
    "pt": frozenset({"não", "nunca", "nem", "nenhum", "nenhuma", "sem"}),
    "nl": frozenset({"niet", "nooit", "geen", "zonder"}),
    "pl": frozenset({"nie", "nigdy", "żaden", "żadna", "żadnego", "bez"}),
    "ro": frozenset({"nu", "niciodată", "niciun", "nicio", "fără"}),
    "uk": frozenset({"не", "ні", "ніколи", "жодн", "без"}),
    "ru": frozenset({"не", "ни", "никогда", "нет", "без"}),
}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("’", "'").lower())


def _found(phrase: str, body: str, language: str, denied: frozenset[str] = frozenset()) -> bool:
    """A phrase that begins a word ("late" is not in "chocolate"; Japanese has no spaces to begin one), at least once
    without a word of `denied` among the two words before it, unless it denies itself ("non è mai arrivato": a
    second negation agrees with the first)."""
    whole = phrase.endswith("$")
    phrase = phrase.removeprefix("~").removesuffix("$")
    if language == "ja":
        return phrase in body
    if denied & set(phrase.split()):
        denied = frozenset()
    pattern = r"(?<!\w)" + re.escape(phrase) + (r"(?!\w)" if whole else "")
    return any(not _denied(body[: hit.start()], denied) for hit in re.finditer(pattern, body))


def _denied(before: str, denied: frozenset[str]) -> bool:
    """Whether one of the two words before a phrase, in its own sentence or clause, denies it ("wasn't" is "not"
    too; "Never again, rude staff." and "Nie polecam. Zimne jedzenie." are complaints)."""
    clause = re.split(r"[.!?;:,…\n。！？、]", before)[-1]
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", clause)[-2:]
    return any(word in denied or word.endswith("n't") for word in words) if denied else False


def matches(text: str | None, language: str) -> dict[str, list[str]]:
    """The phrases of each situation found in the text, not denied (situations with none left out; a "~" phrase only
    beside another of its situation), the ones that decide first."""
    language = language if language in PHRASES else "en"
    body = _normal(text or "")
    found: dict[str, list[str]] = {}
    for name, phrases in PHRASES[language].items():
        hits = [p for p in phrases if _found(p, body, language, _negations(name, language))]
        if any(not p.startswith("~") for p in hits):
            found[name] = sorted(hits, key=lambda p: p.startswith("~"))
    return found


def _negations(name: str, language: str) -> frozenset[str]:
    return frozenset() if name == "billing" else NEGATIONS.get(language, frozenset())


def situation(text: str | None, language: str) -> str:
    """The situation a complaint is about: the one with most phrases found (ties: the first in TIES, so a no-show
    outranks a late one only by evidence, and billing wins only alone); "general" when none is found."""
    found = matches(text, language)
    if not found:
        return "general"
    return max(found, key=lambda name: (len(found[name]), -TIES.index(name)))


def quote(text: str | None, language: str, limit: int = 60, client: tuple[str, ...] = ()) -> str | None:
    """What went wrong, briefly: the first sentence holding a phrase of the chosen situation (not a "~" one, which
    alone says nothing is wrong, and not denied) that names and reaches nobody (quoting.quotable; `client`: the
    client's own names, no person's; about rude staff, not one opening with a name: quoting.opens_with_a_name), cut
    to `limit` characters at a word; None when there is none (the template then names the situation in its own
    words)."""
    if not text:
        return None
    kind = situation(text, language)
    found = [phrase for phrase in matches(text, language).get(kind, []) if not phrase.startswith("~")]
    if not found:
        return None
    language = language if language in PHRASES else "en"
    split = re.split(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+", text)  # "example.de" is no sentence end
    sentences = quotable([s.strip() for s in split if s.strip()], language, client)
    if kind == "rude_staff":
        sentences = [s for s in sentences if not opens_with_a_name(s, language, client)]
    for phrase in found:
        for sentence in sentences:
            if _found(phrase, _normal(sentence), language, _negations(kind, language)):
                return shorten(sentence.rstrip(".!?。！？ "), limit)
    return None
