"""A typed client generated from the live schema drives the order workflow (issue 17).

openapi-python-client reads /api/schema/ from the live server (nothing is downloaded) and writes
a package into a temporary folder; the test then places an order as a resident, claims it as a
volunteer and completes it, calling only the generated, typed functions and models. Whatever
the schema says wrongly (a body, a status, a field's type or nullability) breaks generation or
parsing here, as it would for any client built from it.
"""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal

import pytest
from openapi_python_client import MetaType, generate
from openapi_python_client.config import Config, ConfigFile

from orders.models import Order
from tests import factories as f

PACKAGE = "wenming_client"


def _generate_client(schema_url: str, folder):
    config = Config.from_sources(
        # No post-hooks: they run ruff over the generated files, which only formats them. The
        # schema is built per request (seconds on a busy machine): the 5 s default is too short.
        ConfigFile(package_name_override=PACKAGE, post_hooks=[], http_timeout=60),
        MetaType.NONE,
        schema_url,
        "utf-8",
        overwrite=True,
        output_path=folder / PACKAGE,
    )
    problems = generate(config=config)
    assert not problems, [f"{p.header}: {p.detail}" for p in problems]
    sys.path.insert(0, str(folder))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


@pytest.fixture
def client_package(live_server, tmp_path):
    package = _generate_client(f"{live_server.url}/api/schema/", tmp_path)
    yield package
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_generated_client_places_claims_and_completes_an_order(
    live_server, client_package, tuanjie, menu_item, volunteer
):
    f.StationFactory(village=tuanjie, review_orders=False)  # orders open at once
    from wenming_client import AuthenticatedClient, Client
    from wenming_client.api.auth import auth_token_create
    from wenming_client.api.orders import orders_claim, orders_complete, orders_create
    from wenming_client.models import (
        Order as OrderModel,
    )
    from wenming_client.models import (
        OrderCompleteRequest,
        OrderSubmitRequest,
        OrderSubmitted,
        Token,
        TokenObtainRequest,
    )

    anonymous = Client(base_url=live_server.url, raise_on_unexpected_status=True)
    # The schema allows POST /api/orders/ without credentials (security includes {}), but the
    # generator types every operation that lists any security scheme with AuthenticatedClient;
    # a plain Client is what an anonymous caller has, and it works the same.
    submitted = orders_create.sync(
        client=anonymous,  # type: ignore[arg-type]
        body=OrderSubmitRequest(
            village=tuanjie.pk,
            menu_item=menu_item.pk,
            name="李大娘",
            phone="138 1234 1234",
            description="想请人来村里讲讲新政策",
            people=20,
        ),
    )
    assert isinstance(submitted, OrderSubmitted), submitted
    assert submitted.status == "open"

    token = auth_token_create.sync(
        client=anonymous,
        body=TokenObtainRequest(username=volunteer.user.username, password=f.PASSWORD),
    )
    assert isinstance(token, Token), token
    as_volunteer = AuthenticatedClient(
        base_url=live_server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )
    order_id = submitted.id

    claimed = orders_claim.sync(order_id, client=as_volunteer)
    assert isinstance(claimed, OrderModel), claimed
    assert claimed.status == "accepted"
    assert claimed.accepted_by.name == "张明"

    completed = orders_complete.sync(
        order_id,
        client=as_volunteer,
        body=OrderCompleteRequest(hours="2.5", note="在村文化广场宣讲一场，约20人参加。"),
    )
    assert isinstance(completed, OrderModel), completed
    assert completed.status == "completed"

    order = Order.objects.get(pk=order_id)
    assert (order.status, order.accepted_by_id, order.hours) == (
        "completed",
        volunteer.pk,
        Decimal("2.5"),
    )
