import pytest

# Every journey stores its encrypted files in a directory of its own.
from tests.storage import _private_storage  # noqa: F401


@pytest.fixture
def csp_violations(page):
    """Console messages about the Content-Security-Policy, collected for the whole test."""
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return messages
