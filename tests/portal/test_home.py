def test_home_page_in_chinese_by_default(client, tuanjie_station):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "新时代文明实践" in body
    assert response.context["stats"]["stations"] == 1
