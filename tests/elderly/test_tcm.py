"""The TCM constitution rules (spec §3): the worked examples, every threshold, every anchor band."""

from __future__ import annotations

import itertools

import pytest

from jiceng.elderly import tcm
from tests.elderly.examples import SPEC_36_ANSWERS, SPEC_36_CONVERTED, SPEC_36_RESULTS, SPEC_36_SUMS

ALL_ONES = dict.fromkeys(tcm.QUESTIONS, 1)


def answers_for(sums: dict[str, int], pinghe_q1: int = 1) -> dict[int, int]:
    """Answers giving each biased type the wanted raw sum (4–20), Q1 as given.

    Items shared with 平和 (2, 4, 5, 13) are reverse-scored there, so 平和 follows."""
    answers = dict(ALL_ONES)
    answers[1] = pinghe_q1
    for code, total in sums.items():
        items = tcm.CONSTITUTIONS[code][2]
        remaining = total
        for i, q in enumerate(items):
            left = len(items) - i - 1
            value = max(1, min(5, remaining - left))
            answers[q] = value
            remaining -= value
        assert remaining == 0, (code, total)
    return answers


# ---- the mapping of questions to constitutions (spec §3.2) -----------------


def test_every_question_is_counted_and_the_mapping_is_the_spec_s() -> None:
    assert [tcm.CONSTITUTIONS[c][2] for c in tcm.CONSTITUTIONS] == [
        (2, 3, 4, 14),
        (11, 12, 13, 29),
        (10, 21, 26, 31),
        (9, 16, 28, 32),
        (23, 25, 27, 30),
        (19, 22, 24, 33),
        (5, 6, 7, 8),
        (15, 17, 18, 20),
        (1, 2, 4, 5, 13),
    ]
    biased_items = [q for c in tcm.BIASED for q in tcm.CONSTITUTIONS[c][2]]
    assert sorted(biased_items) == [q for q in range(2, 34)]  # each of Q2–Q33 once
    assert len(tcm.QUESTIONS) == 33 and tcm.MEASURED == (9, 28) and len(tcm.ASKED) == 31
    assert {2, 4, 5, 13} == tcm.PINGHE_REVERSED


@pytest.mark.parametrize(("answer", "reversed_"), [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)])
def test_pinghe_reverse_scoring(answer: int, reversed_: int) -> None:
    for q in (2, 4, 5, 13):
        assert tcm.item_score(q, answer, tcm.PINGHE) == reversed_
        assert tcm.item_score(q, answer, "qixu") == answer
    assert tcm.item_score(1, answer, tcm.PINGHE) == answer


# ---- spec §3.6 worked example ------------------------------------------------


def test_spec_3_6_worked_example() -> None:
    answers = tcm.answers_with_measurements(
        {q: a for q, a in SPEC_36_ANSWERS.items() if q not in (9, 28)}, bmi=25.5, waist_cm=88, colds_per_year=5
    )
    assert answers == SPEC_36_ANSWERS
    assert tcm.raw_sums(answers) == SPEC_36_SUMS
    result = tcm.determine(answers)
    assert {c: r.result for c, r in result.results.items()} == SPEC_36_RESULTS
    assert {c: r.converted for c, r in result.results.items()} == SPEC_36_CONVERTED
    assert result.main_type == "qixu"  # highest score, 14
    assert result.positive == ("qixu", "tanshi")  # mixed constitution: both recorded
    assert result.tendencies == ("yangxu", "qiyu")
    assert result.pinghe == tcm.NO
    assert not result.tied and not result.contradictions and not result.undeterminable
    assert result.identified == ("qixu", "tanshi", "yangxu", "qiyu")


def test_spec_3_6_pinghe_check() -> None:
    """Everything 1 except Q1 = 5: 平和 = 25, every other type 4 → 平和质 是."""
    answers = dict(ALL_ONES)
    answers[1] = 5
    result = tcm.determine(answers)
    assert result.results[tcm.PINGHE].raw == 25
    assert all(result.results[c].raw == 4 for c in tcm.BIASED)
    assert result.pinghe == tcm.YES and result.main_type == tcm.PINGHE
    assert result.identified == (tcm.PINGHE,)


