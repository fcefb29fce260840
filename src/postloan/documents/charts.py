"""The quality report's charts drawn on the server (matplotlib, Noto CJK), for paper: SVG for
the PDF (WeasyPrint) and PNG for Word (python-docx). Drawn from `QualityReport.chart_data()` — the
same figures the web page's ECharts read — with the page's colours. No browser needed.

Text in the SVG is drawn as outlines, so the PDF does not depend on the reader's fonts."""

import base64
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from postloan.core import formats

CLASS_COLOURS = {
    "normal": "#52c41a",
    "special_mention": "#1677ff",
    "substandard": "#fa8c16",
    "doubtful": "#f5222d",
    "loss": "#820014",
}
BAR = "#1677ff"
NPL = "#f5222d"
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "DejaVu Sans"]
SVG, PNG = "svg", "png"
SIZE = (6.4, 3.4)  # inches: half an A4 text width each, two per row


@dataclass
class Chart:
    key: str
    title: str
    svg: str = ""
    png: bytes = b""

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _pyplot():
    import matplotlib  # deferred: matplotlib.pyplot takes ~4.0 s to import (python -X importtime)

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": FONTS,
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "postloan",  # the same data draws the same file
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _num(v) -> float:
    """Chart coordinates only: the figures printed on the chart come from the strings."""
    return 0.0 if v in (None, "") else float(Decimal(str(v)))


def _label(v) -> str:
    """A figure printed on a chart, as the tables print it (thousands separators, 2 places)."""
    return formats.yuan(v)


def _thousands(ax) -> None:
    from matplotlib.ticker import FuncFormatter  # deferred with pyplot (~4.0 s)

    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:,.0f}"))


def _render(plt, fig, key: str, title: str, kind: str) -> Chart:
    fig.tight_layout()
    chart = Chart(key, title)
    if kind == SVG:
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        chart.svg = out.getvalue()
    else:
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=200)
        chart.png = out.getvalue()
    plt.close(fig)
    return chart


def _short(label: str, n: int = 8) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _bars(plt, kind, key, title, labels, values, unit):
    fig, ax = plt.subplots(figsize=SIZE)
    xs = range(len(labels))
    bars = ax.bar(xs, [_num(v) for v in values], color=BAR, width=0.55)
    ax.set_xticks(
        list(xs), [_short(str(lbl)) for lbl in labels], rotation=30 if len(labels) > 5 else 0
    )
    ax.set_ylabel(unit)
    ax.bar_label(bars, labels=[_label(v) for v in values], fontsize=7, padding=2)
    ax.margins(y=0.15)
    _thousands(ax)
    ax.set_title(title, fontsize=10)
    return _render(plt, fig, key, title, kind)


def quality_charts(report, kind: str = SVG) -> list[Chart]:
    """五级分类（余额）, 不良率走势, 逾期天数分段（余额）, 前五大行业（余额） — as on the web page;
    `kind` SVG for the PDF, PNG for Word."""
    if not report.has_data:
        return []
    plt = _pyplot()
    d = report.chart_data()
    charts = []

    fig, ax = plt.subplots(figsize=SIZE)
    classes = [c for c in d["classes"] if _num(c["balance"]) > 0] or d["classes"]
    wedges, _ = ax.pie(
        [_num(c["balance"]) or 1e-9 for c in classes],
        colors=[CLASS_COLOURS.get(c["code"], BAR) for c in classes],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38},
    )
    ax.legend(
        wedges,
        [f"{c['name']} {_label(c['balance'])}万元" for c in classes],
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
    )
    ax.set_title("五级分类（余额）", fontsize=10)
    ax.axis("equal")
    charts.append(_render(plt, fig, "classes", "五级分类（余额）", kind))

    fig, ax = plt.subplots(figsize=SIZE)
    t = d["trend"]
    xs = list(range(len(t["dates"])))
    ax2 = ax.twinx()
    ax2.bar(
        xs,
        [_num(v) for v in t["npl"]],
        color="#fa8c16",
        width=0.4,
        label=gettext("不良余额（万元）"),
    )
    ax2.set_ylabel("万元")
    _thousands(ax2)
    ax.plot(
        xs,
        [_num(v) for v in t["ratio"]],
        color=NPL,
        marker="o",
        label=gettext("不良率（%）"),
        zorder=3,
    )
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_ylabel("不良率 %")
    ax.set_ylim(bottom=0, top=max([_num(v) for v in t["ratio"]] + [0.5]) * 1.4)
    ax.set_xticks(xs, [s[5:] if len(xs) > 4 else s for s in t["dates"]])
    for x, v in zip(xs, t["ratio"], strict=True):
        if v is not None:
            ax.annotate(
                f"{v}%",
                (x, _num(v)),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
            )
    lines = ax.get_legend_handles_labels()
    bars = ax2.get_legend_handles_labels()
    ax.legend(
        lines[0] + bars[0],
        lines[1] + bars[1],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
        fontsize=7,
    )
    ax.set_title("不良率走势", fontsize=10)
    charts.append(_render(plt, fig, "npl_trend", "不良率走势", kind))

    b = d["buckets"]
    charts.append(
        _bars(plt, kind, "buckets", "逾期天数分段（余额）", b["labels"], b["balance"], "万元")
    )
    i = d["industries"]
    charts.append(
        _bars(plt, kind, "industries", "前五大行业（余额）", i["labels"], i["balance"], "万元")
    )
    g = d["groups"]
    if g["labels"]:
        charts.append(
            _bars(plt, kind, "groups", "前十大集团客户（余额）", g["labels"], g["balance"], "万元")
        )
    r = d["regions"]
    charts.append(
        _bars(plt, kind, "regions", "地区分布（余额）", r["labels"], r["balance"], "万元")
    )
    return charts
