"""A generated but realistic demo province for ``stdtrack demo``: Jilin (22) and Jiangsu (32)
enterprises, their products and self-declarations (docs/formats.md §2), drafting plans 2011–2015,
2021–2025 and 2026 with the local standards they published, and goals of those plans
(§6.3) — all from a fixed seed, so every run writes the same rows.

Enterprises get valid USCCs in real GB/T 2260 county codes; products sit in the sectors each
city is known for (automotive parts in 长春, petrochemicals in 吉林市, ginseng in 通化 and 白山,
textiles and electronics in 苏州 and 无锡...). Declared codes are taken from the catalogue
already loaded (current editions, withdrawn or replaced ones, standards adopting ISO/IEC at
IDT/MOD; international ones from the product's own ICS fields, :data:`PRODUCT_ICS`), plus codes
the catalogue does not hold (kept unresolved). The rows are loaded through
the real pipelines: :func:`api.declaration_imports.import_declarations`, then later editions
declared and some declarations withdrawn on historical dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adoption.regions import region_names
from adoption.uscc import make_uscc
from standards.settings import Settings

SEED = 20110101
FIRST_DAY = dt.date(2011, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)

# ------------------------------------------------------------------------------------------
# Sectors: what is made where, and which standards such products follow
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sector:
    key: str
    label: str  # 行业 as written in the declaration file
    key_fields: tuple[str, ...]  # 重点领域 labels
    national: tuple[str, ...]  # national codes in the bundled catalogue (curated sample)
    unresolved: tuple[str, ...]  # codes the catalogue does not hold (industry, local, Q/)
    products: tuple[tuple[str, str], ...]  # (product name, category)
    words: tuple[str, ...]  # name words for enterprises
    suffix: str
    adoption: float  # share of products declaring an international / adopting standard

    @property
    def ics(self) -> tuple[str, ...]:
        """The ICS prefixes of the sector's products (:data:`PRODUCT_ICS`)."""
        return tuple(dict.fromkeys(prefix for name, _category in self.products
                                   for prefix in PRODUCT_ICS[name]))


# product -> ICS prefixes (ISO/IEC ICS, 7th ed.) whose catalogue standards such a product
# follows: a brake disc declares a braking-system standard, a CNC machine tool a machine-tool
# one, never an electro-heating or valve standard of the same broad field. A product whose
# fields hold no standard in the loaded catalogue declares national codes only.
PRODUCT_ICS: dict[str, tuple[str, ...]] = {
    # 汽车零部件 (43 road vehicle engineering)
    "制动盘": ("43.040.40",),  # braking systems
    "转向节": ("43.040.50", "43.040"),  # transmissions, suspensions; road vehicle systems
    "座椅骨架": ("43.040.60",),  # bodies and body components
    "汽车线束": ("43.040.10",),  # electrical and electronic equipment
    "散热器总成": ("43.060.30", "43.060"),  # cooling and lubricating systems
    "减振器": ("43.040.50", "43.040"),
    "前大灯总成": ("43.040.20", "43.040"),  # lighting, signalling and warning devices
    "离合器压盘": ("43.040.50", "43.040"),
    "车用充电连接器": ("43.120", "29.120.30"),  # electric road vehicles; plugs, couplers
    "排气歧管": ("43.060.20", "43.060"),  # air and exhaust systems; engines
    # 石油化工 (71 chemical technology, 75 petroleum, 83 rubber and plastics)
    "聚丙烯树脂": ("83.080.20", "83.080"),  # thermoplastic materials
    "乙二醇": ("71.080.60", "71.080"),  # alcohols, ethers
    "丁苯橡胶": ("83.040.10", "83.040"),  # latex and raw rubber
    "车用柴油": ("75.160.20",),  # liquid fuels
    "车用汽油": ("75.160.20",),
    "工业润滑油": ("75.100",),  # lubricants, industrial oils
    "苯乙烯": ("71.080.15", "71.080"),  # aromatic hydrocarbons
    "碳纤维原丝": ("59.100.20", "59.100"),  # carbon materials
    "丙烯腈": ("71.080.40", "71.080"),  # organic nitrogen compounds
    # 人参及特色资源 (67 food technology, 11.120 pharmaceutics)
    # fruits, vegetables; medicaments; food test methods
    "人参切片": ("67.080", "11.120.10", "67.050"),
    "红参": ("67.080", "11.120.10", "67.050"),
    "人参茶": ("67.140",),  # tea, coffee, cocoa
    "人参口服液": ("67.160.20", "11.120.10"),  # non-alcoholic beverages
    "林蛙油": ("67.120", "11.120.10"),  # meat and meat products
    "鹿茸片": ("67.120", "11.120.10"),
    # beverages; drinking water; examination of water
    "长白山天然矿泉水": ("67.160", "13.060.20", "13.060.50"),
    "五味子浸膏": ("11.120.10", "67.220.10"),  # medicaments; spices
    "蓝莓果酒": ("67.160.10", "67.160"),  # alcoholic beverages
    # 纺织服装 (59 textiles, 61 clothing, 97.160 home textiles)
    "精梳棉纱": ("59.080.20",),  # yarns
    "涤纶长丝": ("59.060.20",),  # man-made fibres
    "针织面料": ("59.080.30",),  # textile fabrics
    "羊绒衫": ("61.020", "59.080.30"),  # clothes
    "棉短绒": ("59.060.10",),  # natural fibres
    "家纺床品": ("97.160", "59.080.30"),  # home textiles, linen
    "无缝袜": ("61.020", "59.080.30"),
    "真丝绸缎": ("59.060.10", "59.080.30"),
    # 电子信息 (31 electronics, 35 IT, 27.160 solar, 29 electrical)
    "液晶显示模组": ("31.120",),  # electronic display devices
    "多层印制电路板": ("31.180",),  # printed circuits and boards
    "笔记本电脑": ("35.160", "35.180"),  # microprocessor systems; IT terminal equipment
    "晶体硅光伏组件": ("27.160",),  # solar energy engineering
    "锂离子电池组": ("29.220",),  # galvanic cells and batteries
    "集成电路封装": ("31.200",),  # integrated circuits, microelectronics
    "物联网传感器": ("35.110", "31.220"),  # networking; electromechanical components
    "服务器电源": ("29.200", "35.160"),  # rectifiers, converters, stabilized power supply
    # 装备制造 (25 manufacturing engineering, 53 materials handling, 21 mechanical systems)
    "叉车属具": ("53.060",),  # industrial trucks
    "风电齿轮箱": ("21.200", "27.180"),  # gears; wind turbine energy systems
    "液压挖掘机": ("53.100", "23.100"),  # earth-moving machinery; fluid power systems
    # machine tools; numerically controlled machines; industrial automation
    "数控机床": ("25.080", "25.040.20", "25.040"),
    "工业机器人": ("25.040.30", "25.040"),  # industrial robots, manipulators
    "牵引车": ("43.080", "53.060"),  # commercial vehicles; industrial trucks (tractors)
}


