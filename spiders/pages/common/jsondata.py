"""JSON: response bodies decoded (API errors as LayoutError), values found in script text, trees walked and dug into."""

from __future__ import annotations

import json

from .. import LayoutError


GZIP_LIMIT = 64 * 2**20  # what a saved gzip body may inflate to


def gunzipped(body: bytes, limit: int = GZIP_LIMIT) -> bytes:
    """A body still in gzip (saved undecoded), inflated to at most `limit` bytes; other bodies as they are.
    ValueError for a corrupt stream or one that inflates past the limit (a small file cannot become a bomb)."""
    import zlib

    if body[:2] != b"\x1f\x8b":
        return body
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"not a readable gzip stream ({exc})") from None
    if len(out) > limit or inflate.unconsumed_tail:
        raise ValueError(f"decompresses to more than {limit // 2**20} MB")
    if not inflate.eof:
        raise ValueError("a gzip stream cut short")
    return out


def loads(text: str):
    """`text` as JSON, or None when it is not."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def decode_at(text: str, index: int):
    """The JSON value that starts at `index` of `text` (a script's `x = {...};`), or None when it is broken."""
    try:
        value, _ = json.JSONDecoder().raw_decode(text, index)
    except ValueError:
        return None
    return value


def json_body(response, site: str):
    """The response body as JSON; LayoutError if it is not."""
    try:
        return json.loads(response.text.lstrip("\ufeff"))
    except ValueError:
        raise LayoutError(f"{site}: {response.url} is not the JSON we expect") from None


def json_or_none(response):
    """The response body as JSON, or None if it is not (next_page's "no next page")."""
    return loads(response.text.lstrip("\ufeff"))


def api_object(response, site: str, *error_keys: str) -> dict:
    """The response's JSON object; LayoutError for anything else and for the API's {"error": {...}},
    reported as "API error <key> ...: <last key>" from `error_keys`."""
    try:
        data = json.loads(response.text)
    except ValueError:
        raise LayoutError(f"{site}: {response.url} is not JSON") from None
    if not isinstance(data, dict):
        raise LayoutError(f"{site}: {response.url}: expected a JSON object")
    error = data.get("error")
    if isinstance(error, dict):
        head = " ".join(str(error.get(key)) for key in error_keys[:-1])
        raise LayoutError(f"{site}: API error {head}: {error.get(error_keys[-1])}")
    return data


def looks_like_json(response) -> bool:
    return response.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def dig(node, *path):
    """node[path[0]][path[1]]... for dicts and lists; None where the path breaks."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return None
            node = node[key]
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return None
    return node


def walk(root, enter=None):
    """Every value in a JSON tree, depth first, parents before children, in document order;
    the children of a value for which enter(value) is false are left out."""
    stack = [root]
    while stack:
        value = stack.pop()
        yield value
        if enter is not None and not enter(value):
            continue
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))


def iter_dicts(node):
    """Every dict in a JSON tree, depth first, parents before children."""
    return (value for value in walk(node) if isinstance(value, dict))
