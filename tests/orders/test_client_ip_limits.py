"""The order IP limit keys on core.client_ip: a forged X-Forwarded-For buys no new budget, and
behind a trusted proxy each resident has their own."""

import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_ip(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "order_submit_ip": "1/hour",
            "order_submit_phone": "100/hour",
        },
    }


@pytest.fixture
def payload(tuanjie, menu_item, resident):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, "people": 8, **resident}


def _post(api, payload, phone, **extra):
    return api.post("/api/orders/", {**payload, "phone": phone}, format="json", **extra)


def test_forged_forwarded_for_is_ignored(api, payload, one_per_ip, settings):
    settings.WENMING_TRUSTED_PROXIES = []
    assert _post(api, payload, "13700000001", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 201
    response = _post(api, payload, "13700000002", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert response.status_code == 429
    assert Order.objects.count() == 1


def test_behind_trusted_proxy_each_resident_has_a_budget(api, payload, one_per_ip, settings):
    settings.WENMING_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert (
        _post(api, payload, "13700000001", HTTP_X_FORWARDED_FOR="1.1.1.1", **proxy).status_code
        == 201
    )
    assert (
        _post(api, payload, "13700000002", HTTP_X_FORWARDED_FOR="2.2.2.2", **proxy).status_code
        == 201
    )
    again = _post(api, payload, "13700000003", HTTP_X_FORWARDED_FOR="1.1.1.1", **proxy)
    assert again.status_code == 429
    assert Order.objects.count() == 2
