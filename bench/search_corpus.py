"""The 200,000-standard search benchmark corpus: the real ISO / IEC / JIS records of
``shared/data`` plus generated Chinese national, industry and local standards.

Generated titles are built from the vocabulary of real Chinese standard titles (subjects and
title endings as they appear on std.samr.gov.cn, with their usual English renderings), so that
term frequencies look like a real catalogue: ``技术`` and ``规范`` are frequent, ``人参`` and
``抗震`` are rare, editions of one family share a title, parts share a stem. Everything is
drawn from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from standards.schemas import AdoptionRef, StandardInput
from standards.vocab import AdoptionDegree

SHARED = Path(os.environ.get("STDTRACK_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
REAL_FILES = (
    "relaton-data-iso/iso_compact_all.jsonl.gz",
    "relaton-data-iec/iec_compact_all.jsonl.gz",
    "relaton-data-jis/jis_compact_all.jsonl.gz",
)
TODAY = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class Domain:
    """Subjects and title endings of one field, the issuers that publish in it, ICS and CCS."""

    name: str
    prefixes: tuple[str, ...]
    ics: tuple[str, ...]
    ccs: tuple[str, ...]
    subjects: tuple[tuple[str, str], ...]
    endings: tuple[tuple[str, str], ...]
    glue: str = " "  # between subject and ending: GB titles use a space, building codes none
    drafters: tuple[str, ...] = ()


S = tuple[tuple[str, str], ...]


def _pairs(text: str) -> S:
    """``中文|English`` lines to pairs."""
    out = []
    for line in text.strip().splitlines():
        zh, en = line.split("|")
        out.append((zh.strip(), en.strip()))
    return tuple(out)


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "building",
        ("GB", "GB/T", "JGJ", "JGJ/T", "CJJ", "CJJ/T", "DB22/T", "DB32/T", "DB11/T"),
        ("91.010.30", "91.080.40", "91.080.10", "91.120.25", "91.140.10", "93.040"),
        ("P15", "P20", "P22", "P25", "P30", "P40"),
        _pairs("""
            建筑|buildings
            混凝土结构|concrete structures
            钢结构|steel structures
            砌体结构|masonry structures
            木结构|timber structures
            建筑地基基础|building foundations
            地下工程|underground works
            建筑给水排水|building water supply and drainage
            通风与空调工程|ventilation and air conditioning works
            建筑电气工程|building electrical works
            住宅|residential buildings
            公共建筑|public buildings
            装配式混凝土建筑|prefabricated concrete buildings
            建筑幕墙|curtain walls
            屋面工程|roofing works
            城镇燃气|city gas
            城镇供热管网|district heating networks
            城市道路|urban roads
            城市桥梁|urban bridges
            城市轨道交通|urban rail transit
            园林绿化工程|landscaping works
            外墙外保温工程|external thermal insulation works
            既有建筑|existing buildings
            人民防空工程|civil air defence works
            村镇建筑|rural buildings
            高层建筑混凝土结构|concrete structures of tall buildings
            建筑边坡工程|building slope works
            冷库|cold stores
        """),
        _pairs("""
            设计规范|Code for design of {s}
            设计标准|Standard for design of {s}
            施工规范|Code for construction of {s}
            施工质量验收规范|Code for acceptance of construction quality of {s}
            技术规程|Technical specification for {s}
            检测技术标准|Standard for inspection and testing of {s}
            抗震设计规范|Code for seismic design of {s}
            抗震鉴定标准|Standard for seismic appraisal of {s}
            抗震加固技术规程|Technical specification for seismic strengthening of {s}
            防火规范|Code for fire protection design of {s}
            加固设计规范|Code for strengthening design of {s}
            运行维护技术规程|Technical specification for operation and maintenance of {s}
            术语标准|Standard for terminology of {s}
            节能设计标准|Design standard for energy efficiency of {s}
            可靠性设计统一标准|Unified standard for reliability design of {s}
            安全技术规范|Safety code for {s}
            质量验收标准|Standard for quality acceptance of {s}
        """),
        glue="",
        drafters=(
            "中国建筑科学研究院有限公司",
            "同济大学",
            "中国建筑标准设计研究院有限公司",
            "吉林省建筑设计院有限责任公司",
            "江苏省建筑科学研究院有限公司",
            "清华大学",
        ),
    ),
    Domain(
        "automotive",
        ("QC/T", "QC/T", "GB", "GB/T", "GB/T"),
        ("43.040.40", "43.040.50", "43.020", "43.120", "43.140", "43.080"),
        ("T24", "T20", "T40", "T47", "T35"),
        _pairs("""
            汽车|motor vehicles
            乘用车|passenger cars
            商用车|commercial vehicles
            电动汽车|electric vehicles
            纯电动乘用车|battery electric passenger cars
            燃料电池电动汽车|fuel cell electric vehicles
            摩托车|motorcycles
            电动自行车|electric bicycles
            挂车|trailers
            汽车用制动器衬片|brake linings for motor vehicles
            汽车制动系统|braking systems of motor vehicles
            汽车转向系统|steering systems of motor vehicles
            汽车安全带|safety belts for motor vehicles
            汽车轮胎|tyres for motor vehicles
            车用柴油|automotive diesel fuel
            汽车发动机|automotive engines
            汽车变速器|automotive transmissions
            车载终端|vehicle-mounted terminals
            电动汽车用动力蓄电池|traction batteries for electric vehicles
            电动汽车充电桩|charging posts for electric vehicles
            汽车座椅|seats of motor vehicles
            汽车灯具|automotive lamps
            汽车空调|automotive air conditioners
            汽车用线束|wiring harnesses for motor vehicles
            汽车用品|automotive accessories
        """),
        _pairs("""
            技术条件|{S} - Specifications
            通用技术条件|{S} - General specifications
            试验方法|{S} - Test methods
            安全要求|{S} - Safety requirements
            性能要求及试验方法|{S} - Performance requirements and test methods
            台架试验方法|{S} - Bench test methods
            耐久性试验方法|{S} - Durability test methods
            术语和定义|{S} - Terms and definitions
            型式检验规程|{S} - Type inspection procedures
            能量消耗率限值|{S} - Limits of energy consumption
            安装要求|{S} - Installation requirements
            可靠性试验方法|{S} - Reliability test methods
        """),
        drafters=(
            "中国汽车技术研究中心有限公司",
            "中国第一汽车集团有限公司",
            "长春汽车检测中心有限责任公司",
            "比亚迪汽车工业有限公司",
            "上海汽车集团股份有限公司",
        ),
    ),
    Domain(
        "machinery",
        ("JB/T", "JB/T", "JB/T", "GB/T", "GB/T"),
        ("21.060.10", "21.100.20", "23.060.01", "23.080", "53.060", "25.040.30"),
        ("J13", "J11", "J16", "J72", "J83", "J04"),
        _pairs("""
            叉车|forklift trucks
            叉车属具|attachments for forklift trucks
            塔式起重机|tower cranes
            桥式起重机|overhead travelling cranes
            渐开线圆柱齿轮|involute cylindrical gears
            滚动轴承|rolling bearings
            液压缸|hydraulic cylinders
            工业阀门|industrial valves
            离心泵|centrifugal pumps
            通风机|fans
            空气压缩机|air compressors
            数控机床|CNC machine tools
            减速器|speed reducers
            联轴器|couplings
            圆柱螺旋弹簧|cylindrical helical springs
            六角头螺栓|hexagon head bolts
            紧固件|fasteners
            焊接材料|welding consumables
            工业机器人|industrial robots
            拖拉机|tractors
            联合收割机|combine harvesters
            农业机械|agricultural machinery
        """),
        _pairs("""
            技术条件|{S} - Specifications
            通用技术条件|{S} - General specifications
            试验方法|{S} - Test methods
            安全要求|{S} - Safety requirements
            精度检验|{S} - Testing of accuracy
            型式与尺寸|{S} - Types and dimensions
            基本参数|{S} - Basic parameters
            术语|{S} - Vocabulary
            噪声测定方法|{S} - Measurement of noise
            产品质量分等|{S} - Classification of product quality
        """),
        drafters=(
            "机械科学研究总院集团有限公司",
            "北京起重运输机械设计研究院有限公司",
            "合肥通用机械研究院有限公司",
            "杭州叉车集团股份有限公司",
            "大连华锐重工集团股份有限公司",
        ),
    ),
    Domain(
        "chemical",
        ("HG/T", "HG/T", "GB/T", "GB"),
        ("71.060.40", "83.060", "87.040", "83.140.30", "65.080"),
        ("G11", "G40", "G51", "G33", "G20"),
        _pairs("""
            工业用氢氧化钠|sodium hydroxide for industrial use
            工业硫酸|sulphuric acid for industrial use
            建筑涂料|architectural coatings
            水性涂料|water-borne coatings
            胶粘剂|adhesives
            硫化橡胶|rubber, vulcanized
            橡胶软管|rubber hoses
            塑料管材|plastic pipes
            聚乙烯管材|polyethylene pipes
            化学试剂|chemical reagents
            分散染料|disperse dyes
            复合肥料|compound fertilizers
            有机肥料|organic fertilizers
            工业用甲醇|methanol for industrial use
        """),
        _pairs("""
            技术条件|{S} - Specifications
            试验方法|{S} - Test methods
            含量的测定|{S} - Determination of content
            检验规则|{S} - Inspection rules
            包装、标志、运输和贮存|{S} - Packaging, marking, transportation and storage
            取样方法|{S} - Sampling methods
            有害物质限量|Limits of harmful substances in {s}
        """),
        drafters=(
            "中海油常州涂料化工研究院有限公司",
            "中国化工经济技术发展中心",
            "上海化工研究院有限公司",
            "中蓝晨光化工研究设计院有限公司",
        ),
    ),
    Domain(
        "agriculture",
        ("NY/T", "NY/T", "DB22/T", "DB22/T", "DB32/T", "GB/T", "LY/T"),
        ("65.020.20", "65.020.30", "67.140.10", "65.080", "65.020.01"),
        ("B31", "B05", "B43", "B16", "B38"),
        _pairs("""
            人参|ginseng
            西洋参|American ginseng
            鹿茸|velvet antler
            梅花鹿|sika deer
            五味子|schisandra
            林蛙|forest frogs
            黑木耳|black fungus
            水稻|rice
            小麦|wheat
            玉米|maize
            大豆|soybean
            茶叶|tea
            绿茶|green tea
            苹果|apples
            设施蔬菜|greenhouse vegetables
            食用菌|edible fungi
            生猪|pigs
            奶牛|dairy cattle
            肉牛|beef cattle
            河蟹|Chinese mitten crab
            蜂蜜|honey
            农作物种子|crop seeds
            高标准农田|high-standard farmland
            棉花|cotton
        """),
        _pairs("""
            生产技术规程|Code of practice for production of {s}
            栽培技术规程|Cultivation practices for {s}
            种植技术规程|Planting practices for {s}
            质量分级|Quality grading of {s}
            等级规格|Grades and specifications of {s}
            产地环境条件|Environmental requirements for producing areas of {s}
            病虫害防治技术规程|Pest and disease control practices for {s}
            养殖技术规范|Breeding practices for {s}
            检验方法|Inspection methods for {s}
            贮藏技术规范|Storage practices for {s}
            采收与加工技术规程|Harvesting and processing practices for {s}
            良种繁育技术规程|Seed breeding practices for {s}
        """),
        glue="",
        drafters=(
            "吉林省农业科学院",
            "中国农业科学院特产研究所",
            "吉林农业大学",
            "江苏省农业科学院",
            "南京农业大学",
            "中国农业科学院茶叶研究所",
        ),
    ),
    Domain(
        "food",
        ("GB", "GB/T", "SB/T", "QB/T", "DB22/T"),
        ("67.100.10", "67.160.10", "67.060", "67.200.10", "67.040"),
        ("X10", "X16", "X61", "X12", "C53"),
        _pairs("""
            乳粉|milk powder
            发酵乳|fermented milk
            饮料|beverages
            白酒|Chinese spirits
            啤酒|beer
            酱油|soy sauce
            食醋|vinegar
            食用植物油|edible vegetable oils
            速冻面米食品|quick-frozen flour and rice products
            糕点|pastries
            熟肉制品|cooked meat products
            婴幼儿谷类辅助食品|cereal-based complementary foods for infants
            包装饮用水|packaged drinking water
            食品添加剂|food additives
            保健食品|health foods
        """),
        _pairs("""
            卫生规范|Hygienic specification for {s}
            生产卫生规范|Hygienic practice for production of {s}
            感官评价方法|Sensory evaluation of {s}
            中铅的测定|Determination of lead in {s}
            中苯甲酸的测定|Determination of benzoic acid in {s}
            中黄曲霉毒素的测定|Determination of aflatoxins in {s}
            菌落总数测定|Aerobic plate count of {s}
            中农药残留量的测定|Determination of pesticide residues in {s}
            中水分的测定|Determination of moisture in {s}
            质量要求|Quality requirements for {s}
        """),
        glue="",
        drafters=(
            "国家食品安全风险评估中心",
            "中国食品发酵工业研究院有限公司",
            "吉林省产品质量监督检验院",
            "江南大学",
        ),
    ),
    Domain(
        "service",
        ("LB/T", "GB/T", "DB22/T", "DB22/T", "DB32/T", "DB32/T", "SB/T", "MZ/T"),
        ("03.080.30", "03.200", "03.080.99", "03.080.01"),
        ("A12", "A16", "A20", "A10"),
        _pairs("""
            旅游景区|tourist attractions
            旅游饭店|tourist hotels
            乡村旅游|rural tourism
            冰雪旅游|ice and snow tourism
            温泉旅游|hot spring tourism
            滑雪场|ski resorts
            导游|tour guides
            旅行社|travel agencies
            养老机构|elderly care institutions
            社区居家养老|community home care for the elderly
            物业|property management
            家政|domestic services
            餐饮|catering
            政务服务中心|government service centres
            公共图书馆|public libraries
            博物馆|museums
            城市公共交通|urban public transport
            网约车|online car-hailing
            快递|express delivery
            医疗机构|medical institutions
        """),
        _pairs("""
            服务规范|Service specification for {s}
            服务质量要求|Service quality requirements for {s}
            质量等级划分与评定|Classification and evaluation of quality grades of {s}
            服务评价|Service evaluation of {s}
            管理规范|Management specification for {s}
            建设指南|Guidelines for construction of {s}
            安全管理规范|Safety management specification for {s}
            服务质量评价指标|Service quality indicators of {s}
        """),
        glue="",
        drafters=(
            "吉林省标准研究院",
            "江苏省标准化研究院",
            "中国标准化研究院",
            "吉林省文化和旅游厅",
            "长白山保护开发区管理委员会",
        ),
    ),
    Domain(
        "ict",
        ("GB/T", "GB/T", "YD/T", "SJ/T", "DB32/T"),
        ("35.030", "35.020", "33.070.50", "35.240.01", "35.110"),
        ("L70", "L80", "M36", "L71", "L67"),
        _pairs("""
            信息技术|information technology
            信息安全技术|information security technology
            网络安全|cybersecurity
            数据中心|data centres
            移动通信终端|mobile terminals
            物联网|internet of things
            云计算|cloud computing
            大数据|big data
            人工智能|artificial intelligence
            区块链|blockchain
            电子政务|e-government
            智慧城市|smart city
            工业互联网|industrial internet
            个人信息|personal information
            光纤|optical fibres
        """),
        _pairs("""
            术语|{S} - Vocabulary
            参考架构|{S} - Reference architecture
            通用要求|{S} - General requirements
            技术要求|{S} - Technical requirements
            测评要求|{S} - Evaluation requirements
            接口规范|{S} - Interface specification
            数据格式|{S} - Data format
            安全技术要求|{S} - Security technical requirements
            测试方法|{S} - Test methods
            能力成熟度模型|{S} - Capability maturity model
        """),
        drafters=(
            "中国电子技术标准化研究院",
            "中国信息通信研究院",
            "公安部第三研究所",
            "华为技术有限公司",
            "阿里云计算有限公司",
        ),
    ),
    Domain(
        "energy",
        ("DL/T", "DL/T", "NB/T", "GB/T", "GB"),
        ("29.180", "29.130.10", "27.160", "27.180", "29.240.01", "27.100"),
        ("K41", "K43", "F12", "F11", "K13"),
        _pairs("""
            电力变压器|power transformers
            高压开关设备|high-voltage switchgear
            光伏发电站|photovoltaic power stations
            风力发电机组|wind turbine generator systems
            电能表|electricity meters
            继电保护装置|relay protection devices
            电化学储能电站|electrochemical energy storage stations
            架空输电线路|overhead transmission lines
            电力电缆|power cables
            火力发电厂|thermal power plants
            水电站|hydropower stations
            核电厂|nuclear power plants
        """),
        _pairs("""
            技术条件|{S} - Specifications
            运行规程|Operating code for {s}
            检修规程|Maintenance code for {s}
            设计规范|Code for design of {s}
            试验规程|Test code for {s}
            验收规范|Acceptance code for {s}
            安全工作规程|Safety work code for {s}
            技术监督导则|Guide for technical supervision of {s}
        """),
        glue="",
        drafters=(
            "中国电力科学研究院有限公司",
            "国网吉林省电力有限公司",
            "国网江苏省电力有限公司",
            "中国电力企业联合会",
        ),
    ),
    Domain(
        "environment",
        ("HJ", "HJ", "GB", "DB22/T", "DB32/T"),
        ("13.060.50", "13.040.20", "13.080.10", "13.030.01"),
        ("Z16", "Z15", "Z18", "Z13"),
        _pairs("""
            水质 氨氮的测定|water quality - Determination of ammonia nitrogen
            水质 总磷的测定|water quality - Determination of total phosphorus
            水质 化学需氧量的测定|water quality - Determination of chemical oxygen demand
            环境空气 挥发性有机物的测定|ambient air - Determination of volatile organic compounds
            环境空气 二氧化硫的测定|ambient air - Determination of sulfur dioxide
            环境空气 颗粒物的测定|ambient air - Determination of particulate matter
            土壤 重金属的测定|soil - Determination of heavy metals
            土壤和沉积物 汞的测定|soil and sediment - Determination of mercury
            固体废物 浸出毒性的测定|solid waste - Determination of leaching toxicity
            固定污染源废气 氮氧化物的测定|stationary source emission - Determination of NOx
        """),
        _pairs("""
             分光光度法|{S} - Spectrophotometric method
             气相色谱法|{S} - Gas chromatography
             液相色谱法|{S} - Liquid chromatography
             原子吸收分光光度法|{S} - Atomic absorption spectrophotometry
             重量法|{S} - Gravimetric method
             电极法|{S} - Electrode method
             自动监测技术规范|{S} - Technical specification for automatic monitoring
        """),
        drafters=(
            "中国环境监测总站",
            "吉林省生态环境监测中心",
            "江苏省环境监测中心",
            "生态环境部环境标准研究所",
        ),
    ),
    Domain(
        "safety",
        ("AQ", "AQ/T", "GB", "GB/T", "XF", "DB22/T"),
        ("13.100", "13.220.10", "13.340.10", "73.100.01"),
        ("C67", "C80", "C73", "D09"),
        _pairs("""
            危险化学品|hazardous chemicals
            煤矿|coal mines
            非煤矿山|non-coal mines
            建筑消防设施|building fire protection facilities
            个体防护装备|personal protective equipment
            应急避难场所|emergency shelters
            安全帽|safety helmets
            防护服装|protective clothing
            灭火器|fire extinguishers
            粉尘防爆|dust explosion prevention
            有限空间作业|work in confined spaces
        """),
        _pairs("""
            安全规程|Safety regulations for {s}
            安全技术规范|Safety technical specification for {s}
            配置要求|Configuration requirements for {s}
            技术条件|{S} - Specifications
            试验方法|{S} - Test methods
            管理规范|Management specification for {s}
            应急预案编制导则|Guidelines for emergency plans for {s}
            检测检验规范|Specification for inspection and testing of {s}
        """),
        drafters=(
            "中国安全生产科学研究院",
            "应急管理部上海消防研究所",
            "中国矿业大学",
            "吉林省安全科学技术研究院",
        ),
    ),
)

MODIFIERS = _pairs("""
    家用|household
    工业用|industrial
    低压|low-voltage
    高温|high-temperature
    小型|small
    大型|large
    智能|intelligent
    绿色|green
    寒区|cold-region
    农村|rural
