"""adoption.batches.collector_paused: the cyclic collector is off inside and back in its
previous state after, also when the block raises."""

from __future__ import annotations

import gc

import pytest

from adoption.batches import collector_paused


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_turns_it_on_again() -> None:
    with pytest.raises(ZeroDivisionError), collector_paused():
        print(1 / 0)
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
