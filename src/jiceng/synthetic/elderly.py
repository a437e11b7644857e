"""The elderly population's yearly service (``jiceng generate``): health checks and TCM records.

For the current year, about 65 % of active residents aged 65+ have a signed health check
(Sanmenxia: ~205 k under management of ~314 k aged 65+) and most of them the TCM service
with guidance. Measurements, self-care, screens and lifestyle follow the person's
conditions; the questionnaire is answered from a latent constitution, and every
derived value (BMI, self-care band, Q9/Q28, sums, results, main type) is computed by
the same functions the services use, so the data obeys every rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from jiceng.elderly import tcm
from jiceng.elderly.models import TcmAssessment
from jiceng.exams import measures
from jiceng.exams.models import HealthCheck
from jiceng.residents.models import Resident
from jiceng.synthetic.context import GenerationContext
from jiceng.synthetic.run import register_step

CHECK_SHARE = 0.653  # managed / aged 65+
TCM_SHARE = 0.90  # of those checked, also given the TCM service
# Latent constitutions of older people (dominant type), roughly as surveys report.
LATENT = (
    ("pinghe", 30),
    ("qixu", 15),
    ("yangxu", 12),
    ("tanshi", 12),
    ("yinxu", 8),
    ("xueyu", 8),
    ("shire", 5),
    ("qiyu", 5),
    ("tebing", 5),
)
# Self-care: (share, item levels eating, grooming, dressing, toileting, activity)
SELF_CARE = (
    (0.86, ("1", "1", "1", "1", "1")),
    (0.08, ("1", "2", "1", "1", "2")),
    (0.035, ("3", "3", "3", "2", "3")),
    (0.025, ("4", "4", "4", "4", "4")),
)
SIGNED_AT = time(10, 0)


def _table(values: Any, weights: tuple[int, ...]) -> tuple[Any, ...]:
    """A lookup table for a weighted draw in 1 % steps: ``table[int(random() * 100)]``.

    Much faster than ``random.choices`` for the ~30 draws each questionnaire needs."""
    assert sum(weights) == 100
    return tuple(v for v, w in zip(values, weights, strict=True) for _ in range(w))


Q1_BALANCED = _table((2, 3, 4, 5), (15, 35, 35, 15))
Q1_OTHER = _table((1, 2, 3, 4), (10, 40, 40, 10))
STRONG = _table((2, 3, 4, 5), (10, 35, 40, 15))
WEAK = _table((1, 2, 3), (55, 35, 10))
LATENT_TABLE = _table(tuple(c for c, _w in LATENT), tuple(w for _c, w in LATENT))
SELF_RATED = _table("12345", (25, 45, 15, 10, 5))
SMOKING = {"1": _table("123", (45, 25, 30)), "2": _table("123", (93, 3, 4))}
DRINKING = {"1": _table("1234", (40, 35, 15, 10)), "2": _table("1234", (85, 12, 2, 1))}
EXERCISE = _table("1234", (40, 20, 15, 25))
DIET = _table("123456", (60, 8, 20, 6, 4, 2))
# The guidance options chosen for the main type: every choice of 3 to 5 of options 1–5.
GUIDANCE_CHOICES = tuple(c for n in (3, 4, 5) for c in itertools.combinations(("1", "2", "3", "4", "5"), n))
ANSWER_KEYS = tuple((q, str(q)) for q in sorted(tcm.QUESTIONS))
BATCH = 10_000  # residents per load, to keep memory flat at city scale


def _check_base() -> dict[str, Any]:
    """Every NOT NULL column with its form default (the bulk loader writes all columns)."""
    return {
        "status": "signed",
        "amends_id": None,
        "doctor_name": "",
        "symptom_other": "",
        "self_care": {},
        "lifestyle": {},
        "organ_function": {},
        "physical_exam": {},
        "tests": {},
        "problems": {},
        "hospitalizations": [],
        "home_beds": [],
        "medications": [],
        "vaccinations": [],
        "abnormalities": [],
        "guidance": [],
        "risk_factors": [],
        "target_weight_kg": None,
        "vaccine_advice": "",
        "risk_other": "",
        "elderly_cohort": True,
        "elderly_complete": True,
        "created_by": "synthetic",
        "signed_by": "synthetic",
    }


class ElderlyFactory:
    def __init__(self, ctx: GenerationContext) -> None:
        self.ctx = ctx
        self.rng = ctx.child_rng("elderly")
        self.year = ctx.today.year
        self.first_day = date(self.year, 1, 1)
        self.days = max((min(ctx.today, date(self.year, 12, 31)) - self.first_day).days, 0) + 1
        self.clinics = {v.code: v.clinic_id for v in ctx.villages}
        self.checks: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []

    def person(self, row: Any) -> None:
        rng = self.rng
        if rng.random() >= CHECK_SHARE:
            return
        day = self.first_day + timedelta(days=rng.randrange(self.days))
        check = self._check(row, day)
        self.checks.append(check)
        if rng.random() < TCM_SHARE:
            self.records.append(self._tcm(row, check))

    def _check(self, row: Any, day: date) -> dict[str, Any]:
        rng = self.rng
        male = row.sex == "1"
        height = round(rng.gauss(165 if male else 154, 6), 1)
        bmi_target = min(max(rng.gauss(23.8, 3.2), 16), 38)
        weight = round(bmi_target * (height / 100) ** 2, 1)
        bmi = measures.bmi(height, weight)
        assert bmi is not None
        waist = round(min(max((84 if male else 79) + (bmi - 23.5) * 2.6 + rng.gauss(0, 5), 60), 130), 1)
        sbp = int(rng.gauss(142 if row.has_hypertension else 128, 16))
        sbp = min(max(sbp, 95), 210)
        dbp = min(max(int(sbp * 0.58 + rng.gauss(4, 7)), 50), sbp - 20)
        roll, levels = rng.random(), SELF_CARE[0][1]
        for share, option in SELF_CARE:
            if roll < share:
                levels = option
                break
            roll -= share
        care = dict(zip(("eating", "grooming", "dressing", "toileting", "activity"), levels, strict=True))
        score = measures.self_care_total(care)
        cognition = "2" if rng.random() < 0.07 else "1"
        mood = "2" if rng.random() < 0.05 else "1"
        glucose = round(rng.gauss(7.6, 1.7) if row.has_diabetes else rng.gauss(5.5, 0.6), 2)
        smoking = SMOKING[row.sex if row.sex in SMOKING else "2"][int(rng.random() * 100)]
        drinking = DRINKING[row.sex if row.sex in DRINKING else "2"][int(rng.random() * 100)]
        abnormal = []
        if sbp >= 140 or dbp >= 90:
            abnormal.append("血压偏高")
        if bmi >= 24:
            abnormal.append("超重" if bmi < 28 else "肥胖")
        if glucose >= 7.0:
            abnormal.append("空腹血糖偏高")
        if score >= 4:
            abnormal.append("生活自理能力下降")
        signed = datetime.combine(day, SIGNED_AT, tzinfo=UTC)
        chronic = row.has_hypertension or row.has_diabetes
        return {
            **_check_base(),
            "id": self.ctx.new_id(),
            "resident_id": row.id,
            "signed_at": signed,
            "institution_id": self.clinics.get(row.village_code),
            "exam_date": day,
            "visit_mode": "home" if levels[4] == "4" else ("clinic" if rng.random() < 0.7 else "outreach"),
            "age_at_exam": day.year - row.birth_date.year - ((day.month, day.day) < (row.birth_date.month, row.birth_date.day)),
            "symptoms": ["1"] if rng.random() < 0.6 else rng.sample(["3", "13", "14", "15", "19", "22", "23"], 2),
            "temperature": round(rng.gauss(36.5, 0.2), 1),
            "pulse_rate": int(rng.gauss(76, 8)),
            "respiratory_rate": rng.randint(16, 20),
            "sbp_left": sbp,
            "dbp_left": dbp,
            "sbp_right": None,
            "dbp_right": None,
            "height_cm": height,
            "weight_kg": weight,
            "waist_cm": waist,
            "bmi": bmi,
            "self_rated_health": SELF_RATED[int(rng.random() * 100)],
            "self_care": care,
            "self_care_score": score,
            "self_care_level": measures.self_care_level(score),
            "cognition_screen": cognition,
            "mmse_score": min(max(int(rng.gauss(21, 4)), 5), 30) if cognition == "2" else None,
            "mood_screen": mood,
            "gds_score": min(max(int(rng.gauss(14, 4)), 0), 30) if mood == "2" else None,
            "exercise_frequency": EXERCISE[int(rng.random() * 100)],
            "smoking_status": smoking,
            "drinking_frequency": drinking,
            "daily_liquor_liang": round(rng.uniform(0.5, 3), 1) if drinking in "34" else None,
            "lifestyle": {"diet": [DIET[int(rng.random() * 100)]]},
            "organ_function": {
                "lips": "1",
                "dentition": ["2"] if rng.random() < 0.6 else ["1"],
                "pharynx": "1",
                "hearing": "1",
                "motor_function": "1",
            },
            "physical_exam": {"skin": "1", "sclera": "1", "lymph_nodes": "1", "heart_rhythm": "1", "murmur": "1", "leg_edema": "1"},
            "dorsalis_pedis": "2" if row.has_diabetes else None,
            "fasting_glucose": glucose,
            "hba1c": round(rng.gauss(7.2, 1.1), 1) if row.has_diabetes else None,
            "creatinine": float(int(rng.gauss(78 if male else 62, 15))),
            "total_cholesterol": round(rng.gauss(4.9, 0.9), 2),
            "triglycerides": round(abs(rng.gauss(1.6, 0.7)) + 0.3, 2),
            "ldl_c": round(rng.gauss(2.9, 0.7), 2),
            "hdl_c": round(rng.gauss(1.3, 0.3), 2),
            "tests": {"ecg": "1" if rng.random() < 0.8 else "2", "b_ultrasound_abdomen": "1" if rng.random() < 0.7 else "2"},
            "assessment": "2" if abnormal else "1",
            "abnormalities": abnormal[:4],
            "guidance": ["1"] if chronic else (["2"] if abnormal else []),
            "risk_factors": ["3", "4"] if abnormal else ["4"],
        }

    def _answers(self, latent: str, check: dict[str, Any]) -> dict[int, int]:
        draw = self.rng.random
        strong = set(tcm.CONSTITUTIONS[latent][2]) if latent != tcm.PINGHE else set()
        answers = {q: (STRONG if q in strong else WEAK)[int(draw() * 100)] for q in tcm.ASKED}
        answers[1] = (Q1_BALANCED if latent == tcm.PINGHE else Q1_OTHER)[int(draw() * 100)]
        return tcm.answers_with_measurements(answers, check["bmi"], check["waist_cm"])

    def _tcm(self, row: Any, check: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        latent = LATENT_TABLE[int(rng.random() * 100)]
        answers = self._answers(latent, check)
        result = tcm.determine(answers)
        main = result.main_type or (result.tied[0] if result.tied else None)
        complete = not result.undeterminable
        guidance = {main: list(GUIDANCE_CHOICES[int(rng.random() * len(GUIDANCE_CHOICES))])} if main else {}
        return {
            "id": self.ctx.new_id(),
            "resident_id": row.id,
            "status": "signed" if complete else "draft",
            "signed_at": check["signed_at"] if complete else None,
            "signed_by": "synthetic" if complete else "",
            "amends_id": None,
            "institution_id": check["institution_id"],
            "created_by": "synthetic",
            "health_check_id": check["id"],
            "assessed_on": check["exam_date"],
            "age_at_assessment": check["age_at_exam"],
            "doctor_name": "",
            "visit_mode": check["visit_mode"],
            "answers": {key: answers[q] for q, key in ANSWER_KEYS},
            "bmi": check["bmi"],
            "waist_cm": check["waist_cm"],
            "colds_per_year": None,
            "allergies_per_year": None,
            "scores": {c: r.raw for c, r in result.results.items()},
            "results": {c: r.result for c, r in result.results.items()},
            "main_type": main,
            "positive_types": list(result.positive),
            "tendency_types": list(result.tendencies),
            "tied_types": list(result.tied),
            "contradiction": bool(result.contradictions),
            "undeterminable": result.undeterminable,
            "physician_confirmed": result.needs_physician,
            "guidance": guidance,
            "guidance_other": {},
            "complete": complete,
        }


def _elderly(ctx: GenerationContext) -> list[Any]:
    """This year's active residents aged 65+ (the generator may read the table directly)."""
    cutoff = date(ctx.today.year - measures.ELDERLY_AGE, 12, 31)
    stmt = (
        select(Resident.id, Resident.village_code, Resident.birth_date, Resident.sex, Resident.has_hypertension, Resident.has_diabetes)
        .where(Resident.deleted_at.is_(None), Resident.status == "active", Resident.birth_date <= cutoff)
        .order_by(Resident.id)
    )
    return list(ctx.session.execute(stmt))


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def generate_elderly(ctx: GenerationContext) -> None:
    factory = ElderlyFactory(ctx)
    people = _elderly(ctx)
    done = 0
    for batch in _batches(people, BATCH):
        for row in batch:
            factory.person(row)
        ctx.loader.load(HealthCheck, factory.checks)
        ctx.loader.load(TcmAssessment, factory.records)
        factory.checks, factory.records = [], []
        done += len(batch)
        ctx.progress("elderly", done, len(people))


register_step("elderly", generate_elderly, 50)
