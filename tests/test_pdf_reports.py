import io
import unicodedata
from unittest.mock import patch

import lxml.html
from PyPDF2 import PdfReader

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..models import ir_actions_report
from .common_classification import ClassificationCase
from .common_review import CHINESE_NAME, review_wizard, setup_review_company

CHINESE_CLASSES = {
    "strategic": "战略客户",
    "potential": "潜力客户",
    "optimization": "优化客户",
    "prospect": "潜在客户",
}

#: NFKC folds a Kangxi radical to the traditional ideograph: the simplified one wanted here
SIMPLIFIED = str.maketrans({"戶": "户"})


def fold_radicals(text):
    """``text`` with the Kangxi radicals read from the PDF as the ideographs printed.

    The CJK font draws an ideograph and the Kangxi radical of the same shape (户 and ⼾,
    力 and ⼒) with one glyph, and Qt 5 writes into the PDF, for each glyph, the lowest
    code point that uses it: the radical. The page shows the right character; the text
    read back (or copied) has the radical.
    """
    return unicodedata.normalize("NFKC", text).translate(SIMPLIFIED)


@tagged("post_install", "-at_install")
class TestPdfReports(HttpCase):
    """The review and the customer profile printed by wkhtmltopdf, Chinese included.

    An HttpCase: wkhtmltopdf fetches the report's style sheets from the test server.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        setup_review_company(cls)
        cls.env["res.lang"]._activate_lang("zh_CN")
        for code, name in CHINESE_CLASSES.items():
            cls.classes[code].with_context(lang="zh_CN").name = name
        cls.review_manager.lang = "zh_CN"
        cls.env.ref("base.user_admin").lang = "zh_CN"

    def pdf_text(self, report, res_ids, user):
        """The text of the PDF of ``report`` for ``res_ids`` printed by ``user`` in their
        language (words separated by single spaces), and its number of pages."""
        Report = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang=user.lang, force_report_rendering=True)
        )
        pdf, kind = Report._render_qweb_pdf(report, res_ids)
        self.assertEqual(kind, "pdf")
        pages = PdfReader(io.BytesIO(pdf)).pages
        text = " ".join(page.extract_text() for page in pages)
        return " ".join(fold_radicals(text).split()), len(pages)

    def test_review_pdf(self):
        wizard = review_wizard(self)
        text, _pages = self.pdf_text(
            "customer_classification.action_report_customer_classification_review",
            wizard.ids,
            self.review_manager,
        )
        beijing = self.customers["beijing"]
        self.assertIn(CHINESE_NAME, text)
        self.assertIn(beijing.customer_code, text)
        self.assertIn("上海海通贸易有限公司", text)
        self.assertIn("Review Test Co", text)
        self.assertIn(self.customers["shanghai"].customer_code, text)
        # the class table in Chinese: 2 strategic customers, 40 %, 130,000 of revenue
        self.assertIn(CHINESE_CLASSES["strategic"], text)
        self.assertIn(CHINESE_CLASSES["potential"], text)
        self.assertIn("40.0 %", text)
        self.assertIn("130,000.00", text)
        self.assertIn("580,000.00", text)
        self.assertIn("710,000.00", text)
        self.assertIn("81.7 %", text)

    def test_profile_pdf(self):
        case = ClassificationCase
        self.product = self.env["product.product"].create({"name": "Machine"})
        self.today = fields.Date.context_today(self.env["res.partner"])
        partner = self.env["res.partner"].create(
            {"name": CHINESE_NAME, "is_company": True, "customer_rank": 1}
        )
        case.invoice(self, partner, 380_000, days_ago=40)
        case.invoice(self, partner, 120_000, days_ago=10)
        partner._reclassify()
        partner._refresh_customer_analytics()
        Record = self.env["customer.tracking.record"]
        for days, summary in enumerate(
            ("季度回访", "Price request", "交货延迟投诉", "Visit 4", "Visit 5", "Visit 6")
        ):
            Record.create(
                {
                    "partner_id": partner.id,
                    "record_type": "call",
                    "summary": summary,
                    "date": fields.Datetime.subtract(fields.Datetime.now(), days=days + 1),
                }
            )
        self.assertTrue(partner.customer_class_id)
        self.assertTrue(partner.customer_analytics_id)
        text, pages = self.pdf_text(
            "customer_classification.action_report_customer_profile",
            partner.ids,
            self.env.ref("base.user_admin"),
        )
        self.assertEqual(pages, 1)
        self.assertIn(CHINESE_NAME, text)
        self.assertIn(partner.customer_code, text)
        self.assertIn(CHINESE_CLASSES[partner.customer_class_id.code], text)
        self.assertIn(f"{partner.classification_score:.2f}", text)
        self.assertIn(f"{partner.customer_lifetime_value:,.2f}", text)
        self.assertIn("500,000.00", text)  # the historical value
        # the last five records, not the sixth
        self.assertIn("季度回访", text)
        self.assertIn("交货延迟投诉", text)
        self.assertIn("Visit 5", text)
        self.assertNotIn("Visit 6", text)

    def test_profile_by_salesperson(self):
        """A User prints the profile from the partner's Print menu."""
        report = self.env.ref("customer_classification.action_report_customer_profile")
        self.assertEqual(report.binding_model_id.model, "res.partner")
        self.assertEqual(report.groups_id, self.env.ref("customer_classification.group_user"))
        salesperson = new_test_user(
            self.env,
            "profile_salesperson",
            groups="base.group_user,customer_classification.group_user",
        )
        partner = self.env["res.partner"].create(
            {"name": "深圳光明电子", "is_company": True, "customer_rank": 1}
        )
        partner.user_id = salesperson
        text, pages = self.pdf_text(report.report_name, partner.ids, salesperson)
        self.assertEqual(pages, 1)
        self.assertIn("深圳光明电子", text)
        self.assertIn(partner.customer_code, text)
        self.assertIn("No tracking record yet.", text)


