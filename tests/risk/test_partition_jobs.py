"""The partitioned screening as queued jobs (`postloan screen --partitions N`): one job per unit
subtree and a coordinator that waits, merges and runs the day — the S demo bank in 2 partitions
persists exactly what one run does (a single run of the same date afterwards writes nothing);
and the read-replica check refuses a replica behind the primary's last import batch (a second
alias on the same database: real replication cannot run here)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from postloan.day.jobs import submit_partitioned_screening
from postloan.demo.generate import generate_bank
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ops.models import JobProgress
from postloan.risk import replica
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import CustomerRiskView, LoanAssessment, ScreeningRun, Signal

AS_OF = dt.date(2026, 10, 31)


def stored() -> dict:
    return {
        "assessments": sorted(
            LoanAssessment.objects.filter(as_of=AS_OF).values_list(
                "loan_id", "suggested_class", "dpd", "content_hash"
            )
        ),
        "views": sorted(
            CustomerRiskView.objects.filter(as_of=AS_OF).values_list(
                "customer_id", "rank", "content_hash"
            )
        ),
        "signals": sorted(
            Signal.objects.values_list("rule_id", "customer_id", "loan_key", "level", "summary")
        ),
    }


@pytest.mark.django_db
def test_two_queued_partitions_and_their_coordinator_persist_what_one_run_does(tmp_path, settings):
    settings.POSTLOAN_SCREEN_AFTER_IMPORT = False
    generate_bank("S", 1, tmp_path, AS_OF)
    assert run_import(tmp_path, as_of=AS_OF).ok

    coordinator = submit_partitioned_screening(AS_OF, 2)  # the immediate backend: runs here
    coordinator.refresh_from_db()
    assert coordinator.status == JobProgress.Status.SUCCEEDED, coordinator.message
    workers = JobProgress.objects.filter(pk__in=coordinator.params["worker_jobs"])
    assert [w.status for w in workers] == [JobProgress.Status.SUCCEEDED] * 2
    assert {s.step for s in coordinator.day_steps.all()} >= {"screening", "worklist"}
    partitioned = stored()
    assert len(partitioned["assessments"]) > 1000 and partitioned["signals"]
    assert ScreeningRun.objects.filter(as_of=AS_OF).count() == 1

    one = run_screening(AS_OF)  # one run of the same date: nothing differs, nothing written
    assert one.counts["rows_written"] == 0 and one.counts["views_written"] == 0
    assert one.counts["signals_new"] == 0 and one.counts["signals_updated"] == 0
    assert stored() == partitioned


@pytest.mark.django_db
def test_a_failed_partition_fails_the_coordinator_and_persists_nothing(tmp_path, settings):
    settings.POSTLOAN_READ_REPLICA = "no_such_alias"  # every partition refuses to read
    coordinator = submit_partitioned_screening(AS_OF, 2)
    coordinator.refresh_from_db()
    assert coordinator.status == JobProgress.Status.FAILED
    assert "分区筛查未完成" in coordinator.message
    assert not ScreeningRun.objects.exists() and not LoanAssessment.objects.exists()


@pytest.fixture(scope="module", autouse=True)
def second_alias(django_db_setup, django_db_blocker):
    """A second database alias on the test database, as a read replica would be (added before
    any test of the module is set up, so a test can name it among its databases)."""
    connections.databases["replica"] = dict(connections["default"].settings_dict)
    yield "replica"
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections.databases["replica"]


def batch() -> ImportBatch:
    return ImportBatch.objects.create(
        started_at=timezone.now(), outcome=ImportBatch.Outcome.SUCCEEDED
    )


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_replica_behind_the_primarys_last_batch_is_refused_in_chinese(second_alias):
    batch()
    assert replica.read_connection(second_alias) is connections[second_alias]  # in step
    with transaction.atomic():  # the primary has a batch the replica has not replayed yet
        newer = batch()
        with pytest.raises(replica.ReplicaBehind) as refused:
            replica.read_connection(second_alias)
    assert f"#{newer.pk}" in refused.value.message and "落后于主库" in refused.value.message
    assert replica.read_connection("") is connections["default"]  # no replica: the primary


@pytest.mark.django_db
def test_the_command_queues_the_partitions_under_the_database_backend(settings, capsys):
    settings.TASKS = {**settings.TASKS, "default": settings.TASKS["db"]}
    call_command("screen", "--as-of", AS_OF.isoformat(), "--partitions", "2")
    assert "已排队" in capsys.readouterr().out
    jobs = JobProgress.objects.order_by("pk")
    assert [j.status for j in jobs] == [JobProgress.Status.QUEUED] * 3
    assert [j.kind for j in jobs] == ["screening", "screening", "business_day"]
