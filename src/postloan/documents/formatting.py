"""How figures read on paper: 元/万元 with separators, percentages, dates — and the quality report
laid out as titled sections of text lines and tables of strings, shared by the HTML page, the
Word file and the PDF so the three always show the same figures. Formats, never computes; the
figures themselves are written by the one formatter, `postloan.core.formats`."""

import datetime as dt

from postloan.core.formats import EMPTY, day, pct, wan, yuan  # noqa: F401 - the one formatter
from postloan.core.tables import DATE, INT, MONEY, MONTH, PERCENT
from postloan.reports.quality import SEGMENT_TITLES
from postloan.risk.queries import CLASSES


def _stock_rows(rows):
    return [
        [r.label, r.count, wan(r.balance), pct(r.share), wan(r.npl_balance), pct(r.npl_ratio)]
        for r in rows
    ]


STOCK_HEADERS = ["项目", "笔数", "余额（万元）", "占比", "不良余额（万元）", "不良率"]


def _ratio(v) -> str:
    return pct(v) if v is not None else EMPTY


def _concentration_lines(c) -> list[str]:
    if c is None:
        return []
    if not c.capital_set:
        head = "未设定资本净额：单一客户、单一集团客户、最大十家客户集中度未计算（在“组合限额”中设定）。"
    else:
        g = c.largest_group
        head = (
            f"资本净额{wan(c.limits.net_capital)}万元。单一客户贷款集中度"
            f"{_ratio(c.largest_customer and c.largest_customer.of_capital)}，"
            f"单一集团客户授信集中度{_ratio(g and g.of_capital)}"
            f"{f'（{g.label}）' if g else ''}，"
            f"最大十家客户贷款集中度{_ratio(c.top10_of_capital)}。"
        )
    breached = [i["label"] for i in c.indicators() if i["breached"]]
    tail = f"超限指标：{'、'.join(breached)}。" if breached else "各项集中度指标均未超限。"
    return [
        head,
        f"行业集中度赫芬达尔指数 {c.industry_hhi if c.industry_hhi is not None else EMPTY}，"
        f"地区集中度赫芬达尔指数 {c.region_hhi if c.region_hhi is not None else EMPTY}。{tail}",
    ]


def _concentration_tables(c) -> list[dict]:
    if c is None:
        return []
    indicators = [
        [
            i["label"],
            "未设定资本净额" if i["value"] is None and i["needs_capital"] else _ratio(i["value"]),
            _ratio(i["limit"]),
            "—" if i["breached"] is None else ("超限" if i["breached"] else "未超限"),
        ]
        for i in c.indicators()
    ]
    return [
        {
            "caption": "表10-1 集中度指标与限额",
            "headers": ["指标", "数值", "限额", "状态"],
            "rows": indicators,
        },
        {
            "caption": "表10-2 前十大集团客户（含成员）",
            "headers": [
                "集团",
                "成员户数",
                "余额（万元）",
                "占贷款余额",
                "占资本净额",
                "不良余额（万元）",
            ],
            "rows": [
                [
                    g.label,
                    g.members,
                    wan(g.balance),
                    pct(g.share),
                    _ratio(g.of_capital),
                    wan(g.npl_balance),
                ]
                for g in c.groups[:10]
            ],
        },
        {
            "caption": "表10-3 地区分布",
            "headers": ["地区", "户数", "余额（万元）", "占比"],
            "rows": [[r.label, r.members, wan(r.balance), pct(r.share)] for r in c.regions[:10]],
        },
    ]


def retail_section(review) -> dict:
    """The meeting's 零售客户批量审议 material: roll rates and vintages by product."""
    worse = [(line.label, b) for line in review.lines for b in line.worse]
    lines = [
        f"截至{day(review.as_of)}，本机构个人贷款{review.loans}笔（近36个月在账）。"
        "迁徙率为上月末至本月末借据笔数占比；账龄分析按发放季度分批次、金额口径。"
    ]
    if worse:
        lines.append(
            "账龄曲线劣于此前批次的："
            + "；".join(
                f"{label}{b.cohort}批次账龄{b.mob}个月逾期30天以上占比{pct(b.rate)}"
                f"（此前批次平均{pct(b.baseline)}）"
                for label, b in worse
            )
            + "。"
        )
    else:
        lines.append("各产品最新批次的账龄曲线均未劣于此前批次。")
    return {
        "key": "retail_batch",
        "title": "个贷批量监管（账龄分析与迁徙率）",
        "lines": lines,
        "tables": [
            {
                "caption": "表 个贷迁徙率与账龄（按产品）",
                "headers": ["产品", "借据笔数", "迁徙月份", "M0→M1", "M1→M2", "M2→M3+", "劣化批次"],
                "rows": [
                    [
                        line.label,
                        line.loans,
                        f"{line.month:%Y-%m}" if line.month else EMPTY,
                        pct(line.m0_m1),
                        pct(line.m1_m2),
                        pct(line.m2_m3),
                        "、".join(b.cohort for b in line.worse) or "无",
                    ]
                    for line in review.lines
                ],
            }
        ],
    }


