"""The committee page's actions, one view each (增加, 卸任, 资格认定); the old form still posts.
A refused 卸任 (a button) is the page's message, not an error page."""

from django.urls import reverse


def test_it_adds_and_removes_members_by_their_own_views(committee_bank, login):
    bank = committee_bank
    page = reverse("meetings:committee", args=["BR01"])
    client = login(bank.users["rm_branch"])
    resp = client.post(
        reverse("meetings:committee_add", args=["BR01"]), {"staff": "RM01", "role": "individual"}
    )
    assert resp.status_code == 302
    member = bank.committee.members.get(staff_id="RM01", active=True)
    # 卸任 refused to whoever does not run the unit's committee: a message, nothing changed
    other = login(bank.users["credit_head"])
    resp = other.post(reverse("meetings:committee_remove", args=["BR01"]), {"member": member.pk})
    assert resp.status_code == 302
    assert "只有本级行风险部门或系统管理员可以维护委员会" in other.get(page).content.decode()
    member.refresh_from_db()
    assert member.active
    # the old form (op=remove on the page's URL) is handed to the same view
    client = login(bank.users["rm_branch"])
    resp = client.post(page, {"op": "remove", "member": member.pk})
    assert resp.status_code == 302
    member.refresh_from_db()
    assert not member.active


def test_a_refused_addition_stays_on_the_page_above_the_form(committee_bank, login):
    client = login(committee_bank.users["rm_branch"])
    resp = client.post(
        reverse("meetings:committee_add", args=["BR01"]), {"staff": "RM01", "role": "chair"}
    )
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "已有主任委员，请先卸任原主任委员" in page
    assert not committee_bank.committee.members.filter(staff_id="RM01").exists()
