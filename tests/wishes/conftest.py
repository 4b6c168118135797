import pytest

from wishes import services


@pytest.fixture
def wish(tuanjie, lecture_category):
    """A wish of 团结村, waiting for the station head."""
    return services.wish_submit(
        village=tuanjie,
        category=lecture_category,
        description="想请人教老人用智能手机视频通话",
        phone="13812341234",
        name="李大娘",
    )


@pytest.fixture
def open_wish(wish, station_head):
    return services.wish_approve(wish_id=wish.pk, actor=station_head)