def ics_range(prefix: str) -> tuple[str, str]:
    """ICS codes under ``prefix`` as a range: ``[prefix, prefix + "/")`` holds ``25.080``,
    ``25.080.10``... and not ``25.0801`` (``.`` sorts before ``/``, digits after)."""
    return prefix, prefix + "/"


SECTORS: dict[str, Sector] = {s.key: s for s in (
    Sector("auto", "汽车零部件及配件制造", ("汽车",),
           ("GB 7258-2017", "GB 7258-2012", "GB/T 19001-2016", "GB/T 19001-2008"),
           ("QC/T 484-1999", "QC/T 625-2013", "QC/T 29106-2014", "Q/FAW 0012-2016"),
           (("制动盘", "制动系统"), ("转向节", "底盘"), ("座椅骨架", "车身附件"),
            ("汽车线束", "电气系统"), ("散热器总成", "冷却系统"), ("减振器", "悬架系统"),
            ("前大灯总成", "照明"), ("离合器压盘", "传动系统"), ("车用充电连接器", "新能源"),
            ("排气歧管", "发动机")),
           ("富维", "汽联", "长铃", "一东", "华翔", "旭阳", "凌云", "亚大", "德科", "启明"),
           "汽车零部件有限公司", 0.72),
    Sector("petro", "石油化工", ("石化",),
           ("GB 17930-2016", "GB 19147-2016", "GB/T 24001-2016", "GB/T 19001-2016"),
           ("SH/T 0358-1995", "SH/T 1142-2017", "GB/T 12670-2008", "Q/SYJH 0108-2015"),
           (("聚丙烯树脂", "合成树脂"), ("乙二醇", "基本有机化工原料"), ("丁苯橡胶", "合成橡胶"),
            ("车用柴油", "燃料油"), ("车用汽油", "燃料油"), ("工业润滑油", "润滑油"),
            ("苯乙烯", "基本有机化工原料"), ("碳纤维原丝", "化学纤维"),
            ("丙烯腈", "基本有机化工原料")),
           ("石化", "化工", "联合化工", "精细化工", "新材料", "炼化", "天成", "松花江"),
           "化工有限公司", 0.66),
    Sector("ginseng", "人参及特色资源加工", ("农产品", "医药"),
           ("GB/T 19001-2016", "GB/T 2828.1-2012"),
           ("DB22/T 1234-2011", "DB22/T 1535-2012", "GB/T 19506-2009", "Q/THRS 0001S-2018",
            "Q/BSKQ 0002S-2019"),
           (("人参切片", "人参制品"), ("红参", "人参制品"), ("人参茶", "代用茶"),
            ("人参口服液", "保健食品"), ("林蛙油", "特产制品"), ("鹿茸片", "特产制品"),
            ("长白山天然矿泉水", "饮用水"), ("五味子浸膏", "中药材提取物"), ("蓝莓果酒", "酒类")),
           ("参源", "长白山", "参宝", "鹿乡", "林源", "泉阳", "参圣", "抚松", "集安", "靖宇"),
           "人参产业有限公司", 0.28),
    Sector("textile", "纺织服装", ("纺织",),
           ("GB 18401-2010", "GB/T 20223-2018", "GB/T 20223-2006", "GB/T 19001-2016"),
           ("FZ/T 73020-2019", "FZ/T 01057.1-2007", "FZ/T 81007-2012"),
           (("精梳棉纱", "纱线"), ("涤纶长丝", "化学纤维"), ("针织面料", "面料"),
            ("羊绒衫", "服装"),
            ("棉短绒", "纺织原料"), ("家纺床品", "家用纺织品"), ("无缝袜", "针织品"),
            ("真丝绸缎", "丝绸")),
           ("恒力", "盛泽", "东渡", "华芳", "金鹰", "鑫缘", "丝路", "雪花"),
           "纺织有限公司", 0.58),
    Sector("electronics", "电子信息", ("电子",),
           ("GB 4943.1-2022", "GB 4943.1-2011", "GB/T 19001-2016", "GB/T 2828.1-2012"),
           ("SJ/T 11363-2006", "SJ/T 11364-2014", "Q/SZKJ 003-2020"),
           (("液晶显示模组", "显示器件"), ("多层印制电路板", "电子元件"), ("笔记本电脑", "计算机"),
            ("晶体硅光伏组件", "光伏"), ("锂离子电池组", "电池"), ("集成电路封装", "集成电路"),
            ("物联网传感器", "传感器"), ("服务器电源", "电源")),
           ("华星", "长电", "芯联", "微纳", "科盛", "同创", "天合", "中环"),
           "电子科技有限公司", 0.86),
    Sector("equipment", "装备制造", ("装备制造",),
           ("JB/T 13368-2018", "JB/T 13367-2018", "JB/T 10750-2018", "GB/T 19001-2016"),
           ("JB/T 5000.3-2007", "GB/T 3811-2008", "Q/XG 001-2017"),
           (("叉车属具", "工程机械"), ("风电齿轮箱", "传动装置"), ("液压挖掘机", "工程机械"),
            ("数控机床", "机床"), ("工业机器人", "自动化装备"), ("牵引车", "专用车辆")),
           ("重工", "精机", "恒立", "徐工", "汇川", "天奇", "中天"),
           "机械有限公司", 0.62),
)}

