from odoo.exceptions import ValidationError
from odoo.tests import Form

from .common import CustomerCodeCase


class TestCodeScheme(CustomerCodeCase):
    def test_bad_pattern_refused_nothing_saved(self):
        count = self.Scheme.with_context(active_test=False).search_count([])
        for pattern in ("C{year}", "C{bogus}{seq:3}", "C{year{seq:3}", "C{seq:3}}", "C{seq:99}"):
            with self.subTest(pattern=pattern), self.assertRaises(ValidationError):
                self.Scheme.create({"name": "Bad", "pattern": pattern})
        self.assertEqual(self.Scheme.with_context(active_test=False).search_count([]), count)

    def test_bad_pattern_on_write_keeps_old_one(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.scheme.pattern = "T{nope}{seq:4}"
        self.scheme.invalidate_recordset()
        self.assertEqual(self.scheme.pattern, "T{year}{seq:4}")

    def test_error_message_is_clear(self):
        with self.assertRaisesRegex(ValidationError, r"Unknown token \{colour\}"):
            self.Scheme.create({"name": "Bad", "pattern": "{colour}{seq:3}"})

    def test_bad_domain_refused(self):
        for domain in ("[('no_such_field', '=', 1)]", "[('name', '=', ", "'not a domain'"):
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, "domain"):
                self.Scheme.create({"name": "Bad", "pattern": "X{seq:3}", "domain": domain})

    def test_bad_regex_refused(self):
        with self.assertRaisesRegex(ValidationError, "regular expression"):
            self.Scheme.create({"name": "Bad", "pattern": "X{seq:3}", "validation_regex": "X(\\d"})

    def test_example_code(self):
        scheme = self.Scheme.create(
            {"name": "Class", "pattern": "{class}-{region}-{seq:4}", "default_class_prefix": "P"}
        )
        self.assertEqual(scheme.example_code, "S-BJ-0001")

    def test_a_token_that_can_render_empty_needs_its_fallback(self):
        """Else codes such as "-XX-0001" (no class yet, no default prefix)."""
        with self.assertRaisesRegex(ValidationError, "Default Class Prefix"):
            self.Scheme.create({"name": "Class", "pattern": "{class}-{region}-{seq:4}"})
        with self.assertRaisesRegex(ValidationError, "Missing Region/Industry"):
            self.Scheme.create(
                {"name": "Region", "pattern": "R-{region}-{seq:4}", "missing_value": " "}
            )
        scheme = self.Scheme.create(
            {"name": "Class", "pattern": "{class}-{seq:4}", "default_class_prefix": "P"}
        )
        with (
            self.assertRaisesRegex(ValidationError, "Default Class Prefix"),
            self.env.cr.savepoint(),
        ):
            scheme.default_class_prefix = False
        self.assertEqual(scheme.default_class_prefix, "P")
        self.assertEqual(self.scheme.example_code, self.expected(1))

    def test_form(self):
        with Form(self.Scheme.with_user(self.admin)) as form:
            form.name = "Form scheme"
            form.pattern = "F{seq:5}"
            self.assertEqual(form.example_code, "F00001")
        self.assertTrue(form.record.id)

    def test_first_matching_scheme_wins(self):
        china = self.Scheme.create(
            {
                "name": "China",
                "sequence": 1,
                "pattern": "{region}-{industry}-{seq:3}",
                "domain": "[('customer_rank', '>', 0), ('country_id.code', '=', 'CN')]",
            }
        )
        cn = self.customer(
            country_id=self.country_cn.id, state_id=self.state_bj.id, industry_id=self.industry.id
        )
        other = self.customer(country_id=self.env.ref("base.fr").id)
        self.assertEqual(cn.customer_code, "BJX-ELX-001")
        self.assertEqual(other.customer_code, self.expected(1))
        self.assertEqual(self.Scheme._scheme_for(cn), china)
