"""Honest pages for the work areas other modules will fill in."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

AREAS = {
    "signals": (
        _("预警"),
        _(
            "本模块将提供风险预警信号的清单与处置：按黄、橙、红三级展示系统识别的预警信号及其证据，"
            "支持认定、排除、升级和解除，并记录处置过程。"
        ),
    ),
    "inspections": (
        _("检查"),
        _(
            "本模块将提供贷后检查任务：首次检查、定期检查和专项检查的计划、待办与填报，"
            "检查报告的生成与审核，以及资金用途检查。"
        ),
    ),
    "classification": (
        _("分类"),
        _(
            "本模块将提供五级分类的认定流程：系统依据逾期天数等规则给出建议分类和理由，"
            "经客户经理、风险经理、审批人逐级确认，并展示迁徙矩阵与不良率。"
        ),
    ),
    "meetings": (
        _("例会"),
        _(
            "本模块将提供贷后管理例会：会议计划、需审议客户清单、会议通知、会议记录、"
            "决议事项和签字，以及决议落实情况的核验。"
        ),
    ),
    "supervision": (
        _("督办"),
        _("本模块将提供督办事项：例会决议和预警处置要求的任务分派、办理期限、逾期提醒与销号。"),
    ),
    "reports": (
        _("报表"),
        _(
            "本模块将提供贷后管理报表：资产质量报告、关键指标、问责与成效统计，"
            "并可导出 Excel、Word 与 PDF。"
        ),
    ),
}


@login_required
def placeholder(request, area: str):
    if area not in AREAS:
        raise Http404
    title, description = AREAS[area]
    return render(
        request, "web/placeholder.html", {"title": title, "description": description, "area": area}
    )
