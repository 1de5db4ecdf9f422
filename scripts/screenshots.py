"""Take the addon's screenshots with headless Chromium against a running demo database.

Start the demo with `bash scripts/demo.sh`, then `python3 scripts/screenshots.py`.

The script logs in over JSON-RPC, hands the session cookie to a headless Chromium driven
through the DevTools protocol (no Selenium, no Playwright: the standard library and
`websocket-client`), opens each screen, waits until it is rendered and writes:

- ``screenshot_board.png``: the board "Customers by class", every class a column;
- ``screenshot_partner.png``: a classified customer's form on its Classification tab
  (by default the strategic company with the highest score; ``--partner-id`` picks another);
- ``screenshot_settings.png``: Settings, on the Customer Classification block;
- ``screenshot_standard.png`` and ``screenshot_preview.png``: the demo's draft version of the
  standard (ESG compliance at 10 %) and its preview;
- ``screenshot_followups.png``: the list of Follow-ups, on its default filter "My Follow-ups";
- ``screenshot_duplicates.png``: Data Quality → Duplicates, the pairs to review;
- ``screenshot_allocation.png``: the allocation wizard's preview for the unassigned customers
  (the preview only: nothing is applied);
- ``screenshot_class.png``: the class Strategic, with its follow-ups and service level;
- ``screenshot_dashboard.png``: the manager's dashboard (Reporting → Dashboard), every panel
  drawn (a chart that overflows its panel is an error);
- ``screenshot_report.png``: the Class Migration pivot over the quarters of one year, the year
  whose quarters moved the most customers up or down (the action opens on the last quarter);
- ``screenshot_pdf.png``: the first page of the Customer Classification Review of the last
  complete quarter (the wizard's default period), printed by the server at
  /report/pdf/... and rasterised by ``pdftoppm`` at 96 dpi.

Options: ``--url`` (default http://localhost:8069), ``--db`` (customer_classification_demo),
``--login`` / ``--password`` (admin / admin), ``--out`` (this repository's
static/description), ``--partner-id``, ``--chromium`` (the browser's command), ``--timeout``
(seconds to wait for each screen). Needs Debian's ``chromium`` and ``pip install
websocket-client``, and for the PDF ``wkhtmltopdf`` on the server and Debian's
``poppler-utils`` here; the demo's Chinese names need a CJK font (Debian's ``fonts-noto-cjk``).
"""

import argparse
import base64
import http.cookiejar
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import websocket

REPO_DIR = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1440, 900
# The partner's tab, the settings, the follow-ups and a class are taller than a screen: the
# viewport grows to show them.
MAX_HEIGHT = 2400
POLL_SECONDS = 0.2
BOARD_ACTION = "customer_classification.res_partner_action"
STANDARD_ACTION = "customer_classification.customer_standard_action"
FOLLOWUP_ACTION = "customer_classification.mail_activity_action_customer_followup"
ALLOCATION_ACTION = "customer_classification.customer_allocation_wizard_action"
CLASS_ACTION = "customer_classification.customer_class_action"
DASHBOARD_ACTION = "customer_classification.customer_classification_dashboard_action"
MIGRATION_ACTION = "customer_classification.customer_class_migration_report_action"
DUPLICATE_ACTION = "customer_classification.customer_duplicate_action"
MIGRATION_MODEL = "customer.class.migration.report"
REVIEW_WIZARD = "customer.classification.review.wizard"
REVIEW_REPORT = "customer_classification.report_customer_classification_review"
# The PDF's first page at the browser's 96 pixels per inch: 816 by 1056 for a Letter page.
PDF_DPI = 96
# Reported when an Odoo error dialog shows up while waiting for a screen.
ERROR_DIALOG = ".o_error_dialog, .o_dialog .modal-body .o_error_detail"

