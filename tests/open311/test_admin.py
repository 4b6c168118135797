"""Partners' keys in the admin: issued once, stored only hashed, revoked and rotated."""

import hashlib

from django.contrib.messages import get_messages
from django.urls import reverse

from open311 import services
from open311.models import Partner


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_issuing_a_key_shows_it_once_and_stores_its_hash(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:open311_partner_add"), {"name": "微信小程序", "contact": "王工 13900000000"}
    )
    assert response.status_code == 302
    (shown,) = [m for m in _messages(response) if "只显示这一次" in m]
    key = shown.split("api_key：")[1].split(" ")[0]
    partner = Partner.objects.get()
    assert partner.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in partner.key_prefix and key.startswith(partner.key_prefix)
    assert services.partner_for_key(key) == partner
    change = reverse("admin:open311_partner_change", args=[partner.pk])
    assert key.encode() in client.get(change).content  # the page after issuing shows it …
    assert key.encode() not in client.get(change).content  # … and no page ever again


def test_revoke_and_rotate_actions(client, superuser):
    partner, key = services.partner_create(name="县级平台")
    client.force_login(superuser)
    url = reverse("admin:open311_partner_changelist")
    client.post(url, {"action": "revoke_keys", "_selected_action": [partner.pk]})
    assert services.partner_for_key(key) is None
    response = client.post(url, {"action": "rotate_keys", "_selected_action": [partner.pk]})
    (shown,) = [m for m in _messages(response) if "只显示这一次" in m]
    new = shown.split("api_key：")[1].split(" ")[0]
    assert services.partner_for_key(new) == partner and services.partner_for_key(key) is None


def test_only_superusers_manage_partner_keys(client, city_admin):
    city_admin.is_staff = True
    city_admin.save()
    client.force_login(city_admin)
    assert client.get(reverse("admin:open311_partner_changelist")).status_code == 403
