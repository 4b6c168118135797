"""core.phone: the shapes residents type, the stored form, and the schema's pattern agreeing
with the code."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from core import phone


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("(138)12345678", "13812345678"),
        ("(+86) 138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese keyboard
        ("＋８６ １３８－１２３４－５６７８", "13812345678"),  # all full-width, ideographic space
        ("（138）1234\u30005678", "13812345678"),
        ("13812345678\n", "13812345678"),  # pasted with its line end
        ("19912345678", "19912345678"),
    ],
)
def test_valid_numbers_are_normalised(raw, clean):
    assert phone.clean(raw) == clean
    assert phone.normalize(raw) == clean
    assert phone.is_valid(raw)
    assert re.fullmatch(phone.INPUT_PATTERN, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "12812345678",
        "1381234567",
        "138123456789",
        "0531-1234567",
        "86 13812345678",  # a prefix without + or 00
        "+86+8613812345678",
        "abc",
        "1381234567８9",
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits: \d would take them
        "138١2345678",
        "13812345678x",
        "138   1234 5678",  # three separators in a row
        "+86 138 1234 5678     ",
        "1" * 60,
        13812345678,
        {"a": 1},
    ],
)
def test_invalid_numbers(raw):
    assert phone.normalize(raw) is None
    assert not phone.is_valid(raw)
    with pytest.raises(ValidationError, match="11位"):
        phone.clean(raw)


def test_mask():
    assert phone.mask("13812341234") == "138****1234"
    assert phone.mask("12345") == "****"
    assert phone.mask("") == ""


# The schema's pattern and the code are one rule: whatever the pattern generates is accepted …
@settings(max_examples=50, deadline=None)
@given(st.from_regex(phone.INPUT_PATTERN, fullmatch=True))
def test_every_string_the_schema_allows_is_accepted(raw):
    if len(raw) <= phone.MAX_INPUT_LENGTH:
        assert phone.MOBILE_RE.fullmatch(phone.normalize(raw))


# … and whatever the code accepts matches the pattern.
_ALPHABET = "0123456789０１２３４５６７８９+＋ -－()（）\t\n\u3000x١"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=phone.MAX_INPUT_LENGTH))
def test_everything_accepted_matches_the_schema(raw):
    assert phone.is_valid(raw) == bool(re.fullmatch(phone.INPUT_PATTERN, raw))
