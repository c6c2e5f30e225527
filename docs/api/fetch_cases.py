"""Example: a receiving agency's system fetches the cases new since its last run, acknowledges
each, and reports an outcome when its staff have tried to reach the person.

    PORTAL=https://referrals.example.ny.gov CLIENT_ID=... CLIENT_SECRET=... \
        python fetch_cases.py

Needs only `requests`. The cursor is kept in a file between runs.
"""

import datetime
import os
import pathlib
import uuid

import requests

PORTAL = os.environ.get("PORTAL", "http://127.0.0.1:8000")
CURSOR_FILE = pathlib.Path("portal-cursor.txt")


def token() -> str:
    answer = requests.post(
        f"{PORTAL}/api/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"]),
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def call(method, path, bearer, body=None, params=None, key=None):
    headers = {"Authorization": f"Bearer {bearer}"}
    if method == "POST":
        headers["Idempotency-Key"] = key or str(uuid.uuid4())
    answer = requests.request(
        method, f"{PORTAL}/api/v1{path}", json=body, params=params, headers=headers, timeout=30
    )
    answer.raise_for_status()
    return answer.json()


def main():
    bearer = token()
    cursor = CURSOR_FILE.read_text().strip() if CURSOR_FILE.exists() else None
    while True:
        page = call("GET", "/cases/", bearer, params={"cursor": cursor} if cursor else None)
        for row in page["results"]:
            case = call("GET", f"/cases/{row['id']}/", bearer)
            print("New case", case["reference"], "language:", case["person"]["preferred_language"])
            # keyed on the case, so running this again never acknowledges twice
            call("POST", f"/cases/{row['id']}/acknowledge/", bearer, {}, key=f"ack-{row['id']}")
            # ... the agency's own system takes it from here; when staff have tried to reach
            # the person, report it:
            call("POST", f"/cases/{row['id']}/outcome/", bearer, {
                "outcome": "could_not_reach",
                "attempts": [{"attempted_on": datetime.date.today().isoformat(),
                              "method": "phone"}],
            }, key=f"outcome-{row['id']}-1")  # fmt: skip
        cursor = page["next_cursor"] or cursor
        if cursor:
            CURSOR_FILE.write_text(cursor)
        if not page["results"]:
            break


if __name__ == "__main__":
    main()
