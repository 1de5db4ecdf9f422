"""The access matrix: every role × every model, button and action of the addon.

What is checked, and how:

- Roles: portal, an internal user without classification rights (``internal``: Employee
  only; ``contacts``: Employee + Contact Creation, what Odoo gives every new user), and the
  addon's four groups (Customer Service, User, Manager, Administrator), each a fresh user
  with ``base.group_user`` and that group only (plus what it implies), and ``owner``: a
  User who is the salesperson of the customer the records belong to.
- Models: every model whose ``ir.model`` has an xmlid of this module (its own models,
  wizards, SQL-view reports, and the models it extends), abstract mixins excepted (no
  table, no record). One real record per model, made or found as superuser once for the
  class, is checked with Odoo 18's ``has_access`` (model ACL + record rules) for create,
  read, write and unlink. The record belongs to the customer of the ``owner`` role (a
  User who is its salesperson): for every other role it is someone else's customer, and
  "own records only" rules show as refused.
- Buttons: every ``type="object"`` button or link in the arch of a view of this module,
  and every public ``action_*`` method the module defines (shown or not: any is one RPC
  away), called as each role on that record inside a savepoint that is rolled back.
- Actions: every server action of the module (scheduled actions included: any user
  with write access to the model may run one through ``/web/action/run``), run as each
  role without records, as the scheduler does, in a rolled-back savepoint; every client
  action, window action and report action: whether the role may open it (the action's
  groups and read access to its model; the dashboard: each of its panels).

An ``AccessError`` is "no"; anything else is "yes" (a ``UserError`` about bad input
still means the rights check passed; the exception's name is printed next to it). A
rights check that would raise a ``UserError`` ("Only Customer Classification Managers can
...") counts as "no" too, printed "no (UserError)" (it refuses, with the wrong class);
none does any more.

The declared tables below are the product's policy, reviewed cell by cell (a cell that
would declare a hole is declared as the policy wants it, not as a run found it). The test
prints the actual matrix as Markdown and fails listing every cell that differs, and every
model, button or action that has no declared row, so a new one cannot be forgotten.
"""

import logging
import re
from collections import defaultdict
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

MODULE = "customer_classification"
ROLES = ("portal", "internal", "contacts", "service", "user", "owner", "manager", "admin")
ROLE_GROUPS = {
    "portal": "base.group_portal",
    "internal": "base.group_user",
    # what Odoo gives every new internal user (the default user template)
    "contacts": "base.group_user,base.group_partner_manager",
    "service": f"base.group_user,{MODULE}.group_customer_service",
    "user": f"base.group_user,{MODULE}.group_user",
    # a User who is the customer's salesperson (and the tracking record's author)
    "owner": f"base.group_user,{MODULE}.group_user",
    "manager": f"base.group_user,{MODULE}.group_manager",
    "admin": f"base.group_user,{MODULE}.group_admin",
}
OPERATIONS = ("create", "read", "write", "unlink")
RIGHTS_MESSAGE = re.compile(
    r"^Only (Customer Classification (Users|Managers|Administrators)|sales managers) (can|may) "
)

