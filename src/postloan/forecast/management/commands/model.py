"""`postloan model fit|score|capture|history-load|status`: the default-probability model."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import current_business_date
from postloan.forecast import capture, history
from postloan.forecast.fit import NotEnoughHistory, fit_and_backtest
from postloan.forecast.jobs import fit_model_job
from postloan.forecast.models import ModelVersion
from postloan.forecast.scoring import score_latest
from postloan.ops.jobs import submit
from postloan.ops.models import JobProgress

NAMES = {"lr": "逻辑回归", "hgb": "梯度提升树", "rule": "规则风险分"}


class Command(BaseCommand):
    help = (
        "违约概率模型：fit 拟合并回测（--background 作为后台任务）；score 评分；"
        "capture 记录月末特征；history-load 载入历史月末数据；status 查看"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["fit", "score", "capture", "history-load", "status"])
        parser.add_argument("path", nargs="?", help="history-load：历史文件（Parquet）")
        parser.add_argument("--date", help="capture：月末日期，默认当前业务日期")
        parser.add_argument("--background", action="store_true", help="fit：提交为后台任务")
        parser.add_argument("--no-signals", action="store_true", help="score：不发布 EW-MODEL")

    def handle(self, *args, action, **options):
        if action == "history-load":
            if not options["path"]:
                raise CommandError("请给出历史文件路径")
            n = history.load_backfill(options["path"])
            self.stdout.write(self.style.SUCCESS(f"已载入历史月末数据 {n:,} 行"))
        elif action == "capture":
            as_of = dt.date.fromisoformat(options["date"]) if options["date"] else None
            as_of = as_of or current_business_date()
            try:
                n = capture.capture_month(as_of)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"已记录 {as_of:%Y-%m-%d} 月末特征 {n:,} 行"))
        elif action == "fit":
            if options["background"]:
                job = submit(JobProgress.Kind.MODEL_FIT, fit_model_job, label="违约概率模型拟合")
                self.stdout.write(f"已提交后台任务 #{job.pk}（/ops/jobs/{job.pk}/）")
                return
            started = time.perf_counter()
            try:
                version = fit_and_backtest()
            except NotEnoughHistory as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self._describe(version))
            scored = score_latest(version)
            self.stdout.write(
                f"拟合 {version.fit_seconds} 秒；评分 {scored['customers']:,} 户 "
                f"{scored['seconds']} 秒；EW-MODEL {scored['signals']}；"
                f"合计 {time.perf_counter() - started:.1f} 秒"
            )
        elif action == "score":
            try:
                scored = score_latest(raise_signals=not options["no_signals"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"评分 {scored['customers']:,} 户，{scored['seconds']} 秒；{scored['signals']}"
            )
        else:
            version = ModelVersion.objects.first()
            months = history.months()
            self.stdout.write(
                f"月末历史：{len(months)} 个月"
                + (f"（{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}）" if months else "")
            )
            self.stdout.write(self._describe(version) if version else "尚未拟合模型")

    def _describe(self, v: ModelVersion) -> str:
        lines = [
            f"模型 v{v.pk}：训练 {v.train_start:%Y-%m}–{v.train_end:%Y-%m}，"
            f"回测 {v.backtest_as_of:%Y-%m} → {v.horizon:%Y-%m}（{v.rows_test:,} 户）"
        ]
        for key in ("lr", "hgb", "rule"):
            m = v.metrics.get(key, {})
            if "auc" in m:
                lines.append(
                    f"  {NAMES[key]}：AUC {m['auc']:.3f} KS {m['ks']:.3f} Brier {m['brier']:.4f} "
                    f"前5% {m['capture_5']:.0%} 前10% {m['capture_10']:.0%}"
                )
        lines.append(f"  {v.chosen_reason}")
        return "\n".join(lines)