# city (4 digits) -> (short name, sector weights)
CITIES: dict[str, tuple[str, dict[str, int]]] = {
    "2201": ("长春", {"auto": 8, "equipment": 2, "ginseng": 1, "electronics": 1}),
    "2202": ("吉林", {"petro": 7, "equipment": 1, "ginseng": 1}),
    "2203": ("四平", {"equipment": 2, "auto": 1}),
    "2204": ("辽源", {"textile": 3, "equipment": 1}),
    "2205": ("通化", {"ginseng": 5, "petro": 1}),
    "2206": ("白山", {"ginseng": 5}),
    "2207": ("松原", {"petro": 3}),
    "2208": ("白城", {"ginseng": 1, "equipment": 1}),
    "2224": ("延边", {"ginseng": 3, "textile": 1}),
    "3201": ("南京", {"petro": 3, "electronics": 3, "auto": 1}),
    "3202": ("无锡", {"electronics": 5, "equipment": 3, "textile": 1}),
    "3203": ("徐州", {"equipment": 4}),
    "3204": ("常州", {"equipment": 3, "electronics": 2}),
    "3205": ("苏州", {"textile": 5, "electronics": 6}),
    "3206": ("南通", {"textile": 4, "equipment": 1}),
    "3207": ("连云港", {"petro": 2}),
    "3209": ("盐城", {"auto": 3}),
    "3210": ("扬州", {"auto": 2, "petro": 1}),
    "3211": ("镇江", {"equipment": 1, "electronics": 1}),
    "3212": ("泰州", {"equipment": 1, "textile": 1}),
    "3213": ("宿迁", {"textile": 2}),
}
ENTERPRISES_PER_CITY_WEIGHT = 5  # enterprises per unit of sector weight: ~500 in all


# ------------------------------------------------------------------------------------------
# What the generator needs from the catalogue, and what it produces
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    withdrawn_on: dt.date | None
    successor: str | None  # the edition that replaces it, when the catalogue holds one
    valid_from: dt.date | None


@dataclass(slots=True)
class CataloguePools:
    """Catalogue standards by ICS field (in code order) and the national sample's entries."""

    by_ics: dict[str, list[CatalogueEntry]] = field(default_factory=dict)
    by_code: dict[str, CatalogueEntry] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LaterEdition:
    uscc: str
    product: str
    model: str
    code: str
    on: dt.date


@dataclass(frozen=True, slots=True)
class Withdrawal:
    uscc: str
    product: str
    model: str
    code: str
    on: dt.date


@dataclass(slots=True)
class DemoProvince:
    declarations: list[dict[str, str]]
    later_editions: list[LaterEdition]
    withdrawals: list[Withdrawal]
    drafting: list[dict[str, str]]


_AMENDMENT = re.compile(r"/(COR|Cor|AMD|Amd|DAM|FDAM)|\+AMD| (CSV|RLV|CMV|EXV|PAC|FRV)$")


def usable_code(code: str) -> bool:
    """Whole documents only: no corrigenda, amendments or consolidated/redline versions."""
    return not _AMENDMENT.search(code)


# ------------------------------------------------------------------------------------------
# Declarations
# ------------------------------------------------------------------------------------------


def _counties(city4: str) -> list[str]:
    codes = sorted(code for code in region_names()
                   if code.startswith(city4) and not code.endswith("00")
                   and not code[4:6].startswith("7"))  # xx7x are development zones
    return codes or [f"{city4}00"]


def _declared_on(rng: random.Random) -> dt.date:
    """More declarations in later years (the self-declaration system grew from 2013 on)."""
    span = (LAST_DAY - FIRST_DAY).days
    offset = rng.randint(0, span) if rng.random() < 0.25 else \
        int(rng.triangular(0, span, span * 0.7))
    return FIRST_DAY + dt.timedelta(days=offset)


def _valid_entries(entries: Sequence[CatalogueEntry], on: dt.date) -> list[CatalogueEntry]:
    return [e for e in entries if e.valid_from is not None and e.valid_from <= on]


