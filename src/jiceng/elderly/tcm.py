"""TCM constitution identification (老年人中医体质辨识), spec §3: pure functions only.

The 33 questions of the 老年人中医药健康管理服务记录表, answered on the 1–5 scale for
the past year; Q9 is scored from the measured BMI and Q28 from the waist (never
asked); Q14 and Q17 may be scored from a yearly count. The nine raw sums are judged
by the 附件2 体质判定标准表 (是 / 倾向是 / 否; 平和质 是 / 基本是 / 否), and the
ZYYXH/T157-2009 converted score is shown for reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

SCALE: dict[int, tuple[str, str]] = {
    1: ("没有（根本不/从来没有）", "Never"),
    2: ("很少（有一点/偶尔）", "Rarely"),
    3: ("有时（有些/少数时间）", "Sometimes"),
    4: ("经常（相当/多数时间）", "Often"),
    5: ("总是（非常/每天）", "Always"),
}

QUESTIONS: dict[int, tuple[str, str]] = {
    1: ("您精力充沛吗？（指精神头足，乐于做事）", "Are you full of energy?"),
    2: ("您容易疲乏吗？（指体力如何，是否稍微活动一下或做一点家务劳动就感到累）", "Do you tire easily?"),
    3: ("您容易气短，呼吸短促，接不上气吗？", "Do you get short of breath?"),
    4: ("您说话声音低弱无力吗？（指说话没有力气）", "Is your voice weak?"),
    5: ("您感到闷闷不乐、情绪低沉吗？（指心情不愉快，情绪低落）", "Do you feel low or gloomy?"),
    6: ("您容易精神紧张、焦虑不安吗？（指遇事是否心情紧张）", "Do you get tense or anxious easily?"),
    7: ("您因为生活状态改变而感到孤独、失落吗？", "Do you feel lonely or lost since your life changed?"),
    8: ("您容易感到害怕或受到惊吓吗？", "Are you easily frightened?"),
    9: ("您感到身体超重不轻松吗？（感觉身体沉重）", "Do you feel heavy? (scored from BMI)"),
    10: ("您眼睛干涩吗？", "Are your eyes dry?"),
    11: ("您手脚发凉吗？（不包含因周围温度低或穿的少导致的手脚发冷）", "Are your hands and feet cold?"),
    12: (
        "您胃脘部、背部或腰膝部怕冷吗？（指上腹部、背部、腰部或膝关节等，有一处或多处怕冷）",
        "Do your stomach, back, waist or knees feel the cold?",
    ),
    13: ("您比一般人耐受不了寒冷吗？（指比别人容易害怕冬天或是夏天的冷空调、电扇等）", "Do you tolerate cold less than others?"),
    14: ("您容易患感冒吗？（指每年感冒的次数）", "Do you catch colds easily? (colds a year)"),
    15: ("您没有感冒时也会鼻塞、流鼻涕吗？", "Is your nose blocked or runny without a cold?"),
    16: ("您有口粘口腻，或睡眠打鼾吗？", "Is your mouth sticky, or do you snore?"),
    17: ("您容易过敏（对药物、食物、气味、花粉或在季节交替、气候变化时）吗？", "Are you prone to allergies? (times a year)"),
    18: ("您的皮肤容易起荨麻疹吗？（包括风团、风疹块、风疙瘩）", "Do you get hives easily?"),
    19: (
        "您的皮肤在不知不觉中会出现青紫瘀斑、皮下出血吗？（指皮肤在没有外伤的情况下出现青一块紫一块的情况）",
        "Do you bruise without injury?",
    ),
    20: ("您的皮肤一抓就红，并出现抓痕吗？（指被指甲或钝物划过后皮肤的反应）", "Does your skin redden and mark when scratched?"),
    21: ("您皮肤或口唇干吗？", "Are your skin or lips dry?"),
    22: ("您有肢体麻木或固定部位疼痛的感觉吗？", "Do you have numb limbs or pain in a fixed place?"),
    23: ("您面部或鼻部有油腻感或者油亮发光吗？（指脸上或鼻子）", "Is your face or nose oily?"),
    24: ("您面色或目眶晦黯，或出现褐色斑块/斑点吗？", "Is your complexion dark, or do you have brown spots?"),
    25: ("您有皮肤湿疹、疮疖吗？", "Do you have eczema or boils?"),
    26: ("您感到口干咽燥、总想喝水吗？", "Is your mouth or throat dry, always thirsty?"),
    27: ("您感到口苦或嘴里有异味吗？（指口苦或口臭）", "Do you have a bitter taste or bad breath?"),
    28: ("您腹部肥大吗？（指腹部脂肪肥厚）", "Is your abdomen large? (scored from waist)"),
    29: (
        "您吃(喝)凉的东西会感到不舒服或者怕吃(喝)凉的东西吗？（指不喜欢吃凉的食物，或吃了凉的食物后会不舒服）",
        "Does cold food or drink disagree with you?",
    ),
    30: ("您有大便黏滞不爽、解不尽的感觉吗？（大便容易粘在马桶或便坑壁上）", "Are your stools sticky, with incomplete emptying?"),
    31: ("您容易大便干燥吗？", "Are your stools often dry?"),
    32: (
        "您舌苔厚腻或有舌苔厚厚的感觉吗？（如果自我感觉不清楚可由调查员观察后填写）",
        "Is your tongue coating thick and greasy? (may be observed)",
    ),
    33: ("您舌下静脉瘀紫或增粗吗？（可由调查员辅助观察后填写）", "Are the veins under your tongue purple or swollen? (observed)"),
}

# Anchored answers printed on the form (spec §3.2, [S1][S8]).
ANCHORS: dict[int, dict[int, tuple[str, str]]] = {
    9: {
        1: ("BMI＜24", "BMI < 24"),
        2: ("24≤BMI＜25", "24 ≤ BMI < 25"),
        3: ("25≤BMI＜26", "25 ≤ BMI < 26"),
        4: ("26≤BMI＜28", "26 ≤ BMI < 28"),
        5: ("BMI≥28", "BMI ≥ 28"),
    },
    14: {
        1: ("一年＜2次", "< 2 a year"),
        2: ("一年感冒2-4次", "2-4 a year"),
        3: ("一年感冒5-6次", "5-6 a year"),
        4: ("一年7次及以上（本地规定：7次计4分）", "7 or more a year (local rule: 7 scores 4)"),
        5: ("几乎每月", "Almost every month"),
    },
    17: {
        1: ("从来没有", "Never"),
        2: ("一年1、2次", "1-2 a year"),
        3: ("一年3、4次", "3-4 a year"),
        4: ("一年5、6次", "5-6 a year"),
        5: ("每次遇到上述原因都过敏", "On every exposure"),
    },
    28: {
        1: ("腹围＜80cm", "Waist < 80 cm"),
        2: ("80–85cm", "80-85 cm"),
        3: ("86–90cm", "86-90 cm"),
        4: ("91–105cm", "91-105 cm"),
        5: ("＞105cm", "> 105 cm"),
    },
}

MEASURED = (9, 28)  # scored from measurements, never asked
ASKED = tuple(q for q in QUESTIONS if q not in MEASURED)

PINGHE = "pinghe"
# In the order of the service record form; 平和质 last.
CONSTITUTIONS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "qixu": ("气虚质", "Qi deficiency", (2, 3, 4, 14)),
    "yangxu": ("阳虚质", "Yang deficiency", (11, 12, 13, 29)),
    "yinxu": ("阴虚质", "Yin deficiency", (10, 21, 26, 31)),
    "tanshi": ("痰湿质", "Phlegm-dampness", (9, 16, 28, 32)),
    "shire": ("湿热质", "Damp-heat", (23, 25, 27, 30)),
    "xueyu": ("血瘀质", "Blood stasis", (19, 22, 24, 33)),
    "qiyu": ("气郁质", "Qi stagnation", (5, 6, 7, 8)),
    "tebing": ("特禀质", "Inherited special", (15, 17, 18, 20)),
    PINGHE: ("平和质", "Balanced", (1, 2, 4, 5, 13)),
}
BIASED = tuple(code for code in CONSTITUTIONS if code != PINGHE)
PINGHE_REVERSED = frozenset({2, 4, 5, 13})

# Results. Biased types: 是 / 倾向是 / 否; 平和质: 是 / 基本是 / 否.
YES, TENDENCY, BASICALLY, NO = "yes", "tendency", "basically", "no"
RESULT_LABELS = {YES: ("是", "Yes"), TENDENCY: ("倾向是", "Tendency"), BASICALLY: ("基本是", "Basically yes"), NO: ("否", "No")}

# Results that contradict each other (form instructions: "既是阴虚又是阳虚"): both 是.
CONTRADICTORY = (("yinxu", "yangxu"),)


def name(code: str, language: str = "zh") -> str:
    zh, en, _items = CONSTITUTIONS[code]
    return zh if language == "zh" else en


def score_bmi(bmi: float) -> int:
    """Q9 from BMI: <24 → 1, [24, 25) → 2, [25, 26) → 3, [26, 28) → 4, ≥28 → 5."""
    for upper, score in ((24, 1), (25, 2), (26, 3), (28, 4)):
        if bmi < upper:
            return score
    return 5


def score_waist(waist_cm: float) -> int:
    """Q28 from waist: <80 → 1, 80–85 → 2, 86–90 → 3, 91–105 → 4, >105 → 5.

    The form's bands are whole centimetres; a fraction stays in the lower band
    (85.5 → 2, 90.9 → 3, 105.0 → 4, 105.1 → 5), a documented local reading.
    """
    if waist_cm < 80:
        return 1
    if waist_cm < 86:
        return 2
    if waist_cm < 91:
        return 3
    if waist_cm <= 105:
        return 4
    return 5


def score_colds(per_year: int) -> int:
    """Q14 from colds a year: <2 → 1, 2–4 → 2, 5–6 → 3, 7–11 → 4, 12 (monthly) or more → 5.

    The anchors skip 7 ("8次以上"); 7 scores 4 as a documented local decision, and
    "几乎每月" is read as 12 or more a year.
    """
    if per_year < 0:
        raise ValueError("a count is never negative")
    if per_year < 2:
        return 1
    if per_year <= 4:
        return 2
    if per_year <= 6:
        return 3
    if per_year < 12:
        return 4
    return 5


def score_allergies(per_year: int) -> int:
    """Q17 from allergic episodes a year: 0 → 1, 1–2 → 2, 3–4 → 3, 5 or more → 4.

    Score 5 ("每次遇到上述原因都过敏", on every exposure) is not a count: it is
    answered, never derived.
    """
    if per_year < 0:
        raise ValueError("a count is never negative")
    if per_year == 0:
        return 1
    if per_year <= 2:
        return 2
    if per_year <= 4:
        return 3
    return 4


def item_score(question: int, answer: int, constitution: str) -> int:
    """An answer's contribution: reversed (6 − answer) for 平和质 items 2, 4, 5, 13."""
    if constitution == PINGHE and question in PINGHE_REVERSED:
        return 6 - answer
    return answer


