"""Valid health-check data for tests: the smallest complete signed check, and a full one."""

from __future__ import annotations

from typing import Any


def minimal_check(**overrides: Any) -> dict[str, Any]:
    """What signing needs for a person under 65."""
    data: dict[str, Any] = {
        "exam_date": "2026-05-10",
        "symptoms": ["1"],
        "sbp_left": 132,
        "dbp_left": 84,
        "height_cm": 165,
        "weight_kg": 62,
        "waist_cm": 82,
        "assessment": "1",
    }
    data.update(overrides)
    return data


def elderly_check(**overrides: Any) -> dict[str, Any]:
    """What signing needs for a person aged 65 and over (the 65+ sections and guidance)."""
    data = minimal_check(
        self_rated_health="2",
        self_care_eating="1",
        self_care_grooming="1",
        self_care_dressing="1",
        self_care_toileting="1",
        self_care_activity="1",
        cognition_screen="1",
        mood_screen="1",
        risk_factors=["4"],
    )
    data.update(overrides)
    return data


def full_check(**overrides: Any) -> dict[str, Any]:
    """Every section of the form filled in (for a woman aged 65+)."""
    data = elderly_check(
        doctor_name="李医生",
        visit_mode="clinic",
        symptoms=["3", "25"],
        symptom_other="夜尿多",
        temperature="36.6",
        pulse_rate=76,
        respiratory_rate=18,
        sbp_right=136,
        dbp_right=86,
        self_care_grooming="2",
        self_care_activity="2",
        cognition_screen="2",
        mmse_score=24,
        mood_screen="2",
        gds_score=9,
        exercise_frequency="1",
        exercise_minutes=40,
        exercise_years=10,
        exercise_type="散步",
        diet=["1", "4"],
        smoking_status="2",
        cigarettes_per_day=10,
        smoking_start_age=20,
        smoking_quit_age=60,
        drinking_frequency="2",
        alcohol_baijiu=1,
        alcohol_beer=5,
        drinking_quit="1",
        drinking_start_age=25,
        drunk_past_year="2",
        drink_types=["1", "2"],
        occupational_exposure="2",
        occupation_job="煤矿工人",
        occupation_years=20,
        hazard_dust="煤尘",
        hazard_dust_protection="2",
        lips="1",
        dentition=["2", "4"],
        pharynx="1",
        vision_left=4.8,
        vision_right=4.9,
        hearing="1",
        motor_function="1",
        fundus="1",
        skin="1",
        sclera="1",
        lymph_nodes="1",
        barrel_chest="1",
        breath_sounds="1",
        rales="1",
        heart_rate=76,
        heart_rhythm="1",
        murmur="1",
        abdomen_tenderness="1",
        abdomen_mass="1",
        hepatomegaly="1",
        splenomegaly="1",
        shifting_dullness="1",
        leg_edema="1",
        dorsalis_pedis="2",
        dre="1",
        breast=["1"],
        vulva="1",
        vagina="1",
        cervix="1",
        uterus="1",
        adnexa="1",
        hemoglobin=128,
        wbc=6.2,
        platelets=210,
        urine_protein="-",
        urine_glucose="-",
        urine_ketone="-",
        urine_occult_blood="-",
        fasting_glucose=6.12,
        ecg="1",
        hba1c=5.9,
        hbsag="1",
        alt=22,
        ast=25,
        albumin=42,
        total_bilirubin=12.1,
        direct_bilirubin=3.2,
        creatinine=78,
        urea=5.1,
        potassium=4.2,
        sodium=140,
        total_cholesterol=5.62,
        triglycerides=1.71,
        ldl_c=3.41,
        hdl_c=1.22,
        chest_xray="1",
        b_ultrasound_abdomen="2",
        test_findings="腹部B超：脂肪肝",
        cerebrovascular=["1"],
        renal=["1"],
        cardiac=["1"],
        vascular=["1"],
        eye=["4"],
        neurological="1",
        other_system="1",
        hospitalizations=[
            {"admitted": "2026-01", "discharged": "2026-01", "reason": "肺炎", "institution": "湖滨区人民医院", "record_number": "A123"}
        ],
        medications=[{"name": "硝苯地平缓释片", "usage": "口服", "dose": "每日1次，每次20mg", "duration": "2年", "adherence": "1"}],
        vaccinations=[{"name": "流感疫苗", "date": "2025-10-15", "institution": "交口镇卫生院"}],
        assessment="2",
        abnormalities=["血压偏高", "脂肪肝"],
        guidance=["1", "2"],
        risk_factors=["4", "5", "6"],
        target_weight_kg=60,
        vaccine_advice="肺炎球菌疫苗",
    )
    data.update(overrides)
    return data
