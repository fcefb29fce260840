"""调整分类: verified when every active loan carries the new class."""

from django.utils.translation import gettext_noop

from postloan.meetings.errors import MeetingError
from postloan.meetings.resolution_kinds.registry import (
    UNPROVEN,
    VERIFIED,
    Param,
    ResolutionKind,
)
from postloan.portfolio.choices import CLASS_LABELS


class Reclassify(ResolutionKind):
    code = "reclassify"
    label = gettext_noop("调整分类")
    order = 80
    params = (Param("new_class", "调整后分类", "class"),)
    facts = ("classes",)

    def clean(self, p, text, deadline):
        new_class = p.get("new_class")
        if new_class not in CLASS_LABELS:
            raise MeetingError("调整分类须选择调整后的五级分类")
        return {"new_class": new_class}

    def wording(self, p):
        return f"{self.label}为{CLASS_LABELS.get(p.get('new_class'), '')}"

    def judge(self, case):
        classes = case.facts.classes.get(case.customer_id, set())
        if classes and classes == {case.params.get("new_class")}:
            return VERIFIED, "借据分类已调整"
        return UNPROVEN, "借据分类尚未调整"
