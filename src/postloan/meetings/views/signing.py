"""The signing page: what is signed (the snapshot and its SHA-256), then one role at a time."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from postloan.core.errors import DomainError, add_to_form, flash
from postloan.core.requests import client_ip
from postloan.meetings import actions
from postloan.meetings import choices as ch
from postloan.meetings.access import get_meeting
from postloan.meetings.actions.signing import content_to_sign, pending_roles, signer_roles
from postloan.meetings.errors import SignRefused
from postloan.meetings.forms import SignForm

ROLE_LABELS = dict(ch.SignRole.choices)


def _summary(content: dict) -> dict:
    """What the page lists of the snapshot being signed."""
    if "items" not in content:  # an amendment
        return {"amendment": content}
    return {
        "record": content,
        "resolutions": sum(len(i["resolutions"]) for i in content["items"]),
        "present": sum(1 for a in content["attendance"] if a["present"]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def sign_page(request, pk):
    meeting = get_meeting(request.user, pk)
    amendment_id = request.POST.get("amendment") or request.GET.get("amendment")
    amendment = get_object_or_404(meeting.amendments, pk=amendment_id) if amendment_id else None
    back = reverse("meetings:sign", args=[meeting.pk])
    if amendment is not None:
        back += f"?amendment={amendment.pk}"
    held = signer_roles(request.user, meeting)
    if not held:
        messages.error(
            request,
            gettext("您不是本次例会的签署人：只有会议主持人和行长可以签署（签署人在开会时确定）"),
        )
        return redirect("meetings:detail", meeting.pk)
    form = None
    if request.method == "POST":
        form = SignForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            signature = actions.sign(
                meeting,
                acting_user=request.user,
                role=data.get("role", ""),
                opinion=data.get("opinion", ""),
                confirmed_sha256=data.get("sha256", "") if data.get("confirm") else "",
                password=data.get("password", ""),
                ip=client_ip(request),
                amendment=amendment,
            )
        except SignRefused as exc:
            add_to_form(form, exc)
        except DomainError as exc:
            flash(request, exc)
            return redirect("meetings:detail", meeting.pk)
        else:
            messages.success(
                request, gettext("已以%(role)s身份签署") % {"role": signature.get_role_display()}
            )
            if pending_roles(request.user, meeting, amendment):
                return redirect(back)
            return redirect("meetings:detail", meeting.pk)
    roles = pending_roles(request.user, meeting, amendment)
    open_to_sign = (
        meeting.status == ch.MeetingStatus.HELD
        if amendment is None
        else amendment.signed_at is None
    )
    content, digest = content_to_sign(meeting, amendment)
    role = roles[0] if roles and open_to_sign else ""
    if role and (form is None or form.cleaned_data.get("role") != role):
        form = SignForm(initial={"role": role, "sha256": digest})
    context = {
        "meeting": meeting,
        "amendment": amendment,
        "summary": _summary(json.loads(content)),
        "sha256": digest,
        "role": role,
        "role_label": ROLE_LABELS.get(role, ""),
        "step": len(held) - len(roles) + 1,
        "steps": len(held),
        "form": form if role else None,
        "open_to_sign": open_to_sign,
        "signatures": meeting.signatures.filter(amendment=amendment),
    }
    return render(
        request, "meetings/sign.html", context, status=400 if form and form.errors else 200
    )
