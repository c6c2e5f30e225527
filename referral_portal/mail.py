"""Every e-mail the portal sends, from templates, with absolute links.

    from referral_portal import mail

    mail.send(
        "referrals/email/withdrawn",
        {"reference": referral.reference, "link": mail.link("referrals:detail", public_id)},
        [reviewer.email],
    )

A message is two templates: `<name>_subject.txt` (one line) and `<name>_message.txt` (the
body, plain text, rendered without HTML escaping). Handlers pass references, dates and links
only: no name or other fact about the person ever goes into an e-mail (docs/architecture.md).
Links are absolute, built on PORTAL_BASE_URL, since an e-mail has no request to be relative
to.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse


def absolute(path: str) -> str:
    """A path on the portal as an address that works from an e-mail or another system."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def link(view_name: str, *args) -> str:
    """The absolute address of a named URL: link("referrals:detail", referral.public_id)."""
    return absolute(reverse(view_name, args=args))


def _render(name: str, suffix: str, context: dict) -> str:
    template = get_template(f"{name}_{suffix}.txt")
    # Plain text: nothing is HTML-escaped (an organization's "&" stays "&").
    return template.template.render(Context(context, autoescape=False))


def render(name: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and the body (ending in one newline) of message `name`."""
    subject = " ".join(_render(name, "subject", context).split())
    body = _render(name, "message", context).strip("\n") + "\n"
    return subject, body


def _addresses(recipients) -> list[str]:
    return sorted({address for address in recipients if address})


def send(name: str, context: dict, recipients) -> int:
    """One message per address (no one sees another's address); empty addresses and
    repeats are dropped. Returns how many were sent."""
    subject, body = render(name, context)
    addresses = _addresses(recipients)
    for address in addresses:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to=[address]).send()
    return len(addresses)


def send_blind_copies(name: str, context: dict, recipients) -> int:
    """One message to every address in blind copy: a retry cannot send some of them two."""
    addresses = _addresses(recipients)
    if not addresses:
        return 0
    subject, body = render(name, context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, bcc=addresses).send()
    return len(addresses)
