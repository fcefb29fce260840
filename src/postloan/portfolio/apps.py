from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "postloan.portfolio"
    label = "portfolio"
    verbose_name = "资产组合"
