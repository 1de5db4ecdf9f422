"""Data quality: the data each class requires (completeness, missing data), and the
validation of what is typed (Chinese USCC and ID numbers, phones, negative amounts,
cooperation start)."""

import re
from datetime import timedelta
from unittest import TestCase

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL, mute_logger

from ..engine import uscc

VALID_USCC = ("91350100M000100Y43", "91110000600037341L", "91440300708461136T")
VALID_RESIDENT_ID = "11010519491231002X"


class TestUscc(TestCase):
    """The pure checks of engine/uscc.py, without a database."""

    def test_valid_uscc(self):
        for code in VALID_USCC:
            self.assertTrue(uscc.is_valid_uscc(code), code)
            self.assertEqual(uscc.uscc_check_char(code[:17]), code[17])

    def test_broken_uscc(self):
        for code in (
            "91350100M000100Y44",  # wrong check character
            "91350100M000100Y4",  # 17 characters
            "91350100M000100Y430",  # 19 characters
            "91350100I000100Y43",  # I is not in the character set
            "91350100O000100Y43",  # neither is O
            "91350100m000100y43",  # not normalised
            "",
            None,
        ):
            self.assertFalse(uscc.is_valid_uscc(code), code)

    def test_check_character_zero(self):
        """31 - (sum mod 31) = 31 gives the check character 0."""
        first17 = next(
            f"9135010000000{n:04d}"
            for n in range(10000)
            if uscc.uscc_check_char(f"9135010000000{n:04d}") == "0"
        )
        self.assertTrue(uscc.is_valid_uscc(first17 + "0"))

    def test_normalize(self):
        self.assertEqual(uscc.normalize(" 9135 0100m0\t00100y43 "), "91350100M000100Y43")
        self.assertEqual(uscc.normalize(None), "")

    def test_resident_id(self):
        self.assertTrue(uscc.is_valid_resident_id(VALID_RESIDENT_ID))
        self.assertFalse(uscc.is_valid_resident_id("110105194912310021"))  # check digit
        self.assertFalse(uscc.is_valid_resident_id("11010519491231002"))  # 17 characters
        self.assertFalse(uscc.is_valid_resident_id("11010519491231002x"))  # not normalised
        # a right check character does not save a birth date that does not exist
        bad_date = "11010519491331002"
        self.assertFalse(
            uscc.is_valid_resident_id(bad_date + uscc.resident_id_check_char(bad_date))
        )


class DataQualityCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.Class = cls.env["customer.class"]
        cls.company = cls.env.company
        cls.china = cls.env.ref("base.cn")
        cls.company.country_id = cls.china
        cls.industry = cls.env["res.partner.industry"].create({"name": "Test Machinery"})
        cls.salesperson = new_test_user(cls.env, "dq_sales", groups="base.group_user")

    @classmethod
    def field(cls, name, model="res.partner"):
        return cls.env["ir.model.fields"]._get(model, name)

    @classmethod
    def set_class(cls, partners, klass, company=None):
        cls.Partner._write_classification_columns(
            company or cls.company, [(partner.id, klass.id, 50.0) for partner in partners]
        )

    def customer(self, name, **vals):
        return self.Partner.create(dict({"name": name, "is_company": True}, **vals))