def quality_sections(report) -> list[dict]:
    """The report as sections: {"key", "title", "lines": [...], "tables": [{caption, headers,
    rows}]}. Numbering follows the order a risk department presents it."""
    t = report.total
    if not report.has_data:
        return [
            {
                "key": "empty",
                "title": "一、数据情况",
                "lines": [
                    f"截至{day(report.as_of)}，本机构范围内无风险筛查结果（loan_assessments），"
                    "无法计算资产质量指标。请先导入数据并运行风险筛查。"
                ],
            }
        ]
    sections = []
    sections.append(
        {
            "key": "overview",
            "title": "一、总体情况",
            "lines": [
                f"截至{day(report.screened_on)}，{report.scope.branch.name}"
                f"（含辖属机构）贷款客户{t.customers}户、借据{t.count}笔，余额{wan(t.balance)}万元；"
                f"不良贷款余额{wan(t.npl_balance)}万元，不良率{pct(t.npl_ratio)}。"
            ],
            "tables": [
                {
                    "caption": "表1 五级分类情况",
                    "headers": ["五级分类", "户数", "笔数", "余额（万元）", "占比"],
                    "rows": [
                        [r.label, r.customers, r.count, wan(r.balance), pct(r.share)]
                        for r in report.by_class
                    ]
                    + [["合计", t.customers, t.count, wan(t.balance), "100.00%"]],
                }
            ],
        }
    )
    seg_tables = []
    for i, (name, rows) in enumerate(report.segments.items(), start=2):
        seg_tables.append(
            {
                "caption": f"表{i} 按{SEGMENT_TITLES[name]}",
                "headers": STOCK_HEADERS,
                "rows": _stock_rows(rows)
                + [
                    [
                        "合计",
                        t.count,
                        wan(t.balance),
                        "100.00%",
                        wan(t.npl_balance),
                        pct(t.npl_ratio),
                    ]
                ],
            }
        )
    sections.append({"key": "segments", "title": "二、结构分布", "tables": seg_tables})
    sections.append(
        {
            "key": "trend",
            "title": "三、不良率走势",
            "tables": [
                {
                    "caption": "表6 各筛查日不良贷款情况",
                    "headers": ["筛查日", "贷款余额（万元）", "不良余额（万元）", "不良率"],
                    "rows": [
                        [day(p["as_of"]), wan(p["total"]), wan(p["npl"]), pct(p["ratio"])]
                        for p in report.trend
                    ],
                }
            ],
        }
    )
    m = report.migration
    if m is not None:
        labels = [r.label for r in report.by_class]
        mig_rows = []
        for row in m.rows():
            mig_rows.append(
                [labels[CLASSES.index(row["cls"])]]
                + [str(c) for c, _ in row["cells"]]
                + [str(row["count"]), wan(row["balance"]), str(row["exited"])]
            )
        mig = {
            "key": "migration",
            "title": "四、五级分类迁徙",
            "lines": [
                f"期初{day(m.from_date)}（{report.since_reason}）至期末{day(m.to_date)}，"
                f"两日均在册借据{m.total_loans}笔，期初余额{wan(m.total_balance)}万元；"
                f"新增借据{sum(m.entered.values())}笔，退出（结清/核销）{sum(m.exited.values())}笔。"
            ],
            "tables": [
                {
                    "caption": "表7 迁徙矩阵（笔数；行：期初分类，列：期末分类）",
                    "headers": ["期初＼期末", *labels, "合计", "期初余额（万元）", "退出笔数"],
                    "rows": mig_rows,
                }
            ],
        }
    else:
        mig = {
            "key": "migration",
            "title": "四、五级分类迁徙",
            "lines": [f"无比较日期：{report.since_reason}。"],
        }
    sections.append(mig)
    sections.append(
        {
            "key": "overdue",
            "title": "五、逾期情况",
            "tables": [
                {
                    "caption": "表8 逾期天数分段",
                    "headers": ["逾期天数", "笔数", "余额（万元）", "占比"],
                    "rows": [
                        [b.label, b.count, wan(b.balance), pct(b.share)] for b in report.buckets
                    ]
                    + [["合计", t.count, wan(t.balance), "100.00%"]],
                }
            ],
        }
    )
    sections.append(
        {
            "key": "concentration",
            "title": "六、集中度",
            "tables": [
                {
                    "caption": "表9 前十大客户",
                    "headers": ["客户", "笔数", "余额（万元）", "占比", "不良余额（万元）"],
                    "rows": [
                        [r.label, r.count, wan(r.balance), pct(r.share), wan(r.npl_balance)]
                        for r in report.top_customers
                    ],
                },
                {
                    "caption": "表10 前五大行业",
                    "headers": STOCK_HEADERS,
                    "rows": _stock_rows(report.top_industries),
                },
                *_concentration_tables(report.concentration),
            ],
            "lines": _concentration_lines(report.concentration),
        }
    )
    levels = ["黄色", "橙色", "红色"]
    sections.append(
        {
            "key": "signals",
            "title": "七、风险预警",
            "lines": [
                f"统计期间新发预警信号{report.signals_new_total}个，"
                f"截至{day(report.as_of)}未消除预警信号{report.signals_open_total}个。"
            ],
            "tables": [
                {
                    "caption": "表11 新发预警信号（按类别、级别）",
                    "headers": ["类别", *levels, "合计"],
                    "rows": [[r["label"], *r["counts"], r["total"]] for r in report.signals_new],
                },
                {
                    "caption": "表12 未消除预警信号（按类别、级别）",
                    "headers": ["类别", *levels, "合计"],
                    "rows": [[r["label"], *r["counts"], r["total"]] for r in report.signals_open],
                },
            ],
        }
    )
    ins, cc = report.inspections, report.class_changes
    work_lines = [
        f"统计期间应完成贷后检查{ins.get('total', 0)}次，按时完成{ins.get('on_time', 0)}次，"
        f"逾期完成{ins.get('late', 0)}次，尚未完成{ins.get('missing', 0)}次，"
        f"按时完成率{pct(ins.get('rate'))}。",
        f"统计期间经认定调整分类：下调{cc.get('decided_down', 0)}笔、上调{cc.get('decided_up', 0)}笔；"
        f"截至筛查日系统建议下调待认定{cc.get('pending_down', 0)}笔、建议上调待认定"
        f"{cc.get('pending_up', 0)}笔。",
    ]
    res = report.resolutions
    if res is not None and res.get("total"):
        work_lines.append(
            f"例会决议共{res['total']}项，已到期{res['due']}项：已核实执行{res['verified']}项，"
            f"已报告待核实{res['claimed']}项，未执行到位或逾期{res['failed']}项，执行中{res['open']}项；"
            f"决议执行率{pct(res['rate'])}。"
        )
    else:
        work_lines.append("本机构范围内尚无例会决议，决议执行率无数据。")
    work_lines.extend(_exit_lines(report))
    work_lines.extend(report.unit_lines)
    sections.append({"key": "work", "title": "八、贷后管理工作", "lines": work_lines})
    sections.append(
        {
            "key": "flows",
            "title": "九、贷款发放、回收与不良处置",
            "lines": [
                f"统计期间{day(report.period_start)}至{day(report.as_of)}。回收率＝到期应收本息中"
                "期末前已全额收回部分÷到期应收本息；不良处置率＝期初不良借据至期末已处置余额÷期初不良余额。"
            ],
            "tables": [
                {
                    "caption": "表13 分条线发放、回收与不良处置",
                    "headers": [
                        "条线",
                        "发放笔数",
                        "发放金额（万元）",
                        "到期应收（万元）",
                        "收回（万元）",
                        "回收率",
                        "期初不良（万元）",
                        "新发生不良（万元）",
                        "处置不良（万元）",
                        "不良处置率",
                        "期末不良（万元）",
                    ],
                    "rows": [
                        [
                            f.label,
                            f.disbursed_count,
                            wan(f.disbursed),
                            wan(f.due),
                            wan(f.recovered),
                            pct(f.recovery_rate),
                            wan(f.npl_at_since),
                            wan(f.npl_arisen),
                            wan(f.npl_disposed),
                            pct(f.disposal_rate),
                            wan(f.npl_now),
                        ]
                        for f in report.flows
                    ],
                }
            ],
        }
    )
    for section in sections:
        for t in section.get("tables", []):
            t["wide"] = len(t["headers"]) > WIDE_COLUMNS
    return sections


