"""The 四个能力 / 一懂三会 quiz: the shipped question bank and how a quiz is put together.

The questions are written from regulations.md §7 (61号令 Arts. 25 and 36, 四个能力, 一懂三会)
and §8 (消防法 Art. 28 life channels). Their wording is configuration: each province gets its
own copy of the bank the first time it is read and edits it (training.quiz_bank)."""

import random

from django.conf import settings
from django.db import IntegrityError, transaction

from hazardloop.training.models import QuizQuestion

# (code, question zh, question en, [(option zh, option en), …] with the right one first)
SEED = [
    (
        "call-119",
        "发现火灾，应拨打哪个电话报警？",
        "Which number do you call to report a fire?",
        [("119", "119"), ("110", "110"), ("120", "120"), ("12345", "12345")],
    ),
    (
        "three-can",
        "“一懂三会”中的“三会”是指？",
        "Under 'know one, can do three', what three things can staff do?",
        [
            (
                "会报警、会扑救初起火灾、会组织疏散逃生",
                "Report a fire, put out an initial fire, organise escape",
            ),
            ("会做饭、会收银、会打扫", "Cook, work the till, clean"),
            ("会开车、会游泳、会急救", "Drive, swim, give first aid"),
            ("会写预案、会画图、会记账", "Write plans, draw maps, keep accounts"),
        ],
    ),
    (
        "one-know",
        "“一懂”是指懂得什么？",
        "Under 'know one, can do three', what must staff understand?",
        [
            (
                "本场所用火、用电、用油、用气的火灾危险性",
                "The fire hazards of fire, electricity, oil and gas use at their workplace",
            ),
            ("消防车的构造", "How a fire engine is built"),
            ("保险理赔的流程", "How insurance claims work"),
            ("建筑设计规范的条文", "The articles of the building design code"),
        ],
    ),
    (
        "four-abilities",
        "下列哪一项不属于社会单位消防安全“四个能力”？",
        "Which of these is not one of a unit's four fire-safety abilities?",
        [
            ("火灾事故调查能力", "Investigating fire accidents"),
            ("检查消除火灾隐患能力", "Finding and removing fire hazards"),
            ("扑救初起火灾能力", "Putting out initial fires"),
            ("组织人员疏散逃生能力", "Organising evacuation and escape"),
        ],
    ),
    (
        "exits-blocked",
        "根据《消防法》，下列哪种做法是禁止的？",
        "Which of these does the Fire Law forbid?",
        [
            (
                "占用、堵塞、封闭疏散通道和安全出口",
                "Occupying, blocking or closing escape routes and exits",
            ),
            ("保持安全出口畅通", "Keeping the exits clear"),
            ("定期检查灭火器", "Checking the extinguishers regularly"),
            ("在门口张贴疏散示意图", "Posting an evacuation map by the door"),
        ],
    ),
    (
        "window-bars",
        "人员密集场所的门窗上能否设置影响逃生和灭火救援的障碍物（如铁栅栏）？",
        "May a crowded place put obstacles that hinder escape and rescue (such as iron bars) "
        "on its doors and windows?",
        [
            ("不能", "No"),
            ("能，为了防盗", "Yes, against burglars"),
            ("夜间可以", "At night only"),
            ("经负责人同意可以", "If the manager agrees"),
        ],
    ),
    (
        "hydrant",
        "消火栓前可以堆放货物吗？",
        "May goods be stacked in front of a fire hydrant?",
        [
            (
                "不可以，不得埋压、圈占、遮挡消火栓",
                "No: a hydrant must not be buried, fenced in or hidden",
            ),
            ("可以临时堆放", "Yes, for a while"),
            ("营业时间可以", "During opening hours"),
            ("只要还能找到就可以", "As long as it can still be found"),
        ],
    ),
    (
        "patrol-2h",
        "饭店等公众聚集场所营业期间，防火巡查至少多久一次？",
        "How often at least must a restaurant or other public gathering place patrol while open?",
        [
            ("每2小时一次", "Every 2 hours"),
            ("每天一次", "Once a day"),
            ("每周一次", "Once a week"),
            ("每月一次", "Once a month"),
        ],
    ),
    (
        "training-6m",
        "公众聚集场所对员工的消防安全培训至少多久一次？",
        "How often at least must a public gathering place train its staff in fire safety?",
        [
            ("每半年一次", "Every 6 months"),
            ("每两年一次", "Every 2 years"),
            ("每五年一次", "Every 5 years"),
            ("不需要培训", "Never"),
        ],
    ),
    (
        "pre-job",
        "新员工上岗前应当怎么做？",
        "What must a new employee do before starting work?",
        [
            ("接受岗前消防安全培训", "Attend pre-job fire-safety training"),
            ("直接上岗", "Start straight away"),
            ("看一遍宣传海报即可", "Read a poster"),
            ("等年底统一培训", "Wait for the training at the end of the year"),
        ],
    ),
    (
        "fire-door",
        "巡查时发现常闭式防火门开着，应当怎么做？",
        "On patrol you find a normally-closed fire door open. What do you do?",
        [
            ("关闭防火门，检查闭门器是否完好", "Close it and check the door closer"),
            ("用东西把门撑住，方便通行", "Wedge it open for convenience"),
            ("不用管", "Leave it"),
            ("把防火门拆掉", "Remove the door"),
        ],
    ),
    (
        "patrol-items",
        "下列哪一项属于防火巡查的内容？",
        "Which of these does a fire patrol check?",
        [
            (
                "安全出口、疏散通道是否畅通，疏散指示标志、应急照明是否完好",
                "Exits and escape routes clear, exit signs and emergency lights working",
            ),
            ("员工考勤", "Staff attendance"),
            ("菜品价格", "Menu prices"),
            ("当天营业额", "The day's takings"),
        ],
    ),
    (
        "training-content",
        "员工消防安全培训应包括下列哪项内容？",
        "Which of these must staff fire-safety training cover?",
        [
            (
                "报火警、扑救初起火灾以及自救逃生的知识和技能",
                "Reporting a fire, fighting an initial fire, escape and self-rescue",
            ),
            ("烹饪技巧", "Cooking skills"),
            ("收银操作", "Working the till"),
            ("外卖接单", "Taking delivery orders"),
        ],
    ),
]


