"""A chain's locations in the config: sources name them, and a name the client lacks is an error with file and line."""

from __future__ import annotations

import pytest

from repscan.core.config import ConfigError, load

CHAIN = """\
[agency]
name = "Northwind Reputation"
sender = "reports@northwind.example"

[[clients]]
id = "dough"
name = "Dough & Co"
recipients = ["owner@dough.example"]

[[clients.locations]]
id = "kyiv"
name = "Kyiv, Khreshchatyk"
address = "Khreshchatyk 1, Kyiv"

[[clients.locations]]
id = "lviv"
name = "Lviv, Rynok"

[[clients.sources]]
site = "trustpilot"
url = "https://www.trustpilot.com/review/kyiv.dough.example"
location = "kyiv"

[[clients.sources]]
site = "trustpilot"
url = "https://www.trustpilot.com/review/lviv.dough.example"
location = "lviv"

[[clients.sources]]
site = "facebook"
url = "https://www.facebook.com/doughandco"
"""


def load_text(tmp_path, text):
    path = tmp_path / "repscan.toml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text)
    return caught.value.problems


def test_sources_name_their_location_and_the_rest_are_every_location(tmp_path):
    client = load_text(tmp_path, CHAIN).client("dough")
    assert [(loc.id, loc.name, loc.address) for loc in client.locations] == [
        ("kyiv", "Kyiv, Khreshchatyk", "Khreshchatyk 1, Kyiv"), ("lviv", "Lviv, Rynok", None)]
    kyiv, lviv, brand = client.sources
    assert client.location_of(kyiv.site, kyiv.url).name == "Kyiv, Khreshchatyk"
    assert client.location_of(lviv.site, lviv.url).id == "lviv"
    assert client.location_of(brand.site, brand.url) is None  # the brand's page: every location
    assert client.location_of("trustpilot", "https://www.trustpilot.com/review/gone.example") is None
    assert client.location_of("facebook", kyiv.url) is None  # a source is its site and URL together


def test_a_source_naming_an_unknown_location_is_named_with_file_and_line(tmp_path):
    text = CHAIN.replace('location = "lviv"', 'location = "odesa"')
    problem, unnamed = problems(tmp_path, text)  # and Lviv, which no source names now
    assert unnamed.endswith("clients[dough].locations[lviv].id: no source names location 'lviv': add location = "
                            "'lviv' to its sources")
    line = text.splitlines().index('location = "odesa"') + 1
    assert problem == (f"{tmp_path / 'repscan.toml'}:{line}: clients[dough].sources[1].location: unknown location "
                       "'odesa'; this client's locations: kyiv, lviv")


def test_a_location_without_locations_and_a_repeated_id_are_errors(tmp_path):
    no_locations = CHAIN.split("[[clients.locations]]")[0] + CHAIN.split('name = "Lviv, Rynok"\n')[1]
    kyiv, lviv = problems(tmp_path, no_locations)
    assert "clients[dough].sources[0].location: unknown location 'kyiv'; this client's locations: none" in kyiv
    assert "clients[dough].sources[1].location: unknown location 'lviv'" in lviv
    twice = CHAIN.replace('id = "lviv"', 'id = "kyiv"').replace('location = "lviv"', 'location = "kyiv"')
    [problem] = problems(tmp_path, twice)
    line = [n for n, l in enumerate(twice.splitlines(), 1) if l == 'id = "kyiv"'][1]
    assert problem.endswith(f":{line}: clients[dough].locations[kyiv].id: location id 'kyiv' is used twice")


@pytest.mark.parametrize("old, new, field", [
    ('id = "lviv"', 'id = "Lviv Rynok"', "locations[Lviv Rynok].id"),
    ('name = "Lviv, Rynok"', 'name = ""', "locations[lviv].name"),
    ('address = "Khreshchatyk 1, Kyiv"', 'floor = 2', "locations[kyiv].floor"),
])
def test_a_bad_location_field_is_named_with_its_line(tmp_path, old, new, field):
    text = CHAIN.replace(old, new).replace('location = "lviv"', 'location = "kyiv"')
    [problem] = problems(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'repscan.toml'}:{text.splitlines().index(new) + 1}: clients[dough].{field}:")


def test_a_location_no_source_names_is_an_error_not_a_row_of_zeros(tmp_path):
    text = CHAIN.replace('[[clients.locations]]\nid = "lviv"', '[[clients.locations]]\nid = "odesa"\nname = "Odesa"\n\n'
                                                               '[[clients.locations]]\nid = "lviv"')
    [problem] = problems(tmp_path, text)
    line = text.splitlines().index('id = "odesa"') + 1
    assert problem.endswith(f":{line}: clients[dough].locations[odesa].id: no source names location 'odesa': "
                            "add location = 'odesa' to its sources")
