"""Ids and counts in a query string are ASCII digits only: ``²`` passes ``str.isdigit`` but not
``int`` (it was a 500), and other scripts' digits are read by ``int`` as numbers nobody typed."""

import pytest

from core.params import is_digits

SUPERSCRIPT_TWO = "%C2%B2"
ARABIC_THREE = "%D9%A3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", True), ("007", True), ("²", False), ("٣", False), ("", False), ("7a", False)],
)
def test_is_digits(value, expected):
    assert is_digits(value) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("digit", [SUPERSCRIPT_TWO, ARABIC_THREE])
@pytest.mark.parametrize(
    "url",
    [
        "/calendar/feed.ics?village={}",
        "/calendar/2026-11/?town={}",
        "/calendar/2026-11/?page={}",
        "/calendar/2026-11.ics?category={}",
    ],
)
def test_calendar_answers_400_for_a_digit_that_is_not_ascii(client, url, digit):
    response = client.get(url.format(digit))
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("digit", [SUPERSCRIPT_TWO, ARABIC_THREE])
def test_reports_answer_404_for_a_digit_that_is_not_ascii(client, city_admin, digit):
    client.force_login(city_admin)
    assert client.get(f"/reports/?town={digit}").status_code == 404
