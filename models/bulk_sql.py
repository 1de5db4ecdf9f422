"""Parameters for statements that touch 100,000 rows at once.

psycopg2 sends a Python list as ``ARRAY[1, 2, ...]``: an expression of 100,000 elements
that PostgreSQL parses one element at a time (0.15 s for 100,000 integers, 4 s for
100,000 JSON documents cast to jsonb). One array literal, or one text split on the
server, carries the same values in a fifth of the time. Use them with a cast::

    SQL("... unnest(%s::int[]) ...", bulk_sql.array(ids))
    SQL("... unnest(string_to_array(%s, chr(30), ''))::jsonb ...", bulk_sql.json_rows(docs))
"""

import io
import json

from odoo.tools import SQL

#: separates the JSON documents of :func:`json_rows`; JSON escapes every control character
RECORD_SEPARATOR = "\x1e"


def array(values):
    """A PostgreSQL array literal of numbers, dates and None (never text: no quoting).

    ``str()`` of a number or of a date is its PostgreSQL input form.
    """
    return "{" + ",".join(["NULL" if value is None else str(value) for value in values]) + "}"


def json_rows(documents):
    """One text holding the JSON of ``documents`` (None stays NULL), for ``string_to_array``."""
    return RECORD_SEPARATOR.join("" if doc is None else json.dumps(doc) for doc in documents)


def copy_temp_table(cr, name, columns, rows):
    """Load ``rows`` (tuples of numbers, dates, plain codes or None) into a new temporary
    table ``name`` of ``columns`` (``[(column, type)]``) with ``COPY``, dropped at commit.

    For 100,000 rows of a dozen values: half the time of one JSON document parsed by the
    server (``json_to_recordset``), which also spills to disk past ``work_mem``.
    """
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(name)))
    cr.execute(
        SQL(
            "CREATE TEMP TABLE %s (%s) ON COMMIT DROP",
            SQL.identifier(name),
            SQL(", ").join(SQL("%s %s", SQL.identifier(col), SQL(kind)) for col, kind in columns),
        )
    )
    buffer = io.StringIO()
    buffer.writelines(
        "\t".join(r"\N" if value is None else str(value) for value in row) + "\n" for row in rows
    )
    buffer.seek(0)
    cr.copy_from(buffer, name, columns=[col for col, _kind in columns])
