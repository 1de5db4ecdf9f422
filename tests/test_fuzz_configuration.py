"""A seeded fuzz of configurations: bad input never saves, and never breaks a run.

Each case changes one thing the way an administrator (or a script over RPC) could: a
field of a draft standard's part, an indicator, a class, a code scheme, the Settings, a
system parameter, or deletes a part of the draft. It is either refused with a clear
``UserError``/``ValidationError`` and nothing is saved, or saved; then the draft is
activated if it can be, and the next run must succeed and leave every customer in scope
with a class. Every case is rolled back before the next one.
"""

import contextlib
import logging
import math
import random
import re
from collections import Counter

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.customer_classification import (
    PARAM_REVENUE_SOURCE,
    PARAM_TIMEZONE,
    PARAM_WINDOW,
)
from ..models.res_partner_classification import PARAM_SCOPE_DOMAIN
from .common_classification import ClassificationCase

_logger = logging.getLogger(__name__)

SEED = 20261129
CASES = 1000

NUMBERS = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1,
    0,
    0.5,
    50,
    100,
    101,
    2**31,
    2**63,
    "12",
    "abc",
    True,
    [1],
    {"a": 1},
]
TEXTS = ["", "ok", "\x00", "x" * 3000, 123, "京", "{", "a{class}", ["list"]]
DOMAINS = [
    "[]",
    "[('id', '=', 'abc')]",
    "[('create_date', '>', 'notadate')]",
    "[('nope', '=', 1)]",
    "not python",
    "{}",
    "[('customer_rank', '>', 0)]",
    "[(1, '=', 1)]",
    "\x00",
]
RECORD_IDS = [0, -1, 999_999_999, 2**40, "x", 1.5]
DATES = ["2026-13-45", "notadate", "2020-01-01", 5]
PARAM_JUNK = ["", "junk", "24000", "-3", "nan", "[", "Mars/Olympus", "\x01"]


#: what junk in a system parameter makes Odoo and the addon say (once per value)
EXPECTED_WARNINGS = re.compile(
    r"is not 1 to 120 months|timezone .* is unknown|revenue source .* is unknown"
    r"|domain of classified partners .* is not valid|Error when converting value"
)


class _Rollback(Exception):
    """Ends a case: everything it did is rolled back."""


