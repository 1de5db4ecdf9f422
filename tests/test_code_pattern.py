"""The pure pattern engine, without a database."""

from unittest import TestCase

from ..engine import code_pattern as cp


class TestCodePattern(TestCase):
    def render(self, pattern, serial=1, **values):
        parts = cp.parse_pattern(pattern)
        key = cp.series_key(parts, values)
        return cp.render_code(key, cp.seq_width(parts), serial)

    def test_letter_year_serial(self):
        self.assertEqual(self.render("C{year}{seq:3}", year="2026"), "C2026001")

    def test_class_region_serial(self):
        self.assertEqual(
            self.render("{class}-{region}-{seq:4}", **{"class": "S", "region": "BJ"}), "S-BJ-0001"
        )

    def test_every_token(self):
        code = self.render(
            "{class}/{region}/{industry}/{year}/{seq:2}",
            serial=7,
            **{"class": "P", "region": "SH", "industry": "MFG", "year": "2027"},
        )
        self.assertEqual(code, "P/SH/MFG/2027/07")

    def test_serial_grows_past_width(self):
        self.assertEqual(self.render("X{seq:2}", serial=123), "X123")

    def test_missing_value_renders_empty(self):
        self.assertEqual(self.render("{class}{seq:3}"), "001")

    def test_escaped_braces(self):
        self.assertEqual(self.render("{{A}}{seq:1}"), "{A}1")

    def test_series_key_per_prefix(self):
        parts = cp.parse_pattern("{class}-{region}-{seq:4}")
        bj = cp.series_key(parts, {"class": "S", "region": "BJ"})
        sh = cp.series_key(parts, {"class": "S", "region": "SH"})
        self.assertNotEqual(bj, sh)
        self.assertEqual(cp.series_label(bj), "S-BJ-#")

    def test_bad_patterns(self):
        bad = {
            "C{year}": "exactly one serial",
            "C{seq:4}{seq:2}": "exactly one serial",
            "C{foo}{seq:4}": "Unknown token {foo}",
            "C{year{seq:4}": "unclosed brace",
            "C{seq:4": "unclosed brace",
            "C}{seq:4}": "closing brace",
            "C{seq:0}": "between 1 and 12",
            "C{seq:13}": "between 1 and 12",
            "C{seq:x}": "Unknown token",
            "": "cannot be empty",
            "   ": "cannot be empty",
        }
        for pattern, message in bad.items():
            with self.subTest(pattern=pattern), self.assertRaisesRegex(cp.PatternError, message):
                cp.parse_pattern(pattern)

    def test_messages_go_through_translator(self):
        calls = []

        def translate(source, **params):
            calls.append(source)
            return "T:" + (source % params)

        with self.assertRaisesRegex(cp.PatternError, "^T:Unknown token"):
            cp.parse_pattern("{nope}{seq:1}", _=translate)
        self.assertTrue(calls)

    def test_code_format(self):
        cp.check_code_format("C20260001", r"C\d{8}")
        cp.check_code_format("anything", "")
        with self.assertRaisesRegex(cp.PatternError, "does not match"):
            cp.check_code_format("C2026001", r"C\d{8}")

    def test_bad_regex(self):
        with self.assertRaisesRegex(cp.PatternError, "not a valid regular expression"):
            cp.check_regex("C(\\d")
