"""预警阈值影响预览 (issue 18 part 5): the forecast equals what a real screening with the edited
thresholds then produces; the agenda changes are the meeting plan's; only risk roles see it."""

import pytest

from postloan.meetings import whatif as planned
from postloan.meetings.planning import build_plan
from postloan.meetings.rules import reviewing_units
from postloan.org.models import Branch
from postloan.risk import whatif
from postloan.risk.actions import screening
from postloan.risk.actions.signals import update_thresholds
from tests.factories import AS_OF


def _key(r):
    return (r["rule_id"], r["customer_id"], r["loan_id"] or "")


def _screen_capturing(monkeypatch) -> list[set]:
    """run_screening with its engine result's signal keys recorded (the real persist runs)."""
    produced: list[set] = []
    original = screening.persist_result

    def recording(result, as_of, run=None):
        produced.append({_key(r) for r in result.signals.to_pylist()})
        return original(result, as_of, run=run)

    monkeypatch.setattr(screening, "persist_result", recording)
    return produced


def _agenda() -> set[str]:
    """Every customer on the agenda of some unit's meeting on the business date."""
    units = Branch.objects.filter(branch_code__in=set(reviewing_units().values()))
    return {e.customer_id for b in units for e in build_plan(b, AS_OF).customers}


CHANGES = [
    # the DPD levels: L003 (41 days) orange → yellow; no snapshot threshold, the fast path
    ({"dpd_orange_over": 45}, True),
    ({"dpd_orange_over": 20, "dpd_red_over": 40}, True),
    ({"dpd_warning_from": 1}, True),
    ({"debt_ratio_max": "0.30", "current_ratio_min": "3"}, True),
    ({"litigation_red_share_of_net_assets": "0.90"}, True),
    # a window the snapshot loader reads: the slow path, read afresh
    ({"large_outflow_floor_fen": 100_000, "large_outflow_share": "0.01"}, False),
]


@pytest.mark.parametrize(("changed", "fast"), CHANGES)
def test_the_forecast_is_what_a_screening_with_the_new_thresholds_produces(
    bank, monkeypatch, changed, fast
):
    produced = _screen_capturing(monkeypatch)
    screening.run_screening(AS_OF)
    agenda_before = _agenda()

    forecast = planned.preview(changed)

    assert forecast.fast is fast
    assert forecast.keys_before == produced[0]  # nothing changed: the screening's own signals
    update_thresholds(changed, "影响预览测试", bank.users["rm_branch"])
    screening.run_screening(AS_OF)
    assert forecast.keys_after == produced[1]
    assert forecast.after_total == len(produced[1])
    appear, disappear = produced[1] - produced[0], produced[0] - produced[1]
    assert {_key(r) for r in forecast.appear} == appear
    assert {_key(r) for r in forecast.disappear} == disappear
    assert sum(row["appear"] for row in forecast.by_level_family) >= len(appear)
    agenda_after = _agenda()
    assert {c.customer_id for c in forecast.enter} == agenda_after - agenda_before
    assert {c.customer_id for c in forecast.leave} == agenda_before - agenda_after


def test_a_change_that_moves_signals_is_seen_and_reruns_only_its_rules(bank):
    screening.run_screening(AS_OF)
    forecast = planned.preview({"dpd_orange_over": 45})
    assert "EW-DPD" in forecast.rules
    assert "EW-DEBT" not in forecast.rules and "EW-LEVERAGE" not in forecast.rules
    [moved] = [r for r in forecast.level_changes if r["customer_id"] == "C003"]
    assert (moved["before"], moved["level"], moved["loan_id"]) == ("orange", "yellow", "L003")
    rows = {(r["level"], r["family"]): r for r in forecast.by_level_family}
    assert rows[("orange", "还款")]["disappear"] >= 1
    assert rows[("yellow", "还款")]["appear"] >= 1


