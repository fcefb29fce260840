"""The retail batch review (批量审议) of a quarterly meeting carries the 个贷批量监管 figures:
on the meeting's page beside the batch form and in the meeting pack."""

import datetime as dt

from django.urls import reverse

from postloan.documents.models import PackJob
from postloan.documents.pack import pack_context
from tests.portfolio_risk.test_retail import make_cohorts


def test_the_quarterly_meetings_retail_batch_shows_vintages_and_roll_rates(
    committee_bank,
    run,
    login,
):
    bank = committee_bank
    make_cohorts(bank)
    run.set_date(dt.date(2026, 12, 1))
    meeting, items = run.held_meeting(bank, date=dt.date(2026, 12, 16))
    assert items["C002"].batch is True
    page = login(bank.users["rm_branch"]).get(reverse("meetings:detail", args=[meeting.pk]))
    text = page.content.decode()
    review = text[text.index('id="retail-batch-review"') :]
    assert "个贷批量监管（账龄分析与迁徙率）" in review and "个人消费贷款" in review
    assert "M0→M1" in review
    job = PackJob.objects.create(meeting=meeting, requested_by=bank.users["rm_branch"])
    context = pack_context(job)
    (section,) = context["retail_sections"]
    rows = {r[0]: r for r in section["tables"][0]["rows"]}
    assert rows["个人消费贷款"][1] == 13  # the twelve cohort loans and 李娜's L002
