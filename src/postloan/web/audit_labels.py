"""The audit trail in the bank's words: each action code by its Chinese name, the object by its
model's name and number, the before/after values by the fields' Chinese names (their
verbose_name) with choices by their labels. For the 审计记录 page (ops/audit_trail.html)."""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

from postloan import contract
from postloan.meetings import choices as mch
from postloan.org.choices import Role
from postloan.risk import choices as rch
from postloan.web.labels import EMPTY, VALUE_LABELS, person_name

ACTIONS = {
    "admin.delete": "后台删除",
    "admin.update": "后台修改",
    "accounts.require_password_change": "要求修改密码",
    "admin.create": "后台新增",
    "admin.set_password": "后台设置密码",
    "api.issue_token": "签发接口令牌",
    "core.business_date_set": "设置业务日期",
    "meetings.item.report_excused": "说明未交汇报材料",
    "org.role_granted": "授予角色",
    "risk.approve_classification": "审批五级分类",
    "risk.committee_classification": "例会认定五级分类",
    "risk.correct_classification": "更正五级分类",
    "api.revoke_token": "吊销接口令牌",
    "documents.pack_requested": "申请生成会议材料",
    "import.create": "导入新增",
    "import.update": "导入变更",
    "meetings.agenda.added": "增加上会客户",
    "meetings.agenda.dropped": "撤下上会客户",
    "meetings.amendment.proposed": "提出记录更正",
    "meetings.amendment.signed": "更正签署完毕",
    "meetings.committee.created": "组建例会委员会",
    "meetings.committee.member_added": "增加委员",
    "meetings.committee.member_certified": "认定个人委员资格",
    "meetings.committee.member_removed": "免去委员",
    "meetings.item.decided": "记录审议结果",
    "meetings.item.recused": "委员回避",
    "meetings.leave.decided": "审批请假",
    "meetings.leave.requested": "申请请假",
    "meetings.meeting.closed": "闭会",
    "meetings.meeting.noticed": "发出会议通知",
    "meetings.meeting.scheduled": "安排例会",
    "meetings.meeting.sections_saved": "保存会议记录内容",
    "meetings.meeting.signed": "会议记录签署完毕",
    "meetings.meeting.started": "开会",
    "meetings.record.signed": "签署会议记录",
    "meetings.report.commented": "审阅客户报告",
    "meetings.report.saved": "保存客户报告",
    "meetings.report.submitted": "提交客户报告",
    "meetings.resolution.adopted": "形成决议",
    "meetings.resolution.checked": "核验决议执行",
    "meetings.resolution.claimed": "报告决议已执行",
    "meetings.settings.saved": "修改例会参数",
    "ops.backup": "备份数据库",
    "ops.login_locked": "登录锁定",
    "ops.recover_job": "恢复后台作业",
    "ops.restore": "恢复数据库",
    "ops.submit_job": "提交后台作业",
    "portfolio.loan.classification": "变更借据分类",
    "reports.consequence_recorded": "记录问责处理",
    "reports.finding_confirmed": "认定问责事项",
    "reports.finding_detected": "发现问责事项",
    "reports.finding_dismissed": "排除问责事项",
    "risk.complete_review_task": "完成复核任务",
    "risk.confirm_signal": "认定预警",
    "risk.confirm_classification": "认定五级分类",
    "risk.propose_classification": "提交分类初分",
    "risk.raise_manual_signal": "人工发起预警",
    "risk.release_event": "解除风险事件",
    "risk.release_signal": "消除预警",
    "risk.run_screening": "风险预警筛查",
    "risk.start_handling": "安排预警处置",
    "risk.submit_feedback": "反馈预警处置",
    "risk.update_thresholds": "修改预警阈值",
    "worklist.add_attachment": "上传检查附件",
    "worklist.close_collection_case": "结束催收",
    "worklist.complete_calendar_task": "完成日历任务",
    "worklist.complete_department_check": "完成部门检查",
    "worklist.complete_inspection": "完成贷后检查",
    "worklist.plan": "生成贷后工作计划",
    "worklist.record_collection_action": "记录催收",
    "worklist.record_promise": "记录还款承诺",
    "worklist.schedule_adhoc_inspection": "安排临时检查",
}
# Keys of summaries that are no model field (a screening's counts, a signature's digest …).
EXTRA_KEYS = {
    "as_of": "业务日期",
    "source": "来源",
    "counts": "数量",
    "plan": "计划",
    "role": "签署身份",
    "sha256": "内容摘要（SHA-256）",
    "changed": "修改的项",
    "notes": "说明",
    "id": "编号",
    "loans": "借据数",
    "floors": "触发底线",
    "downgrades": "建议下调",
    "upgrades": "建议上调",
    "workflow_kept": "保留流程状态",
    "not_evaluated": "未能评估",
    "kind": "类型",
    "customer": "客户",
    "responsible": "责任人",
    "later_as_of": "比对业务日期",
    "loan": "借据",
    "dpd": "逾期天数",
    "class": "分类",
    "branch": "机构",
    "date": "日期",
    "customers": "客户",
    "customer_id": "客户编号",
    "reasons": "上会原因",
    "batch": "批量审议",
    "rank": "序号",
    "credit": "授信/用信（元）",
    "risk_rank": "风险排名",
    "max_dpd": "最大逾期天数",
    "name": "名称",
    # a screening writes only what changed (risk.actions.result_tables)
    "rows_written": "写入的分类建议",
    "rows_unchanged": "未变的分类建议",
    "rows_rewritten": "改写或删除的分类建议",
    "views_written": "写入的风险视图",
    "views_unchanged": "未变的风险视图",
    "signals_unchanged": "未变的预警信号",
    "roles": "角色",
    "meeting_id": "例会",
    "agenda_item_id": "上会事项",
    "reauthenticated": "签署前重新验证身份",
}
SOURCES = {"demo": "演示数据", "import": "数据导入", "cli": "命令行", "web": "页面", "api": "接口"}


def action_label(code: str) -> str:
    return ACTIONS.get(code, "其他操作")


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
        return EXTRA_KEYS[key]

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
    return {
        **dict(Role.choices),  # role codes (a user's role groups)
        **dict(rch.DecisionKind.choices),
        **dict(mch.Reason.choices),
        **dict(mch.MeetingKind.choices),
        **dict(mch.MeetingStatus.choices),
        **VALUE_LABELS,
    }


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
        return SOURCES.get(value, str(value))
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
