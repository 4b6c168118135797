"""Every admin changelist, add and change page answers 200 with a constant number of queries.

The data is the demo city (1,224 villages, ~6,000 volunteers, ~13,000 events): an N+1 on any
changelist would run hundreds of queries and fail the pinned maximum.
"""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from orders.models import MenuItem, Order, Platform, ServiceCategory
from portal import seeding
from reports.models import OrderFact
from stations.models import Town, Village
from volunteers.models import Volunteer

pytestmark = pytest.mark.long

DOMAIN_APPS = set(seeding.DOMAIN_APPS)
# Session, user, the page's own queries (count, rows, filter choices, date hierarchy,
# prefetches): a page of 50–100 rows must stay within this, whatever the table size.
MAX_QUERIES = 12
# A change page: the object, its inlines (one query each, whatever their length), widget choices.
MAX_CHANGE_QUERIES = 16
ADMIN_ORDERS = 1_000
MODEL_ADMINS = sorted(
    (model._meta.label, model)
    for model in admin.site._registry
    if model._meta.app_label in DOMAIN_APPS
)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    # A year of orders at full size (~30,000, with their status rows and rollups) is half the
    # seed's time; 1,000 still fill every changelist page (100 rows) of the order-side models.
    # Undone in ``finally``: a failed seed must not leave the small history patched for the
    # rest of the session (tests/orders/test_demo_scale.py measures the real one).
    patch = pytest.MonkeyPatch()
    patch.setattr("orders.demo_history.ORDERS_PER_SCALE", ADMIN_ORDERS)
    try:
        with django_db_blocker.unblock():
            try:
                call_command("seed_demo", verbosity=0, stdout=StringIO(), force=True)
                assert min(Order.objects.count(), OrderFact.objects.count()) > 100  # a full page
                yield
            finally:
                with transaction.atomic():
                    seeding.delete_domain_data()
    finally:
        patch.undo()


@pytest.fixture
def staff_client(_seeded_once, db, client, superuser):
    client.force_login(superuser)
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_foundation_models_are_registered():
    labels = {label for label, _ in MODEL_ADMINS}
    assert {
        "stations.City", "stations.Town", "stations.Village", "stations.Position",
        "stations.Role", "volunteers.Team", "volunteers.Volunteer", "volunteers.Membership",
        "orders.Platform", "orders.ServiceCategory", "orders.MenuItem", "orders.VolunteerSkill",
    } <= labels  # fmt: skip


@pytest.mark.parametrize(("label", "model"), MODEL_ADMINS, ids=[m[0] for m in MODEL_ADMINS])
def test_changelist_add_and_change_pages(staff_client, django_assert_max_num_queries, label, model):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200

    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(response.wsgi_request):
        response = staff_client.get(admin_url(model, "add"))
        assert response.status_code == 200

    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        with django_assert_max_num_queries(MAX_CHANGE_QUERIES):
            response = staff_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200


def test_team_page_with_forty_members_is_constant(staff_client, django_assert_max_num_queries):
    from volunteers.models import Team

    team = Team.objects.get(village__name="团结村")
    assert team.memberships.count() == 40
    with django_assert_max_num_queries(12):
        response = staff_client.get(admin_url(Team, "change", team.pk))
    assert response.status_code == 200
    body = response.content.decode()
    # Each member is still shown (from the preloaded row, not a query per row).
    for name in team.members.values_list("name", flat=True):
        assert name in body


def test_village_changelist_searches_and_filters(staff_client):
    response = staff_client.get(admin_url(Village, "changelist"), {"q": "团结村"})
    assert response.status_code == 200
    assert "团结村" in response.content.decode()
    response = staff_client.get(admin_url(Village, "changelist"), {"has_station": "no"})
    assert response.context["cl"].result_count == 0


def test_village_autocomplete_is_a_search(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {
                "term": "团结",
                "app_label": "volunteers",
                "model_name": "volunteer",
                "field_name": "home_village",
            },
        )
    assert response.status_code == 200
    assert "团结村（洪绪镇）" in [row["text"] for row in response.json()["results"]]


def test_town_page_lists_its_villages(staff_client):
    hongxu = Town.objects.get(name="洪绪镇")
    response = staff_client.get(admin_url(Town, "change", hongxu.pk))
    assert "团结村" in response.content.decode()


def test_volunteer_page_has_skills_and_teams(staff_client):
    volunteer = Volunteer.objects.filter(home_village__name="团结村").first()
    body = staff_client.get(admin_url(Volunteer, "change", volunteer.pk)).content.decode()
    assert "技能（服务类别）" in body
    assert "所属队伍" in body
    assert "团结村志愿服务队" in body
    skill = volunteer.skill_links.select_related("category").first()
    assert f'<option value="{skill.category_id}" selected>{skill.category.name}</option>' in body


def test_menu_item_reach_needs_its_towns(staff_client):
    response = staff_client.post(
        admin_url(MenuItem, "add"),
        {
            "title": "新服务",
            "platform": Platform.objects.first().pk,
            "category": ServiceCategory.objects.first().pk,
            "reach": MenuItem.Reach.TOWNS,
            "duration_minutes": 60,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "请至少选择一个镇街" in response.content.decode()
    assert not MenuItem.objects.filter(title="新服务").exists()


def test_invalid_station_is_a_chinese_form_error(staff_client):
    from stations.models import City, Position

    tuanjie = Village.objects.get(name="团结村")
    response = staff_client.post(
        admin_url(Position, "add"),
        {
            "level": Position.Level.CENTRE,
            "name": "错误的中心",
            "city": City.objects.get().pk,
            "village": tuanjie.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "只有实践站属于村（社区）" in response.content.decode()
    assert not Position.objects.filter(name="错误的中心").exists()


def test_station_added_in_admin_takes_its_town_from_the_village(staff_client):
    from stations.models import City, Position

    village = Village.objects.create(town=Town.objects.get(name="洪绪镇"), name="新设村")
    response = staff_client.post(
        admin_url(Position, "add"),
        {
            "level": Position.Level.STATION,
            "name": "新设村新时代文明实践站",
            "city": City.objects.get().pk,
            "village": village.pk,
            "is_active": "on",
            "review_orders": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Position.objects.get(village=village).town == village.town


def test_role_form_explains_the_area_needed(staff_client, superuser):
    from stations.models import City, Role

    response = staff_client.post(
        admin_url(Role, "add"),
        {"user": superuser.pk, "kind": Role.Kind.TOWN_ADMIN, "city": City.objects.get().pk},
    )
    assert response.status_code == 200
    assert "镇街管理员需要选择所管理的镇（街道）" in response.content.decode()


def test_village_team_added_in_admin_takes_its_town(staff_client):
    from stations.models import City
    from volunteers.models import Team

    village = Village.objects.filter(name="团结村").get()
    response = staff_client.post(
        admin_url(Team, "add"),
        {
            "name": "团结村巾帼志愿服务队",
            "kind": Team.Kind.VILLAGE_TEAM,
            "city": City.objects.get().pk,
            "village": village.pk,
            "is_active": "on",
            "sort_order": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Team.objects.get(name="团结村巾帼志愿服务队").town == village.town
