"""Signing in through the real pages, second factor included (codes computed with pyotp)."""

import time

import pyotp

from tests.factories import PASSWORD


def totp_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def fresh_totp_code(secret: str) -> str:
    """A code not used before: TOTP codes work once, so wait for the next period if needed."""
    totp = pyotp.TOTP(secret)
    remaining = totp.interval - (time.time() % totp.interval)
    if remaining < 3:
        time.sleep(remaining + 0.5)
    return totp.now()


def send_password(page, live_server, user, password=PASSWORD):
    """The first step of signing in: the username and password, sent."""
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()


def sign_in(page, live_server, user, password=PASSWORD):
    send_password(page, live_server, user, password)
    page.fill("input[name=code]", totp_code(user.totp_secret))
    page.locator("form").filter(has=page.locator("input[name=code]")).locator(
        "button[type=submit]:not([form])"
    ).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
