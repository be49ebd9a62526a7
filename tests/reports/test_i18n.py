"""Reports, emails and alerts in the client's language: the catalogs are complete (every message the code and
templates use, extracted here with Babel), plurals follow each language's rules, a rendered report leaves no
English sentence behind and draws every letter, and a Ukrainian alert goes out over real SMTP in Ukrainian."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import run_cli, write_config
from report_samples import NOW, sample_data
from repscan.app.demo import smtp_server
from repscan.app.demo.server import LocalSite, Reply
from repscan.core import i18n
from repscan.core.config import ConfigError, load
from repscan.core.i18n import ngettext
from repscan.core.items import make, stamp
from repscan.core.store import Store
from repscan.reports import alerts, mail
from repscan.reports.model import format_date, format_datetime, format_delay
from repscan.reports.render import render_html, render_pdf

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@cache
def extracted() -> dict:
    """Every message the source tree uses, as `make catalogs` extracts it (babel.cfg): msgid -> plural or None."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        found[singular] = plural
    return found


@cache
def catalog(code: str):
    from babel.messages.pofile import read_po

    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=code)


def english_phrases() -> set[str]:
    """The fixed English text of every message, cut at placeholders and markup: the pieces of more than 3 words
    (shorter ones, "Trustpilot page", can be a site name or a review's words)."""
    pieces = set()
    for singular, plural in extracted().items():
        for text in filter(None, (singular, plural)):
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|[“”„«»:;()]", text):
                piece = " ".join(piece.split()).strip(" ,.")
                if len(piece.split()) > 3:
                    pieces.add(piece)
    return pieces


def plain(html: str) -> str:
    html = re.sub(r"<style.*?</style>|<title>.*?</title>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'").replace("&amp;", "&")


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_complete_with_no_fuzzy_entry_and_the_same_placeholders(code):
    from babel.messages.plurals import get_plural

    po = catalog(code)
    assert po.plural_forms == get_plural(code).plural_forms  # the language's own plural rule, from CLDR
    messages = extracted()
    assert len(messages) > 200  # the extraction found the code's and the templates' messages
    problems = []
    for singular, plural in messages.items():
        entry = po.get(singular)
        if entry is None:
            problems.append(f"missing: {singular!r}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {singular!r}")
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if plural is not None and len(forms) != po.num_plurals:
            problems.append(f"{len(forms)} plural forms, the language has {po.num_plurals}: {singular!r}")
        wanted = set(PLACEHOLDER.findall(plural or singular))
        for form in forms:
            have = set(PLACEHOLDER.findall(form or ""))
            if not form:
                problems.append(f"untranslated: {singular!r}")
            # A plural form may leave out the count ("One of your pages ..."), never any other value.
            elif have - wanted or wanted - have - ({"num"} if plural else set()):
                problems.append(f"placeholders {sorted(have)} != {sorted(wanted)}: {form!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("code, forms", [
    ("uk", ["1 новий відгук", "2 нові відгуки", "5 нових відгуків", "21 новий відгук"]),
    ("ru", ["1 новый отзыв", "2 новых отзыва", "5 новых отзывов", "21 новый отзыв"]),
    ("ro", ["1 recenzie nouă", "2 recenzii noi", "5 recenzii noi", "21 de recenzii noi"]),
    ("en", ["1 new review", "2 new reviews", "5 new reviews", "21 new reviews"]),
])
def test_plural_forms_follow_the_language(code, forms):
    with i18n.language(code):
        assert [ngettext("%(num)d new review", "%(num)d new reviews", n) for n in (1, 2, 5, 21)] == forms


@pytest.mark.parametrize("code, words", [
    ("en", ["1 h 45 min", "59 min", "1 h 59 min", "26 h"]),
    ("uk", ["1 год 45 хв", "59 хв", "1 год 59 хв", "26 год"]),
    ("ru", ["1 ч 45 мин", "59 мин", "1 ч 59 мин", "26 ч"]),
    ("ro", ["1 h 45 min", "59 min", "1 h 59 min", "26 h"]),
    ("de", ["1 h 45 min", "59 min", "1 h 59 min", "26 h"]),
    ("fr", ["1 h 45 min", "59 min", "1 h 59 min", "26 h"]),
    ("es", ["1 h 45 min", "59 min", "1 h 59 min", "26 h"]),
])
def test_a_reply_delay_keeps_its_minutes_in_every_language(code, words):
    with i18n.language(code):
        assert [format_delay(timedelta(minutes=m)) for m in (105, 59, 119, 26 * 60)] == words
        assert format_delay(timedelta(minutes=105), after=True) == words[0]


