"""Forms of supervision orders: issuing one, replying, and sending a reply back. The service
(reforms.supervision.services) checks everything again; the forms give early messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parks import access
from parks.core.forms import DATE_INPUT, BootstrapFormMixin, MultipleFileField
from reforms.supervision.choices import OrderColour
from reforms.supervision.services import MAX_REPLY_FILES, REQUIREMENT_MAX_CHARS


class OrderIssueForm(BootstrapFormMixin, forms.Form):
    """A new order: to which unit, yellow or red, what is required and by when."""

    unit = forms.ModelChoiceField(queryset=None, label=_("Responsible unit"))
    colour = forms.ChoiceField(
        choices=OrderColour.choices, label=_("Colour"), widget=forms.RadioSelect
    )
    requirement = forms.CharField(
        label=_("Requirement"),
        max_length=REQUIREMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the unit must do, and what its reply must show."),
    )
    reply_due = forms.DateField(label=_("Reply by"), widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.organisations_visible_to(user).order_by("name")
        # Radio buttons take Bootstrap's check classes, not a text box's.
        self.fields["colour"].widget.attrs["class"] = "form-check-input"


class OrderReplyForm(BootstrapFormMixin, forms.Form):
    """The unit's reply (反馈): what was done, with files as proof."""

    text = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_(
            "PDF, JPG, PNG or Office documents, at most %(n)d; several may be chosen at once."
        )
        % {"n": MAX_REPLY_FILES},
    )


class SendBackForm(BootstrapFormMixin, forms.Form):
    """Sending a reply back to the unit, saying why."""

    text = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
