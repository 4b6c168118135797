"""Wishes in the admin hold the viewer's area only, like orders and volunteers
(stations.admin.AreaAdminMixin): a wish's page shows the resident's phone, which only the
area's admins may read (wishes.selectors.may_see_contact)."""

from django.contrib.auth.models import Permission
from django.urls import reverse

LIST = "/admin/wishes/wish/"


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename="view_wish"))
    return user


def test_another_towns_admin_neither_lists_nor_opens_the_wish(
    client, wish, town_admin, other_town_admin
):
    client.force_login(_staff(town_admin))
    assert list(client.get(LIST).context["cl"].result_list) == [wish]
    page = client.get(reverse("admin:wishes_wish_change", args=[wish.pk]))
    assert page.status_code == 200 and wish.phone in page.content.decode()
    client.force_login(_staff(other_town_admin))
    assert list(client.get(LIST).context["cl"].result_list) == []
    page = client.get(reverse("admin:wishes_wish_change", args=[wish.pk]))
    assert page.status_code == 302