def test_english_costs_no_babel_and_other_languages_format_the_babel_way():
    # A fresh process renders an English report and its email subject: Babel is never imported (process start
    # time is benchmarked), no catalog is read.
    script = ("import sys; from report_samples import sample_data; from repscan.reports.render import render_html; "
              "from repscan.reports.mail import subject_for; data = sample_data(); render_html(data); "
              "subject_for(data); print('babel' in {m.split('.')[0] for m in sys.modules}, 'Summary' in render_html(data))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parent, env={**os.environ, "PYTHONPATH": str(ROOT / "tests")})
    assert run.stdout.split() == ["False", "True"], run.stderr[-2000:]
    with i18n.language("en"):
        assert (i18n.decimal(3.25), i18n.percent(1 / 3), i18n.number(7.5)) == ("3.2", "33%", "7.5")
    with i18n.language("uk"):
        assert (i18n.decimal(3.25), i18n.number(7.5)) == ("3,2", "7,5")
    with i18n.language("de"):
        assert i18n.percent(1 / 3) == "33\xa0%"


def test_a_language_we_do_not_ship_is_a_config_error_with_its_line(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    path.write_text(path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\nlanguage = "pl"'))
    with pytest.raises(ConfigError) as error:
        load(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("language"))
    assert f"{path}:{line}: clients[acme].language: 'pl' is not a language" in str(error.value)


def test_a_clients_language_reaches_its_report_through_the_pipeline(tmp_path):
    from repscan.reports.deliver import render_report

    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")])
    path.write_text(path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\nlanguage = "ru"'))
    cfg = load(path)
    Store(cfg.database).close()
    html = render_report(cfg, cfg.client("acme"), html=True, out=tmp_path / "report.html").read_text()
    assert '<html lang="ru">' in html and "Отчёт о репутации" in html and "Ещё не сканирован" in html
    assert not [p for p in english_phrases() if p in plain(html)]


def test_a_client_speaks_the_agencys_language_unless_it_names_its_own(tmp_path):
    path = write_config(tmp_path, [("trustpilot", "https://t.example/review/acme")],
                        agency={"name": "Test Agency", "sender": "reports@agency.example", "language": "ro"})
    assert load(path).client("acme").language == "ro"
    path.write_text(path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\nlanguage = "de"'))
    assert load(path).client("acme").language == "de"


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_report_leaves_no_english_sentence_in_another_language(code):
    data = sample_data(language=code)
    html = render_html(data)
    assert f'<html lang="{code}">' in html
    text = plain(html)
    left = sorted(p for p in english_phrases() if p in text)
    assert not left, left
    with i18n.language(code):
        for heading in ("Needs a reply now", "Summary", "Sources", "Appendix: all new reviews"):
            assert i18n.gettext(heading) in text


def test_the_report_email_in_ukrainian(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7 made-up")
    msg = mail.build_message(sample_data(language="uk"), pdf, "reports@agency.example", ["owner@acme.example"])
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == ("Звіт про репутацію для Acme Plumbing & Heating: 5 нових відгуків, "
                                 "2 відкриті пункти потребують відповіді, 4 джерела не вдалося прочитати")
    plain_text, html = parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content()
    assert '<html lang="uk">' in html
    for body in (plain_text, plain(html)):
        assert "Повний звіт додано у форматі PDF." in body and "10 бер. 2025" in body
        assert not [p for p in english_phrases() if p in " ".join(body.split())]
    assert "ПОТРЕБУЄ ВІДПОВІДІ ЗАРАЗ" in plain_text


@cache
def font_cmap(family: str) -> set[int]:
    from fontTools.ttLib import TTFont

    path = subprocess.run(["fc-match", family, "--format=%{file}"], capture_output=True, text=True).stdout
    if family.replace(" ", "") not in Path(path).name:
        pytest.skip(f"font {family} is not installed (make system-deps)")
    return set(TTFont(path, fontNumber=0).getBestCmap())


def test_every_letter_of_every_catalog_is_in_the_reports_fonts():
    css = (ROOT / "templates" / "report.css").read_text()
    assert '"Noto Sans", "DejaVu Sans"' in css  # the body's fonts, whose glyphs are checked here
    covered = font_cmap("Noto Sans") | font_cmap("DejaVu Sans")
    missing = {(code, char) for code in TRANSLATED for message in catalog(code) if message.id
               for form in (message.string if isinstance(message.string, tuple) else (message.string,))
               for char in form if ord(char) not in covered}
    for code in TRANSLATED:  # what Babel writes: month names, narrow no-break spaces, decimal commas, "%"
        with i18n.language(code):
            written = format_datetime(NOW, "Europe/Kyiv") + i18n.percent(0.5) + i18n.decimal(3.25) + i18n.number(1e4)
            written += "".join(format_date(NOW + timedelta(days=31 * month), "UTC") for month in range(12))
        missing |= {(code, char) for char in written if ord(char) not in covered}
    assert not missing


@pytest.fixture(scope="module")
def weasyprint_warnings():
    """What WeasyPrint logs at WARNING or above while the tests in this module render."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def pdf_text(path: Path) -> tuple[str, set[str]]:
    """The PDF's text (whitespace normalised) and the fonts it embeds."""
    reader = PdfReader(path)
    fonts = {str(font["/BaseFont"]).split("+")[-1] for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages), fonts


def check_pdf(path: Path, code: str, warnings: list) -> str:
    text, fonts = pdf_text(path)
    assert "\ufffd" not in text and "\u25a1" not in text  # no replacement character, no tofu box
    assert all(re.match(r"(Noto-Sans|DejaVu-Sans|Noto-Color-Emoji)", font) for font in fonts), fonts  # the CSS's fonts
    assert not [r.getMessage() for r in warnings if re.search(r"glyph|font", r.getMessage(), re.I)]
    left = sorted(p for p in english_phrases() if p in text) if code != "en" else []
    assert not left, left
    return text


def test_the_ukrainian_pdf_draws_every_letter(tmp_path, weasyprint_warnings):
    text = check_pdf(render_pdf(sample_data(language="uk"), tmp_path / "uk.pdf"), "uk", weasyprint_warnings)
    assert "Звіт про репутацію" in text and "Сторінка 1 з" in text and "10 бер. 2025" in text


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`repscan demo` run once: its folder (the config and the database the reports are built from)."""
    folder = tmp_path_factory.mktemp("demo") / "demo"
    result = run_cli("demo", "--dir", str(folder), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"demo: report in Ukrainian (language = \"uk\") {folder / 'report-uk.pdf'}" in result.stdout
    return folder


@pytest.mark.drill
@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_the_demo_report_in_every_language(demo, code, tmp_path, weasyprint_warnings):
    from repscan.app.demo import report_data

    cfg = load(demo / "repscan.toml")
    store = Store(cfg.database)
    try:
        data = report_data(cfg, store, code)
    finally:
        store.close()
    text = check_pdf(render_pdf(data, tmp_path / f"report-{code}.pdf"), code, weasyprint_warnings)
    with i18n.language(code):
        for message in ("Needs a reply now", "Platform by platform", "What people see when they search you",
                        "Mentions and news", "Trends", "Sources"):
            assert i18n.gettext(message) in text, message
        assert ngettext("%(num)d open item: negative reviews without a reply, negative mentions, then complaints "
                        "people see when they search you; newest first within each.",
                        "%(num)d open items: negative reviews without a reply, negative mentions, then complaints "
                        "people see when they search you; newest first within each.", len(data.actions)) in text
    if code == "uk":  # what `make demo` wrote reads the same
        assert "Звіт про репутацію" in check_pdf(demo / "report-uk.pdf", "uk", weasyprint_warnings)


def test_a_ukrainian_alert_over_real_smtp_and_apprise(tmp_path):
    now = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # 13:00 in Berlin
    url = "https://www.tripadvisor.com/Hotel_Review-g1-d2-Reviews-Acme.html"
    hook = LocalSite(lambda path, query: Reply(200, "ok"))
    with hook, smtp_server(tmp_path / "inbox") as smtp:
        path = write_config(tmp_path, [("tripadvisor", url), ("trustpilot", "https://t.example/review/acme")],
                            agency={"name": "Test Agency", "sender": "reports@agency.example", "language": "uk"})
        path.write_text(path.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\napprise = '
                                                 f'["json://127.0.0.1:{hook.server.server_address[1]}/hook"]'))
        cfg = load(path)
        store = Store(cfg.database)
        try:
            crawl = store.start_crawl("acme", "tripadvisor", "TripadvisorSpider", url, started_at=stamp(now))
            store.finish_crawl(crawl, status="broken", items=0, new_items=0, requests=1, pages=1, full=False,
                               error="layout changed", finished_at=stamp(now))
            store.save_items("acme", [{**make("review", source="trustpilot", source_id="r1",
                                              url="https://t.example/reviews/r1", author="Taras Melnyk", rating=1,
                                              text="Made-up: the tap still drips.",
                                              published_at=stamp(now - timedelta(hours=1))),
                                       "sentiment": -1.0, "negative": True}], seen_at=stamp(now))
            alerts.collect(cfg, store, now)
            [result] = alerts.deliver(cfg, store, now, mail.SmtpSettings("127.0.0.1", smtp.port, "plain"))
        finally:
            store.close()
    assert result.sent == 2 and result.error is None
    msg, _copy = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # one a recipient
                  for p in sorted((tmp_path / "inbox").glob("*.eml"))]
    assert msg["Subject"] == "Сповіщення для Acme Plumbing: 2 пункти потребують уваги"
    plain_text, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    assert '<html lang="uk">' in html
    for body in (plain_text, html):
        assert "новий негативний відгук на платформі Trustpilot (1/5)" in body
        assert ("Не вдалося прочитати вашу сторінку Tripadvisor з 18 лист. Відгуки звідти можуть бути відсутні у "
                "ваших сповіщеннях і звітах до того часу.") in body  # a Ukrainian date, no English ". ." after it
        assert "Публічно дайте відповідь на платформі Trustpilot протягом години" in body
        assert "Made-up: the tap still drips." in body  # the review itself stays as written
        assert not [p for p in english_phrases() if p in body.replace("\n", " ")]
    notes = [json.loads(body) for path, body in hook.posts if path == "/hook"]  # Apprise: one per alert
    assert sorted(n["title"] for n in notes) == ["Acme Plumbing: не вдалося прочитати вашу сторінку Tripadvisor",
                                                 "Acme Plumbing: новий негативний відгук на платформі Trustpilot (1/5)"]
    assert any("Наступний крок: Публічно дайте відповідь на платформі Trustpilot" in n["message"] for n in notes)


@pytest.mark.parametrize("subject", [
    "Сповіщення для Acme Plumbing: 2 пункти потребують уваги",
    "Звіт про репутацію: Пекарня «Квітка», 1–7 грудня 2026 — 12 нових відгуків, 3 негативні, 2 чекають на відповідь",
    "Rapport de réputation pour Boulangerie Éclair : 2 avis négatifs attendent une réponse depuis plus d'une heure",
])
def test_a_non_ascii_subject_is_short_encoded_words_that_keep_every_space(subject):
    """RFC 2047: encoded-words of at most 75 characters; a reader joining them gets the subject back, spaces and all
    (Python's own folding drops the space between two words: CPython issue 92081)."""
    msg = mail.keep_subject_spaces(EmailMessage())
    msg["Subject"], msg["From"], msg["To"] = subject, "repscan@agency.example", "owner@acme.example"
    msg.set_content("Made-up body.")
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    words = re.findall(r"=\?utf-8\?[bq]\?[^?]*\?=", head, flags=re.I)
    assert words and all(len(word) <= 75 for word in words)
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject


@pytest.mark.parametrize("language, one, five", [
    ("fr", "1 négative", "5 négatives"), ("es", "1 negativa", "5 negativas"), ("uk", "1 негативна", "5 негативних"),
])
def test_the_negative_mentions_figure_agrees_with_its_number(language, one, five):
    with i18n.language(language):
        assert (ngettext("%(num)d negative", "%(num)d negative", 1),
                ngettext("%(num)d negative", "%(num)d negative", 5)) == (one, five)
