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
- ``screenshot_allocation.png``: the allocation wizard's preview for the unassigned customers
  (the preview only: nothing is applied);
- ``screenshot_class.png``: the class Strategic, with its follow-ups and service level.

Options: ``--url`` (default http://localhost:8069), ``--db`` (customer_classification_demo),
``--login`` / ``--password`` (admin / admin), ``--out`` (this repository's
static/description), ``--partner-id``, ``--chromium`` (the browser's command), ``--timeout``
(seconds to wait for each screen). Needs Debian's ``chromium`` and ``pip install
websocket-client``; the demo's Chinese names need a CJK font (Debian's ``fonts-noto-cjk``).
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
# Reported when an Odoo error dialog shows up while waiting for a screen.
ERROR_DIALOG = ".o_error_dialog, .o_dialog .modal-body .o_error_detail"

# "ready" once `selector` is shown and Odoo is idle (no loading indicator, no blocked screen,
# images loaded, no finite CSS animation running), "error:<text>" on an error dialog, else "".
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
            (a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity)) {
        return "";
    }
    return "ready";
})()
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

    def search_read(self, model, domain, fields, order, limit):
        return self.call(
            f"/web/dataset/call_kw/{model}/search_read",
            {
                "model": model,
                "method": "search_read",
                "args": [domain],
                "kwargs": {"fields": fields, "order": order, "limit": limit},
            },
        )

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
        shoot_allocation(browser, args)
        class_id = odoo.ref("customer_classification.class_strategic")
        if class_id:
            shoot_class(browser, args, class_id)
    finally:
        browser.close()


if __name__ == "__main__":
    try:
        main()
    except ScreenshotError as error:
        sys.exit(f"ERROR: {error}")
