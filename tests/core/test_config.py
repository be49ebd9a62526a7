"""Config loading: a good file loads; every bad field is named with its file and line."""

from __future__ import annotations

import pytest

from repscan.core.config import ConfigError, load

GOOD = """\
[agency]
name = "Northwind Reputation"
sender = "reports@northwind.example"

[agency.branding]
primary_color = "#123456"

[[clients]]
id = "acme"
name = "Acme Plumbing"
aliases = ["Acme"]
domains = ["acme.example"]
recipients = ["owner@acme.example"]
timezone = "Europe/Bucharest"
queries = ["Acme Plumbing", "Acme Plumbing complaints"]
crawl_schedule = "*/30 * * * *"
report_schedule = "0 8 * * 1"
negative_threshold = 0.5

[[clients.sources]]
site = "trustpilot"
url = "https://www.trustpilot.com/review/acme.example"

[[clients]]
id = "bolt"
name = "Bolt Electrics"
recipients = ["a@bolt.example"]

[[clients.sources]]
site = "jsonld"
url = "https://bolt.example/reviews"
max_pages = 3
"""


def write(tmp_path, text):
    path = tmp_path / "repscan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    return caught.value.problems


def test_good_config_loads_with_defaults_and_relative_paths(tmp_path):
    config = load(write(tmp_path, GOOD))
    assert [c.id for c in config.clients] == ["acme", "bolt"]
    acme = config.client("acme")
    assert acme.timezone == "Europe/Bucharest" and acme.negative_threshold == 0.5
    assert acme.sources[0].site == "trustpilot"
    assert config.client("bolt").sources[0].max_pages == 3
    assert config.client("bolt").timezone == "UTC"
    assert config.database == tmp_path / "repscan.db"
    assert config.crawl.obey_robots is True and config.crawl.download_delay == 2.0
    with pytest.raises(KeyError, match="no client 'zed'"):
        config.client("zed")


@pytest.mark.parametrize("old, new, expected", [
    ('sender = "reports@northwind.example"', 'sender = "nobody"', "repscan.toml:3: agency.sender: 'nobody' is not an email address"),
    ('primary_color = "#123456"', 'primary_color = "red"', "repscan.toml:6: agency.branding.primary_color:"),
    ('timezone = "Europe/Bucharest"', 'timezone = "Europe/Atlantis"', "repscan.toml:14: clients[acme].timezone: unknown timezone"),
    ('crawl_schedule = "*/30 * * * *"', 'crawl_schedule = "61 * * * *"', "repscan.toml:16: clients[acme].crawl_schedule:"),
    ('negative_threshold = 0.5', 'negative_threshold = 2', "repscan.toml:18: clients[acme].negative_threshold:"),
    ('url = "https://bolt.example/reviews"', 'url = "bolt.example/reviews"', "repscan.toml:31: clients[bolt].sources[0].url: 'bolt.example/reviews' is not an http(s) URL"),
    ('site = "jsonld"', 'site = "myspace"', "repscan.toml:30: clients[bolt].sources[0].site: unknown site 'myspace'"),
    ('max_pages = 3', 'max_pages = "three"', "repscan.toml:32: clients[bolt].sources[0].max_pages:"),
    ('id = "bolt"', 'id = "Bolt Electrics!"', "repscan.toml:25: clients[Bolt Electrics!].id:"),
    ('id = "bolt"', 'id = "acme"', "client id 'acme' is used twice"),
    ('aliases = ["Acme"]', 'aliasses = ["Acme"]', "repscan.toml:11: clients[acme].aliasses: unknown field"),
    ('recipients = ["a@bolt.example"]', 'smtp_password = "hunter2"', "repscan.toml:27: clients[bolt].smtp_password: secrets never go in the config file"),
])
def test_each_bad_field_is_named_with_file_and_line(tmp_path, old, new, expected):
    assert old in GOOD
    found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert any(expected.lower() in p.lower() for p in found), found
    assert all(p.startswith(str(tmp_path / "repscan.toml")) for p in found)


def test_missing_required_fields_are_listed_together(tmp_path):
    found = problems(tmp_path, '[agency]\nname = "X"\n')
    assert any("agency.sender: required field is missing" in p for p in found)
    assert any("clients: required field is missing" in p for p in found)


def test_toml_syntax_error_names_the_line(tmp_path):
    found = problems(tmp_path, GOOD.replace('name = "Acme Plumbing"', 'name = "Acme Plumbing'))
    assert found[0].startswith(f"{tmp_path / 'repscan.toml'}:10: TOML syntax")


