"""RFC 8785 canonical JSON and the strict JSON reader."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desktop.bundles.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    is_canonical,
    parse_json_strict,
)
from msp_desktop.bundles.errors import JsonRejected

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"])), children, max_size=4)
    ),
    max_leaves=20,
)


def test_rfc8785_property_sorting_uses_utf16_code_units() -> None:
    # The sorting example of RFC 8785 section 3.2.3 (its values replaced by their keys'
    # positions): U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FB33.
    value = {
        "\u20ac": 1,
        "\r": 2,
        "\ufb33": 3,
        "1": 4,
        "\U0001f600": 5,
        "\u0080": 6,
        "\u00f6": 7,
    }
    expected = '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001f600":5,"\ufb33":3}'
    assert canonical_json(value) == expected.encode("utf-8")


def test_strings_are_escaped_like_ecmascript() -> None:
    text = 'q"b\\s/\b\f\n\r\t\x00\x1f\x7f\u2028é😀'
    expected = '"q\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\u2028é😀"'
    assert canonical_json(text) == expected.encode("utf-8")


def test_literals_integers_and_nesting() -> None:
    value = {"b": [True, False, None, -0, 12, -(2**53 - 1)], "a": {}}
    assert canonical_json(value) == b'{"a":{},"b":[true,false,null,0,12,-9007199254740991]}'


@pytest.mark.parametrize("bad", [1.5, float("nan"), float("inf"), 2**53, -(2**53), {1: 2}, b"x"])
def test_values_outside_our_profile_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        canonical_json(bad)


def test_lone_surrogates_are_refused() -> None:
    with pytest.raises(ValueError, match="Unicode"):
        canonical_json("\ud800")


@given(json_values)
def test_parse_of_canonical_is_the_value_and_canonical_is_idempotent(value: object) -> None:
    data = canonical_json(value)
    parsed = parse_json_strict(data, what="x", max_depth=1000)
    assert parsed == value
    assert canonical_json(parsed) == data
    assert is_canonical(data, parsed)


@given(st.dictionaries(st.text(), st.integers(0, 9), min_size=2, max_size=8), st.randoms())
def test_key_order_does_not_matter(value: dict[str, int], rnd: random.Random) -> None:
    items = list(value.items())
    rnd.shuffle(items)
    assert canonical_json(dict(items)) == canonical_json(value)


@given(json_values)
def test_pretty_printed_json_is_not_canonical_unless_identical(value: object) -> None:
    pretty = json.dumps(value, indent=1, ensure_ascii=True).encode()
    assert is_canonical(pretty, value) == (pretty == canonical_json(value))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"a":1,"a":2}', "repeats the JSON key 'a'"),
        (b'{"a":{"b":1,"b":1}}', "repeats the JSON key 'b'"),
        (b"[NaN]", "not valid JSON"),
        (b"[Infinity]", "not valid JSON"),
        (b"[-Infinity]", "not valid JSON"),
        (b"\xff", "not valid UTF-8"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),  # a byte order mark
        ('{"a":1}'.encode("utf-16"), "not valid UTF-8"),
        (b"{", "not valid JSON"),
        (b"1" * 5000, "not valid JSON"),  # too many digits for int()
        (b"[" * 33 + b"]" * 33, "nested too deeply"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_strict_reader_refuses_ambiguous_json(data: bytes, reason: str) -> None:
    with pytest.raises(JsonRejected, match=reason):
        parse_json_strict(data, what="The file")


def test_depth_cap_is_inclusive() -> None:
    assert parse_json_strict(b"[" * 32 + b"]" * 32, what="x", max_depth=32) is not None