# ---- spec §3.4: the 2009 standard's worked examples ---------------------------


def test_spec_3_4_example_1_qi_deficiency_not_balanced() -> None:
    scores = {"pinghe": 75, "qixu": 56, "yangxu": 27, "yinxu": 25, "tanshi": 12, "shire": 15, "xueyu": 20, "qiyu": 18, "tebing": 10}
    result = tcm.determine_2009(scores)
    assert result.pinghe == tcm.NO  # 气虚 ≥ 40, so not 平和质 although 平和 = 75
    assert result.results["qixu"].result == tcm.YES
    assert result.main_type == "qixu"
    assert result.tendencies == ()


def test_spec_3_4_example_2_basically_balanced_with_tendency() -> None:
    scores = {"pinghe": 75, "tanshi": 32, "qixu": 20, "yangxu": 10, "yinxu": 5, "shire": 25, "xueyu": 0, "qiyu": 15, "tebing": 29.9}
    result = tcm.determine_2009(scores)
    assert result.pinghe == tcm.BASICALLY  # 基本是平和质
    assert result.tendencies == ("tanshi",)  # 有痰湿质倾向
    assert result.main_type == tcm.PINGHE


@pytest.mark.parametrize(
    ("score", "expected"), [(29.99, tcm.NO), (30, tcm.TENDENCY), (39.99, tcm.TENDENCY), (40, tcm.YES), (100, tcm.YES), (0, tcm.NO)]
)
def test_2009_biased_thresholds(score: float, expected: str) -> None:
    assert tcm.biased_result_2009(score) == expected


@pytest.mark.parametrize(
    ("pinghe", "highest", "expected"),
    [(60, 29.9, tcm.YES), (59.9, 0, tcm.NO), (60, 30, tcm.BASICALLY), (60, 39.9, tcm.BASICALLY), (60, 40, tcm.NO), (100, 0, tcm.YES)],
)
def test_2009_pinghe_thresholds(pinghe: float, highest: float, expected: str) -> None:
    assert tcm.pinghe_result_2009(pinghe, [0, highest]) == expected


def test_converted_score_formula() -> None:
    assert [tcm.converted(raw, 4) for raw in (4, 8, 9, 10, 11, 20)] == [0, 25, 31.25, 37.5, 43.75, 100]
    assert [tcm.converted(raw, 5) for raw in (5, 16, 17, 25)] == [0, 55, 60, 100]


def test_raw_thresholds_are_the_2009_thresholds_restated() -> None:
    """Spec §3.5: for every possible 4-item sum and 5-item 平和 sum, both standards agree."""
    for raw in range(4, 21):
        assert tcm.biased_result(raw) == tcm.biased_result_2009(tcm.converted(raw, 4))
    for pinghe, highest in itertools.product(range(5, 26), range(4, 21)):
        assert tcm.pinghe_result(pinghe, [highest]) == tcm.pinghe_result_2009(tcm.converted(pinghe, 5), [tcm.converted(highest, 4)])


# ---- every threshold of the determination table (spec §3.3) ------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [(4, tcm.NO), (8, tcm.NO), (9, tcm.TENDENCY), (10, tcm.TENDENCY), (11, tcm.YES), (20, tcm.YES)]
)
def test_biased_sum_thresholds(raw: int, expected: str) -> None:
    assert tcm.biased_result(raw) == expected


@pytest.mark.parametrize("code", tcm.BIASED)
@pytest.mark.parametrize(("raw", "expected"), [(8, tcm.NO), (9, tcm.TENDENCY), (10, tcm.TENDENCY), (11, tcm.YES)])
def test_each_biased_type_at_each_threshold_from_answers(code: str, raw: int, expected: str) -> None:
    result = tcm.determine(answers_for({code: raw}))
    assert result.results[code].raw == raw
    assert result.results[code].result == expected


