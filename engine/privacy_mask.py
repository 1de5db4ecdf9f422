"""Masks of personal data: what a user without the "Sensitive customer data" group sees
instead of a customer's phone, e-mail or ID number. Pure functions, no database.

A mask keeps enough to recognise a value the user already knows (the first and last
digits of a mobile, the first letter and the domain of an e-mail) and hides the rest.
Every mask contains ``MASK_CHAR``, which no real phone or ID number holds: that is how a
masked value sent back by a form is recognised and refused (see ``looks_masked``).
"""

import re

MASK_CHAR = "*"
#: an e-mail address inside free text (``"Name" <a@b.c>``, ``a@b.c, d@e.f``)
EMAIL_RE = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")


def mask_phone(value):
    """``13812345678`` → ``138****5678``: the first 3 and last 4 digits stay, every other
    digit becomes ``*``; separators and ``+`` stay where they are. Numbers shorter than 11
    digits keep fewer digits, so that at least half of them (and at least 4) are hidden."""
    if not value:
        return value
    digits = sum(char.isdigit() for char in value)
    if digits >= 11:
        head, tail = 3, 4
    else:
        visible = max(digits - max(4, (digits + 1) // 2), 0)
        tail = min((visible + 1) // 2, 4)
        head = visible - tail
    seen = 0
    chars = []
    for char in value:
        if char.isdigit():
            seen += 1
        hide = char.isdigit() and head < seen <= digits - tail
        chars.append(MASK_CHAR if hide else char)
    masked = "".join(chars)
    # a "number" without digits would otherwise come back whole
    return masked if digits else MASK_CHAR * 3


def _mask_address(address):
    local, _at, domain = address.rpartition("@")
    first = local[0] if len(local) > 1 else ""
    return f"{first}{MASK_CHAR * 3}@{domain}"


def mask_email(value):
    """``wang.wei@example.com`` → ``w***@example.com``: the first character of the local
    part and the domain stay. Works on lists and formatted addresses
    (``"Wang Wei" <w***@example.com>``); text that holds no address is hidden whole but
    its first character."""
    if not value:
        return value
    masked, count = EMAIL_RE.subn(lambda match: _mask_address(match.group(0)), value)
    if count:
        return masked
    return f"{value[0] if len(value) > 1 else ''}{MASK_CHAR * 3}"


def mask_identifier(value):
    """``91350100M000100Y43`` → ``9135**********0Y43``: the first 4 and last 4 characters
    stay when at least as many are hidden, else a quarter at each end."""
    if not value:
        return value
    value = value.strip()
    keep = 4 if len(value) >= 12 else len(value) // 4
    hidden = len(value) - 2 * keep
    return f"{value[:keep]}{MASK_CHAR * hidden}{value[len(value) - keep :]}"


#: kinds of sensitive values → their mask
MASKS = {"phone": mask_phone, "email": mask_email, "identifier": mask_identifier}


def mask(kind, value):
    """The mask of ``value`` (a phone, e-mail or identifier, as ``kind`` says)."""
    if not value or not isinstance(value, str):
        return value
    return MASKS[kind](value)


def looks_masked(value):
    """True when ``value`` holds the mask character, i.e. came from a mask."""
    return isinstance(value, str) and MASK_CHAR in value
