"""Word lists for a believable Chinese bank: people, companies, industries, regions, ids."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玉兰斌鹏宇浩凯峰晨晓雪琳"
    "婷倩慧颖佳欣怡博宁俊海波亮春梅飞鑫璐晶瑶凤荣新利德泽林立云东宏振昊天嘉睿航旭阳"
)

# 字号 (trade names): two characters each.
TRADE_NAMES = [
    "华鑫",
    "恒通",
    "宏达",
    "永盛",
    "鼎新",
    "瑞丰",
    "金诚",
    "远航",
    "天成",
    "海纳",
    "信达",
    "中益",
    "通泰",
    "众联",
    "盛世",
    "隆基",
    "德润",
    "汇丰",
    "新源",
    "长兴",
    "博远",
    "凯越",
    "嘉禾",
    "兴业",
    "同创",
    "和泰",
    "锦程",
    "富润",
    "正元",
    "昌盛",
    "万邦",
    "华越",
    "明辉",
    "安泰",
    "久鼎",
    "东方",
    "银河",
    "泰和",
    "福源",
    "晨光",
    "启明",
    "鸿运",
    "聚力",
    "卓越",
    "精工",
    "兆丰",
    "祥瑞",
    "利民",
    "康达",
    "华章",
    "立信",
    "宝丰",
    "成达",
    "佳美",
]

# (GB/T 4754-2017 class (小类) code, industry word used in the company name, its name in the standard)
INDUSTRIES = (
    ("C3011", "水泥制品", "水泥制造"),
    ("C1711", "纺织", "棉纺纱加工"),
    ("C1819", "服饰", "其他机织服装制造"),
    ("C2651", "新材料", "初级形态塑料及合成树脂制造"),
    ("C3311", "钢结构", "金属结构制造"),
    ("C3484", "机械", "机械零部件加工"),
    ("C3670", "汽车零部件", "汽车零部件及配件制造"),
    ("C3831", "电线电缆", "电线、电缆制造"),
    ("C3981", "电子元件", "电阻电容电感元件制造"),
    ("C1391", "食品", "淀粉及淀粉制品制造"),
    ("C2231", "纸业", "纸和纸板容器制造"),
    ("C2927", "塑料制品", "日用塑料制品制造"),
    ("E4710", "建设工程", "住宅房屋建筑"),
    ("E4813", "市政工程", "市政道路工程建筑"),
    ("F5132", "商贸", "服装批发"),
    ("F5174", "五金交电", "五金产品批发"),
    ("F5212", "超市", "超级市场零售"),
    ("F5164", "金属材料", "金属及金属矿批发"),
    ("G5431", "物流", "普通货物道路运输"),
    ("H6110", "酒店管理", "旅游饭店"),
    ("I6513", "软件科技", "应用软件开发"),
    ("K7010", "房地产开发", "房地产开发经营"),
    ("L7212", "投资管理", "投资与资产管理"),
    ("A0141", "农业开发", "蔬菜种植"),
    ("D4411", "能源", "火力发电"),
)
NON_REAL_ESTATE_INDUSTRIES = tuple(i for i in INDUSTRIES if not i[0].startswith(("K", "L")))

# (GB/T 2260 county-level code, name prefix used in company names)
REGIONS = (
    ("330102", "杭州"),
    ("330106", "杭州"),
    ("330110", "杭州余杭"),
    ("330108", "杭州滨江"),
    ("330203", "宁波"),
    ("330212", "宁波鄞州"),
    ("330302", "温州"),
    ("330402", "嘉兴"),
    ("330481", "海宁"),
    ("330502", "湖州"),
    ("330602", "绍兴"),
    ("330681", "诸暨"),
    ("330702", "金华"),
    ("330782", "义乌"),
    ("331002", "台州"),
    ("330802", "衢州"),
)

SUB_BRANCH_PLACES = (
    "西湖",
    "上城",
    "拱墅",
    "滨江",
    "萧山",
    "余杭",
    "临平",
    "钱塘",
    "富阳",
    "临安",
    "桐庐",
    "淳安",
    "建德",
    "下沙",
    "城西",
    "城东",
    "武林",
    "湖滨",
    "望江",
    "之江",
    "九堡",
    "良渚",
    "闲林",
    "瓶窑",
)

CORPORATE_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司")

SUPPLIER_WORDS = ("贸易", "材料", "物资", "机电", "化工", "包装", "设备", "供应链")
REAL_ESTATE_PAYEES = ("房地产开发有限公司", "置业有限公司", "房地产经纪有限公司")
SECURITIES_PAYEES = ("证券股份有限公司", "期货有限公司")
OTHER_BANKS = ("工商银行", "建设银行", "农业银行", "中国银行", "招商银行", "兴业银行", "浦发银行")
GUARANTEE_COMPANIES = ("融资担保有限公司", "信用担保有限公司")

# 统一社会信用代码 character set and weights (GB 32100-2015).
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def company_name(rng: random.Random, region_prefix: str, industry_word: str) -> str:
    return region_prefix + rng.choice(TRADE_NAMES) + industry_word + rng.choice(CORPORATE_SUFFIXES)


def uscc(rng: random.Random, region_code: str) -> str:
    """An 18-character 统一社会信用代码 with a valid check character."""
    body = "91" + region_code + "".join(rng.choice(_USCC_CHARS[:10]) for _ in range(9))
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return body + _USCC_CHARS[check]


def masked_person_id(rng: random.Random, region_code: str) -> str:
    """A masked 居民身份证号: region prefix, hidden birth date, last four shown."""
    last = f"{rng.randrange(1000):03d}" + rng.choice("0123456789X")
    return region_code[:4] + "*" * 10 + last