_QUESTION_SET = frozenset(QUESTIONS)
_SCALE_SET = frozenset(SCALE)
# (constitution, ((question, reversed), …)): the scoring key, precomputed.
_KEY = tuple(
    (code, tuple((q, code == PINGHE and q in PINGHE_REVERSED) for q in items)) for code, (_zh, _en, items) in CONSTITUTIONS.items()
)


def raw_sums(answers: Mapping[int, int]) -> dict[str, int]:
    """The nine raw sums (原始分) from the 33 answers (each 1–5; 平和 items 2, 4, 5, 13 reversed)."""
    if answers.keys() != _QUESTION_SET or not set(answers.values()) <= _SCALE_SET:
        missing = [q for q in QUESTIONS if q not in answers]
        if missing:
            raise ValueError(f"unanswered questions: {missing}")
        if set(answers) - _QUESTION_SET:
            raise ValueError(f"unknown questions: {sorted(set(answers) - _QUESTION_SET)}")
        raise ValueError(f"answers outside 1-5: {[q for q in QUESTIONS if answers[q] not in SCALE]}")
    return {code: sum(6 - answers[q] if reverse else answers[q] for q, reverse in items) for code, items in _KEY}


def converted(raw: int, items: int) -> float:
    """ZYYXH/T157-2009: 转化分 = (原始分 − 条目数) / (条目数 × 4) × 100."""
    # Multiply first: (11 × 100) / 20 is exactly 55, (11 / 20) × 100 is not.
    return (raw - items) * 100 / (items * 4)


