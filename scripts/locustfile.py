"""`make bench`, load stage: a Locust user class per role, and the two floors.

Sessions and work come from scripts/bench_seed.py (BENCH_SESSIONS names its JSON file). Every
request is named after its page, so Locust's statistics give p50/p95/p99 per page. Writes go
through the pages as a person's browser sends them, form token included: a referrer submits a
whole referral step by step, a reviewer confirms, an agency acknowledges and reports. Each
referral decided and each case acknowledged is taken from a pool made for the run; when a pool
is empty that task is skipped, never repeated on the same row.
"""

import json
import os
import re
from pathlib import Path

from locust import HttpUser, between, task

SEEDED = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
# Think time between a user's requests. Short, so that 50 users ask for more than the machine
# can serve and "requests per second" measures what it can serve, not how long people think.
WAIT = between(*(float(x) for x in os.environ.get("BENCH_WAIT", "0.2,0.6").split(",")))
# The baseline commit has no statistics page (scripts/bench_run.py says so).
STATISTICS = os.environ.get("BENCH_STATISTICS", "1") == "1"
TO_DECIDE = SEEDED["to_decide"]
TO_ACKNOWLEDGE = SEEDED["to_acknowledge"]
REFERRERS = SEEDED["referrers"]
VERSION = re.compile(r'name="version" value="(\d+)"')
STEPS = ["referrer", "person", "trafficking", "needs"]


class Signed(HttpUser):
    abstract = True
    wait_time = WAIT
    role = ""
    form_page = ""  # a page with a form on it: it sets the form-token cookie

    def on_start(self):
        self.client.cookies.set("sessionid", self.session())

    def session(self) -> str:
        return SEEDED[self.role]

    def page(self, path, name):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            return r

    def post(self, path, name, data, expect=302):
        """A form sent as the browser sends it, with the form token; `expect` is the one
        answer the page must give (302: saved and sent on)."""
        if "csrftoken" not in self.client.cookies:
            self.page(self.form_page, "(a page with a form, for its token)")
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code}")
            return r


class Floors(HttpUser):
    """The anonymous trivial page, and the same page signed in (the referrer's session)."""

    wait_time = WAIT

    @task
    def anonymous(self):
        self.client.get("/accessibility/", name="floor: anonymous", cookies={})

    @task
    def signed_in(self):
        self.client.get(
            "/accessibility/", name="floor: signed in", cookies={"sessionid": SEEDED["referrer"]}
        )


class Referrer(Signed):
    """Each simulated referrer is a person of their own (scripts/bench_seed.py `work`): the
    portal limits the referrals one person starts in an hour, and rightly refuses a crowd
    sharing one session."""

    role = "referrer"
    form_page = "/referrals/"

    def session(self) -> str:
        return REFERRERS.pop()

    @task(4)
    def list(self):
        self.page("/referrals/", "referrer: list")

    @task(2)
    def detail(self):
        self.page(f"/referrals/{SEEDED['referral']}/", "referrer: referral")

    @task(1)
    def submit(self):
        """A whole referral: start, four steps, no attachment, check the answers, submit."""
        start = self.post("/referrals/new/", "referrer: start a referral", {})
        location = start.headers.get("Location", "")
        match = re.search(r"/referrals/([0-9a-f-]{36})/", location)
        if not match:
            return
        base = f"/referrals/{match.group(1)}"
        for slug in STEPS:
            self.post(
                f"{base}/edit/{slug}/",
                f"referrer: step {slug}",
                {**SEEDED["steps"][slug], "action": "next"},
            )
        self.post(f"{base}/edit/attachments/", "referrer: step attachments", {"action": "next"})
        review = self.page(f"{base}/review/", "referrer: check answers")
        version = VERSION.search(review.text or "")
        if version:
            self.post(f"{base}/review/", "referrer: submit", {"version": version.group(1)})


class Reviewer(Signed):
    role = "reviewer"
    form_page = f"/review/{SEEDED['referral']}/"

    @task(3)
    def queue(self):
        self.page("/review/", "reviewer: queue")

    @task(1)
    def filtered(self):
        self.page("/review/?minor=yes&trafficking=sex", "reviewer: filtered queue")

    @task(2)
    def case(self):
        self.page(f"/review/{SEEDED['referral']}/", "reviewer: case page")

    @task(1)
    def confirm(self):
        if not TO_DECIDE:
            return
        referral = TO_DECIDE.pop()
        answers = {
            "version": referral["version"],
            "basis": "federal_criteria",
            "appears_eligible": "yes",
            "county": referral["county"],
            "minor": "no",
            "note": "Clear account of debt bondage.",
        }
        url = f"/review/{referral['id']}/confirm/"
        self.post(url, "reviewer: confirm preview", answers, expect=200)
        self.post(url, "reviewer: confirm", {**answers, "action": "issue"})


class Agency(Signed):
    role = "agency"
    form_page = f"/cases/{SEEDED['case']}/"

    @task(3)
    def cases(self):
        self.page("/cases/", "agency: cases")

    @task(1)
    def case(self):
        self.page(f"/cases/{SEEDED['case']}/", "agency: case")

    @task(1)
    def acknowledge_and_report(self):
        if not TO_ACKNOWLEDGE:
            return
        case = f"/cases/{TO_ACKNOWLEDGE.pop()}"
        self.page(f"{case}/", "agency: case")
        self.post(f"{case}/acknowledge/", "agency: acknowledge", {})
        self.post(
            f"{case}/outcome/",
            "agency: report outcome",
            {
                "outcome": "contacted",
                "note": "Met at the office.",
                "attempts-TOTAL_FORMS": "4",
                "attempts-INITIAL_FORMS": "0",
            },
        )


class Administrator(Signed):
    role = "administrator"

    @task(2)
    def access_log(self):
        self.page("/security/access-log/", "administrator: access log")

    @task(2)
    def deliveries(self):
        self.page("/cases/deliveries/", "administrator: deliveries")

    @task(1)
    def statistics(self):
        if STATISTICS:
            self.page("/reports/", "administrator: statistics")
