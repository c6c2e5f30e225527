"""/verify/: anyone with a notice's verification code and the person's date of birth checks that
the notice is genuine and still stands. Public (no account), so it shows only the facts the
notice itself prints: reference, kind, date and standing, never a name (confirmations.verification).

The code and the date of birth travel in a POST body, never in a URL; the answer is rendered in
the response to that POST and never cached. Rate limits: per caller's address (every POST) and
per code (every check of it, from any address).

The page is in English or one of the twelve languages of the notices, chosen with ?lang= and
carried in the form, like the other public pages (referral_portal.page_languages).
"""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access_log.models import AccessAction
from access_log.services import record_access
from referral_portal import ratelimits
from referral_portal.page_languages import language_context, translated
from referrals.step_base import DateInput

from . import notices, verification
from .forms import _helper


class VerifyNoticeForm(forms.Form):
    lang = forms.CharField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the notice, for example 7K3M-Q9XD-2HTP-W4BN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Enter the verification code.")},
    )
    date_of_birth = forms.DateField(
        label=_("The person's date of birth"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=DateInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the person's date of birth."),
            "invalid": _("Enter a real date, for example 1990-03-31."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_code(self):
        code = verification.normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("Enter the code as printed: 16 letters and digits, in groups of four.")
            )
        return code


def _code_limited(request, code: str):
    """The code's own budget, from every address: the 429 page once it is spent, else None."""
    return ratelimits.limit(
        request,
        key="ip",
        rate=settings.CONFIRMATIONS_VERIFY_RATE_PER_CODE,
        group="verify_notice_code",
        value=verification.code_hash(code),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimits.rate_limited(
    key="ip", rate=settings.CONFIRMATIONS_VERIFY_RATE_PER_ADDRESS, group="verify_notice"
)
@translated
def verify(request, language: str):
    form = VerifyNoticeForm(request.POST or None, initial={"lang": language})
    context = {"form": form, "checked": False, "facts": None, **language_context(language)}
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        refused = _code_limited(request, code)
        if refused is not None:
            return refused
        facts, decision = verification.verify(
            code=code, date_of_birth=form.cleaned_data["date_of_birth"]
        )
        if facts is not None:
            # The referral's reference and the decision's id: nothing about the person.
            record_access(
                request=request,
                action=AccessAction.VERIFY_NOTICE,
                referral=decision.referral,
                obj=decision,
            )
        # A fresh form: the page answering holds neither the code nor the date of birth.
        context.update(checked=True, facts=facts, form=VerifyNoticeForm(initial={"lang": language}))
        if facts is not None:
            context["issued_on"] = notices.long_date(facts.issued_on)
            context["replaced_on"] = facts.replaced_on and notices.long_date(facts.replaced_on)
    return render(request, "confirmations/verify.html", context)
