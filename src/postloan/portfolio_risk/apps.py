from django.apps import AppConfig


class PortfolioRiskConfig(AppConfig):
    name = "postloan.portfolio_risk"
    label = "portfolio_risk"
    verbose_name = "组合风险"
