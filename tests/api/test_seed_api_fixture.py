"""manage.py seed_api_fixture: the fuzzing dataset is small, deterministic and logs in."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.management.commands.seed_api_fixture import ROLES, fixed_token
from stations.models import Village

pytestmark = pytest.mark.django_db


def test_seeds_places_people_and_one_token_per_role(client):
    out = StringIO()
    call_command("seed_api_fixture", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    assert lines == {role: fixed_token(role) for role in ROLES}
    assert Village.objects.count() == 3
    for role, token in lines.items():
        response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200, role
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {lines['station_head']}").json()
    assert me["roles"][0]["kind"] == "station_head"


def test_refuses_a_database_with_places(tuanjie):
    with pytest.raises(CommandError):
        call_command("seed_api_fixture", stdout=StringIO())