# "ready" once `selector` is shown and Odoo is idle (no loading indicator, no blocked screen,
# images loaded, no finite CSS animation nor chart animation running), "error:<text>" on an
# error dialog, else "".
READY_JS = """
(() => {
    const error = document.querySelector(%(error)s);
    if (error) {
        return "error:" + (error.closest(".modal-content") || error).innerText;
    }
    const el = document.querySelector(%(selector)s);
    if (!el || !el.getClientRects().length) {
        return "";
    }
    if (document.readyState !== "complete"
        || document.querySelector(".o_loading_indicator, .o_blockUI")
        || ![...document.images].every((img) => img.complete)
        || document.getAnimations().some(
            (a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity)
        || (window.Chart && Object.values(Chart.instances).some(
            (chart) => Chart.animator.running(chart)))) {
        return "";
    }
    return "ready";
})()
"""

# The dashboard's panels that are not drawn yet (no chart nor table), as "<id>: <title>".
DASHBOARD_PENDING_JS = """
[...document.querySelectorAll(".o_cc_dashboard_panel")]
    .filter((panel) => !panel.querySelector(".o_view_controller :is(canvas, .o_pivot table)"))
    .map((panel) => panel.dataset.panel + ": " + panel.querySelector("h5").innerText)
"""
# The dashboard's panels whose chart reaches beyond the panel, cut off.
DASHBOARD_OVERFLOW_JS = """
[...document.querySelectorAll(".o_cc_dashboard_panel")]
    .filter((panel) => {
        const body = panel.querySelector(".o_cc_dashboard_view").getBoundingClientRect();
        const chart = panel.querySelector("canvas")?.getBoundingClientRect();
        return chart && chart.bottom > body.bottom + 1;
    })
    .map((panel) => panel.dataset.panel + ": " + panel.querySelector("h5").innerText)
"""


