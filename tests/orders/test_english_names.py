"""The menu's categories, platforms and services are data: staff keep English names for them
(``name_en``/``title_en``) and every page shows them in English, falling back to Chinese."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from orders.models import Order, Platform, ServiceCategory
from tests import factories as f
from tests.orders.factories import order_in_state, submit_order


@pytest.fixture
def english_menu(menu_item, lecture_category, theory_platform):
    lecture_category.name_en = "Civility lectures"
    lecture_category.save()
    theory_platform.name_en = "Theory outreach"
    theory_platform.save()
    menu_item.title_en = "Talks on the Party's policies"
    menu_item.save()
    return menu_item


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_display_names_follow_the_language_and_fall_back(english_menu):
    category = english_menu.category
    with translation.override("en"):
        assert english_menu.display_title == "Talks on the Party's policies"
        assert category.display_name == "Civility lectures"
        assert english_menu.platform.display_name == "Theory outreach"
        untranslated = f.ServiceCategoryFactory(name="风尚", code="customs")
        assert untranslated.display_name == "风尚"  # nothing kept: the Chinese, never ""
    with translation.override("zh-hans"):
        assert english_menu.display_title == "党的理论政策宣讲"
        assert category.display_name == "文明宣讲"


def test_migration_fills_the_builtin_names_and_keeps_staffs(db):
    migration = importlib.import_module("orders.migrations.0012_english_names_builtin")
    ServiceCategory.objects.create(name="法治", code="law")
    ServiceCategory.objects.create(name="我们的风尚", code="customs", name_en="Our customs")
    ServiceCategory.objects.create(name="本地特色", code="local")
    Platform.objects.create(name="卫生健康")
    migration.fill(apps, None)
    names = dict(ServiceCategory.objects.values_list("code", "name_en"))
    assert names == {"law": "Rule of law", "customs": "Our customs", "local": ""}
    assert Platform.objects.get(name="卫生健康").name_en == "Health"


def test_order_form_and_tracking_page_in_english(client, english_menu, tuanjie, tuanjie_station):
    english(client)
    body = client.get("/orders/new/", {"village": tuanjie.pk}).content.decode()
    assert "Talks on the Party&#x27;s policies" in body and "Civility lectures" in body
    assert "党的理论政策宣讲" not in body
    order = submit_order(tuanjie, english_menu)
    body = client.get(f"/orders/t/{order.tracking_token}/").content.decode()
    assert "Talks on the Party&#x27;s policies (Civility lectures)" in body
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/orders/t/{order.tracking_token}/").content.decode()
    assert "党的理论政策宣讲（文明宣讲）" in body


def test_volunteer_dashboard_in_english(client, english_menu, tuanjie, tuanjie_station, volunteer):
    order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=english_menu)
    english(client).force_login(volunteer.user)
    body = client.get("/volunteer/").content.decode()
    assert "Talks on the Party&#x27;s policies" in body and "Civility lectures" in body


def test_menu_api_exposes_the_english_names(client, english_menu, tuanjie):
    body = client.get("/api/menu-items/", {"village": tuanjie.pk}).json()
    item = body["results"][0]
    assert item["title_en"] == "Talks on the Party's policies"
    assert item["category"]["name_en"] == "Civility lectures"
    assert client.get("/api/categories/").json()["results"][0]["name_en"] == "Civility lectures"


def test_demo_menu_has_every_english_name_and_the_migration_agrees():
    from orders import demo

    migration = importlib.import_module("orders.migrations.0012_english_names_builtin")
    assert {row[0] for row in demo.MENU} == set(demo.MENU_TITLES_EN)
    assert migration.PLATFORMS == demo.PLATFORM_NAMES_EN
    assert migration.CATEGORIES == demo.CATEGORY_NAMES_EN