def _pick_codes(rng: random.Random, sector: Sector, product: str, pools: CataloguePools,
                on: dt.date, adopting: bool) -> list[str]:
    """The standards one product declares on ``on`` (an empty list: none declared): an
    international one of the product's own ICS fields when adopting."""
    roll = rng.random()
    if roll < 0.03:
        return []
    if roll < 0.07:
        return [rng.choice(sector.unresolved)]
    international = list({e.code: e for prefix in PRODUCT_ICS[product]
                          for e in pools.by_ics.get(prefix, [])}.values())
    national = [pools.by_code[c] for c in sector.national if c in pools.by_code]
    codes: list[str] = []
    if adopting and international:
        choices = _valid_entries(international, on) or international
        codes.append(rng.choice(choices).code)
    usable_national = _valid_entries(national, on)
    if usable_national and (not codes or rng.random() < 0.5):
        codes.append(rng.choice(usable_national).code)
    if not codes:
        codes.append(rng.choice(sector.unresolved))
    if rng.random() < 0.15:
        codes.append(rng.choice(sector.unresolved))
    return list(dict.fromkeys(codes))


def _enterprise_name(rng: random.Random, city: str, sector: Sector, used: set[str]) -> str:
    qualifiers = ("", "华", "新", "东方", "恒", "盛", "金", "远大", "宏", "瑞")
    for _attempt in range(100):
        name = f"{city}{rng.choice(qualifiers)}{rng.choice(sector.words)}{sector.suffix}"
        if name not in used:
            used.add(name)
            return name
    name = f"{city}{sector.words[0]}{len(used)}{sector.suffix}"
    used.add(name)
    return name


