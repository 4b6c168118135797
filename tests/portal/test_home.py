def test_home_page_in_chinese_by_default(client, tuanjie_station):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "新时代文明实践" in body
    assert response.context["stats"]["stations"] == 1


def test_home_page_shows_the_network_in_numbers(
    client, tuanjie_station, neighbour_village, volunteer, menu_item, django_assert_max_num_queries
):
    # A village without a station shows as a gap: 1 station of 2 villages.
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats == {"towns": 1, "villages": 2, "stations": 1, "volunteers": 1, "menu_items": 1}
    body = response.content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body


def test_home_page_in_english(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_repeat_visits_read_the_figures_from_the_cache(
    client, tuanjie_station, volunteer, django_assert_num_queries
):
    """Issue 19: five counts over the whole network are not worth running on every visit."""
    first = client.get("/")
    assert first.context["stats"]["stations"] == 1
    with django_assert_num_queries(0):
        response = client.get("/")
    # Issue 19: the same bytes for every visitor without a login (core.pages), each with a
    # CSRF token of its own.
    assert response.context is None
    assert _without_token(response.content) == _without_token(first.content)
    assert response.cookies["csrftoken"]


def _without_token(body: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
