"""Village names repeat across towns: every choice of a village in the admin names its town."""

from django.contrib import admin
from django.urls import reverse

from stations.models import Village
from tests import factories as f


def _autocomplete(client, app_label, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_village_autocomplete_names_the_town(
    client, superuser, city, django_assert_max_num_queries
):
    for town_name in ["东沙河街道", "洪绪镇", "大坞镇"]:
        f.VillageFactory(town=f.TownFactory(city=city, name=town_name), name="孙埠村")
    client.force_login(superuser)
    with django_assert_max_num_queries(6):  # one query for the page, however many towns
        texts = _autocomplete(client, "volunteers", "volunteer", "home_village", "孙埠")
    assert sorted(texts) == ["孙埠村（东沙河街道）", "孙埠村（大坞镇）", "孙埠村（洪绪镇）"]
    # The same from every form that picks villages (a menu item's villages, a station's village).
    assert len(set(_autocomplete(client, "orders", "menuitem", "villages", "孙埠"))) == 3
    assert "孙埠村（洪绪镇）" in _autocomplete(client, "stations", "position", "village", "孙埠")


def test_village_autocomplete_in_english(client, superuser, hongxu):
    f.VillageFactory(town=hongxu, name="孙埠村")
    client.force_login(superuser)
    client.cookies["django_language"] = "en"
    texts = _autocomplete(client, "volunteers", "volunteer", "home_village", "孙埠")
    assert texts == ["孙埠村 (洪绪镇)"]


def test_chosen_village_is_shown_with_its_town(client, superuser, volunteer):
    client.force_login(superuser)
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert page.status_code == 200
    assert "团结村（洪绪镇）" in page.content.decode()


def test_every_village_field_in_the_admin_names_the_town(rf, superuser, tuanjie):
    """A new admin with a village field gets the labels too (VillageLabelsMixin), or fails here."""
    request = rf.get("/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for db_field in model._meta.get_fields():
            if not (db_field.is_relation and db_field.related_model is Village):
                continue
            if not (db_field.many_to_one or db_field.many_to_many) or db_field.auto_created:
                continue
            if db_field.name in model_admin.raw_id_fields:
                continue  # shows the id; the linked page names the village
            if db_field.name in model_admin.get_readonly_fields(request):
                continue  # shown, never chosen
            if db_field.many_to_many:
                form_field = model_admin.formfield_for_manytomany(db_field, request)
            else:
                form_field = model_admin.formfield_for_foreignkey(db_field, request)
            if form_field is None:
                continue
            label = form_field.label_from_instance(tuanjie)
            assert label == "团结村（洪绪镇）", f"{model.__name__}.{db_field.name}: {label}"
            checked += 1
    assert checked >= 6