def generate(pools: CataloguePools, seed: int = SEED) -> DemoProvince:
    """The demo province for the catalogue in ``pools``; the same pools give the same rows."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    later: list[LaterEdition] = []
    withdrawals: list[Withdrawal] = []
    used_names: set[str] = set()
    serial = 0
    for city4, (city, weights) in CITIES.items():
        counties = _counties(city4)
        sectors = [key for key, weight in weights.items() for _ in range(weight)]
        for _index in range(len(sectors) * ENTERPRISES_PER_CITY_WEIGHT):
            serial += 1
            sector = SECTORS[rng.choice(sectors)]
            county = rng.choice(counties)
            uscc = make_uscc(county, f"{70000000 + serial * 37:08d}")
            name = _enterprise_name(rng, city, sector, used_names)
            offered = rng.sample(sector.products, k=min(len(sector.products), rng.randint(1, 7)))
            first_day = _declared_on(rng)
            for number, (product, category) in enumerate(offered):
                on = min(first_day + dt.timedelta(days=rng.randint(0, 900)), LAST_DAY)
                model = f"{sector.key[:2].upper()}-{serial:04d}-{number + 1:02d}"
                adopting = rng.random() < sector.adoption
                codes = _pick_codes(rng, sector, product, pools, on, adopting)
                rows.append({
                    "统一社会信用代码": uscc, "企业名称": name, "行政区划代码": county,
                    "行业": sector.label, "重点领域": ";".join(sector.key_fields),
                    "产品名称": product, "产品型号": model, "产品分类": category,
                    "主要产品": "是" if number < 3 else "否", "执行标准": ";".join(codes),
                    "公开日期": on.isoformat(),
                })
                for code in codes:
                    entry = pools.by_code.get(code)
                    if entry and entry.successor and entry.withdrawn_on and rng.random() < 0.6:
                        successor = pools.by_code.get(entry.successor)
                        start = max(on, (successor.valid_from if successor else None)
                                    or entry.withdrawn_on)
                        when = start + dt.timedelta(days=rng.randint(10, 400))
                        if when <= LAST_DAY:
                            later.append(LaterEdition(uscc, product, model, entry.successor, when))
                    elif rng.random() < 0.04:
                        when = on + dt.timedelta(days=rng.randint(200, 2500))
                        if when <= LAST_DAY:
                            withdrawals.append(Withdrawal(uscc, product, model, code, when))
    return DemoProvince(declarations=rows, later_editions=later, withdrawals=withdrawals,
                        drafting=drafting_plans(random.Random(seed + 1)))


# ------------------------------------------------------------------------------------------
# Drafting plans 2011–2015 (docs/formats.md §3)
# ------------------------------------------------------------------------------------------

_SERVICE_SUBJECTS = (
    "旅游景区", "星级饭店", "养老机构", "物业服务", "家政服务", "快递服务", "餐饮服务",
    "社区卫生服务",
    "冰雪旅游", "滑雪场", "温泉旅游", "乡村旅游", "电子商务", "物流仓储", "会展服务", "汽车租赁",
    "公共图书馆", "城市公交", "出租汽车", "农村客运", "殡葬服务", "婚庆服务", "美容美发",
    "洗染服务",
    "机动车维修", "健身场所", "托育机构", "人力资源服务", "法律援助", "政务大厅", "12345热线",
    "医疗废物收运", "老年助餐", "导游服务", "旅行社", "民宿", "房地产经纪", "停车场", "商业街区",
    "农产品批发市场")
_SERVICE_SUFFIXES = ("服务规范", "服务质量要求", "服务质量评价", "管理规范", "等级划分与评定",
                     "服务设施配置要求", "安全管理规范", "服务流程")
_RESOURCE_SUBJECTS = (
    "人参种子", "人参种苗", "林下参", "红参", "人参芽苗菜", "梅花鹿", "鹿茸", "中国林蛙", "林蛙油",
    "长白山天然矿泉水", "硅藻土", "油页岩", "红松果林", "落叶松", "镁合金", "钼精矿", "镍精矿",
    "五味子", "蓝莓", "黑木耳")
_RESOURCE_SUFFIXES = ("质量分级", "生产技术规程", "加工技术规程", "检验方法", "产地环境要求",
                      "养殖技术规程", "栽培技术规程")
_CULTURE_SUBJECTS = ("动漫产品", "数字出版物", "文化创意园区", "非物质文化遗产", "二人转演出",
                     "朝鲜族民俗旅游", "网络游戏", "数字影院", "演艺场所", "工艺美术品")
_CULTURE_SUFFIXES = ("服务规范", "质量要求", "评价规范", "管理规范", "分类与代码")

_PROPOSERS = {
    ("22", "service"): ("吉林省旅游局", "吉林省商务厅", "吉林省民政厅", "吉林省交通运输厅",
                        "吉林省质量技术监督局"),
    ("22", "special-resource"): ("吉林省人参产业办公室", "吉林省林业厅", "吉林省农业委员会",
                                 "吉林省国土资源厅"),
    ("22", "culture"): ("吉林省文化厅", "吉林省新闻出版广电局"),
    ("32", "service"): ("江苏省旅游局", "江苏省商务厅", "江苏省民政厅", "江苏省交通运输厅",
                        "江苏省质量技术监督局"),
}
_DRAFTERS = {"22": ("吉林省标准研究院", "长春大学", "吉林农业大学", "吉林省产品质量监督检验院"),
             "32": ("江苏省标准化研究院", "南京大学", "江苏省产品质量监督检验研究院", "苏州大学")}

_DOMAIN_MARK = {"service": "F", "special-resource": "T", "culture": "W"}  # 服务 特色 文化
# stage labels as the plans write them (docs/formats.md §3)
_STAGES = ("立项", "起草", "征求意见", "审查", "报批", "发布", "备案")
# (province, domain, first plan year, projects per plan year, share published, first code
# number): the 2011–2015 plans of the seed goals, then the current plans — 2021–2025 (ended)
# and 2026 (the first year of 2026–2030, in progress)
_PLANS = (
    ("22", "service", 2011, (78, 84, 84, 60, 40), 0.86, 1401),
    ("22", "special-resource", 2011, (14, 16, 16, 12, 8), 0.85, 1801),
    ("22", "culture", 2011, (8, 9, 8, 5, 3), 0.8, 1901),
    ("32", "service", 2011, (60, 90, 90, 60, 30), 0.88, 2001),
    ("22", "service", 2021, (36, 40, 40, 36, 30, 34), 0.84, 3101),
    ("22", "special-resource", 2021, (8, 10, 10, 8, 8, 9), 0.82, 3501),
    ("32", "service", 2021, (30, 36, 36, 30, 24, 30), 0.86, 4101),
)


def _joined(subject: str, suffix: str) -> str:
    """A title from a subject and a suffix, never saying 服务 twice (殡葬服务 + 服务流程 is
    殡葬服务流程)."""
    if subject.endswith("服务") and suffix.startswith("服务"):
        return subject + suffix[2:]
    return subject + suffix


def _titles(rng: random.Random, subjects: Sequence[str], suffixes: Sequence[str],
            count: int) -> list[str]:
    combos = [_joined(subject, suffix) for subject in subjects for suffix in suffixes]
    rng.shuffle(combos)
    titles = combos[:count]
    part = 2
    while len(titles) < count:  # more projects than combinations: later parts of a series
        titles += [f"{title} 第{part}部分" for title in combos[:count - len(titles)]]
        part += 1
    return titles


def drafting_plans(rng: random.Random) -> list[dict[str, str]]:
    """Plan items of DB22 and DB32, 2011–2015: new and revised, published (with their code),
    still in a stage, postponed or cancelled. One row per project, at its latest stage."""
    rows: list[dict[str, str]] = []
    subjects = {"service": (_SERVICE_SUBJECTS, _SERVICE_SUFFIXES),
                "special-resource": (_RESOURCE_SUBJECTS, _RESOURCE_SUFFIXES),
                "culture": (_CULTURE_SUBJECTS, _CULTURE_SUFFIXES)}
    used: dict[tuple[str, str], set[str]] = {}
    for province, domain, first_year, per_year, published_share, first_number in _PLANS:
        taken = used.setdefault((province, domain), set())
        titles = [title for title in _titles(rng, *subjects[domain], sum(per_year) + len(taken))
                  if title not in taken][:sum(per_year)]
        taken.update(titles)
        number = first_number
        serial = 0
        for year, count in zip(range(first_year, first_year + len(per_year)), per_year,
                               strict=True):
            for _item in range(count):
                title = titles[serial]
                serial += 1
                revision = rng.random() < (0.1 if domain == "special-resource" else 0.25)
                deadline = dt.date(year + 1, 12, 31) if rng.random() < 0.7 else \
                    dt.date(year + 2, 6, 30)
                roll = rng.random()
                code = ""
                late = deadline > LAST_DAY  # a 2026 project: still on its way
                if late:
                    stage = rng.choice(_STAGES[:4])
                    stage_on = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(20, 200))
                elif roll < 0.04:
                    stage, stage_on = "撤销", dt.date(year + 1, rng.randint(1, 12), 15)
                elif roll < 0.04 + published_share:
                    stage = "发布"
                    stage_on = deadline - dt.timedelta(days=rng.randint(-200, 330))
                    code = f"DB{province}/T {number}-{stage_on.year}"
                    number += 1
                elif roll < 0.04 + published_share + 0.06:
                    stage, stage_on = "延期", deadline + dt.timedelta(days=rng.randint(1, 120))
                elif year <= first_year + 2 and rng.random() < 0.6:  # stalled, then cancelled
                    stage = "撤销"
                    stage_on = dt.date(first_year + 5, rng.randint(3, 11), 15)
                else:
                    stage = rng.choice(_STAGES[1:5])
                    stage_on = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(60, 900))
                stage_on = min(stage_on, LAST_DAY)
                if stage == "发布":
                    code = f"DB{province}/T {number - 1}-{stage_on.year}"
                revises = f"DB{province}/T {rng.randint(300, 1200)}-{rng.randint(2003, year)}" \
                    if revision else ""
                project = {
                    "计划编号": f"{province}-{year}-{_DOMAIN_MARK[domain]}"
                                f"{serial + (500 if first_year > 2011 else 0):03d}",
                    "计划年度": str(year),
                    "项目名称": title,
                    "制修订": "修订" if revision else "制定",
                    "代替标准": revises,
                    "行政区划代码": f"{province}0000",
                    "领域": domain,
                    "提出单位": rng.choice(_PROPOSERS[(province, domain)]),
                    "起草单位": rng.choice(_DRAFTERS[province]),
                    "完成期限": deadline.isoformat(),
                }
                for passed, passed_on in _history(rng, dt.date(year, 3, 1), stage, stage_on):
                    row = {**project, "阶段": passed, "阶段日期": passed_on.isoformat(),
                           "标准号": code if passed == "发布" else ""}
                    if passed == "延期":  # the plan's 完成期限 on a 延期 row is the new deadline
                        row["完成期限"] = (passed_on + dt.timedelta(days=365)).isoformat()
                    rows.append(row)
    return rows


def _history(rng: random.Random, initiated: dt.date, stage: str, stage_on: dt.date
             ) -> list[tuple[str, dt.date]]:
    """The stages a project went through to reach ``stage`` on ``stage_on``, in order, each
    on a later day (one row per stage in the plan file)."""
    if stage in _STAGES:
        passed = list(_STAGES[: _STAGES.index(stage) + 1])
    else:  # postponed or cancelled after some stages
        passed = [*_STAGES[: rng.randint(1, 4)], stage]
    start = min(initiated, stage_on)
    span = max((stage_on - start).days, len(passed))
    days = sorted(rng.sample(range(1, span), k=len(passed) - 2)) if len(passed) > 2 else []
    dates = [start, *(start + dt.timedelta(days=day) for day in days)]
    if len(passed) > 1:
        dates.append(stage_on)
    return list(zip(passed, dates, strict=True))


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------


def published_catalogue(plans: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The local standards the plans published, as a catalogue list (so every published
    project is a standard a search finds): code, title, dates, what it replaces, domain."""
    found: dict[str, dict[str, str]] = {}
    for row in plans:
        if row["阶段"] != "发布" or not row["标准号"]:
            continue
        published = dt.date.fromisoformat(row["阶段日期"])
        implemented = min(published + dt.timedelta(days=90), LAST_DAY)
        found[row["标准号"]] = {
            "标准号": row["标准号"], "标准名称": row["项目名称"],
            "发布日期": published.isoformat(), "实施日期": implemented.isoformat(),
            "代替标准": row["代替标准"], "类别": "推荐性",
            "主管部门": row["提出单位"], "起草单位": row["起草单位"]}
    return sorted(found.values(), key=lambda item: item["标准号"])