class ScreenshotError(Exception):
    """A problem reported to the user in one sentence, without a traceback."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069", help="Odoo's address")
    parser.add_argument("--db", default="customer_classification_demo", help="database")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_DIR / "static" / "description",
        help="folder the PNG files are written to",
    )
    parser.add_argument("--partner-id", type=int, help="customer shown on its form")
    parser.add_argument("--chromium", default="chromium", help="Chromium's command")
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds to wait for each screen (default 60)"
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    return args


class Odoo:
    """A JSON-RPC session on the Odoo server, whose cookie the browser reuses."""

    def __init__(self, url):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(self, path, params):
        """POST a JSON-RPC call and return its result, or raise a readable error."""
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as exc:
            raise ScreenshotError(
                f"{self.url}{path} answered HTTP {exc.code} {exc.reason}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScreenshotError(
                f"Odoo does not answer at {self.url} ({reason}). Start the demo with "
                "`bash scripts/demo.sh`, or pass --url and --db."
            ) from exc
        if reply.get("error"):
            error = reply["error"]
            message = error.get("data", {}).get("message") or error.get("message")
            raise ScreenshotError(f"Odoo refused {path}: {message}")
        return reply["result"]

    def authenticate(self, db, login, password):
        """Log in and return the session id."""
        self.call("/web/session/authenticate", {"db": db, "login": login, "password": password})
        for cookie in self.cookies:
            if cookie.name == "session_id":
                return cookie.value
        raise ScreenshotError(f"Odoo gave no session cookie for {login} on database {db}")

    def call_kw(self, model, method, args, **kwargs):
        """Call the method `method` of the model `model` and return its result."""
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def search_read(self, model, domain, fields, order, limit):
        return self.call_kw(model, "search_read", [domain], fields=fields, order=order, limit=limit)

    def download(self, path, content_type):
        """GET `path` with the session and return its body, or raise a readable error."""
        try:
            with self.opener.open(self.url + path, timeout=120) as response:
                received = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise ScreenshotError(
                f"{self.url}{path} answered HTTP {exc.code} {exc.reason}: "
                f"{exc.read().decode(errors='replace')[:300]}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ScreenshotError(f"cannot download {self.url}{path}: {exc}") from exc
        if received != content_type:
            raise ScreenshotError(f"{self.url}{path} gave {received}, not {content_type}")
        return body

    def ref(self, xmlid):
        """Return the id of the record `xmlid` ("module.name"), or None when it is missing."""
        module, name = xmlid.split(".", 1)
        rows = self.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"], "id", 1
        )
        return rows[0]["res_id"] if rows else None

    def pick_partner(self, partner_id=None):
        """Return (id, name) of the customer to show: the one asked for, else the classified
        company with the highest score, strategic ones first."""
        fields = ["name"]
        order = "classification_score desc, id"
        if partner_id:
            domains = [[("id", "=", partner_id)]]
        else:
            domains = [
                [("is_company", "=", True), ("customer_class_id.code", "=", "strategic")],
                [("customer_class_id", "!=", False)],
            ]
        for domain in domains:
            partners = self.search_read("res.partner", domain, fields, order, 1)
            if partners:
                return partners[0]["id"], partners[0]["name"]
        if partner_id:
            raise ScreenshotError(f"no partner has the id {partner_id}")
        raise ScreenshotError("no partner has a class: run Customers → Reclassify All first")

    def migration_year(self):
        """The year (as "2026") whose quarters moved the most customers up or down, the latest
        on a tie; None when nobody moved."""
        groups = self.call_kw(
            MIGRATION_MODEL,
            "read_group",
            [
                [("period_type", "=", "quarter"), ("movement", "in", ["up", "down"])],
                ["customer_count:sum"],
                ["date:year"],
            ],
            lazy=False,
        )
        years = [(group["customer_count"], group["date:year"]) for group in groups]
        return max(years)[1] if years else None


class Chromium:
    """A headless Chromium and one page, driven through the DevTools protocol."""

    def __init__(self, command, timeout):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="cc-screenshots-")
        self.port = free_port()
        try:
            self.process = subprocess.Popen(
                [
                    command,
                    "--headless=new",
                    f"--remote-debugging-port={self.port}",
                    f"--window-size={WIDTH},{HEIGHT}",
                    f"--user-data-dir={self.profile}",
                    "--no-sandbox",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise ScreenshotError(
                f"{command} not found: install Debian's chromium or pass --chromium"
            ) from exc
        self.next_id = 0
        try:
            self.socket = websocket.create_connection(
                self._page_websocket_url(), timeout=timeout, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise

    def _page_websocket_url(self):
        """Wait for the DevTools endpoint and return the websocket URL of the blank page."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ScreenshotError(f"Chromium exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=2) as r:
                    targets = json.load(r)
            except (urllib.error.URLError, OSError, ValueError):
                targets = []
            for target in targets:
                if target.get("type") == "page" and target.get("webSocketDebuggerUrl"):
                    return target["webSocketDebuggerUrl"]
            time.sleep(POLL_SECONDS)
        raise ScreenshotError("Chromium's DevTools endpoint did not answer within 30 s")

    def send(self, method, **params):
        """Call a DevTools method and return its result (events in between are ignored)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise ScreenshotError(f"DevTools {method}: {message['error']['message']}")
                return message["result"]

    def evaluate(self, expression, await_promise=False):
        """Evaluate JavaScript in the page and return its value."""
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise ScreenshotError(f"JavaScript failed: {text}")
        return result["result"].get("value")

    def set_height(self, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def navigate(self, url):
        self.send("Page.navigate", url=url)

    def wait_for(self, selector, what):
        """Wait until `selector` is shown and the page is idle, or fail after the timeout."""
        expression = READY_JS % {
            "selector": json.dumps(selector),
            "error": json.dumps(ERROR_DIALOG),
        }
        deadline = time.monotonic() + self.timeout
        ready_polls = 0
        while time.monotonic() < deadline:
            state = self.evaluate(expression) or ""
            if state.startswith("error:"):
                raise ScreenshotError(f"Odoo showed an error on {what}: {state[6:].strip()}")
            # Ready on two polls in a row, so that a screen between two renderings is not taken.
            ready_polls = ready_polls + 1 if state == "ready" else 0
            if ready_polls == 2:
                # Fonts loaded and one frame painted after the last change.
                self.evaluate(
                    "document.fonts.ready.then(() => new Promise("
                    "(resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))",
                    await_promise=True,
                )
                return
            time.sleep(POLL_SECONDS)
        url = self.evaluate("location.href")
        raise ScreenshotError(
            f"{what} was not ready after {self.timeout:.0f} s: no {selector!r} on {url} "
            "(is the addon installed in this database? a slow machine: raise --timeout)"
        )

    def click(self, selector, what):
        """Click the element matching `selector`."""
        found = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " if (el) { el.click(); } return !!el; })()"
        )
        if not found:
            raise ScreenshotError(f"cannot click {what}: no {selector!r} in the page")

    def select(self, selector, value, what):
        """Choose `value` (a selection key) in the <select> of an Odoo selection field, as the
        user does: the field's options hold their key as JSON and it listens to "change"."""
        found = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" const value = {json.dumps(json.dumps(value))};"
            " if (!el || ![...el.options].some((option) => option.value === value)) {"
            " return false; }"
            " el.value = value; el.dispatchEvent(new Event('change', { bubbles: true }));"
            " return true; })()"
        )
        if not found:
            raise ScreenshotError(f"cannot choose {value!r} in {what}: no such {selector!r}")

    def wait_until(self, expression, what):
        """Wait until the JavaScript `expression`, a list of what is missing, is empty, or
        fail after the timeout naming what is still missing."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            missing = self.evaluate(expression)
            if not missing:
                return
            time.sleep(POLL_SECONDS)
        raise ScreenshotError(
            f"{what} not ready after {self.timeout:.0f} s: {', '.join(missing)} "
            "(a slow machine: raise --timeout)"
        )

    def click_text(self, selector, text, what):
        """Click the element matching `selector` whose text is `text` (a menu item)."""
        found = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find((item) => item.innerText.trim() === {json.dumps(text)});"
            " if (el) { el.click(); } return !!el; })()"
        )
        if not found:
            raise ScreenshotError(f"cannot click {what}: no {selector!r} reads {text!r}")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        path.write_bytes(base64.b64decode(data["data"]))
        print(path)

    def close(self):
        if getattr(self, "socket", None):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fit_height(browser, scroller, content):
    """Grow the viewport (up to MAX_HEIGHT) so that `content`, scrolled to the top, shows whole."""
    bottom = browser.evaluate(
        f"(() => {{ document.querySelector({json.dumps(scroller)}).scrollTop = 0;"
        f" return Math.ceil(document.querySelector({json.dumps(content)})"
        ".getBoundingClientRect().bottom); })()"
    )
    browser.set_height(min(max(HEIGHT, bottom + 24), MAX_HEIGHT))


def shoot_board(browser, args):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{BOARD_ACTION}")
    browser.wait_for(".o_kanban_renderer .o_kanban_group", "the board Customers by class")
    browser.screenshot(args.out / "screenshot_board.png")


def shoot_partner(browser, args, partner_id):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{BOARD_ACTION}/{partner_id}")
    browser.wait_for(".o_form_view .o_notebook", "the customer's form")
    browser.click(".o_notebook_headers a[name='customer_classification']", "the Classification tab")
    pane = ".o_notebook .tab-pane.active.show [name='classification_explanation_html']"
    browser.wait_for(pane, "the Classification tab")
    fit_height(browser, ".o_content", ".o_notebook")
    browser.wait_for(pane, "the Classification tab")
    browser.screenshot(args.out / "screenshot_partner.png")


def shoot_settings(browser, args):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/settings#customer_classification")
    browser.wait_for(".o_setting_container .settings_tab", "Settings")
    tab = ".settings_tab [data-key='customer_classification']"
    if not browser.evaluate(f"!!document.querySelector({json.dumps(tab + '.selected')})"):
        browser.click(tab, "Customer Classification in the Settings' left panel")
    block = ".o_setting_container .app_settings_block[data-key='customer_classification']"
    browser.wait_for(block, "the Customer Classification settings")
    fit_height(browser, ".o_setting_container .settings", block)
    browser.wait_for(block, "the Customer Classification settings")
    browser.screenshot(args.out / "screenshot_settings.png")


def shoot_standard(browser, args, standard_id):
    """The draft version of the standard (the demo's ESG draft), then its preview."""
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{STANDARD_ACTION}/{standard_id}")
    browser.wait_for(".o_form_view .o_field_widget[name=dimension_ids]", "the draft standard")
    browser.screenshot(args.out / "screenshot_standard.png")
    browser.click(".o_form_view button[name=action_preview]", "Preview")
    browser.wait_for(".o_form_view .o_field_widget[name=line_ids] .o_data_row", "the preview")
    fit_height(browser, ".o_content", ".o_form_sheet")
    browser.wait_for(".o_form_view .o_field_widget[name=line_ids] .o_data_row", "the preview")
    browser.screenshot(args.out / "screenshot_preview.png")


def shoot_followups(browser, args):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{FOLLOWUP_ACTION}")
    browser.wait_for(".o_list_view .o_data_row", "the Follow-ups")
    fit_height(browser, ".o_content", ".o_list_view .o_list_table")
    browser.wait_for(".o_list_view .o_data_row", "the Follow-ups")
    browser.screenshot(args.out / "screenshot_followups.png")


def shoot_duplicates(browser, args):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{DUPLICATE_ACTION}")
    browser.wait_for(".o_list_view .o_data_row", "the possible duplicates")
    browser.screenshot(args.out / "screenshot_duplicates.png")


def shoot_allocation(browser, args):
    """The allocation wizard's preview for the unassigned customers; Apply is never clicked."""
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{ALLOCATION_ACTION}")
    target = ".modal .o_field_widget[name=target] select"
    browser.wait_for(target, "the allocation wizard")
    browser.select(target, "unassigned", "the wizard's Customers")
    browser.wait_for(target, "the allocation wizard")
    browser.click(".modal button[name=action_preview]", "Preview")
    lines = ".modal .o_field_widget[name=changed_line_ids] .o_data_row"
    browser.wait_for(lines, "the allocation preview")
    fit_height(browser, ".modal", ".modal .modal-content")
    browser.wait_for(lines, "the allocation preview")
    browser.screenshot(args.out / "screenshot_allocation.png")


def shoot_class(browser, args, class_id):
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{CLASS_ACTION}/{class_id}")
    lines = ".o_form_view .o_field_widget[name=followup_ids] .o_data_row"
    browser.wait_for(lines, "the class Strategic")
    fit_height(browser, ".o_content", ".o_form_sheet")
    browser.wait_for(lines, "the class Strategic")
    browser.screenshot(args.out / "screenshot_class.png")


def shoot_dashboard(browser, args):
    """The manager's dashboard, every panel drawn and none cut off."""
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{DASHBOARD_ACTION}")
    browser.wait_for(".o_cc_dashboard_grid .o_cc_dashboard_panel", "the dashboard")
    browser.wait_until(DASHBOARD_PENDING_JS, "the dashboard's panels")
    fit_height(browser, ".o_cc_dashboard", ".o_cc_dashboard_grid")
    browser.wait_until(DASHBOARD_PENDING_JS, "the dashboard's panels")
    browser.wait_for(".o_cc_dashboard_grid .o_cc_dashboard_panel", "the dashboard")
    overflowing = browser.evaluate(DASHBOARD_OVERFLOW_JS)
    if overflowing:
        raise ScreenshotError(
            "the dashboard's charts reach beyond their panels, cut off: " + ", ".join(overflowing)
        )
    browser.screenshot(args.out / "screenshot_dashboard.png")


def shoot_report(browser, args, year):
    """The Class Migration pivot over the quarters of `year`: the action opens on the last
    quarter, whose matrix may show few moves; the search is changed as a user does."""
    browser.set_height(HEIGHT)
    browser.navigate(f"{args.url}/odoo/action-{MIGRATION_ACTION}")
    browser.wait_for(".o_pivot table", "the Class Migration report")
    if year:
        browser.click(".o_searchview_dropdown_toggler", "the search options")
        menu = ".o_search_bar_menu .o_filter_menu"
        browser.wait_for(menu, "the Filters")
        browser.click_text(f"{menu} .o_menu_item", "Last Quarter", "the filter Last Quarter")
        browser.wait_for(menu, "the Filters")
        browser.click_text(f"{menu} .o_accordion_toggle", "End Month", "the filter End Month")
        browser.wait_for(f"{menu} .o_item_option", "the periods of End Month")
        browser.click_text(f"{menu} .o_item_option", year, f"the year {year} of End Month")
        browser.click(".o_searchview_dropdown_toggler", "the search options")
        browser.wait_until(
            "[...document.querySelectorAll('.o_searchview_facet')].some("
            f"(facet) => facet.innerText.includes({json.dumps(year)})) ? [] : ['the facet']",
            f"the search on {year}",
        )
    browser.wait_for(".o_pivot table .o_pivot_cell_value", "the Class Migration report")
    browser.screenshot(args.out / "screenshot_report.png")


def shoot_pdf(odoo, args):
    """The first page of the Customer Classification Review of the wizard's default period,
    the last complete quarter: the PDF from the server, rasterised by pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise ScreenshotError("pdftoppm not found: install Debian's poppler-utils")
    wizard_id = odoo.call_kw(REVIEW_WIZARD, "create", [{}])
    pdf = odoo.download(f"/report/pdf/{REVIEW_REPORT}/{wizard_id}", "application/pdf")
    with tempfile.TemporaryDirectory(prefix="cc-screenshots-") as folder:
        pdf_path = Path(folder) / "review.pdf"
        pdf_path.write_bytes(pdf)
        page = Path(folder) / "page"
        command = [pdftoppm, "-png", "-r", str(PDF_DPI), "-f", "1", "-l", "1", "-singlefile"]
        result = subprocess.run(
            [*command, str(pdf_path), str(page)], capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise ScreenshotError(f"pdftoppm failed: {result.stderr.strip()}")
        path = args.out / "screenshot_pdf.png"
        shutil.move(page.with_suffix(".png"), path)
    print(path)


def main(argv=None):
    args = parse_args(argv)
    odoo = Odoo(args.url)
    session_id = odoo.authenticate(args.db, args.login, args.password)
    partner_id, name = odoo.pick_partner(args.partner_id)
    print(f"Customer shown on the form: {name} (id {partner_id})")
    args.out.mkdir(parents=True, exist_ok=True)
    browser = Chromium(args.chromium, args.timeout)
    try:
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie", name="session_id", value=session_id, url=args.url, httpOnly=True
        )
        # Bootstrap and Odoo skip their transitions then: nothing is caught half faded in.
        browser.send(
            "Emulation.setEmulatedMedia",
            features=[{"name": "prefers-reduced-motion", "value": "reduce"}],
        )
        shoot_board(browser, args)
        shoot_partner(browser, args, partner_id)
        shoot_settings(browser, args)
        drafts = odoo.search_read("customer.standard", [("state", "=", "draft")], ["id"], "id", 1)
        if drafts:
            shoot_standard(browser, args, drafts[0]["id"])
        shoot_followups(browser, args)
        shoot_duplicates(browser, args)
        shoot_allocation(browser, args)
        class_id = odoo.ref("customer_classification.class_strategic")
        if class_id:
            shoot_class(browser, args, class_id)
        shoot_dashboard(browser, args)
        shoot_report(browser, args, odoo.migration_year())
    finally:
        browser.close()
    shoot_pdf(odoo, args)


if __name__ == "__main__":
    try:
        main()
    except ScreenshotError as error:
        sys.exit(f"ERROR: {error}")
