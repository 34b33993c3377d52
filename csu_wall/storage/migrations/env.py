"""Alembic environment, driven only from :func:`csu_wall.storage.db.upgrade` (no alembic.ini).

The caller hands over an open connection (with csu-wall's SQLite pragmas already set) through
``config.attributes["connection"]``, so the URL never passes through configparser.
"""

from __future__ import annotations

from alembic import context

from csu_wall.storage.tables import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("csu-wall migrations run through csu_wall.storage.db.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
