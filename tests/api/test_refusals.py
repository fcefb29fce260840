"""The API answers every action's refusal (a `DomainError`) with one handler: 409, the Chinese
message and the field it concerns."""

from postloan.risk.models import Signal


def _issued(bank):
    signal = Signal.objects.filter(customer__manager__staff_id="AM02", status="issued").first()
    assert signal is not None
    return signal


def test_the_api_answers_a_refusal_with_its_message_and_field(screened_bank, api_client):
    signal = _issued(screened_bank)
    am = api_client(screened_bank.users["am_wang"])
    r = am.post(
        f"/api/signals/{signal.pk}/transitions",
        {"action": "start_handling", "owner_staff_id": "NOBODY", "measures": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json() == {"detail": "责任人不存在", "field": "owner_staff_id"}
