import pytest
from django.core.exceptions import ValidationError

from orders import phone


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese keyboard
        ("19912345678", "19912345678"),
    ],
)
def test_valid_numbers_are_normalised(raw, clean):
    assert phone.clean(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "12812345678",
        "1381234567",
        "138123456789",
        "0531-1234567",
        "abc",
        13812345678,
        {"a": 1},
    ],
)
def test_invalid_numbers(raw):
    assert not phone.is_valid(raw)
    with pytest.raises(ValidationError, match="11位"):
        phone.clean(raw)


def test_mask():
    assert phone.mask("13812341234") == "138****1234"
    assert phone.mask("") == "****"
