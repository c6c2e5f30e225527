from django import forms

from .services import REASON_MAX_LENGTH


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Why the hold is placed or lifted, e.g. the matter or request it serves. "
            "Do not write anything about the person referred."
        ),
    )
