"""The volunteers API's serializers, one module per group of views: teams, volunteers and the
caller's roles (``teams``, for ``volunteers.api.views``), service records and certificates
(``records``, for ``volunteers.api.records``), points and rewards (``points``, for
``volunteers.api.points``)."""
