"""The coverage heat map colours its cells with classes, not style attributes (the CSP allows no
inline styles)."""

import re

import pytest
from django.urls import reverse

from reports import charts

pytestmark = pytest.mark.django_db


def test_heat_levels():
    assert charts.heat_level(0, 10) == 0
    assert charts.heat_level(5, 0) == 0
    assert charts.heat_level(0.01, 10) == 1  # any service at all shows
    assert charts.heat_level(5, 10) == 5
    assert charts.heat_level(10, 10) == charts.HEAT_LEVELS
    assert charts.heat_level(20, 10) == charts.HEAT_LEVELS


def test_heat_map_cells_use_classes(client, city_admin, october):
    client.force_login(city_admin)
    html = client.get(reverse("reports:coverage")).content.decode()
    assert 'id="t-heatmap"' in html
    assert " style=" not in html
    levels = re.findall(r'class="cell heat-(\d+)"', html)
    assert levels and {int(n) for n in levels} <= set(range(charts.HEAT_LEVELS + 1))
    assert max(int(n) for n in levels) == charts.HEAT_LEVELS