@pytest.mark.parametrize(
    ("pinghe", "highest_other", "expected"),
    [
        (16, 8, tcm.NO),
        (16, 9, tcm.NO),
        (16, 10, tcm.NO),
        (16, 11, tcm.NO),
        (17, 8, tcm.YES),
        (17, 9, tcm.BASICALLY),
        (17, 10, tcm.BASICALLY),
        (17, 11, tcm.NO),
        (25, 4, tcm.YES),
        (25, 11, tcm.NO),
    ],
)
def test_pinghe_thresholds(pinghe: int, highest_other: int, expected: str) -> None:
    assert tcm.pinghe_result(pinghe, [4, highest_other, 5]) == expected


@pytest.mark.parametrize(
    ("pinghe_target", "other", "other_sum", "expected_pinghe"),
    [
        (17, "tanshi", 8, tcm.YES),
        (17, "tanshi", 9, tcm.BASICALLY),
        (17, "tanshi", 10, tcm.BASICALLY),
        (17, "tanshi", 11, tcm.NO),
        (16, "tanshi", 8, tcm.NO),
        (16, "tanshi", 9, tcm.NO),
        (16, "tanshi", 10, tcm.NO),
        (16, "tanshi", 11, tcm.NO),
    ],
)
def test_pinghe_16_17_with_others_8_to_11_from_answers(pinghe_target: int, other: str, other_sum: int, expected_pinghe: str) -> None:
    # All ones give 平和 = Q1 + 4×5 = Q1 + 20; lower it with Q5 (qi stagnation item,
    # reversed in 平和): Q1 = 1, Q5 = 5 → 平和 = 1 + 5 + 5 + 1 + 5 = 17 and 气郁 = 8.
    answers = answers_for({other: other_sum})
    answers[5] = 5
    if pinghe_target == 16:
        answers[13] = 2  # 阳虚 item, reversed in 平和: 5 → 4; 阳虚 sum 5
    result = tcm.determine(answers)
    assert result.results[tcm.PINGHE].raw == pinghe_target
    assert result.results["qiyu"].raw == 8
    assert result.results[other].raw == other_sum
    assert result.pinghe == expected_pinghe
    if expected_pinghe != tcm.NO:
        assert result.main_type == tcm.PINGHE


# ---- mixed constitutions, ties, contradictions, undeterminable ----------------


def test_mixed_main_type_is_highest_score() -> None:
    result = tcm.determine(answers_for({"xueyu": 12, "shire": 15, "tebing": 11}))
    assert result.positive == ("shire", "xueyu", "tebing")
    assert result.main_type == "shire"
    assert not result.tied


def test_equal_highest_scores_are_left_to_a_physician() -> None:
    result = tcm.determine(answers_for({"xueyu": 13, "shire": 13, "tebing": 11}))
    assert result.main_type is None
    assert result.tied == ("shire", "xueyu")  # form order among equals
    assert result.needs_physician
    assert result.positive == ("shire", "xueyu", "tebing")


def not_balanced(answers: dict[int, int]) -> dict[int, int]:
    """Q4 = Q13 = 5 lowers 平和 below 17 (reversed) while 气虚 and 阳虚 stay at 8."""
    return {**answers, 4: 5, 13: 5}


def test_tie_among_tendencies_only() -> None:
    result = tcm.determine(not_balanced(answers_for({"qiyu": 10, "tebing": 10})))
    assert result.pinghe == tcm.NO
    assert result.positive == () and result.tied == ("qiyu", "tebing")
    assert result.main_type is None and not result.undeterminable


def test_balanced_with_tendency_keeps_balanced_as_main() -> None:
    result = tcm.determine(answers_for({"yinxu": 9}))
    assert result.pinghe == tcm.BASICALLY and result.main_type == tcm.PINGHE
    assert result.identified == (tcm.PINGHE, "yinxu")


