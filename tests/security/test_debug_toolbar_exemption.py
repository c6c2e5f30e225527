"""The access middleware lets django-debug-toolbar's own URLs through without a rule, and
nothing else: only the exact "djdt" namespace, and only with DEBUG on."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.debug_toolbar_urls")]


def test_the_toolbar_is_reachable_with_debug_on(client, settings):
    settings.DEBUG = True

    assert client.get("/__debug__/render/").status_code == 200


def test_the_toolbar_namespace_is_closed_with_debug_off(client):
    assert client.get("/__debug__/render/").status_code == 404


@pytest.mark.parametrize("path", ["/djdt-export/", "/lookalike/export/"])
def test_a_name_that_only_starts_with_djdt_gets_no_exemption(client, settings, path):
    assert client.get(path).status_code == 404  # no rule: closed

    settings.DEBUG = True
    with pytest.raises(LookupError, match="has no access rule"):
        client.get(path)
