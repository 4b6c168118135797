"""The database's check constraints repeat lists that Python keeps elsewhere (a ``Meta`` body cannot
see its model's ``TextChoices`` or status groups, so the migrations carry literal lists). These
tests pin each copy to its one home, so adding a choice or a status cannot leave the database
refusing (or accepting) something the code says otherwise."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.models import Order


def _project_apps() -> set[str]:
    """The project's own apps (not Django's or third parties', which live in the venv)."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and ".venv" not in Path(config.path).parts
    }


def _in_lookups(condition):
    """Every ``field__in=[…]`` inside a Q, with the Q it sits in."""
    for child in condition.children:
        if isinstance(child, Q):
            yield from _in_lookups(child)
        elif child[0].endswith("__in"):
            yield child[0].removesuffix("__in"), list(child[1])


def _choice_constraints():
    project = _project_apps()
    for model in apps.get_models():
        if model._meta.app_label not in project:
            continue
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            if not constraint.name.endswith("_valid"):
                continue
            for field_name, values in _in_lookups(constraint.condition):
                field = model._meta.get_field(field_name)
                if field.choices:
                    yield pytest.param(model, field, values, id=constraint.name)


@pytest.mark.parametrize(("model", "field", "values"), list(_choice_constraints()))
def test_a_valid_values_constraint_lists_exactly_the_fields_choices(model, field, values):
    assert sorted(values) == sorted(value for value, _ in field.flatchoices)


def test_there_are_choice_constraints_to_check():
    assert len(list(_choice_constraints())) >= 8


def test_the_owner_constraint_lists_exactly_order_owned():
    (constraint,) = [c for c in Order._meta.constraints if c.name == "order_owned_once_accepted"]
    ((field, values),) = _in_lookups(constraint.condition)
    assert field == "status" and sorted(values) == sorted(Order.OWNED)
