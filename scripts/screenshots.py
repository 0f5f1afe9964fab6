"""Screenshots of a running demo (scripts/demo.sh) with headless Chromium, for the README.

    python3 scripts/screenshots.py [http://127.0.0.1:8069] [docs/images]

Logs in as admin/admin, opens each page and saves a PNG, in English, then again in Danish
(`*-da.png`: the language loaded, admin switched to it and back). Talks to Chromium over its
DevTools protocol (websocket-client) and to nothing but 127.0.0.1.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8069"
OUT = sys.argv[2] if len(sys.argv) > 2 else "docs/images"
PORT = 9333


def devtools():
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/json/list", timeout=2) as r:
                pages = [t for t in json.load(r) if t["type"] == "page"]
            if pages:
                return websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("chromium did not start")


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.n = 0

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.n:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!document.querySelector({json.dumps(selector)})"):
                time.sleep(1.0)  # let the view settle
                return
            time.sleep(0.3)
        raise SystemExit(f"{selector} did not appear")

    def goto(self, path, selector):
        self.call("Page.navigate", url=BASE + path)
        time.sleep(1)
        self.wait_for(selector)

    def shot(self, name):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(OUT, name)
        with open(path, "wb") as file:
            file.write(__import__("base64").b64decode(data))
        print(path)


def rpc(page, model, method, args, kwargs=None):
    """A JSON-RPC call as the logged-in user, through the page's session."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
    )
    answer = page.js(
        f"fetch('/web/dataset/call_kw/{model}/{method}', {{method: 'POST', headers: "
        f"{{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}})"
        ".then(r => r.json()).then(r => JSON.stringify(r))"
    )
    answer = json.loads(answer)
    if "error" in answer:
        raise SystemExit(f"{model}.{method}: {answer['error'].get('data', {}).get('message')}")
    return answer["result"]


def create_lang_wizard(page):
    lang_ids = rpc(
        page,
        "res.lang",
        "search",
        [[["code", "=", "da_DK"], ["active", "in", [True, False]]]],
    )
    return rpc(page, "base.language.install", "create", [{"lang_ids": [[6, 0, lang_ids]]}])


def shoot_all(page, suffix):
    page.goto("/odoo/billy", ".o_billy_dashboard .o_billy_counts")
    page.shot(f"dashboard{suffix}.png")
    page.goto(
        "/odoo/action-billy_connector.res_config_settings_action_billy",
        "#billy_connection_setting",
    )
    page.shot(f"settings{suffix}.png")
    move_ids = rpc(
        page,
        "account.move",
        "search",
        [
            [
                ["billy_id", "!=", False],
                ["move_type", "=", "out_invoice"],
                ["state", "=", "posted"],
            ]
        ],
        {"limit": 1, "order": "id"},
    )
    page.goto(
        f"/odoo/action-account.action_move_out_invoice_type/{move_ids[0]}",
        ".o_form_view .o_notebook",
    )
    page.js("document.querySelector('.o_notebook a[name=billy]').click()")
    time.sleep(1.5)
    page.shot(f"invoice{suffix}.png")


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    os.makedirs(OUT, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="billy-shots-")
    browser = subprocess.Popen(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--remote-debugging-port={PORT}",
            "--remote-debugging-address=127.0.0.1",
            "--window-size=1366,900",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = Page(devtools())
        page.call("Page.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=1366,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.goto("/web/login", "input[name=login]")
        page.js(
            "document.querySelector('input[name=login]').value='admin';"
            "document.querySelector('input[name=password]').value='admin';"
            "document.querySelector('form.oe_login_form').submit();"
        )
        time.sleep(3)
        shoot_all(page, "")
        # the same screens for a Danish user: the language loaded, admin's language switched
        rpc(page, "base.language.install", "lang_install", [[create_lang_wizard(page)]])
        rpc(page, "res.users", "write", [[2], {"lang": "da_DK"}])
        try:
            shoot_all(page, "-da")
        finally:
            rpc(page, "res.users", "write", [[2], {"lang": "en_US"}])
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
