"""The languages a referred person may prefer, stored as codes.

New York's language-access law (Executive Law section 202-a) names the twelve most common
non-English languages of the State; vital documents, such as a notice of confirmation, are
translated into them. Beside those twelve: English, American Sign Language (a person who signs
needs an interpreter, not a written translation) and "another language", whose name the referrer
types. The codes are Django's language codes where Django has one (so a code also names the
gettext catalog of the notices), ISO 639-3 "ase" for American Sign Language.
"""

from django.db import models


class PreferredLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish (Español)"
    CHINESE = "zh-hans", "Chinese (中文)"
    RUSSIAN = "ru", "Russian (Русский)"
    YIDDISH = "yi", "Yiddish (ייִדיש)"
    BENGALI = "bn", "Bengali (বাংলা)"
    KOREAN = "ko", "Korean (한국어)"
    HAITIAN_CREOLE = "ht", "Haitian Creole (Kreyòl ayisyen)"
    ITALIAN = "it", "Italian (Italiano)"
    ARABIC = "ar", "Arabic (العربية)"
    POLISH = "pl", "Polish (Polski)"
    FRENCH = "fr", "French (Français)"
    URDU = "ur", "Urdu (اردو)"
    AMERICAN_SIGN_LANGUAGE = "ase", "American Sign Language"
    OTHER = "other", "Another language"


# The twelve languages of Executive Law 202-a: a notice is issued in each of them as well as in
# English. In the order the law lists them.
TRANSLATED_LANGUAGES = (
    PreferredLanguage.SPANISH,
    PreferredLanguage.CHINESE,
    PreferredLanguage.RUSSIAN,
    PreferredLanguage.YIDDISH,
    PreferredLanguage.BENGALI,
    PreferredLanguage.KOREAN,
    PreferredLanguage.HAITIAN_CREOLE,
    PreferredLanguage.ITALIAN,
    PreferredLanguage.ARABIC,
    PreferredLanguage.POLISH,
    PreferredLanguage.FRENCH,
    PreferredLanguage.URDU,
)
RIGHT_TO_LEFT = frozenset(
    {PreferredLanguage.ARABIC, PreferredLanguage.URDU, PreferredLanguage.YIDDISH}
)

# Each language's name in that language: what the language switcher and the notices show.
NATIVE_NAMES = {
    "en": "English",
    "es": "Español",
    "zh-hans": "中文",
    "ru": "Русский",
    "yi": "ייִדיש",
    "bn": "বাংলা",
    "ko": "한국어",
    "ht": "Kreyòl ayisyen",
    "it": "Italiano",
    "ar": "العربية",
    "pl": "Polski",
    "fr": "Français",
    "ur": "اردو",
}


def notice_languages(preferred: str) -> list[str]:
    """The languages a person's notice is issued in: English always, and the preferred language
    when it is one of the twelve."""
    return ["en", preferred] if preferred in TRANSLATED_LANGUAGES else ["en"]


def language_label(code: str, other: str = "") -> str:
    """How a stored preference reads on a page ("Another language: Tigrinya")."""
    if code == PreferredLanguage.OTHER:
        return f"Another language: {other}" if other else "Another language"
    return PreferredLanguage(code).label if code in PreferredLanguage.values else ""
