"""The audit trail in the bank's words: each action code by its Chinese name, the object by its
model's name and number, the before/after values by the fields' Chinese names (their
verbose_name) with choices by their labels. For the 审计记录 page (ops/audit_trail.html)."""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy

from postloan import contract
from postloan.meetings import choices as mch
from postloan.org.choices import Role
from postloan.risk import choices as rch
from postloan.web.labels import EMPTY, VALUE_LABELS, person_name

ACTIONS = {
    "admin.delete": gettext_lazy("后台删除"),
    "admin.update": gettext_lazy("后台修改"),
    "accounts.require_password_change": gettext_lazy("要求修改密码"),
    "admin.create": gettext_lazy("后台新增"),
    "admin.set_password": gettext_lazy("后台设置密码"),
    "api.issue_token": gettext_lazy("签发接口令牌"),
    "core.business_date_set": gettext_lazy("设置业务日期"),
    "meetings.item.report_excused": gettext_lazy("说明未交汇报材料"),
    "org.role_granted": gettext_lazy("授予角色"),
    "risk.approve_classification": gettext_lazy("审批五级分类"),
    "risk.committee_classification": gettext_lazy("例会认定五级分类"),
    "risk.correct_classification": gettext_lazy("更正五级分类"),
    "api.revoke_token": gettext_lazy("吊销接口令牌"),
    "documents.pack_requested": gettext_lazy("申请生成会议材料"),
    "import.create": gettext_lazy("导入新增"),
    "import.update": gettext_lazy("导入变更"),
    "meetings.agenda.added": gettext_lazy("增加上会客户"),
    "meetings.agenda.dropped": gettext_lazy("撤下上会客户"),
    "meetings.amendment.proposed": gettext_lazy("提出记录更正"),
    "meetings.amendment.signed": gettext_lazy("更正签署完毕"),
    "meetings.committee.created": gettext_lazy("组建例会委员会"),
    "meetings.committee.member_added": gettext_lazy("增加委员"),
    "meetings.committee.member_certified": gettext_lazy("认定个人委员资格"),
    "meetings.committee.member_removed": gettext_lazy("免去委员"),
    "meetings.item.decided": gettext_lazy("记录审议结果"),
    "meetings.item.recused": gettext_lazy("委员回避"),
    "meetings.leave.decided": gettext_lazy("审批请假"),
    "meetings.leave.requested": gettext_lazy("申请请假"),
    "meetings.meeting.closed": gettext_lazy("闭会"),
    "meetings.meeting.noticed": gettext_lazy("发出会议通知"),
    "meetings.meeting.scheduled": gettext_lazy("安排例会"),
    "meetings.meeting.sections_saved": gettext_lazy("保存会议记录内容"),
    "meetings.meeting.signed": gettext_lazy("会议记录签署完毕"),
    "meetings.meeting.started": gettext_lazy("开会"),
    "meetings.record.signed": gettext_lazy("签署会议记录"),
    "meetings.report.commented": gettext_lazy("审阅客户报告"),
    "meetings.report.saved": gettext_lazy("保存客户报告"),
    "meetings.report.submitted": gettext_lazy("提交客户报告"),
    "meetings.resolution.adopted": gettext_lazy("形成决议"),
    "meetings.resolution.checked": gettext_lazy("核验决议执行"),
    "meetings.resolution.claimed": gettext_lazy("报告决议已执行"),
    "meetings.settings.saved": gettext_lazy("修改例会参数"),
    "ops.backup": gettext_lazy("备份数据库"),
    "ops.login_locked": gettext_lazy("登录锁定"),
    "ops.recover_job": gettext_lazy("恢复后台作业"),
    "ops.restore": gettext_lazy("恢复数据库"),
    "ops.submit_job": gettext_lazy("提交后台作业"),
    "portfolio.loan.classification": gettext_lazy("变更借据分类"),
    "reports.consequence_recorded": gettext_lazy("记录问责处理"),
    "reports.finding_confirmed": gettext_lazy("认定问责事项"),
    "reports.finding_detected": gettext_lazy("发现问责事项"),
    "reports.finding_dismissed": gettext_lazy("排除问责事项"),
    "risk.complete_review_task": gettext_lazy("完成复核任务"),
    "risk.confirm_signal": gettext_lazy("认定预警"),
    "risk.confirm_classification": gettext_lazy("认定五级分类"),
    "risk.propose_classification": gettext_lazy("提交分类初分"),
    "risk.raise_manual_signal": gettext_lazy("人工发起预警"),
    "risk.release_event": gettext_lazy("解除风险事件"),
    "risk.release_signal": gettext_lazy("消除预警"),
    "risk.run_screening": gettext_lazy("风险预警筛查"),
    "risk.start_handling": gettext_lazy("安排预警处置"),
    "risk.submit_feedback": gettext_lazy("反馈预警处置"),
    "risk.update_thresholds": gettext_lazy("修改预警阈值"),
    "worklist.add_attachment": gettext_lazy("上传检查附件"),
    "worklist.close_collection_case": gettext_lazy("结束催收"),
    "worklist.complete_calendar_task": gettext_lazy("完成日历任务"),
    "worklist.complete_department_check": gettext_lazy("完成部门检查"),
    "worklist.complete_inspection": gettext_lazy("完成贷后检查"),
    "worklist.plan": gettext_lazy("生成贷后工作计划"),
    "worklist.record_collection_action": gettext_lazy("记录催收"),
    "worklist.record_promise": gettext_lazy("记录还款承诺"),
    "worklist.schedule_adhoc_inspection": gettext_lazy("安排临时检查"),
}
# Keys of summaries that are no model field (a screening's counts, a signature's digest …).
EXTRA_KEYS = {
    "as_of": gettext_lazy("业务日期"),
    "source": gettext_lazy("来源"),
    "counts": gettext_lazy("数量"),
    "plan": gettext_lazy("计划"),
    "role": gettext_lazy("签署身份"),
    "sha256": gettext_lazy("内容摘要（SHA-256）"),
    "changed": gettext_lazy("修改的项"),
    "notes": gettext_lazy("说明"),
    "id": gettext_lazy("编号"),
    "loans": gettext_lazy("借据数"),
    "floors": gettext_lazy("触发底线"),
    "downgrades": gettext_lazy("建议下调"),
    "upgrades": gettext_lazy("建议上调"),
    "workflow_kept": gettext_lazy("保留流程状态"),
    "not_evaluated": gettext_lazy("未能评估"),
    "kind": gettext_lazy("类型"),
    "customer": gettext_lazy("客户"),
    "responsible": gettext_lazy("责任人"),
    "later_as_of": gettext_lazy("比对业务日期"),
    "loan": gettext_lazy("借据"),
    "dpd": gettext_lazy("逾期天数"),
    "class": gettext_lazy("分类"),
    "branch": gettext_lazy("机构"),
    "date": gettext_lazy("日期"),
    "customers": gettext_lazy("客户"),
    "customer_id": gettext_lazy("客户编号"),
    "reasons": gettext_lazy("上会原因"),
    "batch": gettext_lazy("批量审议"),
    "rank": gettext_lazy("序号"),
    "credit": gettext_lazy("授信/用信（元）"),
    "risk_rank": gettext_lazy("风险排名"),
    "max_dpd": gettext_lazy("最大逾期天数"),
    "name": gettext_lazy("名称"),
    # a screening writes only what changed (risk.actions.result_tables)
    "rows_written": gettext_lazy("写入的分类建议"),
    "rows_unchanged": gettext_lazy("未变的分类建议"),
    "rows_rewritten": gettext_lazy("改写或删除的分类建议"),
    "views_written": gettext_lazy("写入的风险视图"),
    "views_unchanged": gettext_lazy("未变的风险视图"),
    "signals_unchanged": gettext_lazy("未变的预警信号"),
    "roles": gettext_lazy("角色"),
    "meeting_id": gettext_lazy("例会"),
    "agenda_item_id": gettext_lazy("上会事项"),
    "reauthenticated": gettext_lazy("签署前重新验证身份"),
}
SOURCES = {
    "demo": gettext_lazy("演示数据"),
    "import": gettext_lazy("数据导入"),
    "cli": gettext_lazy("命令行"),
    "web": gettext_lazy("页面"),
    "api": gettext_lazy("接口"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, "其他操作"))


