"""PostgreSQL: the points ledger refuses UPDATE and DELETE (append-only), except when the demo
reset (``portal.seeding.delete_domain_data``) says so for its own transaction."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION volunteers_points_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('wenming.ledger_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'volunteers_pointsentry is append-only: UPDATE and DELETE are refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS volunteers_points_append_only ON volunteers_pointsentry;
CREATE TRIGGER volunteers_points_append_only
    BEFORE UPDATE OR DELETE ON volunteers_pointsentry
    FOR EACH ROW EXECUTE FUNCTION volunteers_points_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS volunteers_points_append_only ON volunteers_pointsentry;
DROP FUNCTION IF EXISTS volunteers_points_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0006_points_ledger")]

    operations = [migrations.RunPython(forwards, backwards)]