# A table with more columns than this is printed on a landscape page (A4 portrait gives each of
# eleven columns less than four characters).
WIDE_COLUMNS = 8
PORTRAIT_CHARACTERS = 48  # 9pt characters across an A4 portrait text width (176 mm)
LANDSCAPE_CHARACTERS = 82  # and across a landscape one (269 mm)
SHORT_TEXT = 12  # values up to this many characters are never wrapped


def text_width(text: str) -> float:
    """A string's width in Chinese characters (Latin letters and digits count about half)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text)


def column_weights(headers: list[str], rows: list[list[str]], cap: float = 26) -> list[float]:
    """How much of the line each column gets on paper, in characters: enough for its longest
    value (so a 借据号, a date or a short label never breaks), for half its heading (headings
    wrap onto two lines), and for at least two characters; long free text is capped and wraps,
    and gives way first when the page is too narrow for all the columns."""
    padding = 1.6  # the cell's left and right padding, in characters
    needs = []
    for col, header in enumerate(headers):
        longest = max((text_width(r[col]) for r in rows), default=0)
        needs.append(max(2.0, min(cap, max(longest, text_width(header) / 2))) + padding)
    line = LANDSCAPE_CHARACTERS if sum(needs) > PORTRAIT_CHARACTERS else PORTRAIT_CHARACTERS
    free = [n for n in needs if n > SHORT_TEXT + padding]
    fixed = sum(needs) - sum(free)
    if free and sum(needs) > line and line - fixed > 0:
        scale = (line - fixed) / sum(free)
        needs = [n * scale if n > SHORT_TEXT + padding else n for n in needs]
    return needs


def table_strings(table) -> dict:
    """A reports Table as strings for the template (formats only)."""

    def cell(value, kind):
        if value is None or value == "":
            return EMPTY if kind == PERCENT else ""
        if kind == MONEY and not isinstance(value, str):
            return yuan(value)
        if kind == PERCENT and not isinstance(value, str):
            return pct(value)
        if kind == MONTH and isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        if kind == DATE and isinstance(value, dt.date):
            return day(value)
        if kind == INT:
            return f"{value:,}" if isinstance(value, int) else str(value)
        return str(value)

    kinds = [c.kind for c in table.columns]
    numeric = [k in (MONEY, INT, PERCENT) for k in kinds]
    rows = [[cell(v, k) for v, k in zip(r, kinds, strict=True)] for r in table.rows]
    weights = column_weights([c.label for c in table.columns], rows)
    return {
        "title": table.title,
        "widths": [f"{100 * w / sum(weights):.1f}%" for w in weights],
        "wide": len(table.columns) > WIDE_COLUMNS or sum(weights) > PORTRAIT_CHARACTERS,
        "heads": list(zip([c.label for c in table.columns], numeric, strict=True)),
        "rows": [
            [(cell(v, k), n) for v, k, n in zip(r, kinds, numeric, strict=True)] for r in table.rows
        ],
        "total": [(cell(v, k), n) for v, k, n in zip(table.total, kinds, numeric, strict=True)]
        if table.total and table.rows
        else None,
        "notes": table.notes,
        "empty_text": table.empty_text,
    }


def _exit_lines(report) -> list[str]:
    """潜在风险客户退出名单 and 预见性有效退出 (d2), for the 贷后管理工作 section."""
    ex = report.exits or {}
    if not ex.get("n"):
        return ["潜在风险客户退出名单中暂无客户。"]
    lines = [
        f"潜在风险客户退出名单共{ex['n']}户，计划收回{wan(ex['target'])}万元，"
        f"已收回{wan(ex['recovered'])}万元；已退出{ex['exited']}户，其中收回全部贷款"
        f"{ex['full']}户，逾期未退出{ex['overdue']}户。"
    ]
    for r in report.effective_exits:
        lines.append(
            f"{r['year']}年{r['branch']}对{r['customers']}家客户实行了预见性有效退出，"
            f"并收回全部贷款{wan(r['recovered'])}万元。"
        )
    return lines