def test_tendency_only_gives_a_main_type() -> None:
    result = tcm.determine(not_balanced(answers_for({"yinxu": 9})))
    assert result.pinghe == tcm.NO
    assert result.positive == () and result.tendencies == ("yinxu",)
    assert result.main_type == "yinxu" and not result.undeterminable


def test_yin_and_yang_deficiency_together_are_flagged() -> None:
    result = tcm.determine(answers_for({"yinxu": 12, "yangxu": 11}))
    assert result.contradictions == (("yinxu", "yangxu"),)
    assert result.main_type == "yinxu"
    assert result.needs_physician


def test_yin_yes_with_yang_tendency_is_not_a_contradiction() -> None:
    result = tcm.determine(answers_for({"yinxu": 12, "yangxu": 10}))
    assert result.contradictions == ()


def test_nothing_identified_is_undeterminable() -> None:
    # Every biased type ≤ 8 and 平和 < 17: 平和 = Q1 1 + (6−3) + (6−3) + (6−1) + (6−3) = 15.
    answers = dict(ALL_ONES)
    answers[2] = 3
    answers[4] = 3
    answers[13] = 3
    result = tcm.determine(answers)
    assert result.results[tcm.PINGHE].raw == 1 + 3 + 3 + 5 + 3
    assert all(result.results[c].result == tcm.NO for c in tcm.CONSTITUTIONS)
    assert result.undeterminable and result.main_type is None and result.identified == ()


def test_answers_must_be_complete_and_in_range() -> None:
    partial = dict(ALL_ONES)
    del partial[7]
    with pytest.raises(ValueError, match="unanswered"):
        tcm.raw_sums(partial)
    with pytest.raises(ValueError, match="outside"):
        tcm.raw_sums({**ALL_ONES, 3: 6})
    with pytest.raises(ValueError, match="unknown"):
        tcm.raw_sums({**ALL_ONES, 34: 1})


# ---- anchored items: BMI, waist, colds, allergies ----------------------------


@pytest.mark.parametrize(
    ("bmi", "score"),
    [(15.0, 1), (23.9, 1), (23.99, 1), (24.0, 2), (24.9, 2), (25.0, 3), (25.5, 3), (25.9, 3), (26.0, 4), (27.9, 4), (28.0, 5), (40.0, 5)],
)
def test_q9_bmi_bands(bmi: float, score: int) -> None:
    assert tcm.score_bmi(bmi) == score


@pytest.mark.parametrize(
    ("waist", "score"),
    [
        (60, 1),
        (79, 1),
        (79.9, 1),
        (80, 2),
        (85, 2),
        (85.9, 2),
        (86, 3),
        (88, 3),
        (90, 3),
        (90.9, 3),
        (91, 4),
        (105, 4),
        (105.1, 5),
        (106, 5),
    ],
)
def test_q28_waist_bands(waist: float, score: int) -> None:
    assert tcm.score_waist(waist) == score


@pytest.mark.parametrize(("colds", "score"), [(0, 1), (1, 1), (2, 2), (4, 2), (5, 3), (6, 3), (7, 4), (8, 4), (11, 4), (12, 5), (20, 5)])
def test_q14_colds_anchors_with_seven_as_four(colds: int, score: int) -> None:
    assert tcm.score_colds(colds) == score


@pytest.mark.parametrize(("episodes", "score"), [(0, 1), (1, 2), (2, 2), (3, 3), (4, 3), (5, 4), (6, 4), (7, 4), (30, 4)])
def test_q17_allergy_anchors(episodes: int, score: int) -> None:
    assert tcm.score_allergies(episodes) == score


def test_counts_are_never_negative() -> None:
    with pytest.raises(ValueError):
        tcm.score_colds(-1)
    with pytest.raises(ValueError):
        tcm.score_allergies(-1)


def test_measured_items_override_any_asked_value() -> None:
    answers = tcm.answers_with_measurements({**ALL_ONES, 9: 5, 28: 5}, bmi=22.0, waist_cm=70)
    assert answers[9] == 1 and answers[28] == 1