# ----------------------------------------------------------------------------------------
# Declared matrix: models. Each cell is create/read/write/unlink as "crwu", "-" = refused.
# ----------------------------------------------------------------------------------------
# fmt: off
MODELS = {
    # model                                         p    i    c    s    u    o    m    a
    "account.move":                                "---- ---- ---- ---- ---- ---- ---- ----",
    "base.partner.merge.automatic.wizard":         "---- ---- crw- ---- ---- ---- crw- crw-",
    "crm.team.member":                             "---- -r-- -r-- -r-- -r-- -r-- -rw- -rw-",
    "customer.allocation.rule":                    "---- ---- ---- ---- ---- ---- crwu crwu",
    "customer.allocation.run":                     "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.allocation.run.line":                "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.allocation.wizard":                  "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.allocation.wizard.line":             "---- ---- ---- ---- ---- ---- crwu crwu",
    "customer.allocation.wizard.load":             "---- ---- ---- ---- ---- ---- crwu crwu",
    # rows of every customer (as the partner form shows them); amounts: invoice readers only
    "customer.analytics":                          "---- ---- ---- ---- -r-- -r-- -r-- -r--",
    "customer.anomaly":                            "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.anomaly.run":                        "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.churn.report":                       "---- ---- ---- ---- ---- -r-- -r-- -r--",
    "customer.class":                              "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.class.followup":                     "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.class.migration.report":             "---- ---- ---- ---- ---- -r-- -r-- -r--",
    "customer.class.overview.report":              "---- ---- ---- ---- ---- -r-- -r-- -r--",
    "customer.class.rule":                         "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.classification":                     "---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    "customer.classification.history":             "---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    "customer.classification.mark":                "---- ---- ---- ---- ---- ---- ---- ----",
    "customer.classification.override.wizard":     "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.classification.reject.wizard":       "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.classification.review.wizard":       "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.classification.snapshot":            "---- ---- ---- ---- ---- -r-- -r-- -r--",
    "customer.code.assign.wizard":                 "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.code.history":                       "---- ---- ---- -r-- -r-- -r-- -r-- -r--",
    "customer.code.recode.wizard":                 "---- ---- ---- ---- ---- ---- crw- crw-",
    "customer.code.scheme":                        "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.code.series":                        "---- ---- ---- -r-- -r-- -r-- -r-- -rw-",
    "customer.condition":                          "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.cost.report":                        "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.dimension":                          "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.dimension.level":                    "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.duplicate":                          "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.indicator":                          "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.rfm.cell":                           "---- ---- ---- ---- -r-- -r-- -r-- crwu",
    "customer.snapshot.month":                     "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.standard":                           "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.standard.copy.wizard":               "---- ---- ---- ---- ---- ---- ---- crwu",
    "customer.standard.preview":                   "---- ---- ---- ---- ---- ---- ---- crwu",
    "customer.standard.preview.line":              "---- ---- ---- ---- ---- ---- ---- crwu",
    "customer.standard.preview.partner":           "---- ---- ---- ---- ---- ---- ---- crwu",
    "customer.standard.run.request":               "---- ---- ---- ---- ---- ---- ---- ----",
    "customer.strategy.report":                    "---- ---- ---- ---- ---- ---- -r-- -r--",
    "customer.tag.rule":                           "---- ---- ---- -r-- -r-- -r-- -r-- crwu",
    "customer.tracking.record":                    "---- ---- ---- -r-- cr-- crw- crwu crwu",
    "ir.actions.report":                           "---- -r-- -r-- -r-- -r-- -r-- -r-- -r--",
    "ir.actions.server":                           "---- ---- ---- ---- ---- ---- ---- ----",
    "mail.activity":                               "---- ---- crwu ---- ---- -rwu ---- ----",
    "mail.followers":                              "---- -r-- -r-- -r-- -r-- -r-- -r-- -r--",
    "mail.message":                                "---- -r-- crwu -r-- -r-- cr-- -r-- -r--",
    "res.company":                                 "-r-- -r-- -r-- -r-- -r-- -r-- -r-- -r--",
    "res.config.settings":                         "---- ---- ---- ---- ---- ---- ---- ----",
    "res.country.state":                           "-r-- -r-- crwu -r-- -r-- -r-- -r-- -r--",
    "res.partner":                                 "---- -r-- crwu -r-- -r-- -r-- -r-- -r--",
    "res.partner.category":                        "---- -r-- crwu -r-- -r-- -r-- -r-- -r--",
    "res.partner.industry":                        "---- -r-- -r-- -r-- -r-- -r-- -r-- -r--",
    "sale.order":                                  "---- ---- ---- ---- ---- ---- ---- ----",
}