class TestCompleteness(DataQualityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.class_full = cls.Class.create(
            {
                "name": "DQ Key",
                "code": "dq_key",
                "required_field_ids": [
                    Command.set([cls.field(n).id for n in ("phone", "user_id", "industry_id")])
                ],
            }
        )
        cls.class_email = cls.Class.create(
            {
                "name": "DQ Mail",
                "code": "dq_mail",
                "required_field_ids": [Command.set([cls.field("email").id])],
            }
        )
        cls.class_free = cls.Class.create({"name": "DQ Free", "code": "dq_free"})

    def test_default_required_data(self):
        """The shipped classes require what the strategy needs."""
        expected = {
            "strategic": {"user_id", "phone", "industry_id", "state_id", "vat"},
            "potential": {"user_id", "phone", "industry_id"},
            "optimization": {"phone"},
            "prospect": {"email"},
        }
        for code, names in expected.items():
            klass = self.env.ref(f"customer_classification.class_{code}")
            self.assertEqual(set(klass.required_field_ids.mapped("name")), names, code)

    def test_required_field_refused(self):
        """Only stored partner fields that can be empty can be required."""
        for field in (
            self.field("child_ids"),  # one2many
            self.field("active"),  # a box is never empty
            self.field("customer_completeness"),  # not stored
            self.field("login", "res.users"),  # not a partner field
        ):
            with (
                self.subTest(field=field.name),
                self.assertRaisesRegex(ValidationError, "DQ Free cannot require"),
                self.env.cr.savepoint(),
            ):
                self.class_free.required_field_ids = [Command.link(field.id)]
        self.assertFalse(self.class_free.required_field_ids)

    def test_classification_admin_configures_required_data(self):
        """A classification Administrator without Odoo's Access Rights can read and pick
        the fields (the class form's tags): reading field definitions is granted to them."""
        admin = new_test_user(
            self.env, "dq_cl_admin", groups="base.group_user,customer_classification.group_admin"
        )
        klass = self.class_full.with_user(admin)
        values = klass.web_read({"required_field_ids": {"fields": {"display_name": {}}}})
        self.assertEqual(len(values[0]["required_field_ids"]), 3)
        found = (
            self.env["ir.model.fields"]
            .with_user(admin)
            .name_search(
                "Email",
                klass._fields["required_field_ids"].domain,
            )
        )
        self.assertIn(self.field("email").id, [field_id for field_id, _name in found])
        klass.required_field_ids = [Command.link(self.field("email").id)]
        self.assertEqual(len(self.class_full.required_field_ids), 4)

    def test_completeness_and_missing_items(self):
        partner = self.customer("Half Filled", phone="+86 138 1234 5678")
        self.set_class(partner, self.class_full)
        self.assertEqual(partner.customer_completeness, 33)
        self.assertEqual(partner.customer_missing_data, "Industry, Salesperson")
        self.assertTrue(partner.customer_has_missing_data)

        partner.write({"industry_id": self.industry.id, "user_id": self.salesperson.id})
        self.assertEqual(partner.customer_completeness, 100)
        self.assertFalse(partner.customer_missing_data)
        self.assertFalse(partner.customer_has_missing_data)

    def test_customer_service_sees_completeness(self):
        """Reading the class requirements needs no right on field definitions."""
        service = new_test_user(
            self.env,
            "dq_service",
            groups="base.group_user,customer_classification.group_customer_service",
        )
        partner = self.customer("Seen By Service")
        self.set_class(partner, self.class_email)
        as_service = partner.with_user(service)
        self.assertEqual(as_service.customer_missing_data, "Email")
        self.assertEqual(as_service.customer_completeness, 0)
        self.assertIn(
            partner,
            self.Partner.with_user(service).search([("customer_has_missing_data", "=", True)]),
        )

    def test_nothing_required(self):
        """A class requiring nothing, or no class at all, is complete."""
        free = self.customer("Free")
        self.set_class(free, self.class_free)
        unclassified = self.customer("Unclassified")
        for partner in free | unclassified:
            self.assertEqual(partner.customer_completeness, 100)
            self.assertFalse(partner.customer_missing_data)
            self.assertFalse(partner.customer_has_missing_data)

    def test_completeness_per_company(self):
        """The class, so the data it requires, is the current company's."""
        other = self.env["res.company"].create({"name": "DQ Other Company"})
        partner = self.customer("Two Companies")
        self.set_class(partner, self.class_email)
        self.set_class(partner, self.class_full, company=other)
        self.assertEqual(partner.customer_missing_data, "Email")
        partner_other = partner.with_company(other)
        self.assertEqual(partner_other.customer_missing_data, "Industry, Phone, Salesperson")
        self.assertEqual(partner_other.customer_completeness, 0)
        self.assertIn(partner, self.Partner.search([("customer_has_missing_data", "=", True)]))
        self.assertIn(
            partner,
            self.Partner.with_company(other).search([("customer_has_missing_data", "=", True)]),
        )
        partner.email = "two@example.com"
        self.assertNotIn(partner, self.Partner.search([("customer_has_missing_data", "=", True)]))
        self.assertIn(
            partner,
            self.Partner.with_company(other).search([("customer_has_missing_data", "=", True)]),
        )

    def test_missing_data_search(self):
        """One domain, one query, for every partner; its negation keeps the partners
        without class (their company-dependent class is NULL)."""
        lacking_phone = self.customer("Lacking Phone", user_id=self.salesperson.id)
        lacking_phone.industry_id = self.industry
        complete = self.customer(
            "Complete",
            phone="13812345678",
            user_id=self.salesperson.id,
            industry_id=self.industry.id,
        )
        lacking_email = self.customer("Lacking Email", email="")
        with_email = self.customer("With Email", email="mail@example.com")
        free = self.customer("Free")
        unclassified = self.customer("Unclassified")
        self.set_class(lacking_phone | complete, self.class_full)
        self.set_class(lacking_email | with_email, self.class_email)
        self.set_class(free, self.class_free)
        ours = lacking_phone | complete | lacking_email | with_email | free | unclassified
        mine = [("id", "in", ours.ids)]

        missing = lacking_phone | lacking_email
        domain = self.Partner._customer_missing_data_domain()
        self.assertEqual(self.Partner.search(domain + mine), missing)
        for term in (
            ("customer_has_missing_data", "=", True),
            ("customer_has_missing_data", "!=", False),
        ):
            self.assertEqual(self.Partner.search([term, *mine]), missing, term)
        for term in (
            ("customer_has_missing_data", "=", False),
            ("customer_has_missing_data", "!=", True),
        ):
            self.assertEqual(self.Partner.search([term, *mine]), ours - missing, term)
        with self.assertQueryCount(2):  # the classes' requirements, then the partners
            self.Partner.search([("customer_has_missing_data", "=", True)])

        # the domain is plain ORM: the class and the fields, nothing computed
        leaves = {leaf[0] for leaf in domain if isinstance(leaf, tuple)}
        self.assertIn("customer_class_id", leaves)
        self.assertTrue({"phone", "email", "user_id", "industry_id"} <= leaves)

        # an archived class still held by customers still requires its data
        self.class_email.active = False
        self.assertEqual(self.Partner.search(domain + mine), missing)

    def test_no_requirement_anywhere(self):
        self.env["customer.class"].with_context(active_test=False).search([]).write(
            {"required_field_ids": [Command.clear()]}
        )
        self.assertEqual(self.Partner._customer_missing_data_domain(), [(0, "=", 1)])
        self.assertFalse(self.Partner.search([("customer_has_missing_data", "=", True)]))

    def test_views(self):
        """The Classification tab shows completeness and missing items; the Missing Data
        filter is in the partners' search view (the board's and the contacts')."""
        manager = new_test_user(
            self.env,
            "dq_manager",
            groups="base.group_user,base.group_partner_manager,customer_classification.group_manager",
        )
        views = self.Partner.with_user(manager).get_views([(False, "form"), (False, "search")])
        form = views["views"]["form"]["arch"]
        search = views["views"]["search"]["arch"]
        self.assertIn('name="customer_completeness"', form)
        self.assertIn('name="customer_missing_data"', form)
        self.assertIn('name="filter_missing_data"', search)
        self.assertIn("customer_phone_search", search)
        # the board (Customers) searches with the same view as the contacts
        board = self.env.ref("customer_classification.res_partner_action")
        self.assertEqual(board.search_view_id, self.env.ref("base.view_res_partner_filter"))


class TestChineseIds(DataQualityCase):
    def test_company_uscc(self):
        partner = self.customer(
            "Fuzhou Valid", country_id=self.china.id, vat=" 9135 0100m000100y43 "
        )
        self.assertEqual(partner.vat, "91350100M000100Y43", "stored normalised")
        partner.customer_registration_number = "91110000600037341l"
        self.assertEqual(partner.customer_registration_number, "91110000600037341L")

        for name in ("vat", "customer_registration_number"):
            with (
                self.subTest(field=name),
                self.assertRaisesRegex(ValidationError, "91350100M000100Y44 of Fuzhou Valid"),
                self.env.cr.savepoint(),
            ):
                partner.write({name: "91350100M000100Y44"})
        self.assertEqual(partner.vat, "91350100M000100Y43")
        self.assertEqual(partner.customer_registration_number, "91110000600037341L")

    def test_company_uscc_on_create(self):
        with self.assertRaisesRegex(ValidationError, "Broken Ltd"), self.env.cr.savepoint():
            self.customer("Broken Ltd", country_id=self.china.id, vat="12345")
        self.assertFalse(self.Partner.search([("name", "=", "Broken Ltd")]))

    def test_person_resident_id(self):
        person = self.Partner.create(
            {
                "name": "Zhang San",
                "country_id": self.china.id,
                "customer_registration_number": "11010519491231002x",
            }
        )
        self.assertEqual(person.customer_registration_number, VALID_RESIDENT_ID)
        with self.assertRaisesRegex(ValidationError, "Zhang San"), self.env.cr.savepoint():
            person.customer_registration_number = "110105194912310021"
        with self.assertRaisesRegex(ValidationError, "Zhang San"), self.env.cr.savepoint():
            # a USCC is not a person's ID
            person.customer_registration_number = VALID_USCC[0]
        self.assertEqual(person.customer_registration_number, VALID_RESIDENT_ID)

    def test_other_countries_as_typed(self):
        germany = self.env.ref("base.de")
        partner = self.customer(
            "Berlin GmbH", country_id=germany.id, customer_registration_number="hrb 12345"
        )
        self.assertEqual(partner.customer_registration_number, "hrb 12345")
        partner.vat = "DE123456788"
        self.assertEqual(partner.vat, "DE123456788")

    def test_moving_to_china_checks(self):
        """The country makes the value a USCC: changing it checks the value."""
        partner = self.customer("Moving Co", vat="X-1")
        with self.assertRaisesRegex(ValidationError, "X-1 of Moving Co"), self.env.cr.savepoint():
            partner.country_id = self.china
        self.assertFalse(partner.country_id)

    def test_only_changed_fields_checked(self):
        """Data that was there before is checked when it changes, not when another field
        of the partner does."""
        partner = self.customer("Legacy Co", country_id=self.china.id)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET customer_registration_number = 'OLD-123', phone = 'n/a' "
                "WHERE id = %s",
                partner.id,
            )
        )
        self.env.invalidate_all()
        partner.write({"vat": VALID_USCC[1], "name": "Legacy Co Renamed"})
        self.assertEqual(partner.customer_registration_number, "OLD-123")
        with self.assertRaises(ValidationError):
            partner.customer_registration_number = "OLD-124"


