"""Signing the record (会议主持人 and 行长) and amending a signed record.

Who signs is fixed when the meeting starts (`start_meeting`): the presider from the attendance
record, the 行长 from the unit's org record (`president_of`). A later change of the committee
moves neither. A signature is one role at a time — a person holding both signs twice — and each
needs the signer's opinion, the SHA-256 of what they saw (the confirmation) and their password.
The first signature freezes the record's content; the second signs that same stored snapshot.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from postloan.meetings import choices as ch
from postloan.meetings.access import can_run
from postloan.meetings.actions._common import audit, require, snapshot, staff_or_refuse
from postloan.meetings.documents import amendment_content, canonical, record_content, sha256
from postloan.meetings.errors import SignRefused
from postloan.meetings.models import Amendment, Meeting, Signature
from postloan.ops import throttling
from postloan.org.models import Staff
from postloan.org.visibility import staff_of

ROLE_LABELS = dict(ch.SignRole.choices)


def president_of(branch):
    """The unit's 行长 from the org record (the one staff whose position is 行长)."""
    heads = list(Staff.objects.filter(branch=branch, position="president").order_by("pk")[:2])
    require(bool(heads), f"机构记录中{branch.name}没有行长，不能确定签署人，请先维护机构人员")
    require(len(heads) == 1, f"机构记录中{branch.name}有多名行长，不能确定签署人")
    return heads[0]


def signer_roles(user, meeting) -> list[str]:
    """The roles in which `user` may sign this meeting's record (fixed at the meeting's start)."""
    staff = staff_of(user)
    if staff is None:
        return []
    roles = []
    if meeting.presiding_id and meeting.presiding_id == staff.staff_id:
        roles.append(ch.SignRole.PRESIDER)
    if meeting.president_id and meeting.president_id == staff.staff_id:
        roles.append(ch.SignRole.PRESIDENT)
    return roles


def pending_roles(user, meeting, amendment=None) -> list[str]:
    """The roles `user` still has to sign in (for the record, or for one amendment)."""
    done = set(
        Signature.objects.filter(meeting=meeting, amendment=amendment).values_list(
            "role", flat=True
        )
    )
    return [r for r in signer_roles(user, meeting) if r not in done]


def content_to_sign(meeting, amendment=None) -> tuple[str, str]:
    """(canonical content, SHA-256) a signer signs now.

    After the first signature that is the stored snapshot (checked against its hash), so the
    second signer signs exactly what the first did, whatever changed elsewhere meanwhile."""
    earlier = list(
        Signature.objects.filter(meeting=meeting, amendment=amendment).order_by("signed_at", "pk")
    )
    if earlier:
        content = earlier[0].content
        digest = sha256(content)
        for sig in earlier:
            require(
                sig.content == content and sig.content_sha256 == digest,
                "已签署的内容与其SHA-256不一致，记录已被改动，请联系系统管理员核查",
            )
        return content, digest
    if amendment is None:
        content = canonical(record_content(meeting))
    else:
        content = canonical(amendment_content(amendment))
    return content, sha256(content)


def _password_error(user, password: str, ip: str) -> str:
    """'' when `password` is the user's; a failure counts against the login throttle."""

    username = user.get_username()
    if throttling.is_locked(username, ip):
        return throttling.locked_message()
    if not password:
        return "请输入登录密码以确认是本人签署"
    if not user.check_password(password):
        throttling.record_failure(username, ip)
        return "密码不正确，未签署"
    return ""


def sign(
    meeting,
    *,
    acting_user,
    role: str,
    opinion: str,
    confirmed_sha256: str,
    password: str,
    ip: str = "",
    amendment=None,
) -> Signature:
    """Sign the record (or an amendment) in one role: opinion, confirmation and password needed.

    The password is checked first and outside the signing transaction, so that a wrong one is
    counted against the login throttle even though nothing else is written."""
    staff = staff_or_refuse(acting_user)
    meeting = Meeting.objects.get(pk=meeting.pk)
    require(role in ROLE_LABELS, "请选择签署身份")
    require(
        role in signer_roles(acting_user, meeting),
        f"您不是本次例会的{ROLE_LABELS[role]}；只有会议主持人和行长可以签署（签署人在开会时确定）",
    )
    password_error = _password_error(acting_user, password, ip)
    return _record_signature(
        meeting,
        staff=staff,
        acting_user=acting_user,
        role=role,
        opinion=opinion,
        confirmed_sha256=confirmed_sha256,
        password_error=password_error,
        amendment=amendment,
    )


