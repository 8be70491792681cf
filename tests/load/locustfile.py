"""The users of ``make load``: members of one expert network on a working day.

Each simulated person signs in through the real sign-in page once, then reads and sometimes
writes, with a pause of 1–4 s between two clicks. Per 100 clicks, roughly: 20 start page,
16 board, 12 a post, 12 the network's workspace, 6 its documents, 8 a search, 6 a download
(a document version or a post's file), 4 "my tasks", 3 the archive, 1.5 a comment, 0.5 a new
post (each after reading the form it is written in).

The server sits behind a TLS proxy in production; here the load comes over loopback with the
proxy's ``X-Forwarded-Proto: https``, so the production settings (secure cookies, HSTS) stay
on. The client keeps the cookies the server marked ``Secure`` as plain ones, as a browser
would over the proxy's HTTPS.

What the users need comes from the plan ``tests/load/prepare.py`` wrote (LOAD_PLAN).
"""

import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ.get("LOAD_PLAN", "var/load/plan.json")).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_emails = itertools.cycle(PLAN["users"])

# Every response time (ms) per "METHOD name", and what went wrong, written when locust stops:
# exact percentiles instead of locust's rounded buckets (tests/load/summarize.py reads them).
_samples: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, list[str]] = defaultdict(list)
_span = {"first": 0.0, "last": 0.0}


@events.request.add_listener
def _record(request_type, name, response_time, response=None, exception=None, **_kwargs):
    key = f"{request_type} {name}"
    _samples[key].append(response_time)
    if exception is not None:
        status = getattr(response, "status_code", 0) or 0
        _errors[key].append(f"{status}: {str(exception)[:200]}")
    now = time.time()
    _span["first"] = _span["first"] or now
    _span["last"] = now


@events.quitting.add_listener
def _write_samples(**_kwargs):
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        Path(path).write_text(json.dumps({"samples": _samples, "errors": _errors,
                                          "seconds": _span["last"] - _span["first"]}))


COMMENTS = [
    "Danke, das hilft uns weiter. Wir melden uns mit unseren Erfahrungen.",
    "Bei uns hat sich ein Substrat mit hohem Grobporenanteil bewährt.",
    "Können Sie die Kosten pro laufendem Meter nennen?",
    "Wir haben das im letzten Sommer ausprobiert, Ergebnisse folgen im Netzwerk.",
]
TITLES = ["Erfahrungen mit Baumrigolen gesucht", "Termin: Austausch Starkregenvorsorge",
          "Förderaufruf Klimaanpassung veröffentlicht", "Suche Ansprechpartner:in Entsiegelung"]


class Member(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https",
                                    "Accept-Language": "de-DE,de;q=0.9"})
        self.origin = self.host.replace("http://", "https://", 1)
        self.email = next(_emails)
        self._sign_in()

    # --- helpers ---------------------------------------------------------------------------

    def _plain_cookies(self):
        # The production settings mark cookies Secure; the proxy's HTTPS is out of the loop.
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, url, name, **kwargs):
        response = self.client.get(url, name=name, **kwargs)
        self._plain_cookies()
        return response

    def _post(self, url, name, data):
        with self.client.post(url, data=data, name=name, catch_response=True,
                              headers={"Origin": self.origin,
                                       "Referer": self.origin + url}) as response:
            self._plain_cookies()
            # A write ends on the page it leads to; a form shown again means it was refused.
            if response.status_code == 200 and response.history:
                response.success()
            elif response.status_code < 400:
                response.failure(f"not accepted (form shown again, {response.status_code})")
            return response

    def _csrf(self, response):
        match = CSRF.search(response.text or "")
        return match.group(1) if match else ""

    def _sign_in(self):
        form = self._get("/konto/login/", "sign-in form")
        response = self._post("/konto/login/", "sign in", {
            "csrfmiddlewaretoken": self._csrf(form), "login": self.email,
            "password": PLAN["password"]})
        if not response.history:
            raise RuntimeError(f"sign-in of {self.email} failed: {response.status_code}")

    # --- what people do --------------------------------------------------------------------

    @task(20)
    def start_page(self):
        self._get("/", "start page")

    @task(12)
    def board(self):
        self._get("/brett/", "board")

    @task(4)
    def board_unread(self):
        self._get("/brett/?unread=on", "board, unread only")

    @task(12)
    def read_post(self):
        self._get(f"/brett/{random.choice(PLAN['posts'])}/", "a post")

    @task(3)
    def archive(self):
        self._get("/brett/archiv/", "board archive")

    @task(12)
    def workspace(self):
        self._get(f"/netzwerke/{PLAN['workspace']}/", "network workspace")

    @task(6)
    def documents(self):
        self._get(f"/netzwerke/{PLAN['workspace']}/dokumente/", "workspace documents")

    @task(4)
    def my_tasks(self):
        self._get("/netzwerke/aufgaben/", "my tasks")

    @task(8)
    def search(self):
        word = random.choice(PLAN["search_words"])
        self._get(f"/suche/?q={word}", "search")

    @task(4)
    def download_document(self):
        version = random.choice(PLAN["documents"])
        self._get(f"/netzwerke/{PLAN['workspace']}/dokumente/{version['document']}/"
                  f"v{version['number']}/", "download: document version")

    @task(2)
    def download_attachment(self):
        file = random.choice(PLAN["attachments"])
        self._get(f"/brett/{file['post']}/dateien/{file['attachment']}/",
                  "download: post attachment")

    @task(3)
    def comment(self):
        if random.random() < 0.5:  # a comment on every other visit of this kind: 1.5 %
            return
        url = f"/brett/{PLAN['measured_post']}/"
        page = self._get(url, "a post (to comment)")
        self._post(url, "write a comment", {
            "csrfmiddlewaretoken": self._csrf(page), "body": random.choice(COMMENTS)})

    @task(1)
    def write_post(self):
        if random.random() < 0.5:  # 0.5 %
            return
        form = self._get("/brett/neu/", "new post form")
        self._post("/brett/neu/", "write a post", {
            "csrfmiddlewaretoken": self._csrf(form), "title": random.choice(TITLES),
            "body": "Wer hat Erfahrungen? Wir freuen uns über Hinweise im Kommentar.",
            "category": "request", "audience": "platform"})
