"""tasks/memory.py: allocator defaults for long-lived workers and the per-batch trim.

Each check runs in a fresh interpreter: allocators are chosen as a library loads, and this
test process has loaded them long ago."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tasks import memory

# pyarrow with deltalake loaded sometimes aborts as the interpreter exits ("terminate called
# without an active exception", with or without these settings): the child leaves with
# os._exit once its answer is out.
_EXIT = "\nimport os, sys\nsys.stdout.flush()\nos._exit(0)\n"


def _child(code: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + _EXIT],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_arrow_allocates_through_the_system_allocator_once_configured() -> None:
    got = _child(
        """
        import json
        from tasks.memory import configure_allocators
        late = configure_allocators()
        import pyarrow as pa
        print(json.dumps({"late": late, "pool": pa.default_memory_pool().backend_name}))
        """
    )
    assert got == {"late": [], "pool": "system"}


def test_a_value_already_in_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    import os

    import pyarrow  # noqa: F401 - loaded before the call, as in a process that got it too late

    late = memory.configure_allocators()

    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "mimalloc"
    assert os.environ["_RJEM_MALLOC_CONF"] == memory.ALLOCATOR_ENV["_RJEM_MALLOC_CONF"]
    # Arrow was loaded before the call: it says so, since Arrow keeps its first allocator.
    assert "pyarrow" in late


def test_delta_rs_loads_and_writes_with_the_jemalloc_settings(tmp_path: object) -> None:
    got = _child(
        f"""
        import json
        from tasks.memory import configure_allocators
        configure_allocators()
        import pyarrow as pa
        from deltalake import DeltaTable, write_deltalake
        write_deltalake({str(tmp_path)!r}, pa.table({{"x": list(range(1000))}}))
        print(json.dumps({{"rows": DeltaTable({str(tmp_path)!r}).to_pyarrow_table().num_rows}}))
        """
    )
    assert got == {"rows": 1000}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_release_gives_freed_pages_back_to_the_system() -> None:
    # 120 MB in 1 KB blocks (above Python's small-object size: glibc serves them), every
    # 40th kept so the freed space is not at the top of the heap, where free() alone would
    # return it: only a trim gives those pages back.
    got = _child(
        """
        import json
        import os
        from tasks.memory import release_freed_memory

        def rss():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

        blocks = [bytearray(1024) for _ in range(120_000)]
        kept = blocks[::40]
        del blocks
        before = rss()
        released = release_freed_memory()
        print(json.dumps({"released": released, "before": before, "after": rss(),
                          "kept": len(kept)}))
        """
    )
    assert got["released"] is True
    assert isinstance(got["before"], float)
    assert isinstance(got["after"], float)
    assert got["before"] - got["after"] > 50, got


def test_one_heavy_stage_slot_per_setting_shared_by_the_process() -> None:
    import threading

    gate = memory.heavy_stage_slot(1)
    assert memory.heavy_stage_slot(1) is gate
    assert memory.heavy_stage_slot(2) is not gate
    entered = threading.Event()
    with gate:
        t = threading.Thread(target=lambda: (gate.acquire(), entered.set(), gate.release()))
        t.start()
        # The second run waits while the first holds the slot ...
        assert not entered.wait(0.3)
    # ... and goes in once it is released.
    assert entered.wait(10)
    t.join()


def test_a_settled_heap_freezes_what_is_alive_and_still_collects_new_cycles() -> None:
    got = _child(
        """
        import gc
        import json
        import weakref
        from tasks.memory import GC_THRESHOLDS, settle_heap

        class Node:
            pass

        before = Node()  # alive when the heap settles: frozen, never walked again
        frozen = settle_heap()
        # A reference cycle made afterwards, unreachable once `del`: only the collector
        # frees it, and it must.
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = []
        weakref.finalize(a, gone.append, "a")
        del a, b
        gc.collect()
        print(json.dumps({
            "frozen": frozen,
            "frozen_now": gc.get_freeze_count(),
            # gc.get_objects() lists the collector's generations, not the frozen objects.
            "before_is_frozen": not any(o is before for o in gc.get_objects()),
            "thresholds": list(gc.get_threshold()),
            "expected": list(GC_THRESHOLDS),
            "cycle_freed": gone == ["a"],
        }))
        """
    )
    assert got["frozen"] == got["frozen_now"]
    assert isinstance(got["frozen"], int)
    assert got["frozen"] > 1000, got  # the interpreter and the modules it loaded
    assert got["before_is_frozen"] is True
    assert got["thresholds"] == got["expected"]
    assert got["cycle_freed"] is True
