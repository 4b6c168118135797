"""The database cache's table (settings.CACHE_TABLE), created by ``migrate`` whatever the cache
backend in use, so that a deployment without CACHE_URL and with DJANGO_DEBUG=0 finds it."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Idempotent: the command skips a table that exists.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    if settings.CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(
            f"DROP TABLE {schema_editor.connection.ops.quote_name(settings.CACHE_TABLE)}"
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_figures_defined_once")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
