"""模型说明: the model page (backtest vs the rule score, calibration, monitoring, versions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Abs
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from postloan.forecast import history, scoring
from postloan.forecast.fit import label_of
from postloan.forecast.jobs import fit_model_job
from postloan.forecast.models import CustomerScore, ModelVersion
from postloan.ops import jobs
from postloan.ops.models import JobProgress
from postloan.portfolio.models import Customer
from postloan.portfolio.visibility import visible_customers
from postloan.risk.access import is_risk_department

NAMES = {
    "lr": gettext_lazy("逻辑回归（L2 正则）"),
    "hgb": gettext_lazy("梯度提升树"),
    "rule": gettext_lazy("规则风险分（现行）"),
}
METRICS = (
    ("auc", "AUC", "{:.3f}"),
    ("ks", "KS", "{:.3f}"),
    ("brier", "Brier", "{:.4f}"),
    ("capture_5", "前5%捕获率", "{:.1%}"),
    ("capture_10", "前10%捕获率", "{:.1%}"),
)


def _rows(version: ModelVersion) -> list[dict]:
    rows = []
    for key in ("lr", "hgb", "rule"):
        m = version.metrics.get(key, {})
        rows.append(
            {
                "key": key,
                "name": str(NAMES[key]),
                "chosen": key == version.chosen,
                "values": [fmt.format(m[k]) if k in m else "—" for k, _, fmt in METRICS],
            }
        )
    return rows


def _rank_changes(version: ModelVersion, user, n: int = 10) -> list[dict]:
    """The customers whose model rank differs most from their rule-score rank."""
    scores = list(
        CustomerScore.objects.filter(
            version=version,
            as_of=version.horizon,
            customer_code__in=visible_customers(user).values("customer_id"),
        )
        .annotate(gap=Abs(F("rule_rank") - F("model_rank")))
        .order_by("-gap", "model_rank")[:n]
    )
    names = dict(
        Customer.objects.filter(customer_id__in=[s.customer_code for s in scores[:n]]).values_list(
            "customer_id", "name"
        )
    )
    return [
        {
            "score": s,
            "name": names.get(s.customer_code, s.customer_code),
            "change": s.rule_rank - s.model_rank,
        }
        for s in scores[:n]
    ]


@login_required
def model_page(request):
    version = ModelVersion.objects.filter(status=ModelVersion.Status.FITTED).first()
    context = {
        "version": version,
        "versions": ModelVersion.objects.all()[:10],
        "months": history.months(),
        "metric_names": [label for _, label, _ in METRICS],
        "can_fit": is_risk_department(request.user),
        "threshold": scoring.signal_threshold(),
    }
    if version is not None:
        coef = version.metrics.get("coefficients", {})
        context.update(
            rows=_rows(version),
            coefficients=sorted(
                ({"name": label_of(k), "value": v} for k, v in coef.items()),
                key=lambda c: -abs(c["value"]),
            ),
            bands=version.metrics.get(version.chosen if version.chosen != "rule" else "lr", {}).get(
                "bands", []
            ),
            monitoring=version.metrics.get("monitoring") or {},
            rank_changes=_rank_changes(version, request.user),
            chart_data={
                "series": [
                    {
                        "name": str(NAMES[k]),
                        "points": version.metrics.get(k, {}).get("calibration", []),
                    }
                    for k in ("lr", "hgb", "rule")
                ]
            },
        )
    return render(request, "forecast/model.html", context)


@login_required
@require_POST
def fit(request):
    if not is_risk_department(request.user):
        raise PermissionDenied(gettext("只有风险管理部门可以重新拟合模型"))
    if len(history.months()) < 37:
        messages.error(request, gettext("月末历史不足 37 个月，无法回测与拟合"))
        return redirect("forecast:model")
    job = jobs.submit(
        JobProgress.Kind.MODEL_FIT,
        fit_model_job,
        request.user,
        label=gettext("违约概率模型拟合"),
        user_id=request.user.pk,
    )
    messages.success(request, gettext("已提交模型拟合任务 #%(pk)s") % {"pk": job.pk})
    return redirect("ops:job", pk=job.pk)