# goals of the current plans beside the seeds' 2011–2015 ones (a demo's, not a source's)
DEMO_GOALS = (
    {"name": "吉林省服务业地方标准制修订150项（2021—2025年）", "metric": "local-standards",
     "target": 150, "region": "22", "domain": "service", "kinds": ["new", "revision"],
     "start_on": "2021-01-01", "deadline": "2025-12-31"},
    {"name": "吉林省产品标准覆盖率95%以上（2021—2025年）", "metric": "coverage",
     "target": 0.95, "region": "22", "start_on": "2021-01-01", "deadline": "2025-12-31"},
    {"name": "吉林省服务业地方标准制修订150项（2026—2030年）", "metric": "local-standards",
     "target": 150, "region": "22", "domain": "service", "kinds": ["new", "revision"],
     "start_on": "2026-01-01", "deadline": "2030-12-31"},
    {"name": "吉林省特色资源产业新制定地方标准40项（2026—2030年）", "metric": "local-standards",
     "target": 40, "region": "22", "domain": "special-resource", "kinds": ["new"],
     "start_on": "2026-01-01", "deadline": "2030-12-31"},
    {"name": "吉林省产品标准覆盖率98%以上（2026—2030年）", "metric": "coverage",
     "target": 0.98, "region": "22", "start_on": "2026-01-01", "deadline": "2030-12-31"},
    {"name": "吉林省重点领域主要工业产品采标率85%以上（2026—2030年）", "metric": "adoption",
     "target": 0.85, "region": "22", "start_on": "2026-01-01", "deadline": "2030-12-31"},
    {"name": "江苏省新制定地方服务标准120项（2026—2030年）", "metric": "local-standards",
     "target": 120, "region": "32", "domain": "service", "kinds": ["new"],
     "start_on": "2026-01-01", "deadline": "2030-12-31"},
    {"name": "江苏省主要工业产品采标率95%以上（2026—2030年）", "metric": "adoption",
     "target": 0.95, "region": "32", "start_on": "2026-01-01", "deadline": "2030-12-31"},
)


