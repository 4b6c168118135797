"""Reads for the reports: every figure on the pages, the exports and the API comes from here.

One module per report (``coverage``, ``standards``, ``orders``, ``volunteers``), each returning
a dataclass of typed rows (``as_dict()`` is the API's JSON). Each runs a fixed number of
queries whatever the number of villages (the tests pin them), reading the rollups in
``reports.models`` and small dimension tables, never the orders or events themselves. Every
function takes an ``Area`` (the caller's scope, and an optional town or village): the rows
outside the scope are never read.
"""

from reports.selectors.area import Area, area_key, percent, resolve_area
from reports.selectors.coverage import Coverage, compute_coverage, coverage, gaps, village_detail
from reports.selectors.orders import OrdersReport, orders
from reports.selectors.standards import FiveStandards, five_standards
from reports.selectors.volunteers import VolunteersReport, volunteers

__all__ = [
    "Area",
    "Coverage",
    "FiveStandards",
    "OrdersReport",
    "VolunteersReport",
    "area_key",
    "compute_coverage",
    "coverage",
    "five_standards",
    "gaps",
    "orders",
    "percent",
    "resolve_area",
    "village_detail",
    "volunteers",
]
