from __future__ import annotations

from jiceng.core.clock import LOGICAL_MASK, HybridLogicalClock, pack, to_datetime, unpack


class FakeWall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_values_increase_even_when_the_wall_clock_goes_back() -> None:
    wall = FakeWall(1_000_000)
    clock = HybridLogicalClock(wall)
    first = clock.now()
    wall.ms -= 86_400_000  # the PC's clock is set back a day
    second = clock.now()
    third = clock.now()
    assert first < second < third
    assert unpack(second) == (1_000_000, 1)


def test_observing_a_remote_value_moves_past_it() -> None:
    wall = FakeWall(1_000)
    clock = HybridLogicalClock(wall)
    remote = pack(5_000, 7)  # a node whose clock runs ahead
    merged = clock.observe(remote)
    assert merged > remote
    assert clock.now() > merged


def test_wall_clock_ahead_resets_logical_counter() -> None:
    wall = FakeWall(1_000)
    clock = HybridLogicalClock(wall)
    clock.now()
    clock.now()
    wall.ms = 2_000
    assert unpack(clock.now()) == (2_000, 0)


def test_logical_overflow_borrows_next_millisecond() -> None:
    clock = HybridLogicalClock(FakeWall(10))
    clock.observe(pack(10, LOGICAL_MASK - 1))
    value = clock.now()
    assert unpack(value) == (11, 0)


def test_to_datetime_uses_physical_part() -> None:
    assert to_datetime(pack(1_700_000_000_000, 5)).year == 2023
