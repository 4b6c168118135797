"""A custom import-linter contract for the house rule on tasks (STYLE.md, README "Contributing").

Services import their tasks at the top of the module and queue them on commit; a task imports
its service inside the task's body. The two modules then import each other, but never both at
import time, so neither can be half-initialised when the other runs. import-linter's own
contract types see the import graph, not where in a module an import sits, so this contract
reads the source: for each ``<app>.tasks``,

- every module of the app that imports the tasks does so at module level, and
- the tasks module imports any such module (a service) only inside a function.

Registered in pyproject.toml's ``[tool.importlinter]`` as ``tasks_import_services_lazily``.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache

from importlinter import Contract, ContractCheck, fields, output


@cache
def _function_import_lines(module: str) -> frozenset[int]:
    """Line numbers of the import statements inside a function body of ``module``."""
    spec = importlib.util.find_spec(module)
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    lines.add(inner.lineno)
    return frozenset(lines)


class TasksImportServicesLazily(Contract):
    type_name = "tasks_import_services_lazily"

    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        problems = []
        for app in self.apps:
            tasks = f"{app}.tasks"
            if tasks not in graph.modules:
                continue
            services = {
                m
                for m in graph.find_modules_that_directly_import(tasks)
                if m == app or m.startswith(f"{app}.")
            }
            for service in sorted(services):
                for found in graph.get_import_details(importer=service, imported=tasks):
                    if found["line_number"] in _function_import_lines(service):
                        problems.append(
                            f"{service} imports {tasks} inside a function "
                            f"(l.{found['line_number']}): import the tasks at the top"
                        )
                for found in graph.get_import_details(importer=tasks, imported=service):
                    if found["line_number"] not in _function_import_lines(tasks):
                        problems.append(
                            f"{tasks} imports {service} at module level "
                            f"(l.{found['line_number']}): import it inside the task's body"
                        )
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for problem in check.metadata["problems"]:
            output.print(f"- {problem}")
            output.new_line()
