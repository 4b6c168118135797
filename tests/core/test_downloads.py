"""One Content-Disposition for every file the app hands out: Chinese names reach the browser
intact, and an ASCII fallback never carries a quote or a line break into the header."""

from urllib.parse import unquote

import pytest

from core.downloads import content_disposition


def _parts(header: str) -> tuple[str, str, str]:
    kind, plain, encoded = (p.strip() for p in header.split(";"))
    return kind, plain, unquote(encoded.removeprefix("filename*=UTF-8''"))


def test_chinese_name_with_a_pinyin_fallback():
    kind, plain, real = _parts(content_disposition("洪绪镇-团结村-2026-12.ics"))
    assert (kind, plain, real) == (
        "attachment",
        'filename="hongxuzhen-tuanjiecun-2026-12.ics"',
        "洪绪镇-团结村-2026-12.ics",
    )


def test_a_clearer_ascii_name_wins_and_inline_is_kept():
    header = content_disposition("订单_分类.csv", ascii_name="orders-category-city.csv")
    assert header.startswith('attachment; filename="orders-category-city.csv"; ')
    assert content_disposition("ZS-2026-000001.pdf", disposition="inline").startswith(
        'inline; filename="ZS-2026-000001.pdf"'
    )


@pytest.mark.parametrize("name", ['a"b.csv', "a\r\nSet-Cookie: x=1.csv", "a;b\\c.csv", "＂.csv"])
def test_no_quote_or_line_break_escapes_into_the_header(name):
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    kind, plain, real = _parts(header)
    assert kind == "attachment" and plain.count('"') == 2
    assert real == name


def test_only_the_two_dispositions():
    with pytest.raises(ValueError):
        content_disposition("a.csv", disposition="form-data")