class TestPhones(DataQualityCase):
    def test_kept_as_typed_and_normalised(self):
        partner = self.customer(
            "Phone Co", country_id=self.china.id, phone="+86 138 1234 5678", mobile="138-1234-5679"
        )
        self.assertEqual(partner.phone, "+86 138 1234 5678")
        self.assertEqual(partner.mobile, "138-1234-5679")
        self.assertEqual(partner.customer_phone_e164, "+8613812345678")
        self.assertEqual(partner.customer_mobile_e164, "+8613812345679")

    def test_impossible_numbers_refused(self):
        partner = self.customer("Phone Check", country_id=self.china.id, phone="010 6552 9988")
        for name, number in (
            ("phone", "hello"),
            ("phone", "12"),
            ("mobile", "+86 1381234567890123"),
            ("mobile", "+999 1234"),
        ):
            with (
                self.subTest(number=number),
                self.assertRaisesRegex(ValidationError, f"{re.escape(number)} of Phone Check"),
                self.env.cr.savepoint(),
            ):
                partner.write({name: number})
        self.assertEqual(partner.phone, "010 6552 9988")
        self.assertFalse(partner.mobile)

    def test_possible_but_unassigned_number_kept(self):
        """A number of the right length that no operator uses yet is still a number."""
        partner = self.customer("Odd Number", country_id=self.china.id, phone="19912345678")
        self.assertEqual(partner.phone, "19912345678")

    def test_search_any_format(self):
        typed = ("+86 138 1234 5678", "13812345678", "138-1234-5678")
        partners = self.Partner
        for index, number in enumerate(typed):
            field = "mobile" if index == 1 else "phone"
            partners |= self.customer(
                f"Search {index}", country_id=self.china.id, **{field: number}
            )
        other = self.customer("Other Number", country_id=self.china.id, phone="13900000000")
        mine = [("id", "in", (partners | other).ids)]
        for number in (*typed, "1234 5678", "+8613812345678"):
            with self.subTest(number=number):
                found = self.Partner.search([("customer_phone_search", "ilike", number), *mine])
                self.assertEqual(found, partners)
        self.assertEqual(
            self.Partner.search([("customer_phone_search", "not ilike", "138 1234 5678"), *mine]),
            other,
        )
        self.assertFalse(partners[0].customer_phone_search, "a search-only field")
        no_number = self.customer("No Number")
        mine = [("id", "in", (partners | no_number).ids)]
        self.assertEqual(
            self.Partner.search([("customer_phone_search", "=", False), *mine]), no_number
        )
        self.assertEqual(
            self.Partner.search([("customer_phone_search", "!=", False), *mine]), partners
        )


