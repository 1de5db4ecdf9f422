from odoo import fields, models
from odoo.tools import create_index


class MailActivity(models.Model):
    _inherit = "mail.activity"

    customer_followup_id = fields.Many2one(
        "customer.class.followup",
        string="Class Follow-up",
        readonly=True,
        ondelete="set null",
        help="The follow-up of the customer's class strategy that planned this activity.",
    )
    customer_company_id = fields.Many2one(
        "res.company",
        string="Follow-up Company",
        readonly=True,
        ondelete="cascade",
        help="The company whose class strategy planned this follow-up.",
    )

    def init(self):
        res = super().init()
        # the scheduler reads the open follow-ups of one company's customers
        create_index(
            self.env.cr,
            "mail_activity_customer_followup_index",
            self._table,
            ["customer_company_id", "res_id", "customer_followup_id"],
            where="customer_followup_id IS NOT NULL",
        )
        return res

    def _action_done(self, feedback=False, attachment_ids=None):
        """A class follow-up done: log the contact, then plan the next one from today."""
        followups = self.filtered(lambda act: act.customer_followup_id and act.active)
        done = [
            (
                act.res_id,
                act.customer_company_id,
                act.customer_followup_id,
                act.summary,
                act.date_deadline,
            )
            for act in followups
        ]
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if done:
            self.env["res.partner"]._followups_done(done, feedback)
        return result