@tagged("post_install", "-at_install")
class TestFuzzConfiguration(ClassificationCase):
    def test_a_thousand_fuzzed_configurations(self):
        rng = random.Random(SEED)
        partners = self.customers()
        draft = self.new_version()
        self.classify(partners)
        outcomes = Counter()
        with self.assertLogs("odoo", "WARNING") as logs:
            for number in range(CASES):
                with contextlib.suppress(_Rollback), self.env.cr.savepoint():
                    outcomes[self.play(rng, draft, partners, number)] += 1
                    raise _Rollback
        # junk in system parameters is said once each, and nothing else is logged
        unexpected = [line for line in logs.output if not EXPECTED_WARNINGS.search(line)]
        self.assertFalse(unexpected)
        _logger.info(
            "Fuzz of %s configurations (seed %s): %s",
            CASES,
            SEED,
            ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items())),
        )
        self.assertEqual(sum(outcomes.values()), CASES)
        # both sides were exercised
        self.assertGreater(outcomes["refused"], CASES // 10)
        saved = sum(count for outcome, count in outcomes.items() if outcome.startswith("saved"))
        self.assertGreater(saved, CASES // 10)

    def customers(self):
        partners = self.customer("Big") | self.customer("Small") | self.customer("None")
        self.invoice(partners[0], 1_300_000)
        self.invoice(partners[0], 100, days_ago=3 * 366)
        self.invoice(partners[1], 5_000)
        self.complaint(partners[1])
        return partners

    # ------------------------------------------------------------------
    def play(self, rng, draft, partners, number):
        """One case: ``"refused"`` or ``"saved…, run classified everyone"`` (else fails)."""
        change = self.pick(rng, draft)
        try:
            with self.env.cr.savepoint():
                change()
                self.env.flush_all()
        except (UserError, ValidationError):
            return "refused"
        activated = False
        if draft.exists() and draft.state == "draft":
            # an incomplete draft is refused: the standard in force stays
            with contextlib.suppress(UserError, ValidationError), self.env.cr.savepoint():
                draft.action_activate()
                activated = True
        try:
            self.Partner.browse(partners.ids)._reclassify()
        except Exception as err:
            self.fail(f"case {number}: the run after a saved change failed: {err!r}")
        partners.invalidate_recordset()
        unclassified = partners.filtered(lambda p: not p.customer_class_id)
        self.assertFalse(unclassified, f"case {number}: customers left without a class")
        if activated:
            return "saved, draft activated, run classified everyone"
        return "saved, run classified everyone"

    def pick(self, rng, draft):
        """A change to make, as a function."""
        makers = [
            self.part_change,
            self.part_change,
            self.part_change,
            self.deletion,
            self.indicator_change,
            self.class_change,
            self.scheme_change,
            self.settings_change,
            self.param_change,
        ]
        return rng.choice(makers)(rng, draft)

    def part_change(self, rng, draft):
        dimension = rng.choice(draft.dimension_ids)
        level = rng.choice(dimension.level_ids)
        conditions = (
            draft.dimension_ids.level_ids.condition_ids | draft.class_rule_ids.condition_ids
        )
        choices = [
            (dimension, "weight", NUMBERS),
            (dimension, "name", TEXTS),
            (dimension, "sequence", NUMBERS),
            (level, "points", NUMBERS),
            (level, "name", TEXTS),
            (rng.choice(draft.class_rule_ids), "score_min", NUMBERS),
            (rng.choice(draft.class_rule_ids), "score_max", NUMBERS),
            (
                rng.choice(draft.class_rule_ids),
                "class_id",
                [*RECORD_IDS, self.classes["prospect"].id],
            ),
        ]
        if conditions:
            condition = rng.choice(conditions)
            operators = ["=", "!=", "<", "<=", ">", ">=", "between", "in", "bogus", "", 3]
            choices += [
                (condition, "operator", operators),
                (condition, "value", NUMBERS),
                (condition, "value_to", NUMBERS),
                (condition, "value_text", [*TEXTS, "1, 2", "a,b"]),
                (condition, "indicator_id", RECORD_IDS + self.indicator_ids()),
            ]
        record, name, values = rng.choice(choices)
        value = rng.choice(values)
        return lambda: record.write({name: value})

    def deletion(self, rng, draft):
        records = rng.choice(
            [
                draft.dimension_ids,
                draft.dimension_ids.level_ids,
                draft.class_rule_ids,
                (draft.dimension_ids.level_ids.condition_ids | draft.class_rule_ids.condition_ids),
            ]
        )
        record = rng.choice(records) if records else draft
        return record.unlink

    def indicator_ids(self):
        return self.env["customer.indicator"].with_context(active_test=False).search([]).ids

    def indicator_change(self, rng, draft):
        indicator = self.env["customer.indicator"].browse(rng.choice(self.indicator_ids()))
        kinds = [kind for kind, _label in indicator._fields["kind"].selection] + ["bogus", 4]
        fields_ = self.env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("ttype", "in", ("integer", "selection", "char"))],
            limit=5,
        )
        name, values = rng.choice(
            [
                ("kind", kinds),
                ("window_months", NUMBERS),
                ("field_id", RECORD_IDS + fields_.ids),
                ("code", [*TEXTS, "new_code", "Revenue"]),
                ("active", [False, True, "x"]),
            ]
        )
        value = rng.choice(values)
        return lambda: indicator.write({name: value})

    def class_change(self, rng, draft):
        klass = rng.choice(list(self.classes.values()))
        name, values = rng.choice(
            [
                ("allocation_weight", NUMBERS),
                ("response_hours", NUMBERS),
                ("name", TEXTS),
                ("active", [False, True]),
                ("code_prefix", TEXTS),
            ]
        )
        value = rng.choice(values)
        return lambda: klass.write({name: value})

    def scheme_change(self, rng, draft):
        scheme = self.env["customer.code.scheme"].search([], limit=1)
        name, values = rng.choice(
            [
                ("domain", DOMAINS),
                ("pattern", [*TEXTS, "{class}-{seq:4}", "X{seq:99}", "{bogus}", "C{seq:4}"]),
                ("default_class_prefix", TEXTS),
                ("missing_value", TEXTS),
                ("validation_regex", [*TEXTS, "(", "C\\d+"]),
            ]
        )
        value = rng.choice(values)

        def change():
            scheme.write({name: value})
            # and customers are still created
            self.customer("Created after the change")

        return change

    def settings_change(self, rng, draft):
        name, values = rng.choice(
            [
                ("classification_window_months", NUMBERS),
                ("classification_scope_domain", DOMAINS),
                ("classification_revenue_source", ["invoice", "sale_order", "bogus", 1]),
                ("classification_timezone", ["Asia/Shanghai", "UTC", "Mars/Olympus", 8]),
                ("classification_interval_number", NUMBERS),
                ("classification_review_mode", [True, False, "x"]),
            ]
        )
        value = rng.choice(values)

        def change():
            self.env["res.config.settings"].create({name: value}).execute()

        return change

    def param_change(self, rng, draft):
        key = rng.choice([PARAM_WINDOW, PARAM_TIMEZONE, PARAM_REVENUE_SOURCE, PARAM_SCOPE_DOMAIN])
        # PostgreSQL stores no NUL character at all: Odoo's parameters cannot hold one
        value = rng.choice([v for v in PARAM_JUNK + DOMAINS if "\x00" not in v])
        return lambda: self.env["ir.config_parameter"].sudo().set_param(key, value)
