import json

from django.db import connection

from tests.factories import AS_OF


def test_it_reports_health_as_json_without_login(client, bank):
    r = client.get("/health/")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["business_date"] == AS_OF.isoformat()
    assert body["jobs"] == {"queued": 0, "running": 0}
    text = json.dumps(body)
    assert "SECRET" not in text.upper() and connection.settings_dict["NAME"] not in text


def test_it_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("postgres://user:pw@host/db unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        r = client.get("/health/")
    assert r.status_code == 503
    assert r.json()["database"] == "unreachable" and "pw" not in r.content.decode()
