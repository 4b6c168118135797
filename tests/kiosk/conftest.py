import pytest

from kiosk import links, services


@pytest.fixture
def kiosk_link(station_head, tuanjie_station):
    return services.kiosk_link_create(
        user=station_head, station_id=tuanjie_station.pk, label="大厅一体机"
    )


@pytest.fixture
def kiosk_client(client, kiosk_link):
    """A browser the station head turned into 团结村's kiosk (it holds the link's cookie)."""
    client.get(f"/kiosk/{kiosk_link.station_id}/", {"key": links.sign(kiosk_link)})
    return client
