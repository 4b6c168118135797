"""Date inputs carry ISO values in every language: a browser's date picker shows nothing for the
Chinese format "2026/12/05", so a prefilled date would silently vanish."""

from datetime import date, datetime

import pytest
from django.utils import translation

from orders.forms import OrderForm
from wishes.forms import EventForm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_order_form_prefills_the_date_in_iso(language):
    with translation.override(language):
        form = OrderForm(menu_choices=[], initial={"preferred_date": date(2026, 12, 5)})
        assert 'value="2026-12-05"' in str(form["preferred_date"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_wish_event_form_prefills_the_start_in_iso(language):
    with translation.override(language):
        form = EventForm(initial={"start": datetime(2026, 12, 5, 9, 30)})  # noqa: DTZ001
        assert 'value="2026-12-05T09:30"' in str(form["start"])
