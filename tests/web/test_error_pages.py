"""403, 404 and 500 in the app frame, in Chinese, with a way back; Django's own messages in
Chinese whatever language the browser asks for."""

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "The requested resource")


def _frame(html: str) -> None:
    assert 'class="pl-nav"' in html  # the left navigation
    assert "业务日期" in html  # the top bar
    assert 'href="/"' in html and "返回工作台" in html
    assert not any(text in html for text in ENGLISH)


def test_it_answers_404_in_the_frame(bank, login):
    response = login(bank.users["am_zhang"]).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    _frame(html)
    assert "页面不存在" in html and "张伟" in html


def test_it_answers_404_for_a_record_out_of_reach(bank, login):
    response = login(bank.users["am_zhang"]).get("/customers/C003/")  # 王芳's customer
    assert response.status_code == 404
    _frame(response.content.decode())


def test_it_answers_404_to_a_visitor_with_the_way_to_log_in(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "前往登录" in html
    assert not any(text in html for text in ENGLISH)


def test_it_answers_403_in_the_frame_with_the_reason(bank, login):
    response = login(bank.users["am_zhang"]).post("/risk/thresholds/", {"reason": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _frame(html)
    assert "没有权限" in html and "只有风险管理部门可以修改预警阈值" in html


@pytest.mark.urls("tests.web.error_urls")
def test_it_answers_500_in_the_frame(bank):
    client = Client(raise_request_exception=False)
    client.force_login(bank.users["am_zhang"])
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _frame(html)
    assert "系统出错" in html and "a bug" not in html and "RuntimeError" not in html


@pytest.mark.urls("tests.web.error_urls")
def test_it_answers_a_plain_500_when_the_frame_cannot_be_drawn(bank, monkeypatch):
    from postloan.web.views import errors

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors, "render", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出错" in html and "返回工作台" in html and "database gone" not in html


def test_django_messages_are_chinese_whatever_the_browser_asks(bank, login):
    with translation.override("zh-hans"):
        expected = translation.gettext("This field is required.")
    assert expected != "This field is required."  # Django ships the zh_Hans catalogue
    client = login(bank.users["rm_branch"])
    response = client.post("/risk/thresholds/", {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert expected in html and "This field is required." not in html
    assert '<html lang="zh-hans">' in html


def test_the_project_catalogue_is_compiled():
    from pathlib import Path

    import postloan

    mo = Path(postloan.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists()
    with translation.override("zh-hans"):
        assert translation.gettext("返回工作台") == "返回工作台"


# ---- the CSRF failure page, 400 and 405: no Django default page is left --------------------

DJANGO_DEFAULTS = ("CSRF verification failed", "Forbidden", "Bad Request", "Method Not Allowed")


def test_a_refused_csrf_check_answers_in_the_frame_and_saves_nothing(bank):
    from postloan.risk.models import ThresholdVersion

    client = Client(enforce_csrf_checks=True)
    client.force_login(bank.users["rm_branch"])
    before = list(ThresholdVersion.objects.values())
    response = client.post("/risk/thresholds/", {"reason": "没有令牌的提交"})
    assert response.status_code == 403
    html = response.content.decode()
    _frame(html)
    assert "安全校验未通过，本次提交未被处理" in html and "没有保存任何内容" in html
    assert 'href="/risk/thresholds/"' in html and "重新打开此页面" in html
    assert not any(text in html for text in DJANGO_DEFAULTS)
    assert list(ThresholdVersion.objects.values()) == before


def test_a_refused_csrf_check_at_login_shows_the_way_to_log_in(bank):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "am_zhang", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "安全校验未通过" in html and "前往登录" in html and 'href="/login/"' in html
    assert not any(text in html for text in DJANGO_DEFAULTS)
    assert "_auth_user_id" not in client.session


@pytest.mark.urls("tests.web.error_urls")
def test_it_answers_400_in_the_frame(bank, login):
    response = login(bank.users["am_zhang"]).get("/suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    _frame(html)
    assert "请求无法处理" in html and "a forged field" not in html
    assert not any(text in html for text in DJANGO_DEFAULTS)


def test_it_answers_405_in_the_frame_with_allow_kept(bank, login):
    response = login(bank.users["am_zhang"]).get("/logout/")  # logging out is a POST
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    html = response.content.decode()
    _frame(html)
    assert "不能这样打开此页面" in html


def test_the_api_keeps_its_own_405(bank, login):
    response = login(bank.users["am_zhang"]).delete("/api/customers")
    assert "不能这样打开此页面" not in response.content.decode()