@transaction.atomic
def _record_signature(
    meeting, *, staff, acting_user, role, opinion, confirmed_sha256, password_error, amendment
) -> Signature:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if amendment is None:
        require(meeting.status == ch.MeetingStatus.HELD, "会议尚未闭会或已签署完毕")
    else:
        amendment = Amendment.objects.get(pk=amendment.pk)
        require(amendment.meeting_id == meeting.pk, "更正不属于本次例会")
        require(amendment.signed_at is None, "该更正已签署完毕")
    done = set(
        Signature.objects.filter(meeting=meeting, amendment=amendment).values_list(
            "role", flat=True
        )
    )
    require(role not in done, f"已以{ROLE_LABELS[role]}身份签署")
    content, digest = content_to_sign(meeting, amendment)
    errors = {}
    if not opinion.strip():
        errors["opinion"] = "请填写签署意见"
    if not confirmed_sha256:
        errors["confirm"] = "请核对签署内容并勾选确认"
    elif confirmed_sha256 != digest:
        errors["confirm"] = "签署内容在您核对后已有变化，请重新核对后再签署"
    if password_error:
        errors["password"] = password_error
    if errors:
        raise SignRefused(errors)
    signature = Signature.objects.create(
        meeting=meeting,
        amendment=amendment,
        role=role,
        signer=acting_user,
        signer_name=staff.name,
        content_sha256=digest,
        content=content,
        opinion=opinion.strip(),
    )
    audit(
        acting_user,
        "record.signed",
        signature,
        after={
            "role": role,
            "sha256": digest,
            "amendment": getattr(amendment, "number", None),
            "opinion": signature.opinion,
            "reauthenticated": True,
        },
    )
    if done | {role} >= {ch.SignRole.PRESIDER, ch.SignRole.PRESIDENT}:
        now = timezone.now()
        if amendment is None:
            meeting.status, meeting.signed_at = ch.MeetingStatus.SIGNED, now
            meeting.save(update_fields=["status", "signed_at"])
            audit(acting_user, "meeting.signed", meeting, after={"sha256": digest})
        else:
            amendment.signed_at = now
            amendment.save(update_fields=["signed_at"])
            audit(acting_user, "amendment.signed", amendment, after={"sha256": digest})
    return signature


@transaction.atomic
def propose_amendment(meeting, *, text: str, acting_user) -> Amendment:
    """A correction to a signed record; it needs both signatures again."""
    require(can_run(acting_user, meeting), "只有本级行风险部门可以提出更正")
    require(
        meeting.status == ch.MeetingStatus.SIGNED, "会议记录签署后才需要更正；未签署的请直接修改"
    )
    require(bool(text.strip()), "请写明更正内容")
    number = (meeting.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        meeting=meeting, number=number, text=text.strip(), created_by=acting_user
    )
    audit(acting_user, "amendment.proposed", amendment, before=None, after=snapshot(amendment))
    return amendment


def check_signatures() -> tuple[int, list[dict]]:
    """Recompute every signature's SHA-256: (signatures checked, the mismatches found).

    A mismatch is a stored content whose hash is not the one signed, or two signatures of one
    record (or one amendment) that cover different contents."""
    checked, problems = 0, []
    first: dict[tuple, Signature] = {}
    for sig in Signature.objects.select_related("meeting", "meeting__branch", "amendment").order_by(
        "meeting_id", "amendment_id", "signed_at", "pk"
    ):
        checked += 1
        where = f"{sig.meeting}" + (f" 更正{sig.amendment.number}" if sig.amendment else "")
        row = {"signature": sig.pk, "meeting": sig.meeting_id, "record": where}
        row |= {"role": sig.get_role_display(), "signer": sig.signer_name}
        actual = sha256(sig.content)
        if actual != sig.content_sha256:
            problems.append(
                {
                    **row,
                    "problem": "签署内容与SHA-256不符",
                    "stored": sig.content_sha256,
                    "actual": actual,
                }
            )
        key = (sig.meeting_id, sig.amendment_id)
        if key in first and first[key].content != sig.content:
            problems.append({**row, "problem": f"与同一记录的签署{first[key].pk}内容不同"})
        first.setdefault(key, sig)
    return checked, problems