def model_for(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_label(object_type: str, object_id: str) -> str:
    """meetings.meeting:1 → 例会 1; a table row of an import (events:EV…) → 风险事件 EV…."""
    model = model_for(object_type)
    if model is not None:
        return f"{model._meta.verbose_name} {object_id}".strip()

    table = contract.TABLES_BY_NAME.get(object_type)
    if table is not None:
        return f"{table.label} {object_id}".strip()
    if object_type.startswith("worklist.plan"):
        return f"贷后工作计划 {object_id}".strip()
    return f"{object_id}" if object_id else EMPTY


def _field_label(model, key: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            pass
    if key in EXTRA_KEYS:
        return str(EXTRA_KEYS[key])

    for table in contract.TABLES:
        for column in table.columns:
            if column.code == key:
                return column.label
    return "其他信息"


# After-values that name a person by login (risk.actions.classification records confirmed_by).
PERSON_KEYS = {"confirmed_by", "approved_by", "proposed_by"}


def _person_by_login(username: str) -> str:
    user = get_user_model().objects.filter(username=username).first()
    return person_name(user) if user is not None else "（已删除的用户）"


def _enumerations() -> dict[str, str]:
    merged = {
        **dict(Role.choices),  # role codes (a user's role groups)
        **dict(rch.DecisionKind.choices),
        **dict(mch.Reason.choices),
        **dict(mch.MeetingKind.choices),
        **dict(mch.MeetingStatus.choices),
        **VALUE_LABELS,
    }
    return {code: str(label) for code, label in merged.items()}  # the lazy labels as text


def _value(model, key: str, value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(model, key, v) for v in value) or EMPTY
    if isinstance(value, Mapping) and isinstance(value.get("customers"), list):  # a meeting plan
        return _plan_text(value)
    if isinstance(value, Mapping):
        return "；".join(f"{_field_label(None, k)} {_value(None, k, v)}" for k, v in value.items())
    if model is not None:
        try:
            field = model._meta.get_field(key)
            choices = dict(field.flatchoices or [])
            if value in choices:
                return str(choices[value])
        except FieldDoesNotExist:
            pass
    if key == "source":
        return str(SOURCES.get(value, value))
    if key == "currency" and isinstance(value, str):
        from postloan.web.templatetags.labels import currency

        return currency(value)
    if key in PERSON_KEYS and isinstance(value, str):
        return _person_by_login(value)
    if isinstance(value, str):
        return str(_enumerations().get(value, value))
    return str(value)


def _plan_text(plan: Mapping) -> str:
    """月度例会 2026-10-31 上会客户 3 户（上会原因：授信1000万元（含）以上 2 户、…；批量审议 1 户）."""
    names = _enumerations()
    customers = [c for c in plan["customers"] if isinstance(c, Mapping)]
    tally: dict[str, int] = {}
    for c in customers:
        for code in c.get("reasons") or []:
            label = names.get(code, code)
            tally[label] = tally.get(label, 0) + 1
    parts = []
    if tally:
        parts.append("上会原因：" + "、".join(f"{label} {n} 户" for label, n in tally.items()))
    batch = sum(1 for c in customers if c.get("batch"))
    if batch:
        parts.append(f"批量审议 {batch} 户")
    kind = names.get(plan.get("kind"), "")
    text = f"{kind} {plan.get('date', '')} 上会客户 {len(plan['customers'])} 户".strip()
    return text + (f"（{'；'.join(parts)}）" if parts else "")


def change_lines(object_type: str, data) -> list[str]:
    """A before/after snapshot as `字段 值` lines."""
    if not data:
        return []
    model = model_for(object_type)
    if not isinstance(data, Mapping):
        return [_value(model, "", data)]
    return [f"{_field_label(model, k)} {_value(model, k, v)}" for k, v in data.items()]


def actor_label(actor) -> str:
    return person_name(actor)