async def install_demo_goals() -> dict[str, str]:
    """The current plans' goals (created, or unchanged when loaded before)."""
    from adoption.goals import GoalInput
    from adoption.goals_repository import save_goal

    done = {}
    for item in DEMO_GOALS:
        goal, action = await save_goal(GoalInput.model_validate(item), source="demo")
        done[goal.name] = action
    return done


def write_csv(rows: Iterable[dict[str, str]], path: Path) -> Path:
    """UTF-8 CSV with the Chinese headers of the rows' keys."""
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def summary(province: DemoProvince) -> dict[str, Any]:
    return {
        "enterprises": len({row["统一社会信用代码"] for row in province.declarations}),
        "products": len(province.declarations),
        "later_editions": len(province.later_editions),
        "withdrawals": len(province.withdrawals),
        "drafting_projects": len(province.drafting),
    }


# ------------------------------------------------------------------------------------------
# Loading through the real pipelines
# ------------------------------------------------------------------------------------------



async def catalogue_pools(sectors: Iterable[Sector] = SECTORS.values()) -> CataloguePools:
    """The catalogue's standards for the sectors' ICS fields and national samples, in code
    order (bytewise on both engines), with their successor edition where one is held."""
    from standards.tables import Standard

    sectors = list(sectors)
    pools = CataloguePools()
    wanted_codes = sorted({code for sector in sectors for code in sector.national})
    rows: list[dict[str, Any]] = []
    for prefix in sorted({prefix for sector in sectors for prefix in sector.ics}):
        found = await Standard.raw(
            "SELECT s.normalized_code AS code, s.withdrawn_on, s.implemented_on, "
            "s.published_on, s.withdrawn_undated FROM standard s "
            "WHERE s.level = 'international' AND EXISTS (SELECT 1 FROM standard_ics i "
            "WHERE i.standard = s.id AND i.ics >= {} AND i.ics < {}) "
            "ORDER BY s.normalized_code", *ics_range(prefix))
        entries = [_entry(row, {}) for row in found if usable_code(row["code"])
                   and not row["withdrawn_undated"]]
        pools.by_ics[prefix] = entries
        rows.extend(found)
    placeholders = ", ".join("{}" for _ in wanted_codes)
    national = await Standard.raw(
        "SELECT s.normalized_code AS code, s.withdrawn_on, s.implemented_on, s.published_on, "
        f"s.withdrawn_undated FROM standard s WHERE s.normalized_code IN ({placeholders}) "
        "ORDER BY s.normalized_code", *wanted_codes)
    successors = await Standard.raw(
        "SELECT r.object_code AS old, r.subject_code AS new FROM relation r "
        f"WHERE r.kind = 'replaces' AND r.object_code IN ({placeholders}) "
        "ORDER BY r.object_code, r.subject_code", *wanted_codes)
    successor_of = {row["old"]: row["new"] for row in successors}
    for row in national:
        pools.by_code[row["code"]] = _entry(row, successor_of)
    for entries in pools.by_ics.values():
        for entry in entries:
            pools.by_code.setdefault(entry.code, entry)
    return pools


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _entry(row: dict[str, Any], successor_of: dict[str, str]) -> CatalogueEntry:
    return CatalogueEntry(
        code=row["code"], withdrawn_on=_as_date(row["withdrawn_on"]),
        successor=successor_of.get(row["code"]),
        valid_from=_as_date(row["implemented_on"]) or _as_date(row["published_on"]))


async def province_loaded(province: DemoProvince) -> bool:
    """Whether the demo province is in the database already (its first enterprise exists)."""
    from adoption.tables import Enterprise

    marker = province.declarations[0]["统一社会信用代码"]
    found = await Enterprise.raw("SELECT 1 AS one FROM enterprise WHERE uscc = {}", marker)
    return bool(found)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


async def _product_ids() -> dict[tuple[str, str, str], int]:
    from adoption.tables import Product

    rows = await Product.raw(
        "SELECT p.id, p.name, p.model, e.uscc FROM product p "
        "JOIN enterprise e ON e.id = p.enterprise")
    return {(row["uscc"], row["name"], row["model"]): int(row["id"]) for row in rows}


async def _active_declaration(product_id: int, code_key: str) -> int | None:
    from adoption.tables import Declaration

    rows = await Declaration.raw(
        "SELECT id FROM declaration WHERE product = {} AND code_key = {} "
        "AND withdrawn_on IS NULL", product_id, code_key)
    return int(rows[0]["id"]) if rows else None


async def load_declarations(province: DemoProvince, workdir: Path, archive_dir: Path
                            ) -> dict[str, Any]:
    """Import the province's declaration file, then declare later editions and withdraw some
    declarations, each on its own historical date (as enterprises did over the years)."""
    from adoption import repository
    from adoption.errors import DuplicateError
    from adoption.fields import declared_code
    from api.declaration_imports import import_declarations

    path = write_csv(province.declarations, workdir / "demo-province-declarations.csv")
    report = await import_declarations([path], actor="demo", archive_dir=archive_dir)
    products = await _product_ids()
    declared = withdrawn = 0
    items: list[LaterEdition | Withdrawal] = [*province.later_editions, *province.withdrawals]
    events = [(item.on, index, item) for index, item in enumerate(items)]
    for on, _index, item in sorted(events, key=lambda event: (event[0], event[1])):
        product_id = products.get((item.uscc, item.product, item.model))
        if product_id is None:
            continue
        code = declared_code(item.code)
        if isinstance(item, LaterEdition):
            try:
                await repository.declare(product_id, code, declared_on=on, now=_noon(on),
                                         source="demo")
            except DuplicateError:
                continue
            declared += 1
        else:
            declaration_id = await _active_declaration(product_id, code.key)
            if declaration_id is None:
                continue
            await repository.withdraw_declaration(
                declaration_id, reason="企业撤回声明 withdrawn by the enterprise (demo)",
                now=_noon(on))
            withdrawn += 1
    return {"imported": report.as_dict(), "later_editions": declared, "withdrawn": withdrawn}


