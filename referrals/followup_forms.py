"""Forms outside the wizard's data steps: attachments, withdrawal, answering a request."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxLengthValidator

from .models import AttachmentKind
from .uploads import ACCEPT_ATTRIBUTE, check_upload, max_file_bytes


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class CheckedFileField(forms.FileField):
    """A file field whose cleaned value is an uploads.CheckedFile (type, content, safe name)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        return check_upload(upload)


def _size_help() -> str:
    from django.template.defaultfilters import filesizeformat

    return f"PDF, JPEG, PNG or Word (.docx), up to {filesizeformat(max_file_bytes())}."


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[
            (AttachmentKind.CONSENT_FORM, AttachmentKind.CONSENT_FORM.label),
            (AttachmentKind.POLICE_REPORT, AttachmentKind.POLICE_REPORT.label),
            (AttachmentKind.OTHER, AttachmentKind.OTHER.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of document this is.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    file = CheckedFileField(label="File", error_messages={"required": "Choose a file to attach."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _size_help()
        self.helper = _helper()


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you withdrawing this referral?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The State reviewer will see this. Do not add new personal details.",
        error_messages={"required": "Say why you are withdrawing the referral."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you are withdrawing the referral.")
        return reason


class AnswerForm(forms.Form):
    response = forms.CharField(
        label="Your answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write your answer."},
    )
    file_1 = CheckedFileField(label="Attach a document (optional)", required=False)
    file_2 = CheckedFileField(label="Attach another document (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file_1"].help_text = _size_help()
        self.fields["response"].validators.append(MaxLengthValidator(10_000))
        self.helper = _helper()

    def clean_response(self):
        response = self.cleaned_data["response"].strip()
        if not response:
            raise forms.ValidationError("Write your answer.")
        return response

    @property
    def files_to_store(self):
        return [f for f in (self.cleaned_data.get("file_1"), self.cleaned_data.get("file_2")) if f]
