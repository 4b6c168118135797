"""Writing many rows at once: ``COPY … FROM STDIN`` on PostgreSQL, one prepared ``INSERT`` run
with ``executemany`` on SQLite, ``bulk_create`` elsewhere.

For the demo seed (hundreds of thousands of rows per step at scale 10) and the report rollups'
rebuild. ``bulk_create`` builds one big ``INSERT`` per batch and prepares every value through its
field; ``COPY`` streams the values (psycopg 3 adapts them in C) and is several times faster, and
on SQLite (the embedded demo and the test suite) one statement prepared once and fed tuples,
with only the types SQLite cannot take as they are (dates, decimals, JSON, UUIDs) converted, is
about four times faster than ``bulk_create``.
What each writes is the same: the rows, their primary keys (taken from the table's sequence, in
order, as ``bulk_create`` returns them), ``auto_now`` fields stamped as ``bulk_create`` stamps
them. No signal fires in any case.

Only for writers that own the rows they insert (a seed, a rebuild in its own transaction): the
fields' Python-side validation is skipped as in ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models
from django.utils import timezone

CHUNK = 20_000  # rows per COPY statement: bounded memory on the server side, few round trips


def _quoted_columns(fields: Sequence[models.Field]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(f.column) for f in fields)


def _json_fields(fields: Sequence[models.Field]) -> list[int]:
    # psycopg needs JSON wrapped (Jsonb); every other type it adapts from the Python value.
    return [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]


# Types sqlite3 does not store as Django reads them back: these go through their field.
_SQLITE_PREPARED = {
    "DateTimeField", "DateField", "TimeField", "DecimalField", "JSONField", "UUIDField",
    "DurationField",
}  # fmt: skip


def _fast() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys: from the table's identity sequence on PostgreSQL; on SQLite
    the next after both the highest id and ``sqlite_sequence`` (what AUTOINCREMENT would give:
    SQLite has one writer at a time, and an explicit id moves its sequence on)."""
    if count == 0:
        return []
    pk = model._meta.pk
    if connection.vendor == "sqlite":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max({connection.ops.quote_name(pk.column)}) "  # noqa: S608 - _meta
                f"FROM {connection.ops.quote_name(table)}"
            )
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
        start = max(highest, found[0] if found else 0) + 1
        return list(range(start, start + count))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY ``rows`` (tuples of values, in ``fields`` order; attnames such as ``order_id``) into
    ``model``'s table on PostgreSQL (on SQLite: ``executemany``). Every other column gets what
    a new instance would hold (its model default, sent here: a model default is not a database
    default), and now for ``auto_now`` fields.
    Returns the number of rows written."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    given_names = {f.attname for f in given}
    extra: list[models.Field] = []
    extra_values: list[Any] = []
    now = timezone.now()
    for field in meta.concrete_fields:
        if field.attname in given_names or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra_values.append(now)
        else:
            # What a model instance would hold: the default (a callable one is called once for
            # all the rows: right for dict or list, not for a token), "" or None.
            extra_values.append(field.get_default())
        extra.append(field)
    columns = [*given, *extra]
    if connection.vendor == "sqlite":
        return _sqlite_insert(model, columns, rows, extra_values)
    jsons = _json_fields(columns)
    for i in jsons[:]:
        if i >= len(given):  # a constant default: prepare it once
            extra_values[i - len(given)] = columns[i].get_db_prep_save(
                extra_values[i - len(given)], connection
            )
            jsons.remove(i)
    tail = tuple(extra_values)
    table = connection.ops.quote_name(meta.db_table)
    sql = f"COPY {table} ({_quoted_columns(columns)}) FROM STDIN"
    written = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        while chunk := list(islice(rows, CHUNK)):
            with raw.copy(sql) as copy:
                for row in chunk:
                    if jsons:
                        row = list(row)
                        for i in jsons:
                            row[i] = columns[i].get_db_prep_save(row[i], connection)
                    copy.write_row((*row, *tail) if tail else row)
            written += len(chunk)
    return written


def _sqlite_insert(
    model: type[models.Model],
    columns: Sequence[models.Field],
    rows: Iterable[Sequence[Any]],
    extra_values: Sequence[Any],
) -> int:
    prepared = [(i, f) for i, f in enumerate(columns) if f.get_internal_type() in _SQLITE_PREPARED]
    given = len(columns) - len(extra_values)
    tail = list(extra_values)
    for i, field in prepared:
        if i >= given:  # a constant: prepare it once
            tail[i - given] = field.get_db_prep_save(tail[i - given], connection)
    prepared = [(i, f) for i, f in prepared if i < given]
    tail = tuple(tail)
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({_quoted_columns(columns)}) VALUES ({marks})"  # noqa: S608

    converters = [(i, _sqlite_converter(field)) for i, field in prepared]

    def values():
        for row in rows:
            if converters:
                row = list(row)
                for i, convert in converters:
                    row[i] = convert(row[i])
            yield (*row, *tail) if tail else tuple(row)

    written = 0
    rows_left = values()
    with connection.cursor() as cursor:
        while chunk := list(islice(rows_left, CHUNK)):
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written


