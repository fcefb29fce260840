"""Form widgets of the list pages."""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them (True: bare name; False/None: none)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class QuickSelect(forms.Select):
    """A `<select>` with the markup of Django's, drawn in plain Python instead of one template
    include per option: the 500 account managers of a 分行 take a few ms instead of ~25 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        lines = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                lines.append(f'<optgroup label="{escape(str(group_name))}">')
            lines.extend(
                f'<option value="{escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
                f"{escape(str(o['label']))}</option>"
                for o in options
            )
            if group_name:
                lines.append("</optgroup>")
        lines.append("</select>")
        return mark_safe("\n".join(lines))  # every value above is escaped
