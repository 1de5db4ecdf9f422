from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_recode_tour(self):
        """In the browser: find a customer by its card, re-code it, read the history."""
        partner = self.env.ref("customer_classification.res_partner_us_pacific_imports")
        old_code = partner.customer_code
        self.start_tour("/odoo", "customer_classification_recode_tour", login="admin")
        self.assertEqual(partner.customer_code, "VIP-TOUR-01")
        history = partner.customer_code_history_ids.filtered(lambda h: h.origin == "recode")
        self.assertEqual(
            (history.old_code, history.reason), (old_code, "Key account since the tour")
        )
