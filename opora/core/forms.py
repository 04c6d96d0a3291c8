"""Form helpers shared by every app: Bootstrap classes and error states on widgets."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BootstrapFormMixin:
    """Give every widget its Bootstrap class, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    """A date typed as дд.мм.гггг whatever the browser's language (a native picker would follow it)."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": _("дд.мм.гггг"),
            "inputmode": "numeric",
            "pattern": r"\d{1,2}\.\d{1,2}\.\d{4}",
            "title": _("дд.мм.гггг"),
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})}, format="%d.%m.%Y")
