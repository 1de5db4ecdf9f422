from odoo.tools import sql

from . import models
from . import wizard
from . import report
from .hooks import pre_init_hook
from .models.account_move import INDICATOR_INDEX, UNPAID_INDEX
from .models.customer_code_series import SEQUENCE_CODE


def uninstall_hook(env):
    """Remove what the addon made in tables it does not own, which Odoo's uninstall
    leaves: the indexes on ``account_move`` and the code series' ``ir.sequence``
    records with their PostgreSQL sequences.

    The addon's own columns (``res_partner.customer_code``…) go with their indexes
    and constraints when Odoo drops them.
    """
    for index in (INDICATOR_INDEX, UNPAID_INDEX):
        sql.drop_index(env.cr, index, env["account.move"]._table)
    # the series hold their sequences with ondelete="restrict": the series go first;
    # searching by code also finds a sequence left by a series created concurrently
    sequences = (
        env["ir.sequence"]
        .sudo()
        .with_context(active_test=False)
        .search([("code", "=", SEQUENCE_CODE)])
    )
    env["customer.code.series"].sudo().search([]).unlink()
    sequences.unlink()
