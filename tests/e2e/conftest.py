import pytest


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