""")

SCOPE = (
    "本标准规定了{s}的术语和定义、技术要求、试验方法、检验规则以及标志、包装、运输和贮存。"
    "本标准适用于{s}的设计、生产和检验。"
)


def _title(domain: Domain, rng: random.Random) -> tuple[str, str, str]:
    """(zh title stem, en title, subject) of a new family."""
    subject_zh, subject_en = rng.choice(domain.subjects)
    ending_zh, ending_en = rng.choice(domain.endings)
    if rng.random() < 0.12:
        modifier_zh, modifier_en = rng.choice(MODIFIERS)
        subject_zh = modifier_zh + subject_zh
        subject_en = f"{modifier_en} {subject_en}"
    glue = domain.glue if rng.random() < 0.8 else " "
    if ending_zh.startswith("中"):
        glue = ""
    zh = f"{subject_zh}{glue}{ending_zh.strip()}"
    en = ending_en.replace("{s}", subject_en).replace(
        "{S}", subject_en[:1].upper() + subject_en[1:]
    )
    return zh, en, subject_zh


def chinese_records(count: int, seed: int = 20261123) -> list[StandardInput]:
    """``count`` generated Chinese editions: families of 1-3 editions, some in parts."""
    rng = random.Random(seed)
    records: list[StandardInput] = []
    numbers: dict[str, int] = {}
    while len(records) < count:
        domain = rng.choice(DOMAINS)
        prefix = rng.choice(domain.prefixes)
        start = (
            50000
            if prefix == "GB" and domain.name == "building"
            else (1000 if prefix.startswith(("GB", "DB")) else 100)
        )
        number = numbers.get(prefix, start) + rng.randint(1, 7)
        numbers[prefix] = number
        zh_stem, en, subject = _title(domain, rng)
        parts = [None] if rng.random() < 0.93 else list(range(1, rng.randint(2, 5)))
        ics = [rng.choice(domain.ics)]
        ccs = rng.choice(domain.ccs)
        drafters = rng.sample(domain.drafters, k=min(len(domain.drafters), rng.randint(1, 3)))
        for part in parts:
            code_number = f"{number}.{part}" if part else str(number)
            if part:
                aspect_zh, aspect_en = rng.choice(domain.endings)
                title_zh = f"{subject} 第{part}部分：{aspect_zh.strip()}"
                title_en = (
                    f"{en.split(' - ')[0]} - Part {part}: "
                    + aspect_en.replace("{s}", "").replace("{S} - ", "").replace("{S}", "").strip()
                )
            else:
                title_zh, title_en = zh_stem, en
            editions = rng.choices((1, 2, 3), weights=(55, 32, 13))[0]
            year = rng.randint(1995, 2024 - 6 * (editions - 1))
            previous: str | None = None
            for edition in range(editions):
                published = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                implemented = published + dt.timedelta(days=rng.choice((90, 180, 183, 365)))
                code = f"{prefix} {code_number}-{year}"
                last = edition == editions - 1
                next_year = year + rng.randint(4, 8)
                withdrawn = None
                if not last:
                    withdrawn = dt.date(next_year, 6, 1)
                elif rng.random() < 0.08:
                    withdrawn = dt.date(min(year + 10, 2025), 12, 31)  # abolished, no successor
                english = prefix.startswith(("GB", "QC", "JB", "HG", "DL", "YD", "NB"))
                adopts = []
                if domain.name in ("machinery", "ict", "chemical") and rng.random() < 0.15:
                    adopts = [
                        AdoptionRef(
                            code=f"ISO {rng.randint(100, 20000)}:{year - 2}",
                            degree=rng.choice(list(AdoptionDegree)[:3]),
                        )
                    ]
                records.append(
                    StandardInput(
                        code=code,
                        source="bench",
                        title_zh=title_zh,
                        title_en=title_en if english else None,
                        published_on=published,
                        implemented_on=implemented,
                        withdrawn_on=withdrawn,
                        ics=ics,
                        ccs=ccs,
                        drafters=drafters if rng.random() < 0.6 else [],
                        scope=SCOPE.format(s=subject) if rng.random() < 0.3 else None,
                        replaces=[previous] if previous else [],
                        adopts=adopts,
                    )
                )
                previous = code
                year = next_year
    return records[:count]


def real_records(shared: Path = SHARED) -> Iterator[StandardInput]:
    """The real ISO / IEC / JIS records (about 107,000) through the project's own importer."""
    from importers import read_file

    for name in REAL_FILES:
        path = shared / name
        if not path.exists():
            continue
        for outcome in read_file(path):
            if outcome.record is not None:
                yield outcome.record


def corpus(total: int = 200_000, shared: Path = SHARED) -> list[StandardInput]:
    """Real records first (one per edition: the ISO file repeats joint ISO/IEC documents that
    the IEC file also holds), then generated Chinese editions up to ``total`` editions."""
    from standards.codes import try_parse_code
    from standards.repository import catalogue_key

    records: list[StandardInput] = []
    seen: set[str] = set()
    for record in real_records(shared):
        parsed = try_parse_code(record.code)
        key = catalogue_key(parsed) if parsed else record.code
        if key not in seen:
            seen.add(key)
            records.append(record)
    records = records[:total]
    records.extend(chinese_records(total - len(records)))
    return records
