import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client, bank):
    for url in ["/", "/customers/", "/customers/C001/", "/loans/L001/", "/risk/signals/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_logs_in_through_the_chinese_login_form_and_out_again(client, bank):
    page = client.get("/login/").content.decode()
    assert "贷后通" in page and "用户名" in page and "密码" in page
    response = client.post("/login/", {"username": "am_zhang", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_it_says_when_the_password_is_wrong(client, bank):
    page = client.post("/login/", {"username": "am_zhang", "password": "nope"}).content.decode()
    assert "用户名或密码不正确" in page


def test_it_shows_unit_business_date_user_and_navigation(bank, login):
    html = login(bank.users["am_zhang"]).get("/").content.decode()
    assert "西湖支行" in html
    assert "2026-10-31" in html
    assert "张伟" in html and "客户经理" in html
    for label in ["工作台", "客户", "预警", "检查", "分类", "例会", "督办", "报表", "数据导入"]:
        assert f"</i>{label}</" in html
    assert "系统管理" not in html  # not an admin
    assert "后台作业" not in html and "审计记录" not in html  # neither risk staff nor auditor
    assert 'action="/logout/"' in html and 'method="post"' in html


def test_it_shows_the_admin_link_to_admins(bank, login):
    html = login(bank.users["admin"]).get("/").content.decode()
    assert 'href="/admin/"' in html and "系统管理" in html


def test_it_shows_background_jobs_to_risk_staff(bank, login):
    html = login(bank.users["rm_branch"]).get("/").content.decode()
    assert 'href="/ops/jobs/"' in html and "后台作业" in html
    assert login(bank.users["rm_branch"]).get("/ops/jobs/").status_code == 200


def test_it_lights_up_the_navigation_item_of_the_page(bank, login):
    html = login(bank.users["am_wang"]).get("/customers/C003/").content.decode()
    active = html.split('class="active"', 1)[1].split("</a>", 1)[0]
    assert "客户" in active
    assert html.count('class="active"') == 1


def test_it_counts_the_visible_portfolio_on_the_dashboard(bank, login):
    html = login(bank.users["am_wang"]).get("/").content.decode()
    stats = html.split('class="stat-grid"', 1)[1].split("</div>", 1)[0]
    assert '<span class="stat-value">1</span>' in stats  # one customer, one loan
    assert "300.00" in stats  # 3,000,000 yuan = 300.00 万元
    assert "逾期借据" in stats
    html = login(bank.users["rm_branch"]).get("/").content.decode()
    assert "715.00" in html  # 4,000,000 + 150,000 + 3,000,000


def test_it_explains_an_empty_dashboard(db, login):
    from django.contrib.auth.models import User

    user = User.objects.create_user("nobody", password=PASSWORD)
    html = login(user).get("/").content.decode()
    assert "尚未导入数据" in html