def biased_result(raw: int) -> str:
    """A biased type's 4-item sum: ≥11 是, 9–10 倾向是, ≤8 否."""
    if raw >= 11:
        return YES
    if raw >= 9:
        return TENDENCY
    return NO


def pinghe_result(raw: int, others: Iterable[int]) -> str:
    """平和质: ≥17 and every other ≤8 → 是; ≥17 and every other ≤10 → 基本是; else 否."""
    highest = max(others)
    if raw >= 17 and highest <= 8:
        return YES
    if raw >= 17 and highest <= 10:
        return BASICALLY
    return NO


def biased_result_2009(score: float) -> str:
    """The 2009 standard on a converted score: ≥40 是, 30–<40 倾向是, <30 否."""
    if score >= 40:
        return YES
    if score >= 30:
        return TENDENCY
    return NO


def pinghe_result_2009(score: float, others: Iterable[float]) -> str:
    """2009 平和质: ≥60 and all others <30 → 是; ≥60 and all others <40 → 基本是; else 否."""
    highest = max(others)
    if score >= 60 and highest < 30:
        return YES
    if score >= 60 and highest < 40:
        return BASICALLY
    return NO


class TypeResult(NamedTuple):
    """One constitution's score and result (a tuple: cheap to make nine times per record)."""

    code: str
    raw: int | None  # None when judged from converted scores only
    converted: float
    result: str


