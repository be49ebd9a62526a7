"""How a competitor's items are keyed in the store: under "<client>:<competitor>", never a client's id."""

from __future__ import annotations

SEPARATOR = ":"  # a client id never holds it (config.CLIENT_ID), so every `client_id = ?` read skips competitors
SCHEDULE = "0 3 * * *"  # daily: a competitor's news moves the client less than its own (client default: 4-hourly)


def key(client_id: str, competitor_id: str) -> str:
    """The id a competitor's items, crawls and schedule are stored under."""
    return f"{client_id}{SEPARATOR}{competitor_id}"


def is_competitor(stored_id: str) -> bool:
    """Whether a stored client_id is a competitor's key, not a client's."""
    return SEPARATOR in stored_id


def client_of(stored_id: str) -> str:
    """The client a stored id belongs to: itself, or the client a competitor is compared with."""
    return stored_id.split(SEPARATOR, 1)[0]


def clients_only_sql(column: str = "client_id") -> str:
    """An SQL condition keeping clients' rows, for reads over every client at once (Datasette's blank form)."""
    return f"instr({column}, '{SEPARATOR}') = 0"