def seed_bank(province: str) -> None:
    """Give the province its copy of the shipped bank, unless it has questions already."""
    if QuizQuestion.objects.filter(province=province).exists():
        return
    rows = [
        QuizQuestion(
            province=province,
            code=code,
            text_zh=zh,
            text_en=en,
            answer=0,
            sort=i,
            options=[{"zh": oz, "en": oe} for oz, oe in options],
        )
        for i, (code, zh, en, options) in enumerate(SEED)
    ]
    try:
        with transaction.atomic():
            QuizQuestion.objects.bulk_create(rows)
    except IntegrityError:
        pass  # seeded meanwhile by another request


def bank(province: str):
    """The province's questions in use (seeding the shipped bank on first read)."""
    seed_bank(province)
    return QuizQuestion.objects.filter(province=province, active=True)


def pick(province: str, rng: random.Random | None = None) -> list[QuizQuestion]:
    """A quiz: TRAINING_QUIZ_QUESTIONS questions drawn from the bank, each with its options in
    a shuffled order (`shown`: list of original option indices)."""
    rng = rng or random.Random()
    questions = list(bank(province))
    chosen = rng.sample(questions, min(settings.TRAINING_QUIZ_QUESTIONS, len(questions)))
    for q in chosen:
        q.shown = list(range(len(q.options)))
        rng.shuffle(q.shown)
        q.shown_texts = [(i, q.option_texts[i]) for i in q.shown]
    return chosen


def passes(correct: int, total: int) -> bool:
    return total > 0 and correct * 100 >= settings.TRAINING_QUIZ_PASS_PERCENT * total
