"""Render Django form fields in the markup of the KERN design system, accessibly wired."""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()


def _widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.Select):
        return "kern-form-input__select"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    return "kern-form-input__input"


@register.simple_tag
def kern_field(field):
    widget = field.field.widget
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs = {}
    css = _widget_class(widget)
    if css:
        attrs["class"] = css + (f" {css}--error" if field.errors else "")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    kind = "input"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        # Each option renders from the widget's own attrs; the form's fields are per instance.
        # CheckboxSelectMultiple is a subclass of RadioSelect, so ask for it first.
        radio = not isinstance(widget, forms.CheckboxSelectMultiple)
        widget.attrs["class"] = "kern-form-check__radio" if radio else "kern-form-check__checkbox"
    if isinstance(widget, forms.CheckboxInput):
        kind = "check"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        kind = "choices"
    elif isinstance(widget, forms.Select):
        kind = "select"
    # Option groups render option by option in the template; rendering the whole widget
    # as well would run a model choice field's query a second time.
    widget_html = "" if kind == "choices" else field.as_widget(attrs=attrs)
    return render_to_string(
        "includes/field.html", {"field": field, "widget_html": widget_html, "kind": kind})
