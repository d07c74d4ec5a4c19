"""Database rules that constraints cannot express, installed by migrations as triggers."""

from django.db import migrations


def forbid_update_trigger(table, *, when, message):
    """A migration operation that makes the database refuse UPDATEs of rows matching `when`.

    `when` is an SQL condition on OLD (e.g. "OLD.status = 'final'"); both PostgreSQL and
    SQLite raise an integrity error, so a bypassed model method still cannot rewrite history.
    """
    name = f"{table}_forbid_update"

    def install(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {name} BEFORE UPDATE ON {table}
                    FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
                """
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"""
                CREATE TRIGGER {name} BEFORE UPDATE ON {table}
                    FOR EACH ROW WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END;
                """
            )
        else:
            raise NotImplementedError(f"no trigger for {vendor}")

    def uninstall(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER {name};")

    return migrations.RunPython(install, uninstall)