def _sqlite_converter(field: models.Field) -> Callable[[Any], Any]:
    """``field.get_db_prep_save`` for SQLite, with the common cases done directly (a seed writes
    ≈ 200,000 timestamps: Django's path per value was a tenth of the demo seed's time). The
    same text Django writes: an aware datetime as naive UTC, a date in ISO form."""

    def slow(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    kind = field.get_internal_type()
    if kind == "DateTimeField":
        zone = connection.timezone  # UTC, unless the database's TIME_ZONE says otherwise

        def convert(value: Any) -> Any:
            if type(value) is dt.datetime and value.tzinfo is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
            return slow(value)

        return convert
    if kind == "DateField":

        def convert_date(value: Any) -> Any:
            return value.isoformat() if type(value) is dt.date else slow(value)

        return convert_date
    return slow


def insert_objects(objs: Sequence[models.Model], *, batch_size: int = 5000) -> Sequence:
    """``bulk_create(objs)`` with COPY on PostgreSQL: the objects get their primary keys (in
    order), ``auto_now``/``auto_now_add`` fields are stamped as ``bulk_create`` stamps them
    (``field.pre_save``), and each is marked as saved. On SQLite, one ``executemany``; elsewhere,
    ``bulk_create`` itself."""
    if not objs:
        return objs
    model = type(objs[0])
    if not _fast():
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    pk_name = meta.pk.attname
    # Read straight from the instance's __dict__ (a field's pre_save per value was most of the
    # time); only auto_now fields need theirs, and a foreign key still None may name an object
    # saved after it was assigned (bulk_create's _prepare_related_fields_for_save).
    plain = [f.attname for f in fields]
    stamped = [
        (i, f)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    relations = [(i, f) for i, f in enumerate(fields) if f.is_relation]
    alias = connection.alias

    def rows():
        for obj in objs:
            values = obj.__dict__
            row = [values[name] for name in plain]
            for i, field in stamped:
                row[i] = field.pre_save(obj, True)
            for i, field in relations:
                if row[i] is None and field.is_cached(obj):
                    related = field.get_cached_value(obj)
                    row[i] = None if related is None else related.pk
                    values[field.attname] = row[i]
            obj._state.adding = False
            obj._state.db = alias
            yield (values[pk_name], *row)

    copy_rows(model, [pk_name, *(f.attname for f in fields)], rows())
    return objs


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert plain tuples (no model instances on PostgreSQL and SQLite: ``copy_rows``);
    elsewhere each row becomes an instance for ``bulk_create``, with the given timestamps kept
    as given."""
    if _fast():
        return copy_rows(model, fields, rows)
    meta = model._meta
    stamped = [
        f
        for f in (meta.get_field(name) for name in fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=5000)
    finally:
        for f, (auto_now, auto_now_add) in zip(stamped, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
    return len(objs)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set ``fields`` of the rows whose primary key is each row's first value (``(pk, *values)``):
    one ``UPDATE … FROM unnest(arrays)`` on PostgreSQL, one prepared ``UPDATE`` run with
    ``executemany`` on SQLite, ``bulk_update`` elsewhere."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        columns = [meta.get_field(name) for name in fields]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    [
                        *(f.get_db_prep_save(f.to_python(v), connection)
                          for f, v in zip(columns, row[1:], strict=True)),
                        row[0],
                    ]
                    for row in rows
                ],
            )  # fmt: skip
        return
    if connection.vendor != "postgresql":
        objs = [
            model(**{meta.pk.attname: row[0], **dict(zip(fields, row[1:], strict=True))})
            for row in rows
        ]
        model.objects.bulk_update(objs, list(fields), batch_size=1000)
        return
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
    names = ", ".join(quote(f.column) for f in columns)
    sets = ", ".join(f"{quote(f.column)} = data.{quote(f.column)}" for f in columns[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = (
        f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS data({names}) "  # noqa: S608 - _meta
        f"WHERE {table}.{pk} = data.{pk}"
    )
    with connection.cursor() as cursor:
        by_column = zip(columns, zip(*rows, strict=True), strict=True)
        cursor.execute(sql, [[f.to_python(v) for v in values] for f, values in by_column])
