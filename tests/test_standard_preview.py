from odoo.tests import tagged
from odoo.tools import SQL

from ..models.res_partner_classification import PARAM_SCOPE_DOMAIN
from .common_classification import ClassificationCase


@tagged("post_install", "-at_install")
class TestStandardPreview(ClassificationCase):
    """A preview evaluates everyone with both standards and writes nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big, cls.mid, cls.small, cls.new = (
            cls.customer(cls, name) for name in ("Big", "Mid", "Small", "New")
        )
        partners = cls.big | cls.mid | cls.small | cls.new
        # the preview counts every customer in scope: here, these four only
        cls.env["ir.config_parameter"].sudo().set_param(
            PARAM_SCOPE_DOMAIN, str([("id", "in", partners.ids)])
        )
        cls.invoice(cls, cls.big, 1_200_000)
        cls.invoice(cls, cls.big, 100, days_ago=3 * 366)
        cls.invoice(cls, cls.mid, 600_000)
        cls.invoice(cls, cls.small, 100_000)
        partners._reclassify()
        cls.partners = partners

    def state(self):
        """Everything a preview must leave alone: results, history, partner columns, tags."""
        self.env.flush_all()
        return (
            self.env.execute_query(SQL("SELECT * FROM customer_classification ORDER BY id")),
            self.env.execute_query(SQL("SELECT count(*) FROM customer_classification_history")),
            self.env.execute_query(
                SQL(
                    "SELECT id, customer_class_id, classification_score, write_date "
                    "FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                    self.partners.ids,
                )
            ),
            self.env.execute_query(
                SQL("SELECT * FROM res_partner_res_partner_category_rel ORDER BY 1, 2")
            ),
        )

    def draft(self):
        """High from 1.5 M, Mid from 50,000: Big goes down to Potential, Small up to it."""
        draft = self.new_version()
        self.level("Value contribution", "High", draft).condition_ids.value = 1_500_000
        self.level("Value contribution", "Mid", draft).condition_ids.value = 50_000
        return draft

    def test_preview_counts_exactly_and_writes_nothing(self):
        self.assertEqual(
            [p.customer_class_id.code for p in self.partners],
            ["strategic", "potential", "optimization", "prospect"],
        )
        draft = self.draft()
        before = self.state()
        action = draft.action_preview()
        preview = self.env["customer.standard.preview"].browse(action["res_id"])
        self.assertEqual(self.state(), before)
        self.assertEqual((draft.state, self.standard.state), ("draft", "active"))
        self.assertEqual(preview.active_standard_id, self.standard)
        self.assertEqual((preview.partner_count, preview.moved_count), (4, 2))
        cells = {
            (line.from_class_id.code, line.to_class_id.code): (line.partner_count, line.revenue)
            for line in preview.line_ids
        }
        self.assertEqual(
            cells,
            {
                ("strategic", "potential"): (1, 1_200_000),
                ("potential", "potential"): (1, 600_000),
                ("optimization", "potential"): (1, 100_000),
                ("prospect", "prospect"): (1, 0),
            },
        )
        summary = {
            self.env["customer.class"].browse(cid).code: values
            for cid, values in preview._class_summary().items()
        }
        self.assertEqual(
            summary,
            {
                "strategic": [1, 0, 1_200_000, 0],
                "potential": [1, 3, 600_000, 1_900_000],
                "optimization": [1, 0, 100_000, 0],
                "prospect": [1, 1, 0, 0],
            },
        )
        self.assertIn("Strategic", preview.summary_html)
        # one cell of the matrix: its customers, with their scores now and after
        cell = preview.line_ids.filtered(lambda line: line.from_class_id.code == "strategic")
        rows = self.env["customer.standard.preview.partner"].search(
            cell.action_open_partners()["domain"]
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "partner_id": self.big.id,
                    "score_before": 96,
                    "score_after": 0.6 * 60 + 0.3 * 100 + 0.1 * 60,
                    "revenue": 1_200_000,
                    "from_class_id": self.classes["strategic"].id,
                    "to_class_id": self.classes["potential"].id,
                }
            ],
        )

    def test_activating_from_the_preview(self):
        draft = self.draft()
        preview = self.env["customer.standard.preview"].browse(draft.action_preview()["res_id"])
        preview.action_activate()
        self.assertEqual((draft.state, self.standard.state), ("active", "archived"))

    def test_only_valid_drafts_are_previewed(self):
        with self.assertRaisesRegex(Exception, "is not a draft"):
            self.standard.action_preview()
        draft = self.draft()
        self.dimension("Industry risk", draft).weight = 0
        with self.assertRaisesRegex(Exception, "not 90 %"):
            draft.action_preview()
        with self.assertRaisesRegex(Exception, "Administrators"):
            self.draft().with_user(self.manager).action_preview()
