"""Forms of the public pages a worker opens from a QR code, without an account.

They validate input and catch bots; grievances.services decides what is saved.
"""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grievances.choices import Category
from grievances.models import TRACKING_ALPHABET
from grievances.services import validate_attachment
from parks.core.forms import BootstrapFormMixin, MultipleFileField, MultipleFileInput

# Smaller than the model allows: a phone keyboard, not a report.
TITLE_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 2000
MAX_PUBLIC_FILES = 3
# The signed time stamp in the form says when it was drawn; see PublicGrievanceForm.
STAMP_SALT = "grievances.public_form.rendered"
STAMP_MAX_AGE = 24 * 60 * 60
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
TRACKING_CODE_PATTERN = re.compile(rf"^[{TRACKING_ALPHABET}]{{6,12}}$")


def min_fill_seconds() -> float:
    """A person needs longer than this to fill the form in; a script does not."""
    return getattr(settings, "GRIEVANCE_PUBLIC_MIN_FILL_SECONDS", 3)


def new_stamp() -> str:
    return signing.dumps(time.time(), salt=STAMP_SALT)


def normalise_tracking_code(value: str) -> str:
    """What a worker types from a screen: any case, spaces or dashes in between."""
    return re.sub(r"[\s-]", "", value or "").upper()


class PublicGrievanceForm(BootstrapFormMixin, forms.Form):
    """What a worker tells the office. Name, phone and employer may stay empty (anonymous).

    Two traps for scripts, invisible to people: `website` is hidden from people, so whatever
    fills it is a bot; `stamp` is the signed time the form was drawn, and a form sent back
    sooner than a person could type it is refused.
    """

    category = forms.ChoiceField(
        label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect
    )
    grid_zone = forms.ModelChoiceField(
        label=_("Grid zone"),
        queryset=None,
        required=False,
        empty_label=_("Not sure / the whole park"),
    )
    title = forms.CharField(
        label=_("In one sentence"),
        max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    description = forms.CharField(
        label=_("What happened, and what would you like done?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    complainant_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    complainant_phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    complainant_employer = forms.CharField(
        label=_("Your employer or stall"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    sms_consent = forms.BooleanField(
        label=_("Text me when my request is accepted, answered and closed"),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Photos or PDF (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("Up to %(count)d files: JPG, PNG or PDF, each at most %(size)d MB."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, park, grid_zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["class"] = "btn-check"
        if grid_zone is None:
            self.fields["grid_zone"].queryset = park.grid_zones.order_by("code")
        else:
            del self.fields["grid_zone"]
        attachments = self.fields["attachments"]
        attachments.help_text = attachments.help_text % {
            "count": MAX_PUBLIC_FILES,
            "size": settings.GRIEVANCE_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        }
        if not self.is_bound:
            self.initial["stamp"] = new_stamp()

    @property
    def is_bot(self) -> bool:
        """A bot filled the hidden field: answer as if all went well, and keep nothing."""
        return bool(self.data.get("website"))

    def clean_stamp(self):
        try:
            drawn_at = signing.loads(
                self.cleaned_data["stamp"], salt=STAMP_SALT, max_age=STAMP_MAX_AGE
            )
        except signing.SignatureExpired as error:
            raise ValidationError(
                _("This form was opened too long ago. Please check it and send it again."),
                code="stale",
            ) from error
        except signing.BadSignature as error:
            raise ValidationError(
                _("This form could not be checked. Please send it again."), code="bad_stamp"
            ) from error
        if time.time() - drawn_at < min_fill_seconds():
            raise ValidationError(
                _("That was very fast. Please check what you wrote and send it again."),
                code="too_fast",
            )
        return drawn_at

    def clean_complainant_phone(self):
        phone = self.cleaned_data["complainant_phone"].strip()
        if phone and not PHONE_PATTERN.match(phone):
            raise ValidationError(_("Enter a phone number with digits only, or leave it empty."))
        return phone

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_PUBLIC_FILES:
            raise ValidationError(
                _("At most %(count)d files, please.") % {"count": MAX_PUBLIC_FILES}
            )
        errors = []
        for upload in files:
            try:
                validate_attachment(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "description", "complainant_name", "complainant_employer"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if cleaned.get("sms_consent") and not cleaned.get("complainant_phone"):
            self.add_error("sms_consent", _("Leave your phone number to be texted."))
        if "stamp" in self.errors:
            # Draw a fresh stamp, so that sending the form again works.
            self.data = self.data.copy()
            self.data["stamp"] = new_stamp()
        return cleaned


class TrackingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-uppercase tracking-code-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )

    def clean_code(self):
        code = normalise_tracking_code(self.cleaned_data["code"])
        if not TRACKING_CODE_PATTERN.match(code):
            raise ValidationError(
                _("A tracking code has 10 letters and digits, as shown when you sent it.")
            )
        return code


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