@dataclass(frozen=True)
class Determination:
    results: dict[str, TypeResult]  # every type, in form order
    main_type: str | None  # None when undeterminable or tied
    positive: tuple[str, ...]  # 是 (兼夹体质: all recorded), highest first
    tendencies: tuple[str, ...]  # 倾向是, highest first
    tied: tuple[str, ...]  # equal highest scores: a TCM physician decides
    contradictions: tuple[tuple[str, str], ...]  # e.g. 阴虚 and 阳虚 both 是: re-check the answers
    undeterminable: bool  # no type 是 / 基本是 / 倾向是: re-check, or re-collect after 2 weeks

    @property
    def pinghe(self) -> str:
        return self.results[PINGHE].result

    @property
    def needs_physician(self) -> bool:
        return bool(self.tied or self.contradictions)

    @property
    def identified(self) -> tuple[str, ...]:
        """Every type with a result other than 否 (平和 first when it is 是/基本是)."""
        head = (PINGHE,) if self.pinghe != NO else ()
        return head + self.positive + self.tendencies


def _ranked(codes: Iterable[str], key: Mapping[str, float]) -> tuple[str, ...]:
    order = list(CONSTITUTIONS)
    return tuple(sorted(codes, key=lambda c: (-key[c], order.index(c))))


def _decide(results: dict[str, TypeResult], key: Mapping[str, float]) -> Determination:
    positive = _ranked((c for c in BIASED if results[c].result == YES), key)
    tendencies = _ranked((c for c in BIASED if results[c].result == TENDENCY), key)
    contradictions = tuple(pair for pair in CONTRADICTORY if all(results[c].result == YES for c in pair))
    if results[PINGHE].result != NO:
        return Determination(results, PINGHE, positive, tendencies, (), contradictions, False)
    candidates = positive or tendencies
    if not candidates:
        return Determination(results, None, positive, tendencies, (), contradictions, True)
    top = key[candidates[0]]
    tied = tuple(c for c in candidates if key[c] == top)
    main = candidates[0] if len(tied) == 1 else None
    return Determination(results, main, positive, tendencies, tied if len(tied) > 1 else (), contradictions, False)


def determine(answers: Mapping[int, int]) -> Determination:
    """The 33-item determination from the answers (附件2 体质判定标准表, raw sums)."""
    sums = raw_sums(answers)
    others = [sums[c] for c in BIASED]
    results = {
        code: TypeResult(
            code,
            sums[code],
            converted(sums[code], len(CONSTITUTIONS[code][2])),
            pinghe_result(sums[code], others) if code == PINGHE else biased_result(sums[code]),
        )
        for code in CONSTITUTIONS
    }
    return _decide(results, {c: float(s) for c, s in sums.items()})


def determine_2009(scores: Mapping[str, float]) -> Determination:
    """The ZYYXH/T157-2009 determination from converted scores (spec §3.4), for reference."""
    others = [scores[c] for c in BIASED]
    results = {
        code: TypeResult(
            code,
            None,
            scores[code],
            pinghe_result_2009(scores[code], others) if code == PINGHE else biased_result_2009(scores[code]),
        )
        for code in CONSTITUTIONS
    }
    return _decide(results, scores)


def answers_with_measurements(
    asked: Mapping[int, int], bmi: float, waist_cm: float, colds_per_year: int | None = None, allergies_per_year: int | None = None
) -> dict[int, int]:
    """The 33 answers: the asked ones, Q9 and Q28 from the measurements, and Q14/Q17
    from the yearly counts when given (a count overrides nothing: the caller checks
    that an answer and a count agree)."""
    answers = {q: int(a) for q, a in asked.items() if q not in MEASURED}
    answers[9] = score_bmi(bmi)
    answers[28] = score_waist(waist_cm)
    if colds_per_year is not None:
        answers[14] = score_colds(colds_per_year)
    if allergies_per_year is not None:
        answers[17] = score_allergies(allergies_per_year)
    return answers
