"""Volunteers in the admin: the list holds the viewer's area only (as for orders:
``stations.admin.AreaAdminMixin``); phones are full only for whom
``volunteers.access.may_see_phone`` allows (superusers, the city centre, the admins of the
volunteer's town or village), and a search by phone finds only the volunteers whose full phone
the viewer may see."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories as f

LIST = "/admin/volunteers/volunteer/"


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_volunteer", "change_volunteer", "view_membership"]
        )
    )
    user.user_permissions.add(*Permission.objects.filter(codename="view_volunteerskill"))
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


def test_town_admin_lists_their_towns_volunteers_only(client, town_admin, volunteer, far_volunteer):
    body = _list(client, _staff(town_admin))
    assert volunteer.phone in body
    assert far_volunteer.name not in body and far_volunteer.phone not in body
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[far_volunteer.pk]))
    assert page.status_code == 302  # "does not exist", as for an order outside the area


def test_staff_without_an_area_list_no_volunteer(client, clerk, volunteer):
    body = _list(client, clerk)
    assert volunteer.name not in body and "139****1111" not in body
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert page.status_code == 302


@pytest.mark.parametrize(
    "url", ["/admin/volunteers/membership/", "/admin/orders/volunteerskill/", LIST]
)
def test_a_phone_finds_only_whom_the_viewer_may_see_in_full(
    client, url, town_admin, other_town_admin, volunteer, far_volunteer
):
    """A town admin sees another town's volunteers masked (or not at all): searching for a full
    number does not tell them whose it is, nor do a few of its digits."""
    client.force_login(_staff(other_town_admin))
    for term in (volunteer.phone, "139 0000 1111", volunteer.phone[-4:], volunteer.phone[:7]):
        response = client.get(url, {"q": term})
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 0, term
    client.force_login(_staff(town_admin))
    found = client.get(url, {"q": "+86 139-0000-1111"}).context["cl"].result_list
    assert {row.pk if url == LIST else row.volunteer_id for row in found} == {volunteer.pk}


def test_city_admin_searches_volunteers_by_phone_as_typed(client, city_admin, volunteer):
    client.force_login(_staff(city_admin))
    response = client.get(LIST, {"q": "139 0000 1111"})
    assert list(response.context["cl"].result_list) == [volunteer]
