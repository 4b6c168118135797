"""Deterministic, realistic Chinese names for demo data: people, phones and villages.

Every function takes the seeding ``random.Random`` so that the same seed gives the same names.
Lists are ordered tuples (never sets) for the same reason.
"""

from __future__ import annotations

import random

# Common surnames of south-western Shandong, most frequent first (weighted by repetition below).
SURNAMES = (
    "王", "张", "李", "刘", "孙", "陈", "杨", "赵", "徐", "孔", "颜", "曹", "马", "黄", "周",
    "吴", "朱", "胡", "郭", "高", "林", "何", "郑", "梁", "宋", "韩", "唐", "冯", "于", "董",
    "程", "褚", "邵", "田", "姜", "殷", "魏", "满", "侯", "薛",
)  # fmt: skip
_SURNAME_WEIGHTS = tuple(max(1, 12 - i // 3) for i in range(len(SURNAMES)))

GIVEN_CHARS = (
    "明", "华", "建", "国", "军", "伟", "芳", "丽", "秀", "英", "玉", "兰", "红", "霞", "平",
    "强", "磊", "洋", "勇", "杰", "静", "敏", "燕", "艳", "涛", "波", "辉", "刚", "鹏", "霞",
    "婷", "雪", "梅", "峰", "斌", "超", "宇", "浩", "凯", "欣", "晨", "琳", "文", "志", "海",
    "春", "秋", "冬", "庆", "福", "德", "贵", "荣", "振", "兴", "安", "宁", "新", "光", "爱",
)  # fmt: skip

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "182", "183", "187", "188",
    "189", "199",
)  # fmt: skip


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(length))


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number (fictitious; no real subscriber is targeted)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# --- Villages and communities ------------------------------------------------------------------

# Place-name endings of rural Shandong: 王庄, 张楼, 李营, 刘集 …
_VILLAGE_ENDINGS = (
    "庄", "楼", "营", "集", "屯", "店", "洼", "桥", "寨", "堂", "岗", "河", "湖", "官庄", "家庄",
    "埠", "坡", "沟", "园", "林",
)  # fmt: skip
_DIRECTIONS = ("", "东", "西", "南", "北", "前", "后", "大", "小", "上", "下", "新")
# Names given after 1949 (团结村 itself is placed in 洪绪镇 explicitly, never drawn).
_AUSPICIOUS = (
    "前进", "胜利", "红旗", "和平", "新华", "幸福", "光明", "建设", "东风", "兴隆", "太平",
    "永安", "富民", "丰收", "友谊", "民主", "新建", "向阳", "红星", "长乐", "五一", "解放",
)  # fmt: skip
_COMMUNITY_WORDS = (
    "东关", "西关", "南关", "北关", "荆河", "善国", "文昌", "杏坛", "奚公", "龙泉", "墨子", "鲁班",
    "大同", "学院", "塔寺", "平行", "荆西", "和谐", "惠民", "安居", "花园", "玉泉", "府前", "古薛",
    "滨湖", "书院", "振兴", "康乐", "金河", "银河", "新兴", "御园", "春秋", "鑫城", "锦华", "翠湖",
)  # fmt: skip
_ORDINALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九")


def _rural_pools() -> tuple[list[str], list[str]]:
    """Plain stems (王庄, 前进) and direction-prefixed ones (东王庄, 后李楼)."""
    stems = [s + e for s in SURNAMES for e in _VILLAGE_ENDINGS]
    plain = stems + list(_AUSPICIOUS)
    prefixed = [d + stem for d in _DIRECTIONS if d for stem in stems]
    return plain, prefixed


def _community_pools(town_stem: str) -> tuple[list[str], list[str]]:
    plain = [town_stem + d for d in ("", "东", "西", "南", "北", "中心", "新城")]
    plain += list(_COMMUNITY_WORDS)
    prefixed = [
        d + w
        for d in ("东", "西", "南", "北", "新")
        for w in _COMMUNITY_WORDS
        if w[0] not in "东西南北新"
    ]
    return plain, prefixed


def village_names(
    rng: random.Random, *, town_name: str, kinds: list[str], reserved: tuple[str, ...] = ()
) -> list[str]:
    """One name per entry of ``kinds`` ("village" → …村, "community" → …社区), unique in the town.

    ``reserved`` names are never drawn (the caller places them). Most names are plain (王庄村);
    some carry a direction (东王庄村). Ordinals (王庄一村) extend the pools for large ``--scale``.
    """
    town_stem = town_name.removesuffix("街道").removesuffix("镇")
    pools = {"village": (_rural_pools(), "村"), "community": (_community_pools(town_stem), "社区")}
    used: set[str] = set(reserved)
    names = []
    for kind in kinds:
        (plain, prefixed), suffix = pools[kind]
        names.append(_draw(rng, plain, prefixed, suffix, used))
    return names


def _draw(rng: random.Random, plain, prefixed, suffix: str, used: set[str]) -> str:
    for ordinal in _ORDINALS:
        for pool in (plain, prefixed) if rng.random() < 0.6 else (prefixed, plain):
            # Rejection sampling: cheap while the pool is mostly free, bounded otherwise.
            for _ in range(20):
                name = f"{rng.choice(pool)}{ordinal}{suffix}"
                if name not in used:
                    used.add(name)
                    return name
    raise ValueError("not enough distinct place names; lower --scale")
