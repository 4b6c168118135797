"""Demo menu (文明实践菜单): the seven platforms, the nine categories, a realistic menu, and the
volunteers' skills (VolunteerSkill lives here because volunteers must not depend on orders).

Order history is seeded separately, by ``orders.demo_history``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

from core.bulk import insert_objects
from orders.models import MenuItem, Platform, ServiceCategory, TargetGroup, VolunteerSkill
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import Town, Village
from volunteers.models import Team, Volunteer

if TYPE_CHECKING:  # type only: orders must not depend on portal at run time
    from portal.seeding import SeedContext

# (name, lead department, description) — DOMAIN.md §3, 七大平台.
PLATFORMS: tuple[tuple[str, str, str], ...] = (
    ("理论宣讲", "市委宣传部", "党的创新理论、政策法规和身边典型的宣讲。"),
    ("教育", "市教育和体育局", "家庭教育、课后辅导、国学和礼仪教育。"),
    ("文化", "市文化和旅游局", "送戏下乡、电影放映、群众文艺培训。"),
    ("科技与科普", "市科学技术协会", "农业技术、科普宣传、安全教育。"),
    ("健身体育", "市体育事业发展中心", "全民健身指导、赛事组织、器材维护。"),
    ("法律法规", "市司法局", "普法宣讲、法律咨询、矛盾调解。"),
    ("卫生健康", "市卫生健康局", "义诊、健康讲座、爱国卫生和关爱服务。"),
)

# (code, name, description) — the village-facing categories, also volunteers' skills.
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("lecture", "文明宣讲", "政策理论和文明新风宣讲。"),
    ("law", "法治", "普法、法律咨询、调解。"),
    ("customs", "风尚", "移风易俗、家风家训、文明交通。"),
    ("environment", "环保", "人居环境、垃圾分类、护河植绿。"),
    ("assistance", "帮扶", "关爱独居老人、留守儿童、残疾人和困难家庭。"),
    ("performing", "演艺", "戏曲、广场舞、电影、书画。"),
    ("etiquette", "礼教", "国学、礼仪、家庭教育、孝善敬老。"),
    ("fitness", "健体", "健身指导、体育活动。"),
    ("science", "科普", "农技、科普、健康和安全知识。"),
)

# English names (``name_en``), kept by staff in the admin like the Chinese ones. The built-in
# platforms and categories also get theirs from migration orders 0011 on existing databases.
PLATFORM_NAMES_EN: dict[str, str] = {
    "理论宣讲": "Theory outreach",
    "教育": "Education",
    "文化": "Culture",
    "科技与科普": "Science and popularisation",
    "健身体育": "Fitness and sports",
    "法律法规": "Law",
    "卫生健康": "Health",
}
CATEGORY_NAMES_EN: dict[str, str] = {
    "lecture": "Civility lectures",
    "law": "Rule of law",
    "customs": "Social customs",
    "environment": "Environment",
    "assistance": "Assistance",
    "performing": "Performing arts",
    "etiquette": "Etiquette",
    "fitness": "Fitness",
    "science": "Science popularisation",
}

# Reach markers for the menu table below.
ALL = MenuItem.Reach.CITYWIDE
SUBDISTRICTS = "subdistricts"  # the five 街道
RURAL_TOWNS = "rural_towns"  # the sixteen 镇
POTATO_TOWNS = "potato_towns"  # 滕州马铃薯 growing towns
HONGXU_VILLAGES = "hongxu_villages"  # villages of 洪绪镇, 团结村 among them
LAKESIDE_VILLAGES = "lakeside_villages"  # villages of 滨湖镇 on 微山湖

E, C, D, N, V = (
    TargetGroup.ELDERLY_ALONE,
    TargetGroup.LEFT_BEHIND_CHILDREN,
    TargetGroup.DISABLED,
    TargetGroup.NEEDY_FAMILIES,
    TargetGroup.VETERANS,
)

# (title, platform, category code, offering detachment or "", target group, minutes, reach,
#  description)
MENU: tuple[tuple[str, str, str, str, str, int, str, str], ...] = (
    ("党的创新理论“百姓宣讲”", "理论宣讲", "lecture", "理论宣讲志愿服务支队", "", 90, ALL,
     "百姓宣讲团进村入户，用拉家常的方式讲清党的创新理论。"),
    ("党史学习教育微宣讲", "理论宣讲", "lecture", "党员志愿服务支队", "", 60, ALL,
     "20分钟一个小故事，讲党史、讲滕州红色故事。"),
    ("乡村振兴政策解读", "理论宣讲", "lecture", "党员志愿服务支队", "", 90, RURAL_TOWNS,
     "土地流转、合作社、农业补贴等政策答疑。"),
    ("“身边好人”事迹宣讲", "理论宣讲", "lecture", "理论宣讲志愿服务支队", "", 60, ALL,
     "请道德模范和身边好人讲自己的故事。"),
    ("惠农惠民政策进农家", "理论宣讲", "lecture", "党员志愿服务支队", "", 60, HONGXU_VILLAGES,
     "入户讲解医保、养老保险、惠农补贴的办理。"),
    ("困难家庭结对帮扶", "理论宣讲", "assistance", "党员志愿服务支队", N, 120, ALL,
     "党员与困难家庭结对，定期走访、帮办实事。"),
    ("退役军人关爱走访", "理论宣讲", "assistance", "党员志愿服务支队", V, 60, ALL,
     "走访慰问退役军人，帮助解决实际困难。"),
    ("民法典进乡村宣讲", "法律法规", "law", "法律服务志愿服务支队", "", 90, ALL,
     "婚姻家庭、继承、相邻关系等与群众生活密切相关的内容。"),
    ("法律咨询“面对面”", "法律法规", "law", "法律服务志愿服务支队", "", 120, ALL,
     "律师、法律工作者到村坐诊，现场解答法律问题。"),
    ("邻里矛盾纠纷调解", "法律法规", "law", "法律服务志愿服务支队", "", 120, ALL,
     "人民调解员上门，化解宅基地、赡养等纠纷。"),
    ("防范电信网络诈骗讲座", "法律法规", "law", "法律服务志愿服务支队", "", 60, ALL,
     "结合真实案例，讲清常见骗局和应对方法。"),
    ("老年人防诈骗与赡养权益讲座", "法律法规", "law", "法律服务志愿服务支队", E, 60, ALL,
     "面向独居老人，讲防范保健品骗局和赡养权益。"),
    ("未成年人保护法宣讲", "法律法规", "law", "青年志愿服务支队", C, 60, ALL,
     "面向留守儿童及其监护人，讲自我保护和监护责任。"),
    ("残疾人权益法律援助", "法律法规", "law", "法律服务志愿服务支队", D, 90, ALL,
     "为残疾人提供法律咨询和援助申请帮办。"),
    ("文明交通劝导", "法律法规", "customs", "青年志愿服务支队", "", 120, SUBDISTRICTS,
     "在路口、学校门口开展文明交通劝导。"),
    ("移风易俗红白理事会指导", "理论宣讲", "customs", "巾帼志愿服务支队", "", 90, ALL,
     "指导村红白理事会，倡导婚事新办、丧事简办。"),
    ("文明家庭评选与“好媳妇好婆婆”宣讲", "理论宣讲", "customs", "巾帼志愿服务支队", "", 60,
     ALL, "组织文明家庭评选，宣讲孝老爱亲典型。"),
    ("道德讲堂", "理论宣讲", "customs", "理论宣讲志愿服务支队", "", 90, ALL,
     "唱一首歌、看一段片、讲一个故事、诵一段经典、谈一点感悟。"),
    ("家风家训进万家", "文化", "customs", "巾帼志愿服务支队", "", 60, ALL,
     "征集、书写、悬挂家风家训。"),
    ("无偿献血动员宣传", "卫生健康", "customs", "卫生健康志愿服务支队", "", 120, ALL,
     "宣传无偿献血知识，组织献血车进镇街。"),
    ("人居环境整治志愿服务", "卫生健康", "environment", "生态环保志愿服务支队", "", 120, ALL,
     "清理房前屋后、沟渠路边的垃圾杂物。"),
    ("垃圾分类入户指导", "卫生健康", "environment", "生态环保志愿服务支队", "", 60,
     SUBDISTRICTS, "入户讲解分类方法，发放分类指引。"),
    ("护河巡河志愿行动", "科技与科普", "environment", "生态环保志愿服务支队", "", 120,
     LAKESIDE_VILLAGES, "沿微山湖、城漷河巡河护河，清理漂浮物，劝阻非法捕捞。"),
    ("植树护绿活动", "科技与科普", "environment", "青年志愿服务支队", "", 180, ALL,
     "春季植树、秋冬护绿。"),
    ("秸秆禁烧与综合利用宣传", "科技与科普", "environment", "科技科普志愿服务支队", "", 60,
     RURAL_TOWNS, "讲解秸秆还田、饲料化利用和禁烧要求。"),
    ("独居老人关爱探访", "卫生健康", "assistance", "扶贫帮困志愿服务支队", E, 60, ALL,
     "定期探访，量血压、聊家常、帮做家务。"),
    ("留守儿童“代理家长”陪伴", "教育", "assistance", "巾帼志愿服务支队", C, 120, ALL,
     "周末陪伴学习、游戏，和在外务工的父母视频连线。"),
    ("残疾人上门理发与家务帮扶", "卫生健康", "assistance", "扶贫帮困志愿服务支队", D, 90, ALL,
     "上门理发、打扫卫生、代购生活用品。"),
    ("“暖冬行动”送温暖", "卫生健康", "assistance", "扶贫帮困志愿服务支队", N, 90, ALL,
     "冬季为困难家庭送棉衣棉被，检查取暖安全。"),
    ("送戏下乡：柳琴戏专场", "文化", "performing", "文化文艺志愿服务支队", "", 120, ALL,
     "滕州地方戏柳琴戏、山东梆子经典选段。"),
    ("广场舞培训与展演", "文化", "performing", "文化文艺志愿服务支队", "", 90, ALL,
     "教学新编广场舞，组织村际展演。"),
    ("农村公益电影放映", "文化", "performing", "文化文艺志愿服务支队", "", 120, ALL,
     "每月一场，放映前加映普法、科普短片。"),
    ("写春联送福字", "文化", "performing", "文化文艺志愿服务支队", "", 120, ALL,
     "书法志愿者现场为群众书写春联、福字。"),
    ("少儿才艺培训", "文化", "performing", "文化文艺志愿服务支队", C, 90, ALL,
     "面向留守儿童的美术、合唱、剪纸培训。"),
    ("孔子学堂国学诵读", "教育", "etiquette", "教育助学志愿服务支队", "", 60, ALL,
     "诵读《论语》《弟子规》，讲墨子、鲁班等滕州先贤故事。"),
    ("家庭教育公益讲座", "教育", "etiquette", "巾帼志愿服务支队", "", 90, ALL,
     "讲亲子沟通、隔代教育和青春期教育。"),
    ("青少年文明礼仪培训", "教育", "etiquette", "青年志愿服务支队", "", 60, ALL,
     "礼貌用语、餐桌礼仪、公共场所礼仪。"),
    ("孝善敬老主题讲座", "教育", "etiquette", "理论宣讲志愿服务支队", "", 60, ALL,
     "讲孝道文化，表彰孝善之星。"),
    ("暑期课后辅导", "教育", "etiquette", "教育助学志愿服务支队", C, 120, ALL,
     "大学生志愿者暑期辅导作业、开展阅读活动。"),
    ("全民健身技能指导", "健身体育", "fitness", "体育健身志愿服务支队", "", 60, ALL,
     "社会体育指导员现场教学科学健身方法。"),
    ("太极拳、八段锦教学", "健身体育", "fitness", "体育健身志愿服务支队", E, 60, ALL,
     "适合老年人的传统健身项目教学。"),
    ("健身器材检查维护", "健身体育", "fitness", "体育健身志愿服务支队", "", 60, ALL,
     "检查村内健身路径，维修或报修损坏器材。"),
    ("乡村篮球赛组织", "健身体育", "fitness", "青年志愿服务支队", "", 180, RURAL_TOWNS,
     "协助组织村级篮球赛，提供裁判和后勤。"),
    ("老年人健步走活动", "健身体育", "fitness", "体育健身志愿服务支队", "", 60, ALL,
     "组织健步走，讲解运动安全。"),
    ("农业技术田间指导", "科技与科普", "science", "科技科普志愿服务支队", "", 120, RURAL_TOWNS,
     "农技人员到田间地头指导病虫害防治、科学施肥。"),
    ("马铃薯种植技术讲座", "科技与科普", "science", "科技科普志愿服务支队", "", 90,
     POTATO_TOWNS, "滕州马铃薯脱毒种薯、拱棚栽培和储藏技术。"),
    ("老年人智能手机使用教学", "科技与科普", "science", "青年志愿服务支队", E, 60, ALL,
     "教老人用微信视频、健康码、移动支付和防诈骗设置。"),
    ("防溺水安全教育", "教育", "science", "青年志愿服务支队", C, 60, ALL,
     "暑期前到村讲解防溺水“六不”，发放安全提示。"),
    ("科普大篷车进村", "科技与科普", "science", "科技科普志愿服务支队", "", 120, ALL,
     "科普展品、实验表演和科普图书下乡。"),
    ("健康知识讲座", "卫生健康", "science", "卫生健康志愿服务支队", "", 60, ALL,
     "高血压、糖尿病等慢性病的防治知识。"),
    ("中医义诊进村", "卫生健康", "science", "卫生健康志愿服务支队", "", 120, ALL,
     "中医师到村义诊，测血压、血糖，开展健康咨询。"),
    ("应急救护培训", "卫生健康", "science", "卫生健康志愿服务支队", "", 120, ALL,
     "心肺复苏、海姆立克急救法等技能培训。"),
)  # fmt: skip

# The menu's services in English, by their Chinese title.
MENU_TITLES_EN: dict[str, str] = {
    "党的创新理论“百姓宣讲”": "The Party's new theories, told by neighbours",
    "党史学习教育微宣讲": "Short talks on Party history",
    "乡村振兴政策解读": "Rural revitalisation policies explained",
    "“身边好人”事迹宣讲": "Stories of good people next door",
    "惠农惠民政策进农家": "Farm and welfare policies at your door",
    "困难家庭结对帮扶": "Paired support for families in need",
    "退役军人关爱走访": "Visits to veterans",
    "民法典进乡村宣讲": "The Civil Code in the village",
    "法律咨询“面对面”": "Face-to-face legal advice",
    "邻里矛盾纠纷调解": "Mediation of neighbour disputes",
    "防范电信网络诈骗讲座": "Talk: phone and online fraud",
    "老年人防诈骗与赡养权益讲座": "Talk for the elderly: fraud and the right to support",
    "未成年人保护法宣讲": "The Minors Protection Law explained",
    "残疾人权益法律援助": "Legal aid for disabled people",
    "文明交通劝导": "Civilised-traffic duty",
    "移风易俗红白理事会指导": "Simpler weddings and funerals: council guidance",
    "文明家庭评选与“好媳妇好婆婆”宣讲": "Civilised families and good in-laws",
    "道德讲堂": "Morality classroom",
    "家风家训进万家": "Family mottos for every home",
    "无偿献血动员宣传": "Blood donation drive",
    "人居环境整治志愿服务": "Village clean-up",
    "垃圾分类入户指导": "Waste sorting at home",
    "护河巡河志愿行动": "River patrol",
    "植树护绿活动": "Tree planting and care",
    "秸秆禁烧与综合利用宣传": "Straw: no burning, better uses",
    "独居老人关爱探访": "Visits to elderly people living alone",
    "留守儿童“代理家长”陪伴": "Stand-in parents for left-behind children",
    "残疾人上门理发与家务帮扶": "Haircuts and housework for disabled people at home",
    "“暖冬行动”送温暖": "Warm winter: help for families in need",
    "送戏下乡：柳琴戏专场": "Opera in the village: Liuqin opera",
    "广场舞培训与展演": "Square dance classes and shows",
    "农村公益电影放映": "Free open-air films",
    "写春联送福字": "Spring Festival couplets written for you",
    "少儿才艺培训": "Arts classes for children",
    "孔子学堂国学诵读": "Confucius classroom: reading the classics",
    "家庭教育公益讲座": "Talks on family education",
    "青少年文明礼仪培训": "Manners for young people",
    "孝善敬老主题讲座": "Talks on filial piety and respect for the elderly",
    "暑期课后辅导": "Summer homework help",
    "全民健身技能指导": "Fitness coaching for everyone",
    "太极拳、八段锦教学": "Tai chi and Baduanjin classes",
    "健身器材检查维护": "Fitness equipment check and repair",
    "乡村篮球赛组织": "Village basketball matches",
    "老年人健步走活动": "Walking group for the elderly",
    "农业技术田间指导": "Farming advice in the field",
    "马铃薯种植技术讲座": "Talk: growing potatoes",
    "老年人智能手机使用教学": "Smartphone lessons for the elderly",
    "防溺水安全教育": "Drowning prevention",
    "科普大篷车进村": "Science caravan",
    "健康知识讲座": "Health talks",
    "中医义诊进村": "Free Chinese-medicine clinic",
    "应急救护培训": "First-aid training",
}

POTATO_TOWN_NAMES = ("界河镇", "龙阳镇", "级索镇", "滨湖镇", "姜屯镇")
# How many skills a volunteer has: one most often, up to three.
SKILL_COUNT_WEIGHTS = ((1, 5), (2, 3), (3, 2))


def seed_menu(ctx: SeedContext) -> None:
    rng = ctx.rng
    platforms = {
        p.name: p
        for p in Platform.objects.bulk_create(
            Platform(
                name=name,
                name_en=PLATFORM_NAMES_EN[name],
                department=dept,
                description=desc,
                sort_order=i + 1,
            )
            for i, (name, dept, desc) in enumerate(PLATFORMS)
        )
    }
    categories = {
        c.code: c
        for c in ServiceCategory.objects.bulk_create(
            ServiceCategory(
                code=code,
                name=name,
                name_en=CATEGORY_NAMES_EN[code],
                description=desc,
                sort_order=i + 1,
            )
            for i, (code, name, desc) in enumerate(CATEGORIES)
        )
    }
    teams = {t.name: t for t in Team.objects.filter(kind=Team.Kind.DETACHMENT).only("id", "name")}
    items = MenuItem.objects.bulk_create(
        MenuItem(
            title=title,
            title_en=MENU_TITLES_EN[title],
            description=description,
            platform=platforms[platform],
            category=categories[code],
            team=teams.get(team),
            reach=MenuItem.Reach.CITYWIDE
            if reach == ALL
            else (MenuItem.Reach.VILLAGES if reach.endswith("villages") else MenuItem.Reach.TOWNS),
            target_group=target,
            duration_minutes=minutes,
        )
        for title, platform, code, team, target, minutes, reach, description in MENU
    )

    towns = list(Town.objects.order_by("sort_order"))
    town_sets = {
        SUBDISTRICTS: [t for t in towns if t.kind == Town.Kind.SUBDISTRICT],
        RURAL_TOWNS: [t for t in towns if t.kind == Town.Kind.TOWN],
        POTATO_TOWNS: [t for t in towns if t.name in POTATO_TOWN_NAMES],
    }
    hongxu = list(Village.objects.filter(town__name=ARTICLE_TOWN).order_by("id"))
    tuanjie = [v for v in hongxu if v.name == ARTICLE_VILLAGE]
    village_sets = {
        # A village-reach item for 团结村 and a third of its neighbours.
        HONGXU_VILLAGES: tuanjie
        + rng.sample([v for v in hongxu if v not in tuanjie], len(hongxu) // 3),
        LAKESIDE_VILLAGES: rng.sample(
            list(Village.objects.filter(town__name="滨湖镇").order_by("id")), 20 * ctx.scale
        ),
    }
    town_links, village_links = [], []
    for item, row in zip(items, MENU, strict=True):
        reach = row[6]
        town_links += [
            MenuItem.towns.through(menuitem=item, town=t) for t in town_sets.get(reach, ())
        ]
        village_links += [
            MenuItem.villages.through(menuitem=item, village=v) for v in village_sets.get(reach, ())
        ]
    MenuItem.towns.through.objects.bulk_create(town_links)
    MenuItem.villages.through.objects.bulk_create(village_links)

    # Skills: one to three categories per volunteer.
    codes = [code for code, _, _ in CATEGORIES]
    counts, weights = zip(*SKILL_COUNT_WEIGHTS, strict=True)
    volunteer_ids = list(Volunteer.objects.order_by("id").values_list("id", flat=True))
    skills = []
    for volunteer_id in ctx.progress(volunteer_ids, len(volunteer_ids), gettext("志愿者技能")):
        for code in rng.sample(codes, rng.choices(counts, weights)[0]):
            skills.append(VolunteerSkill(volunteer_id=volunteer_id, category=categories[code]))
    insert_objects(skills)
    ctx.stdout.write(
        "  "
        + gettext(
            "%(platforms)s 平台，%(categories)s 类别，%(items)s 菜单服务项，%(skills)s 志愿者技能"
        )
        % {
            "platforms": len(platforms),
            "categories": len(categories),
            "items": len(items),
            "skills": len(skills),
        }
    )
