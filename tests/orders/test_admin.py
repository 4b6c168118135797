from orders.models import Order
from tests.orders.factories import order_in_state, submit_order

S = Order.Status


def test_order_changelist_and_history_inline(
    client, superuser, tuanjie_station, tuanjie, menu_item, volunteer, django_assert_max_num_queries
):
    for _ in range(20):
        order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/orders/order/")
    assert response.status_code == 200
    body = response.content.decode()
    order = Order.objects.first()
    assert order.masked_phone in body and order.phone not in body
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "点单状态变更" in page and "已接单" in page
    assert 'name="status"' not in page  # read-only: changes go through the services
    assert client.get("/admin/orders/order/add/").status_code == 403


def test_admin_approve_action_uses_service(client, superuser, tuanjie_station, tuanjie, menu_item):
    a = submit_order(tuanjie, menu_item)
    client.force_login(superuser)
    response = client.post(
        "/admin/orders/order/",
        {"action": "approve_selected", "_selected_action": [a.pk]},
        follow=True,
    )
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.status == S.OPEN
    assert a.status_changes.last().actor == superuser


def test_admin_scoped_to_area(client, other_town_admin, tuanjie_station, tuanjie, menu_item):
    order = submit_order(tuanjie, menu_item)
    other_town_admin.is_staff = True
    other_town_admin.is_superuser = False
    other_town_admin.save()
    from django.contrib.auth.models import Permission

    other_town_admin.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(other_town_admin)
    assert client.get(f"/admin/orders/order/{order.pk}/change/").status_code == 302  # not found
    assert order.number not in client.get("/admin/orders/order/").content.decode()


def test_order_search_finds_phone_as_residents_type_it_village_and_service(
    client, superuser, tuanjie_station, tuanjie, other_village, menu_item
):
    from tests import factories as f

    wanted = submit_order(tuanjie, menu_item, phone="13812345678")
    f.StationFactory(village=other_village)
    other_item = f.MenuItemFactory(title="健康义诊", category=menu_item.category)
    other = submit_order(other_village, other_item, phone="13900000000")
    client.force_login(superuser)

    def found(term: str) -> set[str]:
        response = client.get("/admin/orders/order/", {"q": term})
        assert response.status_code == 200
        return {order.number for order in response.context["cl"].result_list}

    for typed in ["13812345678", "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８"]:
        assert found(typed) == {wanted.number}, typed
    assert found("团结村") == {wanted.number}
    assert found("龙泉社区") == {other.number}
    assert found("义诊") == {other.number}
    assert found("党的理论") == {wanted.number}
    assert found(wanted.number) == {wanted.number}
    assert found("13700000000") == set()
