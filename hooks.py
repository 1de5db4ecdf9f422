"""Installation hooks: the PostgreSQL extension duplicate detection needs."""

import logging

import psycopg2

from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def ensure_trigram(env):
    """Make sure ``pg_trgm`` is there, and tell the registry so that Odoo creates the
    trigram index of ``res_partner.customer_name_key`` (Odoo creates the extension only
    in databases it creates itself; ``createdb`` ones lack it).

    ``pg_trgm`` is a trusted extension: the database owner may create it. When the
    database user may not, the error says what the administrator must run.
    """
    cr = env.cr
    cr.execute(SQL("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    if not cr.fetchone():
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except psycopg2.Error as err:
            raise UserError(
                env._(
                    "Customer Classification needs the PostgreSQL extension pg_trgm to find "
                    "duplicate customers, and the database user may not create it. Ask the "
                    "database administrator to run: CREATE EXTENSION pg_trgm; in the "
                    "database %(db)s. (%(error)s)",
                    db=cr.dbname,
                    error=err,
                )
            ) from err
        _logger.info("Created the PostgreSQL extension pg_trgm.")
    env.registry.has_trigram = True


def pre_init_hook(env):
    """Before the tables are made: the trigram index on partner names needs pg_trgm."""
    ensure_trigram(env)
