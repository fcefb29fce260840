"""The month-end capture writes what the screening of that date persisted."""

import duckdb

from postloan.forecast import capture, history
from postloan.risk.choices import CLASS_ORDER
from postloan.risk.models import CustomerRiskView
from tests.factories import AS_OF


def test_capture_writes_the_screenings_figures(screened_bank, store):
    n = capture.capture_month(AS_OF)
    views = {v.customer_id: v for v in CustomerRiskView.objects.filter(as_of=AS_OF)}
    assert n == len(views) > 0
    rows = duckdb.sql(
        f"SELECT customer_id, max_dpd, class_ord, exposure_fen, rule_score, n_red + n_orange"
        f" + n_yellow FROM '{history.month_path(AS_OF).as_posix()}'"
    ).fetchall()
    for cid, dpd, cls, exposure, score, signals in rows:
        v = views[cid]
        assert dpd == v.max_dpd and cls == CLASS_ORDER[v.worst_class]
        assert exposure == int(v.exposure * 100) and abs(score - float(v.score)) < 1e-9
        assert signals == sum(v.counts.get("levels", {}).values())
    assert history.months() == [AS_OF]
    # a month is replaced whole, not appended
    assert capture.capture_month(AS_OF) == n and history.months() == [AS_OF]
