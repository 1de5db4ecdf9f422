"""The addon's PDF reports printed by a wkhtmltopdf built on an unpatched Qt.

Odoo hands the page header and footer to wkhtmltopdf as separate files
(``--header-html``, ``--footer-html``) with paper-format switches (``--header-spacing``,
``--header-line``, ``--disable-smart-shrinking``) that only a wkhtmltopdf built on its
patched Qt understands. The wkhtmltopdf of Debian and Ubuntu is built on the system's
Qt 5: it drops the header and footer (the company's name, logo and address never print)
and says so on stderr, which Odoo logs as a warning at each print; Qt 5 also warns when
the server's environment has no ``XDG_RUNTIME_DIR``. For the addon's reports and such a
wkhtmltopdf, the header goes at the top of the page body and the footer at its end, the
switches it does not know are not passed, and Qt is given a private runtime directory.
"""

import functools
import os
import stat
import subprocess
import tempfile

import lxml.html

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

MODULE_PREFIX = "customer_classification."
#: paper-format switches an unpatched Qt ignores (and complains about): number of values
UNPATCHED_QT_SWITCHES = {"--header-spacing": 1, "--header-line": 0, "--disable-smart-shrinking": 0}
#: top and bottom page margins (mm) once the header and footer are in the body
INLINE_MARGIN = 12
#: context key: the arguments are built for a wkhtmltopdf on an unpatched Qt
CONTEXT_KEY = "customer_classification_unpatched_qt"


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """Whether the wkhtmltopdf Odoo uses is built on the patched Qt (it says so in its
    version: ``wkhtmltopdf 0.12.6.1 (with patched qt)``)."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, TypeError, subprocess.SubprocessError):
        # no wkhtmltopdf: Odoo says so itself when a PDF is asked for
        return True
    return "patched qt" in version.lower()


def _ensure_qt_runtime_dir():
    """Give Qt 5 the private runtime directory it expects (the server's environment
    seldom has one: it is made for login sessions), one per system user, made once."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    path = os.path.join(tempfile.gettempdir(), f"odoo-qt-runtime-{os.getuid()}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
        private = (
            stat.S_ISDIR(info.st_mode)
            and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) == 0o700
        )
    except OSError:
        private = False
    if not private:
        # someone else's, or not a directory: a new one of our own
        path = tempfile.mkdtemp(prefix="odoo-qt-runtime-")
    os.environ["XDG_RUNTIME_DIR"] = path


def _parts(html, container_id):
    """The children of the element ``container_id`` of the layout document ``html``."""
    if not html:
        return []
    return lxml.html.fromstring(html).xpath(f"//*[@id='{container_id}']/*")


def inline_header_footer(body, header, footer, index):
    """The page body ``body`` with the ``index``-th header of ``header`` at its top and
    the ``index``-th footer of ``footer`` at its end (without the page numbers, which
    only wkhtmltopdf's header and footer files can show)."""
    tree = lxml.html.fromstring(body)
    page = tree.find(".//body")
    headers = _parts(header, "minimal_layout_report_headers")
    footers = _parts(footer, "minimal_layout_report_footers")
    if page is None:
        return body
    if index < len(headers):
        page.insert(0, headers[index])
    if index < len(footers):
        part = footers[index]
        for number in part.xpath(".//*[span[contains(concat(' ', @class, ' '), ' page ')]]"):
            number.getparent().remove(number)
        page.append(part)
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _customer_classification_inline_layout(self, report_ref):
        """Whether ``report_ref`` is one of the addon's reports and the wkhtmltopdf is
        built on an unpatched Qt."""
        if not report_ref or wkhtmltopdf_has_patched_qt():
            return False
        report = self._get_report(report_ref)
        return bool(report.report_name and report.report_name.startswith(MODULE_PREFIX))

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        if not self._customer_classification_inline_layout(report_ref):
            return super()._run_wkhtmltopdf(
                bodies,
                report_ref=report_ref,
                header=header,
                footer=footer,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
        _ensure_qt_runtime_dir()
        bodies = [
            inline_header_footer(body, header, footer, index) for index, body in enumerate(bodies)
        ]
        paper_args = {
            key: value
            for key, value in (specific_paperformat_args or {}).items()
            if key != "data-report-header-spacing"
        }
        paper_args["data-report-margin-top"] = INLINE_MARGIN
        paper_args["data-report-margin-bottom"] = INLINE_MARGIN
        return super(IrActionsReport, self.with_context(**{CONTEXT_KEY: True}))._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=None,
            footer=None,
            landscape=landscape,
            specific_paperformat_args=paper_args,
            set_viewport_size=set_viewport_size,
        )

    @api.model
    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if not self.env.context.get(CONTEXT_KEY):
            return args
        kept, skip = [], 0
        for arg in args:
            if skip:
                skip -= 1
            elif arg in UNPATCHED_QT_SWITCHES:
                skip = UNPATCHED_QT_SWITCHES[arg]
            else:
                kept.append(arg)
        return kept