def test_missing_file_and_missing_logo(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load(tmp_path / "nope.toml")
    found = problems(tmp_path, GOOD.replace('primary_color = "#123456"', 'logo = "logo.png"'))
    assert found == [f"{tmp_path / 'repscan.toml'}:6: agency.branding.logo: no such file {tmp_path / 'logo.png'}"]


@pytest.mark.parametrize("old, new, expected", [
    # A trailing newline passes a pattern ending in `$`; fullmatch refuses it (it broke every message).
    ('sender = "reports@northwind.example"', 'sender = "reports@northwind.example\\n"', "repscan.toml:3: agency.sender:"),
    ('recipients = ["owner@acme.example"]', 'recipients = ["owner@acme.example\\n"]', "repscan.toml:13: clients[acme].recipients[0]:"),
    ('id = "bolt"', 'id = "bolt\\n"', "repscan.toml:25: clients[bolt\n].id:"),
    ('url = "https://bolt.example/reviews"', 'url = "https://bolt.example/reviews x"', "repscan.toml:31: clients[bolt].sources[0].url:"),
    ('id = "bolt"', 'id = "acme"', "repscan.toml:25: clients[acme].id: client id 'acme' is used twice (first by clients[0])"),
])
def test_values_are_matched_whole_and_duplicates_have_a_line(tmp_path, old, new, expected):
    found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert any(expected in p for p in found), found


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e9"])
def test_an_endless_delay_is_refused(tmp_path, value):
    found = problems(tmp_path, GOOD.replace("[[clients]]", f"[crawl]\ndownload_delay = {value}\n\n[[clients]]", 1))
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'repscan.toml'}:9: crawl.download_delay: "), found


def test_deep_or_huge_files_are_a_clear_error(tmp_path):
    deep = GOOD + "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert problems(tmp_path, deep) == [f"{tmp_path / 'repscan.toml'}: tables or arrays nested too deeply to be a config file"]
    huge = GOOD + "#" * (5 * 1024 * 1024) + "\n"
    assert "is not a config file" in problems(tmp_path, huge)[0]


def _with_logo(tmp_path, logo: str) -> list[str]:
    return problems(tmp_path, GOOD.replace('primary_color = "#123456"', f'logo = "{logo}"'))


def test_a_logo_is_a_small_image_beside_the_config(tmp_path):
    config = tmp_path / "repscan.toml"
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert load(write(tmp_path, GOOD.replace('primary_color = "#123456"', 'logo = "logo.png"'))).logo == tmp_path / "logo.png"
    assert _with_logo(tmp_path, "/etc/passwd") == [
        f"{config}:6: agency.branding.logo: /etc/passwd is outside the config's folder {tmp_path}; put the logo beside the config"]
    assert "is outside the config's folder" in _with_logo(tmp_path, "../../proc/self/environ")[0]
    (tmp_path / "notes.txt").write_text("hello")
    assert "notes.txt: a logo is a .gif, .jpeg, .jpg, .png, .svg, .webp image" in _with_logo(tmp_path, "notes.txt")[0]
    (tmp_path / "fake.png").write_text("not a png")
    assert _with_logo(tmp_path, "fake.png") == [f"{config}:6: agency.branding.logo: fake.png is not a PNG image"]
    (tmp_path / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024))
    assert "big.png is 3,145,736 bytes; a logo is at most 2,097,152" in _with_logo(tmp_path, "big.png")[0]


@pytest.mark.parametrize("url", [
    "https://maps.googleapis.com/maps/api/place/details/json?place_id=ChIJ&key=AIzaSyTESTKEY123",
    "https://graph.facebook.com/v19.0/1/feed?access_token=EAAGsecret",
    "https://user:hunter2@api.example/reviews",
])
def test_a_credential_in_a_source_url_is_refused_without_repeating_it(tmp_path, url):
    found = problems(tmp_path, GOOD.replace('url = "https://bolt.example/reviews"', f'url = "{url}"', 1))
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'repscan.toml'}:31: clients[bolt].sources[0].url: ")
    assert "carries a credential" in found[0]
    assert not any(secret in found[0] for secret in ("AIzaSyTESTKEY123", "EAAGsecret", "hunter2"))


def test_a_client_with_nothing_to_read_is_an_error_naming_its_line(tmp_path):
    text = GOOD.replace('[[clients.sources]]\nsite = "jsonld"\nurl = "https://bolt.example/reviews"\nmax_pages = 3\n', "")
    assert "jsonld" not in text
    [problem] = problems(tmp_path, text)
    line = text.splitlines().index('id = "bolt"')  # the [[clients]] header above it, 1-based
    assert problem == (f"{tmp_path / 'repscan.toml'}:{line}: clients[bolt].sources: the client has nothing to read:"
                       " add [[clients.sources]] or queries")
    assert load(write(tmp_path, text.replace('name = "Bolt Electrics"', 'name = "Bolt Electrics"\nqueries = ["Bolt"]')))