@tagged("post_install", "-at_install")
class TestUnpatchedQt(TransactionCase):
    """The addon's reports with a wkhtmltopdf built on an unpatched Qt (Debian's)."""

    def setUp(self):
        super().setUp()
        self.Report = self.env["ir.actions.report"]
        self.patched = self.startPatcher(
            patch.object(ir_actions_report, "wkhtmltopdf_has_patched_qt", return_value=False)
        )

    def test_only_the_addon_reports(self):
        inline = self.Report._customer_classification_inline_layout
        self.assertTrue(inline("customer_classification.action_report_customer_profile"))
        self.assertTrue(
            inline("customer_classification.action_report_customer_classification_review")
        )
        self.assertFalse(inline("base.ir_module_reference_print"))
        self.patched.return_value = True
        self.assertFalse(inline("customer_classification.action_report_customer_profile"))

    def test_no_switch_unpatched_qt_ignores(self):
        paperformat = self.env.ref("base.paperformat_euro")
        paperformat.write({"header_line": True, "disable_shrinking": True})
        args = self.Report._build_wkhtmltopdf_args(paperformat, False)
        self.assertIn("--header-spacing", args)
        self.assertIn("--disable-smart-shrinking", args)
        args = self.Report.with_context(
            **{ir_actions_report.CONTEXT_KEY: True}
        )._build_wkhtmltopdf_args(paperformat, False)
        for switch in ir_actions_report.UNPATCHED_QT_SWITCHES:
            self.assertNotIn(switch, args)
        # the values of the switches went with them, the rest is kept
        self.assertNotIn(str(paperformat.header_spacing), args)
        self.assertIn("--margin-top", args)
        self.assertEqual(args[args.index("--page-size") + 1], "A4")

    def test_header_and_footer_in_the_body(self):
        layout = "<!DOCTYPE html><html><head></head><body>%s</body></html>"
        body = layout % '<div class="article"><p>Body</p></div>'
        header = layout % (
            '<div id="minimal_layout_report_headers">'
            '<div class="header">First header</div><div class="header">Second header</div>'
            "</div>"
        )
        footer = layout % (
            '<div id="minimal_layout_report_footers"><div class="footer">First footer</div>'
            '<div class="footer"><div class="text-muted">Second footer</div>'
            '<div class="text-nowrap">Page <span class="page"></span> / '
            '<span class="topage"></span></div>'
            "</div></div>"
        )
        html = ir_actions_report.inline_header_footer(body, header, footer, 1)
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        root = lxml.html.fromstring(html)
        self.assertEqual(
            [" ".join(node.text_content().split()) for node in root.find("body")],
            ["Second header", "Body", "Second footer"],
        )
