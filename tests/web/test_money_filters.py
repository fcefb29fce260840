from decimal import Decimal

from postloan.web.templatetags.money import percent, rate, ratio, wanyuan, yuan


def test_it_writes_yuan_with_thousands_separators_and_two_decimals():
    assert yuan(Decimal("1234567.8")) == "1,234,567.80"
    assert yuan(Decimal("0")) == "0.00"
    assert yuan(Decimal("-1500.005")) == "-1,500.01"
    assert yuan(None) == "—"


def test_it_writes_wanyuan_rounded_half_up():
    assert wanyuan(Decimal("1234567.80")) == "123.46"
    assert wanyuan(Decimal("123450000")) == "12,345.00"
    assert wanyuan(Decimal("50")) == "0.01"
    assert wanyuan(None) == "—"


def test_it_writes_ratios_and_rates():
    assert percent(Decimal("0.65")) == "65.0%"
    assert ratio(Decimal("1.5")) == "1.50"
    assert rate(Decimal("0.0435")) == "4.3500%"
    assert percent(None) == "—"
