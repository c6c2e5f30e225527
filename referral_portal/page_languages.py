"""The public pages in the person's language.

The pages a referred person or a benefits worker may open without an account (the home page
when signed out, /verify/, /accessibility/, /privacy/) are in English or one of the twelve
languages of the notices, from the same gettext catalogs. The reader picks one with ?lang= (a
language code from referrals.languages, nothing personal; anything else means English): no
cookie and no session, so a link or a bookmark always opens the same language. Only the page's
own content is translated and marked with its lang and dir; the portal's header, navigation and
footer, and every staff page, stay English.
"""

from functools import wraps

from django.utils import translation

from referrals.languages import NATIVE_NAMES, RIGHT_TO_LEFT

ENGLISH = "en"


def page_language(request) -> str:
    """The language asked for (a POSTed form carries it too), if it is one of the thirteen."""
    chosen = request.POST.get("lang") or request.GET.get("lang") or ENGLISH
    return chosen if chosen in NATIVE_NAMES else ENGLISH


def language_context(language: str) -> dict:
    """What the switcher (templates/includes/language_switcher.html) and the page's translated
    part need: the language, its direction and every language by its native name."""
    return {
        "language": language,
        "direction": "rtl" if language in RIGHT_TO_LEFT else "ltr",
        "languages": list(NATIVE_NAMES.items()),
    }


def translated(view):
    """Render the view in the page's language (passed as the view's second argument) and say
    which in the Content-Language header."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = page_language(request)
        with translation.override(language):
            response = view(request, language, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return wrapper