def test_every_rule_run_again_on_the_kept_copy_gives_the_screenings_signals(bank):
    """The copy holds every table the rules read: all the rules the screening ran, run again
    with the thresholds in force, give exactly the signals it produced."""
    import json

    from postloan.risk.engine.registry import rules
    from postloan.risk.thresholds import current_thresholds

    run = screening.run_screening(AS_OF)
    con = whatif._open_kept(whatif.kept_file(run.pk))
    try:
        meta = json.loads(con.execute("SELECT meta FROM whatif_snap.whatif_meta").fetchone()[0])
        every = [r for r in rules() if r.rule_id in set(meta["rules"])]
        sql = f"SELECT {whatif.SIGNAL_COLUMNS} FROM whatif_snap.eng_signals"
        cached = whatif._signal_rows(con, sql)
        again = whatif._rerun(con, "whatif_snap", AS_OF, current_thresholds(), every)
    finally:
        con.close()
    assert len(every) > 20 and len(cached) > 0
    assert {_key(r): r["level"] for r in again} == {_key(r): r["level"] for r in cached}
    assert len(again) == len(cached)


def test_a_change_no_rule_reads_changes_nothing(bank):
    screening.run_screening(AS_OF)
    forecast = planned.preview({"appraisal_stale_months": 12})  # the value in force
    assert not forecast.appear and not forecast.disappear and not forecast.level_changes


def test_without_a_screening_the_preview_says_so(bank):
    with pytest.raises(whatif.PreviewUnavailable, match="还没有完成的筛查"):
        planned.preview({"dpd_orange_over": 45})


def test_without_the_kept_copy_the_snapshot_is_read_afresh(bank):
    run = screening.run_screening(AS_OF)
    whatif.kept_file(run.pk).unlink()
    forecast = planned.preview({"dpd_orange_over": 45})
    assert not forecast.fast
    assert any(r["customer_id"] == "C003" for r in forecast.level_changes)


def test_only_the_newest_screening_is_kept(bank):
    first = screening.run_screening(AS_OF)
    second = screening.run_screening(AS_OF)
    planned.preview({"dpd_orange_over": 45})  # the older copy goes once a newer run succeeded
    assert whatif.kept_file(first.pk) is None
    assert whatif.kept_file(second.pk) is not None


def test_a_failed_screening_leaves_the_last_good_copy(bank, monkeypatch):
    good = screening.run_screening(AS_OF)

    def broken(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(screening, "persist_result", broken)
    with pytest.raises(RuntimeError):
        screening.run_screening(AS_OF)
    assert whatif.kept_file(good.pk) is not None
    assert planned.preview({"dpd_orange_over": 45}).fast


def test_the_thresholds_the_snapshot_loader_reads_are_found_in_its_source():
    fields = whatif.snapshot_fields()
    assert {"large_outflow_floor_fen", "fund_use_lookback_days"} <= fields
    assert "debt_ratio_max" not in fields and "dpd_orange_over" not in fields


def _form(client):
    page = client.get("/risk/thresholds/").content.decode()
    return {
        line.split('name="')[1].split('"')[0]: line.split('value="')[1].split('"')[0]
        for line in page.split("<input")
        if 'name="' in line and 'value="' in line and "csrf" not in line
    }


def test_the_page_previews_for_risk_roles_only_and_saves_nothing(bank, login):
    from postloan.risk.models import ThresholdVersion

    screening.run_screening(AS_OF)
    client = login(bank.users["rm_branch"])
    form = {**_form(client), "dpd_orange_over": "45"}
    page = client.post("/risk/thresholds/preview/", form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "影响预览（尚未保存）" in text and "改变级别 1 条" in text
    assert "杭州" in text or "L003" in text
    assert ThresholdVersion.objects.count() == 0  # nothing saved, no reason asked
    assert 'value="45"' in text  # what was typed is kept for the save
    assert client.get("/risk/thresholds/preview/").status_code == 302
    for persona in ("am_zhang", "chair"):
        other = login(bank.users[persona])
        assert other.post("/risk/thresholds/preview/", form).status_code == 403


def test_a_bad_value_is_named_next_to_its_field(bank, login):
    screening.run_screening(AS_OF)
    client = login(bank.users["rm_branch"])
    page = client.post("/risk/thresholds/preview/", {**_form(client), "dpd_orange_over": "三十"})
    assert page.status_code == 400
    assert "请输入整数" in page.content.decode()


def test_the_bench_s_what_if_phase_is_the_slowest_edit_answered_from_the_kept_copy(bank):
    from postloan.ops.bench import bench_hook

    screening.run_screening(AS_OF)
    figures = bench_hook("whatif")(None, AS_OF)
    kept = [p for p in figures["previews"] if p["fast"]]
    assert kept and figures["seconds"] == max(p["seconds"] for p in kept)
    assert any(not p["fast"] for p in figures["previews"])  # the snapshot window, listed beside
