"""Customer code patterns: parsing, validation and rendering.

Plain Python over plain data, no database: the models in
``models/customer_code_scheme.py`` and ``models/res_partner_code.py`` call it.

A pattern is literal text mixed with tokens in braces::

    C{year}{seq:4}             -> C20260001
    {class}-{region}-{seq:4}   -> S-BJ-0001

``{{`` and ``}}`` stand for literal braces. Exactly one ``{seq:N}`` token is
required: it is the serial, N digits wide (1 to 12). Everything the pattern
renders except the serial is the *series key*: each distinct key has its own
serial counter, so ``S-BJ-`` and ``S-SH-`` count separately.

Messages go through the ``_`` argument so that callers can pass
``env._`` and get them translated; the default only interpolates.
"""

# Messages are translated by the caller's ``_`` (``env._``), passed in as an argument.
# pylint: disable=prefer-env-translation

import re

#: tokens that take no argument, and the partner value they stand for
VALUE_TOKENS = ("class", "region", "industry", "year")
SEQ_TOKEN = "seq"
MAX_SEQ_WIDTH = 12
SERIAL_MARK = "\ue000"  # private-use character: stands for the serial in a series key

_SEQ_RE = re.compile(r"^seq:(\d+)$")


class PatternError(ValueError):
    """A code pattern that cannot be used; ``str()`` is the (translated) reason."""


def _plain(source, **params):
    return source % params if params else source


def parse_pattern(pattern, _=_plain):
    """Split ``pattern`` into a list of parts.

    Each part is ``("text", literal)``, ``(token, None)`` for a value token, or
    ``("seq", width)``. Raises :class:`PatternError` on an unknown token, an
    unclosed or stray brace, or a missing or repeated ``{seq:N}``.
    """
    if not pattern or not pattern.strip():
        raise PatternError(_("A code pattern cannot be empty."))
    parts = []
    text = []
    seq_count = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char in "{}" and pattern[i + 1 : i + 2] == char:
            text.append(char)
            i += 2
            continue
        if char == "}":
            raise PatternError(
                _(
                    "The code pattern %(pattern)s has a closing brace without an "
                    "opening one at position %(pos)s.",
                    pattern=pattern,
                    pos=i + 1,
                )
            )
        if char != "{":
            text.append(char)
            i += 1
            continue
        end = pattern.find("}", i + 1)
        nested = pattern.find("{", i + 1)
        if end == -1 or (nested != -1 and nested < end):
            raise PatternError(
                _(
                    "The code pattern %(pattern)s has an unclosed brace at position %(pos)s.",
                    pattern=pattern,
                    pos=i + 1,
                )
            )
        if text:
            parts.append(("text", "".join(text)))
            text = []
        parts.append(_parse_token(pattern[i + 1 : end].strip(), pattern, _))
        seq_count += parts[-1][0] == SEQ_TOKEN
        i = end + 1
    if text:
        parts.append(("text", "".join(text)))
    if seq_count != 1:
        raise PatternError(
            _(
                "The code pattern %(pattern)s must contain exactly one serial token "
                "{seq:N} (it has %(count)s).",
                pattern=pattern,
                count=seq_count,
            )
        )
    return parts


def _parse_token(token, pattern, _):
    """The part for one ``{token}`` of ``pattern``."""
    seq_match = _SEQ_RE.match(token)
    if seq_match:
        width = int(seq_match.group(1))
        if not 1 <= width <= MAX_SEQ_WIDTH:
            raise PatternError(
                _(
                    "The serial width in %(token)s must be between 1 and %(max)s digits.",
                    token="{" + token + "}",
                    max=MAX_SEQ_WIDTH,
                )
            )
        return (SEQ_TOKEN, width)
    if token in VALUE_TOKENS:
        return (token, None)
    raise PatternError(
        _(
            "Unknown token %(token)s in the code pattern %(pattern)s. "
            "Allowed tokens: {class}, {region}, {industry}, {year}, {seq:N}.",
            token="{" + token + "}",
            pattern=pattern,
        )
    )


def series_key(parts, values):
    """Render everything but the serial; the serial's place is ``SERIAL_MARK``.

    ``values`` maps the value tokens (``class``, ``region``, ``industry``,
    ``year``) to strings; a missing one renders as an empty string.
    """
    out = []
    for kind, arg in parts:
        if kind == "text":
            out.append(arg)
        elif kind == SEQ_TOKEN:
            out.append(SERIAL_MARK)
        else:
            out.append(values.get(kind) or "")
    return "".join(out)


def seq_width(parts):
    """Width of the serial token of parsed ``parts``."""
    return next(arg for kind, arg in parts if kind == SEQ_TOKEN)


def render_code(key, width, serial):
    """The code for ``serial`` in the series ``key``, zero-padded to ``width``."""
    return key.replace(SERIAL_MARK, str(serial).zfill(width), 1)


def series_label(key):
    """Human-readable series key, e.g. ``S-BJ-####``."""
    return key.replace(SERIAL_MARK, "#")


def check_code_format(code, regex, _=_plain):
    """Check a hand-typed ``code`` against a scheme's validation ``regex``."""
    if regex and not re.fullmatch(regex, code or ""):
        raise PatternError(
            _(
                "The customer code %(code)s does not match the expected format %(regex)s.",
                code=code,
                regex=regex,
            )
        )


def check_regex(regex, _=_plain):
    """Refuse a validation regex that does not compile."""
    if not regex:
        return
    try:
        re.compile(regex)
    except re.error as err:
        raise PatternError(
            _(
                "The validation expression %(regex)s is not a valid regular expression: %(error)s",
                regex=regex,
                error=str(err),
            )
        ) from err
