"""志愿者申请 in the admin: listed, filtered by status and town, searched by name or phone."""

from joining import services

URL = "/admin/volunteers/volunteerapplication/"


def test_list_filter_and_search(client, superuser, applicant, other_village, station_head):
    other = services.application_submit(
        name="周杰", phone="13600001111", village=other_village, consent=True
    )
    services.application_decline(application_id=applicant.pk, by=station_head, reason="已满")
    client.force_login(superuser)
    page = client.get(URL).content.decode()
    assert "孙丽" in page and "周杰" in page and "137****5678" in page
    page = client.get(URL, {"status__exact": "pending"}).content.decode()
    assert "周杰" in page and "孙丽" not in page
    page = client.get(URL, {"town__id__exact": applicant.town_id}).content.decode()
    assert "孙丽" in page and "周杰" not in page
    page = client.get(URL, {"q": "137 1234 5678"}).content.decode()
    assert "孙丽" in page and "周杰" not in page
    page = client.get(URL, {"q": "龙泉"}).content.decode()
    assert "周杰" in page and "孙丽" not in page
    detail = client.get(f"{URL}{applicant.pk}/change/").content.decode()
    assert "已满" in detail and "团结村（洪绪镇）" in detail
    assert other.pk