class TestAmountsAndDates(DataQualityCase):
    #: every number typed by a user in the addon that must not be negative, and how it
    #: is refused (the test checks the refusal itself)
    NON_NEGATIVE = {
        ("crm.team.member", "customer_capacity"): "range 0 to 1e9",
        ("customer.class", "allocation_weight"): "SQL CHECK and range 0 to 1000",
        ("customer.class", "goal_repurchase_rate"): "SQL CHECK 0 to 100",
        ("customer.class", "response_hours"): "SQL CHECK and range 0 to 8760",
        ("customer.class.followup", "effort_hours"): "SQL CHECK",
        ("customer.class.followup", "interval_days"): "range 1 to 3650",
        ("customer.class.rule", "score_max"): "range 0 to 100",
        ("customer.class.rule", "score_min"): "range 0 to 100",
        ("customer.dimension", "weight"): "range 0 to 100",
        ("customer.dimension.level", "points"): "range 0 to 100",
        ("customer.indicator", "window_months"): "range 0 to 120",
        ("customer.rfm.cell", "fm_max"): "RFM scores 1 to 5",
        ("customer.rfm.cell", "fm_min"): "RFM scores 1 to 5",
        ("customer.rfm.cell", "r_max"): "RFM scores 1 to 5",
        ("customer.rfm.cell", "r_min"): "RFM scores 1 to 5",
        ("customer.tracking.record", "duration"): "SQL CHECK",
        ("res.company", "customer_abc_a_share"): "shares above 0, total 100",
        ("res.company", "customer_abc_b_share"): "shares above 0, total 100",
        ("res.company", "customer_abc_c_share"): "shares above 0, total 100",
        ("res.company", "customer_analytics_window_months"): "1 to 120",
        ("res.company", "customer_anomaly_factor"): "above 1",
        ("res.company", "customer_clv_horizon_years"): "above 0",
        ("res.company", "customer_cost_hourly_rate"): "not negative",
        ("res.company", "customer_lifecycle_at_risk_factor"): "above 1",
        ("res.company", "customer_lifecycle_churn_days"): "after the new-customer period",
        ("res.company", "customer_lifecycle_new_days"): "before the churn period",
        ("res.config.settings", "classification_interval_number"): "above 0",
        ("res.config.settings", "classification_window_months"): "1 to 120",
        ("res.config.settings", "customer_duplicate_threshold"): "above 0, at most 1",
    }
    #: numbers that may be negative, and why
    MAY_BE_NEGATIVE = {
        ("customer.class", "goal_revenue_growth"): "a managed decline is a goal (-100 % at most)",
        ("customer.condition", "value"): "thresholds of growth rates and net revenue",
        ("customer.condition", "value_to"): "thresholds of growth rates and net revenue",
    }
    #: numbers the addon computes and shows, nobody types them (net revenue may be < 0)
    OUTPUTS = {
        ("customer.allocation.wizard.load", "capacity"),
        ("customer.allocation.wizard.load", "load_after"),
        ("customer.allocation.wizard.load", "load_before"),
        ("customer.standard.preview.line", "partner_count"),
        ("customer.standard.preview.line", "revenue"),
    }
    #: settings shown from the company (checked there), written together by set_values
    SETTINGS_FROM_COMPANY = {
        "customer_abc_a_share",
        "customer_abc_b_share",
        "customer_abc_c_share",
        "customer_analytics_window_months",
        "customer_anomaly_factor",
        "customer_clv_horizon_years",
        "customer_cost_hourly_rate",
        "customer_lifecycle_at_risk_factor",
        "customer_lifecycle_churn_days",
        "customer_lifecycle_new_days",
    }

    def _input_number_fields(self):
        """(model, field) of every number of the addon a user can type."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "customer_classification"), ("model", "=", "ir.model.fields")]
        )
        found = set()
        for field in self.env["ir.model.fields"].browse(data.mapped("res_id")):
            model_field = self.env[field.model]._fields.get(field.name)
            if (
                field.ttype not in ("integer", "float", "monetary")
                or model_field is None
                or field.name in ("sequence", "color")
                or model_field.related
                or (model_field.compute and not model_field.inverse)
                or (model_field.readonly and not model_field.inverse)
            ):
                continue
            if field.model == "res.config.settings" and field.name in self.SETTINGS_FROM_COMPANY:
                continue
            found.add((field.model, field.name))
        return found

    def test_every_number_audited(self):
        """A new number of the addon must be declared here, refused when negative or not."""
        declared = set(self.NON_NEGATIVE) | set(self.MAY_BE_NEGATIVE) | self.OUTPUTS
        self.assertEqual(self._input_number_fields(), declared)

    def _records(self):
        draft = self.env["customer.standard"]._active_for(self.company)._copy_into(self.company)
        klass = self.Class.create({"name": "DQ Amounts", "code": "dq_amounts"})
        team = self.env["crm.team"].create({"name": "DQ Team"})
        partner = self.customer("DQ Amounts Customer")
        followup = self.env["customer.class.followup"].create(
            {
                "class_id": klass.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "Call",
            }
        )
        return {
            "crm.team.member": self.env["crm.team.member"].create(
                {"crm_team_id": team.id, "user_id": self.salesperson.id}
            ),
            "customer.class": klass,
            "customer.class.followup": followup,
            "customer.class.rule": draft.class_rule_ids[:1],
            "customer.dimension": draft.dimension_ids[:1],
            "customer.dimension.level": draft.dimension_ids.level_ids[:1],
            "customer.indicator": self.env["customer.indicator"].create(
                {"name": "DQ Revenue", "code": "dq_revenue", "kind": "revenue"}
            ),
            "customer.rfm.cell": self.env["customer.rfm.cell"].search([], limit=1),
            "customer.tracking.record": self.env["customer.tracking.record"].create(
                {"partner_id": partner.id, "summary": "Visit", "record_type": "visit"}
            ),
            "res.company": self.company,
        }

    @mute_logger("odoo.sql_db")
    def test_negative_amounts_refused(self):
        records = self._records()
        for (model, name), how in self.NON_NEGATIVE.items():
            with self.subTest(model=model, field=name, how=how):
                if model == "res.config.settings":
                    with self.assertRaises(ValidationError):
                        self.env[model].create({name: -1})
                    continue
                record = records[model]
                self.assertTrue(record, model)
                before = record[name]
                # the record itself may change: the refusal is about the value
                with self.env.cr.savepoint():
                    record.write({name: before})
                    record.flush_recordset()
                refused = None
                try:
                    with self.env.cr.savepoint():
                        record.write({name: -1})
                        record.flush_recordset()
                except (ValidationError, UserError, IntegrityError) as error:
                    refused = error
                self.assertTrue(refused, f"{model}.{name} accepts -1")
                record.invalidate_recordset()
                self.assertEqual(record[name], before)

    def test_goal_revenue_growth_bounds(self):
        klass = self.Class.create({"name": "DQ Decline", "code": "dq_decline"})
        klass.goal_revenue_growth = -20
        with self.assertRaises(ValidationError):
            klass.goal_revenue_growth = -150
        self.assertEqual(klass.goal_revenue_growth, -20)

    def test_cooperation_start_not_in_future(self):
        today = self.env["customer.classification"]._today()
        partner = self.customer("Long Friend", classification_cooperation_start=today)
        with self.assertRaisesRegex(ValidationError, "Long Friend"), self.env.cr.savepoint():
            partner.classification_cooperation_start = today + timedelta(days=1)
        self.assertEqual(partner.classification_cooperation_start, today)
        with self.assertRaisesRegex(ValidationError, "Future Friend"), self.env.cr.savepoint():
            self.customer(
                "Future Friend", classification_cooperation_start=today + timedelta(days=30)
            )
        self.assertFalse(self.Partner.search([("name", "=", "Future Friend")]))
