"""The orders app's admin, one module per concern: the practice menu and volunteers' skills
(``catalogue``), and the orders with their timeline and the 帮办员 (``order``)."""

from orders.admin import catalogue, order  # noqa: F401 - registers the admin pages
