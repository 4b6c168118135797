"""The custom import-linter contract (``tests/import_contracts.py``): an app's services import
its tasks at the top, its tasks import the services inside the task. Checked on small packages
written to ``tmp_path``, each breaking the rule one way or keeping it."""

import sys

import grimp
import pytest

from tests.import_contracts import TasksImportServicesLazily, _function_import_lines

SERVICES_TOP = "from {app} import tasks\n\n\ndef serve(order_id):\n    tasks.notify(order_id)\n"
SERVICES_LAZY = "def serve(order_id):\n    from {app} import tasks\n\n    tasks.notify(order_id)\n"
TASK_LAZY = (
    "def notify(order_id):\n    from {app} import services\n\n    services.serve(order_id)\n"
)
TASK_TOP = "from {app} import services\n\n\ndef notify(order_id):\n    services.serve(order_id)\n"

# (services.py, tasks.py, the problems the contract reports)
CASES = [
    pytest.param(SERVICES_TOP, TASK_LAZY, [], id="kept"),
    pytest.param(
        SERVICES_TOP,
        TASK_TOP,
        [
            "{app}.tasks imports {app}.services at module level (l.1): "
            "import it inside the task's body"
        ],
        id="tasks-import-the-service-at-the-top",
    ),
    pytest.param(
        SERVICES_LAZY,
        TASK_LAZY,
        ["{app}.services imports {app}.tasks inside a function (l.2): import the tasks at the top"],
        id="service-imports-the-tasks-in-a-function",
    ),
]


@pytest.fixture
def app(request, tmp_path, monkeypatch):
    """A fresh package's name, importable from ``tmp_path`` for this test only."""
    name = "contract_" + request.node.callspec.id.replace("-", "_")
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(tmp_path)
    yield name
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]
    _function_import_lines.cache_clear()


@pytest.mark.parametrize(("services", "tasks", "problems"), CASES)
def test_contract(app, tmp_path, services, tasks, problems):
    for module, source in (("services", services), ("tasks", tasks)):
        (tmp_path / app / f"{module}.py").write_text(source.format(app=app))
    contract = TasksImportServicesLazily(
        name="tasks import services lazily", session_options={}, contract_options={"apps": [app]}
    )

    check = contract.check(grimp.build_graph(app, cache_dir=None), verbose=False)

    assert check.kept == (not problems)
    assert check.metadata["problems"] == [p.format(app=app) for p in problems]
