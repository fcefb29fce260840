"""A row of a copied table saved or deleted through the ORM (a maintenance page in the admin,
the shell) rather than by the importer: the copy no longer matches the database. The latest
generation is marked stale in the same transaction, so the next screening rebuilds the copy.
(The importer writes these tables with SQL and records its own generation; a raw SQL write
outside both is not seen — run `postloan analytics rebuild` after one.)"""


def COPIED_MODELS():  # noqa: N802 - a constant computed once the apps are loaded
    from postloan.portfolio.models import AccountBalance, RepaymentInstalment, Transaction

    return (Transaction, RepaymentInstalment, AccountBalance)


def copied_row_changed(sender, **kwargs) -> None:
    from postloan.analytics.models import Generation

    Generation.objects.filter(stale=False).update(stale=True)