DEMO_ACCOUNTS = (("leader", "demo-leader", "演示领导"), ("staff", "demo-staff", "演示工作人员"))


async def ensure_demo_accounts() -> list[dict[str, Any]]:
    """A leader and a staff account for signing in, created once: each has a username with a
    random password and an API token, both returned only when created (stored hashed)."""
    import datetime as dt

    from adoption import accounts_repository
    from adoption.accounts import hash_password, temporary_password
    from adoption.vocab import AccountRole
    from api.auth import TOKEN_PREFIX, hash_token, new_token

    existing = {account.username for account in await accounts_repository.list_accounts()}
    made: list[dict[str, Any]] = []
    for role, username, name in DEMO_ACCOUNTS:
        if username in existing:
            made.append({"role": role, "name": name, "username": username, "password": None,
                         "token": None})
            continue
        password, token = temporary_password(), new_token()
        account = await accounts_repository.create_account(
            role=AccountRole(role), name=name, username=username,
            password_hash=hash_password(password), token_hash=hash_token(token),
            token_hint=token[: len(TOKEN_PREFIX) + 4], now=dt.datetime.now(dt.UTC))
        made.append({"role": role, "name": name, "username": username, "password": password,
                     "token": token, "id": account.id})
    return made


async def load_demo_province(archive_dir: Path, settings: Settings | None = None
                             ) -> dict[str, Any]:
    """Load the demo province through the real pipelines; running it again changes nothing.

    Declarations are loaded once (the province's first enterprise marks them loaded); the
    drafting plans, the catalogue of the standards they published (with ``settings``: a
    catalogue import, then what follows every import), the seed goals and the current plans'
    goals are imports that are idempotent by themselves.
    """
    import tempfile

    from adoption.goals_repository import install_seed_goals, store_leader_days
    from api.drafting_imports import import_drafting_plans

    province = generate(await catalogue_pools())
    result: dict[str, Any] = {"generated": summary(province)}
    with tempfile.TemporaryDirectory(prefix="stdtrack-demo-") as tmp:
        workdir = Path(tmp)
        if await province_loaded(province):
            result["declarations"] = "already loaded"
        else:
            result["declarations"] = await load_declarations(province, workdir, archive_dir)
        plans = write_csv(province.drafting, workdir / "demo-province-drafting-plans.csv")
        drafting = await import_drafting_plans([plans], actor="demo", archive_dir=archive_dir)
        result["drafting"] = drafting.as_dict()
        if settings is not None:
            from api.imports import ImportOptions, after_import, import_files

            local = write_csv(published_catalogue(province.drafting),
                              workdir / "demo-province-local-standards.csv")
            report = await import_files([local], ImportOptions(
                actor="demo", limits=settings.read_limits), archive_dir)
            await after_import(settings, report)
            result["local_standards"] = {"created": report.created,
                                         "unchanged": report.unchanged}
    result["goals"] = {**await install_seed_goals(), **await install_demo_goals()}
    result["accounts"] = await ensure_demo_accounts()
    # as every import ends: the leader's past days stored for the first dashboard
    result["stored_days"] = await store_leader_days()
    return result


def print_demo_summary(result: dict[str, Any], echo: Callable[[str], None]) -> None:
    """What ``stdtrack demo`` loaded, and how to sign in to the dashboard."""
    generated = result["generated"]
    declarations = result["declarations"]
    if isinstance(declarations, dict):
        imported = declarations["imported"]
        echo(f"demo province: {generated['enterprises']} enterprises, {generated['products']} "
             f"products; declarations created {imported['declarations']['created']} "
             f"({imported['declarations']['unresolved']} unresolved), later editions "
             f"{declarations['later_editions']}, withdrawn {declarations['withdrawn']}, "
             f"rejected {len(imported['rejected'])}")
    else:
        echo(f"demo province: declarations {declarations}")
    drafting = result["drafting"]
    echo(f"drafting plans: {drafting['projects']} projects; created {drafting['created']}, "
         f"updated {drafting['updated']}, unchanged {drafting['unchanged']}, rejected "
         f"{len(drafting['rejected'])}")
    if "local_standards" in result:
        local = result["local_standards"]
        echo(f"local standards the plans published, in the catalogue: created "
             f"{local['created']}, unchanged {local['unchanged']}")
    goals = result["goals"]
    echo(f"goals (seeds and current plans): {len(goals)} (" + ", ".join(
        f"{action} {sum(1 for a in goals.values() if a == action)}"
        for action in sorted(set(goals.values()))) + ")")
    for account in result["accounts"]:
        if account["token"]:
            echo(f"{account['role']} account: username {account['username']}, password "
                 f"{account['password']}, API token {account['token']} (shown once; sign in at "
                 "http://127.0.0.1:8000/sign-in)")
        else:
            echo(f"{account['role']} account {account['username']} exists (its password and "
                 "token were shown when created; `stdtrack accounts reset-password "
                 f"{account['username']}` gives it a new password)")
