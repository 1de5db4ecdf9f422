"""Normalised keys of customer data, for duplicate detection (pure Python, no database).

A name is compared once it is reduced to what tells two companies apart: case folded,
full-width characters turned half-width (NFKC), punctuation and spacing dropped, and
legal-form words (有限公司, Co., Ltd., GmbH…) removed.
"""

import re
import unicodedata

#: legal-form words, longest first so that 股份有限公司 goes before 有限公司
LEGAL_FORMS = sorted(
    {
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团公司",
        "集团",
        "株式会社",
        "分公司",
        "公司",
        "company limited",
        "co ltd",
        "company",
        "corporation",
        "corp",
        "limited",
        "ltd",
        "llc",
        "inc",
        "incorporated",
        "pte",
        "pty",
        "kg",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "bv",
        "plc",
        "co",
    },
    key=len,
    reverse=True,
)

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_LATIN_FORMS = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in LEGAL_FORMS if f.isascii()) + r")\b"
)
_CJK_FORMS = [f for f in LEGAL_FORMS if not f.isascii()]


def name_key(name):
    """The key of a partner name: ``"ＡＢＣ Trading Co., Ltd."`` and ``"abc trading"``
    share the key ``"abctrading"``; ``"深圳市华为技术有限公司"`` becomes ``"深圳市华为技术"``.
    Empty when nothing is left."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    # punctuation becomes spacing first, so "co.,ltd." reads as the words "co ltd"
    text = _PUNCTUATION.sub(" ", text)
    text = _LATIN_FORMS.sub(" ", text)
    for form in _CJK_FORMS:
        if text.endswith(form) or f"{form} " in text:
            text = text.replace(form, " ")
    return "".join(text.split())