# ----------------------------------------------------------------------------------------
# Declared matrix: buttons ("model.method") and actions (xmlid), the roles that may use
# them. "y" = allowed, "-" = refused, in the order of ROLES (p i c s u o m a).
# ----------------------------------------------------------------------------------------
BUTTONS = {
    # model.method                                                            p i c s u o m a
    "base.partner.merge.automatic.wizard.action_merge":                      "- - - - - - y y",
    "customer.allocation.run.action_apply":                                  "- - - - - - y y",
    "customer.allocation.run.action_cancel":                                 "- - - - - - y y",
    "customer.allocation.wizard.action_apply":                               "- - - - - - y y",
    "customer.allocation.wizard.action_back":                                "- - - - - - y y",
    "customer.allocation.wizard.action_preview":                             "- - - - - - y y",
    "customer.anomaly.action_open_partner":                                  "- - - - - - y y",
    "customer.anomaly.run.action_detect":                                    "- - - - - - y y",
    "customer.anomaly.run.action_view_anomalies":                            "- - - - - - y y",
    "customer.class.migration.report.action_open_partner":                   "- - - - - y y y",
    "customer.classification.action_accept_proposal":                        "- - - - - - y y",
    "customer.classification.action_reject_proposal":                        "- - - - - - y y",
    "customer.classification.action_remove_override":                        "- - - - - - y y",
    "customer.classification.override.wizard.action_apply":                  "- - - - - - y y",
    "customer.classification.override.wizard.action_remove_override":        "- - - - - - y y",
    "customer.classification.reject.wizard.action_reject":                   "- - - - - - y y",
    "customer.classification.review.wizard.action_print":                    "- - - - - - y y",
    "customer.code.assign.wizard.action_assign":                             "- - - - - - y y",
    "customer.code.assign.wizard.action_view_candidates":                    "- - - y y y y y",
    "customer.code.recode.wizard.action_apply":                              "- - - - - - y y",
    "customer.duplicate.action_dismiss":                                     "- - - - - - y y",
    "customer.duplicate.action_find_duplicates":                             "- - - - - - y y",
    "customer.duplicate.action_merge":                                       "- - - - - - y y",
    "customer.duplicate.action_reset":                                       "- - - - - - y y",
    "customer.standard.action_activate":                                     "- - - - - - - y",
    "customer.standard.action_copy_to_companies":                            "- - - - - - - y",
    "customer.standard.action_new_version":                                  "- - - - - - - y",
    "customer.standard.action_preview":                                      "- - - - - - - y",
    "customer.standard.copy.wizard.action_copy":                             "- - - - - - - y",
    "customer.standard.preview.action_activate":                             "- - - - - - - y",
    "customer.standard.preview.line.action_open_partners":                   "- - - - - - - y",
    "customer.tracking.record.action_answer":                                "- - - - - y y y",
    "customer.tracking.record.action_close":                                 "- - - - - y y y",
    "mail.activity.action_done":                                             "- - y - - y - -",
    "mail.activity.action_open_document":                                    "- - y - - y - -",
    "res.partner.action_assign_customer_code":                               "- - - - y y y y",
    "res.partner.action_log_tracking_record":                                "y y y y y y y y",
    "res.partner.action_open_classification_override":                       "- y y y y y y y",
    "res.partner.action_open_customer_code_recode":                          "- y y y y y y y",
    "res.partner.action_reclassify":                                         "- - - - y y y y",
    "res.partner.action_reclassify_all":                                     "- - - - - - y y",
    "res.partner.action_refresh_customer_analytics":                         "- - - - - - y y",
    "res.partner.action_remove_classification_override":                     "- - - - - - y y",
    "res.partner.action_view_classification_history":                        "- y y y y y y y",
    "res.partner.action_view_customer_code_history":                         "y y y y y y y y",
    "res.partner.action_view_tracking_records":                              "- y y y y y y y",
}

