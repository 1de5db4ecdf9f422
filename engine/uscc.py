"""Chinese identification numbers: the Unified Social Credit Code of organisations
(统一社会信用代码, GB 32100-2015) and the resident identity number of persons
(公民身份号码, GB 11643-1999). Pure functions, no database."""

import re
from datetime import date

#: the 31 characters of a USCC, in the order of their values (no I, O, S, V, Z)
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}
#: weight of the i-th of the first 17 characters: 3^i mod 31
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: weight of the i-th of the first 17 digits of a resident ID: 2^(17 - i) mod 11
RESIDENT_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
#: check character of (sum of weight * digit) mod 11 (ISO 7064 MOD 11-2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")


def normalize(code):
    """``code`` upper-cased, without spaces: how a USCC or an ID number is stored."""
    return re.sub(r"\s+", "", code or "").upper()


def uscc_check_char(first17):
    """The 18th character of a USCC whose first 17 characters are ``first17``."""
    total = sum(
        USCC_VALUES[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code):
    """Whether ``code`` (normalised) is a well-formed USCC with the right check character."""
    if len(code or "") != 18 or any(char not in USCC_VALUES for char in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def resident_id_check_char(first17):
    """The 18th character of a resident ID whose first 17 digits are ``first17``."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)
    )
    return RESIDENT_ID_CHECK[total % 11]


def is_valid_resident_id(code):
    """Whether ``code`` (normalised) is an 18-character resident ID: 17 digits, a real
    birth date at positions 7 to 14, and the right check character."""
    if not RESIDENT_ID_RE.match(code or ""):
        return False
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return resident_id_check_char(code[:17]) == code[17]
