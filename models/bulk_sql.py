"""Parameters for statements that touch 100,000 rows at once.

psycopg2 sends a Python list as ``ARRAY[1, 2, ...]``: an expression of 100,000 elements
that PostgreSQL parses one element at a time (0.15 s for 100,000 integers, 4 s for
100,000 JSON documents cast to jsonb). One array literal, or one text split on the
server, carries the same values in a fifth of the time. Use them with a cast::

    SQL("... unnest(%s::int[]) ...", bulk_sql.array(ids))
    SQL("... unnest(string_to_array(%s, chr(30), ''))::jsonb ...", bulk_sql.json_rows(docs))
"""

import json

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