ACTIONS = {
    # xmlid, without the module                                       p i c s u o m a
    "action_report_customer_classification_review":                  "- - - - - - y y",
    "action_report_customer_profile":                                "- - - - y y y y",
    "crm_team_member_action_customer_load":                          "- y y y y y y y",
    "customer_allocation_rule_action":                               "- - - - - - y y",
    "customer_allocation_run_action":                                "- - - - - - y y",
    "customer_allocation_wizard_action":                             "- - - - - - y y",
    "customer_analytics_action":                                     "- - - - y y y y",
    "customer_anomaly_action":                                       "- - - - - - y y",
    "customer_anomaly_run_action":                                   "- - - - - - y y",
    "customer_anomaly_run_action_detect":                            "- - - - - - y y",
    "customer_churn_report_action":                                  "- - - - y y y y",
    "customer_class_action":                                         "- - - y y y y y",
    "customer_class_migration_report_action":                        "- - - - y y y y",
    "customer_class_overview_report_action":                         "- - - - y y y y",
    "customer_classification_action":                                "- - - y y y y y",
    "customer_classification_action_review":                         "- - - y y y y y",
    "customer_classification_dashboard_action":                      "- - - - y y y y",
    "customer_classification_dashboard_action_churn":                "- - - - y y y y",
    "customer_classification_dashboard_action_class_share":          "- - - - y y y y",
    "customer_classification_dashboard_action_migration":            "- - - - y y y y",
    "customer_classification_dashboard_action_overdue":              "- - - y y y y y",
    "customer_classification_dashboard_action_revenue":              "- - - - y y y y",
    "customer_classification_history_action":                        "- - - y y y y y",
    "customer_classification_review_wizard_action":                  "- - - - - - y y",
    "customer_classification_snapshot_action_abc":                   "- - - - y y y y",
    "customer_classification_snapshot_action_rfm":                   "- - - - y y y y",
    "customer_code_assign_wizard_action":                            "- - - - - - y y",
    "customer_code_history_action":                                  "- - - y y y y y",
    "customer_code_recode_wizard_action":                            "- - - - - - y y",
    "customer_code_scheme_action":                                   "- - - y y y y y",
    "customer_cost_report_action":                                   "- - - - - - y y",
    "customer_duplicate_action":                                     "- - - - - - y y",
    "customer_indicator_action":                                     "- - - y y y y y",
    "customer_rfm_cell_action":                                      "- - - - y y y y",
    "customer_standard_action":                                      "- - - y y y y y",
    "customer_strategy_report_action":                               "- - - - - - y y",
    "customer_tracking_record_action":                               "- - - y y y y y",
    "ir_cron_assign_customer_codes_ir_actions_server":               "- - - - - - - -",
    "ir_cron_check_response_times_ir_actions_server":                "- - - - - - - -",
    "ir_cron_classification_snapshot_ir_actions_server":             "- - - - - - - -",
    "ir_cron_detect_anomalies_ir_actions_server":                    "- - - - - - - -",
    "ir_cron_detect_duplicates_ir_actions_server":                   "- - - - - - - -",
    "ir_cron_reclassify_ir_actions_server":                          "- - - - - - - -",
    "ir_cron_reclassify_outdated_ir_actions_server":                 "- - - - - - - -",
    "ir_cron_refresh_customer_analytics_ir_actions_server":          "- - - - - - - -",
    "ir_cron_review_allocation_ir_actions_server":                   "- - - - - - - -",
    "ir_cron_schedule_class_followups_ir_actions_server":            "- - - - - - - -",
    "mail_activity_action_customer_followup":                        "- y y y y y y y",
    "res_config_settings_action":                                    "- - - - - - - -",
    "res_partner_action":                                            "y y y y y y y y",
    "res_partner_action_reclassify_all":                             "- - - - - - y y",
    "res_partner_action_refresh_customer_analytics":                 "- - - - - - y y",
    "res_partner_industry_action":                                   "- y y y y y y y",
}
# fmt: on

# Methods reachable over RPC that no view of the module shows but that the module
# overrides to grant more: the merge wizard's button merges a pair of the Duplicates list.
EXTRA_BUTTONS = {("base.partner.merge.automatic.wizard", "action_merge"): "Odoo's merge form"}

# The dashboard (client action) loads these window actions, one per panel
# (static/src/dashboard/customer_dashboard.js, PANELS).
CLIENT_ACTION_PANELS = {
    "customer_classification_dashboard_action": (
        "customer_classification_dashboard_action_class_share",
        "customer_classification_dashboard_action_revenue",
        "customer_classification_dashboard_action_migration",
        "customer_classification_dashboard_action_churn",
        "customer_classification_dashboard_action_overdue",
    ),
}


