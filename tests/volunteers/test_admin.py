"""Volunteers' phones in the admin: full only for whom ``volunteers.access.may_see_phone``
allows (superusers, the city centre, the admins of the volunteer's town or village), masked for
the rest."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories as f

LIST = "/admin/volunteers/volunteer/"


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_volunteer", "change_volunteer"])
    )
    return user


@pytest.fixture
def clerk(db):
    """Staff with the volunteer permissions but no area: no need for anyone's phone."""
    return _staff(f.UserFactory(username="clerk"))


def _list(client, user) -> str:
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["superuser", "city_admin"])
def test_superuser_and_city_see_every_phone(request, client, who, volunteer, far_volunteer):
    user = request.getfixturevalue(who)
    body = _list(client, _staff(user))
    assert volunteer.phone in body and far_volunteer.phone in body


def test_town_admin_sees_their_towns_phones_only(client, town_admin, volunteer, far_volunteer):
    body = _list(client, _staff(town_admin))
    assert volunteer.phone in body
    assert far_volunteer.phone not in body
    assert f"{far_volunteer.phone[:3]}****{far_volunteer.phone[-4:]}" in body


def test_clerk_sees_masked_phones_and_cannot_read_them_on_the_page(client, clerk, volunteer):
    body = _list(client, clerk)
    assert volunteer.phone not in body and "139****1111" in body
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert volunteer.phone not in text and "139****1111" in text
    assert 'name="phone"' not in text  # nothing to read or overwrite


def test_a_clerks_save_keeps_the_phone(client, clerk, volunteer):
    client.force_login(clerk)
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"name": "张明明", "home_village": volunteer.home_village_id, "is_active": "on"})
    for prefix in ["memberships", "skill_links"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    volunteer.refresh_from_db()
    assert volunteer.name == "张明明" and volunteer.phone == "13900001111"


def test_city_admin_searches_volunteers_by_phone_as_typed(client, city_admin, volunteer):
    client.force_login(_staff(city_admin))
    response = client.get(LIST, {"q": "139 0000 1111"})
    assert list(response.context["cl"].result_list) == [volunteer]