class _Swallow(logging.Filter):
    """Keep the warnings an expected refusal logs (Odoo logs forbidden server actions)
    out of the test log; they are part of the outcome, not a failure."""

    def filter(self, record):
        return record.levelno < logging.WARNING


@contextmanager
def _swallow_warnings():
    swallow = _Swallow()
    handlers = logging.getLogger().handlers
    for handler in handlers:
        handler.addFilter(swallow)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(swallow)


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.users = {
            role: new_test_user(cls.env, f"mx_{role}", groups=groups)
            for role, groups in ROLE_GROUPS.items()
        }
        cls.salesperson = cls.users["owner"]
        cls.records = cls._make_records()

    # ------------------------------------------------------------------
    # One record per model
    # ------------------------------------------------------------------
    @classmethod
    def _models(cls):
        """Every non-abstract model with an ``ir.model`` xmlid of this module."""
        data = cls.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model")]
        )
        names = cls.env["ir.model"].browse(data.mapped("res_id")).mapped("model")
        return sorted(name for name in names if not cls.env[name]._abstract)

    @classmethod
    def _make_records(cls):
        env = cls.env
        today = fields.Date.context_today(env["res.partner"])
        partner = env["res.partner"].create(
            {
                "name": "Matrix Customer",
                "is_company": True,
                "customer_rank": 1,
                "user_id": cls.salesperson.id,
            }
        )
        product = env["product.product"].create({"name": "Matrix machine", "list_price": 1})
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": today - relativedelta(days=75),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": 1000})
                ],
            }
        )
        move.action_post()
        partner.message_subscribe(partner_ids=cls.salesperson.partner_id.ids)
        partner._reclassify()
        partner._refresh_customer_analytics()
        # two months of snapshots: the churn report needs the month before too
        Snapshot = env["customer.classification.snapshot"]
        month = Snapshot._last_complete_month()
        for first_day in (month - relativedelta(months=1), month):
            Snapshot._write_month(cls.company, first_day, scope_ids=[partner.id])
        # a draft: what administrators edit, preview and activate
        standard = env["customer.standard"]._active_for(cls.company)._copy_into(cls.company)
        tracking = env["customer.tracking.record"].create(
            {
                "partner_id": partner.id,
                "record_type": "complaint",
                "summary": "Matrix complaint",
                "user_id": cls.salesperson.id,
            }
        )
        # a result waiting for a review decision, with an override to remove
        result = partner.classification_ids.filtered(lambda r: r.company_id == cls.company)
        env.flush_all()
        env.cr.execute(
            "UPDATE customer_classification SET proposed_class_id = %s, proposed_score = 50,"
            " override_class_id = %s, override_reason = 'Matrix' WHERE id = %s",
            (
                env.ref(f"{MODULE}.class_potential").id,
                env.ref(f"{MODULE}.class_strategic").id,
                result.id,
            ),
        )
        env.invalidate_all()
        other = env["res.partner"].create(
            {"name": "Matrix Customer Ltd", "is_company": True, "customer_rank": 1}
        )
        # a customer without a code, for the "Assign Code" button
        codeless = env["res.partner"].create(
            {"name": "Matrix Codeless", "is_company": True, "customer_rank": 1}
        )
        env.flush_all()
        env.cr.execute("UPDATE res_partner SET customer_code = NULL WHERE id = %s", (codeless.id,))
        env.invalidate_all()
        cls.button_records = {("res.partner", "action_assign_customer_code"): codeless}
        pair = env["customer.duplicate"].create(
            {"partner_a_id": min(partner.id, other.id), "partner_b_id": max(partner.id, other.id)}
        )
        anomaly_run = env["customer.anomaly.run"].create(
            {"company_id": cls.company.id, "detected_on": today, "origin": "manual"}
        )
        team = env["crm.team"].create({"name": "Matrix team"})
        rule = env["customer.allocation.rule"].create({"name": "Matrix rule", "team_id": team.id})
        run = env["customer.allocation.run"].create(
            {"company_id": cls.company.id, "origin": "wizard"}
        )
        alloc_wizard = env["customer.allocation.wizard"].create({})
        preview = env["customer.standard.preview"].create({"standard_id": standard.id})
        preview_line = env["customer.standard.preview.line"].create({"preview_id": preview.id})
        found = {
            # made here
            "res.partner": partner,
            "account.move": move,
            "res.company": cls.company,
            "customer.tracking.record": tracking,
            "customer.allocation.rule": rule,
            "customer.allocation.run": run,
            "customer.allocation.run.line": env["customer.allocation.run.line"].create(
                {"run_id": run.id, "partner_id": partner.id}
            ),
            "customer.allocation.wizard": alloc_wizard,
            "customer.allocation.wizard.line": env["customer.allocation.wizard.line"].create(
                {"wizard_id": alloc_wizard.id, "partner_id": partner.id}
            ),
            "customer.allocation.wizard.load": env["customer.allocation.wizard.load"].create(
                {"wizard_id": alloc_wizard.id}
            ),
            "customer.standard.preview": preview,
            "customer.standard.preview.line": preview_line,
            "customer.standard.preview.partner": env["customer.standard.preview.partner"].create(
                {"line_id": preview_line.id, "partner_id": partner.id}
            ),
            "customer.standard.copy.wizard": env["customer.standard.copy.wizard"].create(
                {"standard_id": standard.id}
            ),
            "customer.standard.run.request": env["customer.standard.run.request"].create(
                {"standard_id": standard.id, "origin": "manual"}
            ),
            "customer.classification.mark": env["customer.classification.mark"].create(
                {"partner_id": partner.id}
            ),
            "customer.classification.override.wizard": env[
                "customer.classification.override.wizard"
            ].create(
                {
                    "partner_ids": [Command.set(partner.ids)],
                    "class_id": env.ref(f"{MODULE}.class_strategic").id,
                    "reason": "Matrix",
                }
            ),
            "customer.classification.reject.wizard": env[
                "customer.classification.reject.wizard"
            ].create(
                {
                    "result_ids": [Command.set(partner.classification_ids.ids)],
                    "reason": "Matrix",
                }
            ),
            "customer.classification.review.wizard": env[
                "customer.classification.review.wizard"
            ].create({}),
            "customer.code.assign.wizard": env["customer.code.assign.wizard"].create({}),
            "customer.code.recode.wizard": env["customer.code.recode.wizard"].create(
                {"partner_id": partner.id, "reason": "Matrix"}
            ),
            # the merge of a pair of the Duplicates list
            "base.partner.merge.automatic.wizard": env["base.partner.merge.automatic.wizard"]
            .with_context(customer_duplicate_id=pair.id)
            .create({}),
            "res.config.settings": env["res.config.settings"].create({}),
            "crm.team.member": env["crm.team.member"].create(
                {"crm_team_id": team.id, "user_id": cls.salesperson.id}
            ),
            "mail.activity": env["mail.activity"].create(
                {
                    "res_model_id": env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "user_id": cls.salesperson.id,
                    "summary": "Matrix",
                }
            ),
            "ir.actions.report": env.ref(f"{MODULE}.action_report_customer_profile"),
            "ir.actions.server": env.ref(f"{MODULE}.res_partner_action_reclassify_all"),
            # the customer's chatter: a note, and its salesperson following it
            "mail.message": partner.message_post(
                body="Matrix note", message_type="comment", subtype_xmlid="mail.mt_note"
            ),
            "mail.followers": env["mail.followers"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("partner_id", "=", cls.salesperson.partner_id.id),
                ]
            ),
            "res.country.state": env["res.country.state"].create(
                {"name": "Matrix state", "code": "MXS", "country_id": env.ref("base.cn").id}
            ),
            "res.partner.category": env["res.partner.category"].create({"name": "Matrix"}),
            "res.partner.industry": env["res.partner.industry"].create({"name": "Matrix"}),
            "sale.order": env["sale.order"].create({"partner_id": partner.id}),
            "customer.standard": standard,
            "customer.classification": result,
            "customer.anomaly.run": anomaly_run,
            "customer.anomaly": env["customer.anomaly"].create(
                {
                    "run_id": anomaly_run.id,
                    "company_id": cls.company.id,
                    "partner_id": partner.id,
                    "anomaly_type": "revenue_drop",
                }
            ),
            "customer.duplicate": pair,
        }
        records = {}
        for name in cls._models():
            Model = env[name]
            record = found.get(name)
            if record is None:
                # made by the engine for the customer, or shipped configuration data
                for domain in (
                    [("partner_id", "=", partner.id)] if "partner_id" in Model._fields else None,
                    [("company_id", "=", cls.company.id)]
                    if "company_id" in Model._fields
                    else None,
                    [],
                ):
                    if domain is not None:
                        record = Model.search(domain, limit=1, order="id desc")
                        if record:
                            break
            records[name] = record
        return records

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------
    def _attempt(self, call):
        """Call ``call()`` in a savepoint that is always rolled back: "no" on an
        AccessError, else "yes" (with the name of any other exception)."""
        savepoint = self.env.cr.savepoint()
        try:
            with _swallow_warnings():
                call()
        except AccessError:
            return "no"
        except Exception as error:
            if RIGHTS_MESSAGE.match(str(error)):
                return f"no ({type(error).__name__})"
            return f"yes ({type(error).__name__})"
        finally:
            savepoint.close(rollback=True)
        return "yes"

    @staticmethod
    def _markdown(title, header, rows):
        lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join("---" for __ in header) + "|")
        # "----" alone in a cell would read as a rule: access codes go in code spans
        lines += [
            "| " + " | ".join(f"`{c}`" if re.fullmatch("[crwu-]{4}", c) else c for c in row) + " |"
            for row in rows
        ]
        return "\n".join(lines)

    def _compare(self, title, declared, actual, to_declared, extra=None):
        """Print the actual matrix; fail on every undeclared row and differing cell."""
        rows = [[f"`{key}`", *cells] for key, cells in sorted(actual.items())]
        header = ["", *ROLES]
        if extra:
            header.append(extra[0])
            for row, key in zip(rows, sorted(actual), strict=True):
                row.append(extra[1].get(key, ""))
        table = self._markdown(title, header, rows)
        print("\n" + table + "\n")  # pylint: disable=print-used
        problems = []
        for key, cells in sorted(actual.items()):
            expected = declared.get(key)
            got = to_declared(cells)
            if expected is None:
                problems.append(f"no declared row: {key!r}: {got!r}")
                continue
            expected = tuple(expected.split()) if isinstance(expected, str) else expected
            for role, want, have in zip(ROLES, expected, got, strict=True):
                if want != have:
                    problems.append(f"{key} / {role}: declared {want!r}, actual {have!r}")
        for key in sorted(set(declared) - set(actual)):
            problems.append(f"declared but not found: {key!r}")
        if problems:
            self.fail(f"{title}: {len(problems)} differences\n" + "\n".join(problems))

    # ------------------------------------------------------------------
    # Models
    # ------------------------------------------------------------------
    def test_models(self):
        actual = {}
        for name, record in self.records.items():
            if not record:
                actual[name] = ["(no record)"] * len(ROLES)
                continue
            actual[name] = [
                "".join(
                    op[0] if record.with_user(self.users[role]).has_access(op) else "-"
                    for op in OPERATIONS
                )
                for role in ROLES
            ]
        self._compare("Models (create, read, write, unlink)", MODELS, actual, tuple)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _buttons(self):
        """``{(model, method): groups}`` of every object button or link in the views of
        the module (``groups``: the groups the view shows it to, "" for all); a button
        inside a field's sub-view belongs to the field's comodel."""
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.view")]
        )
        found = defaultdict(set)
        for view in self.env["ir.ui.view"].browse(data.mapped("res_id")):
            if view.type == "qweb" or not view.model:
                continue
            root = etree.fromstring(view.arch_db.encode())
            self._walk(root, self.env[view.model], found)
        for key, shown in EXTRA_BUTTONS.items():
            found[key].add(shown)
        # public ``action_*`` methods of the module that no view shows: still one RPC away
        for name in self._models():
            for klass in type(self.env[name]).__mro__:
                if not klass.__module__.startswith(f"odoo.addons.{MODULE}."):
                    continue
                for method in vars(klass):
                    if method.startswith("action_") and (name, method) not in found:
                        found[name, method].add("no view")
        return found

    def _walk(self, node, model, found):
        for child in node:
            if not isinstance(child.tag, str):
                continue
            submodel = model
            if child.tag == "field" and len(child):
                field = model._fields.get(child.get("name"))
                if field is not None and field.relational:
                    submodel = self.env[field.comodel_name]
            if child.tag in ("button", "a") and child.get("type") == "object":
                method = child.get("name")
                owner = model
                if not hasattr(owner, method):
                    # an xpath into a sub-view: the comodel that has the method
                    owners = [
                        self.env[f.comodel_name]
                        for f in model._fields.values()
                        if f.relational and hasattr(self.env[f.comodel_name], method)
                    ]
                    owner = owners[0] if owners else model
                groups = (child.get("groups") or "").replace(f"{MODULE}.", "")
                found[owner._name, method].add(groups or "all")
            self._walk(child, submodel, found)

    def test_buttons(self):
        actual = {}
        shown = {}
        for (model, method), groups in sorted(self._buttons().items()):
            record = self.button_records.get((model, method)) or self.records.get(model)
            if record is None:
                record = self.env[model].search([], limit=1)
            shown[f"{model}.{method}"] = " / ".join(sorted(groups))
            cells = []
            for role in ROLES:
                mine = record.with_user(self.users[role])
                if not hasattr(mine, method):
                    cells.append("(no method)")
                    continue
                cells.append(self._attempt(getattr(mine, method)))
            actual[f"{model}.{method}"] = cells
        self._compare("Buttons", BUTTONS, actual, self._yes_no, extra=("shown to", shown))

    @staticmethod
    def _yes_no(cells):
        return tuple("y" if cell.startswith("yes") else "-" for cell in cells)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _actions(self, model):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
        return {d.name: self.env[model].browse(d.res_id) for d in data}

    def _may_open(self, user, action, res_model):
        """The web client opens an action whose groups the user has and whose model
        the user may read (``/web/action/load`` itself reads actions as superuser)."""
        groups = action.groups_id if "groups_id" in action else self.env["res.groups"]
        if groups and not (groups & user.groups_id):
            return "no"
        if res_model and not self.env[res_model].with_user(user).has_access("read"):
            return "no"
        return "yes"

    def test_actions(self):
        actual = {}
        for name, action in self._actions("ir.actions.server").items():
            # as ``/web/action/run`` with no record: the scheduler's way, and the widest
            # door (an action without groups then checks only the model's write ACL)
            actual[name] = [self._attempt(action.with_user(self.users[role]).run) for role in ROLES]
        for name, action in self._actions("ir.actions.act_window").items():
            actual[name] = [
                self._may_open(self.users[role], action, action.res_model) for role in ROLES
            ]
        for name, action in self._actions("ir.actions.report").items():
            actual[name] = [
                self._may_open(self.users[role], action, action.model) for role in ROLES
            ]
        for name in self._actions("ir.actions.client"):
            panels = [
                self.env.ref(f"{MODULE}.{xmlid}") for xmlid in CLIENT_ACTION_PANELS.get(name, ())
            ]
            cells = []
            for role in ROLES:
                opened = [
                    self._may_open(self.users[role], panel, panel.res_model) == "yes"
                    for panel in panels
                ]
                if not panels:
                    cells.append("(no panels declared)")
                elif all(opened):
                    cells.append("yes")
                elif any(opened):
                    cells.append(f"no ({sum(opened)}/{len(opened)} panels)")
                else:
                    cells.append("no")
            actual[name] = cells
        self._compare("Actions", ACTIONS, actual, self._yes_no)
