"""The benchmark (``csu-wall bench``): its capacity search and its measurement workers.

The search tests feed ``find_capacity`` a fake measure function (a threshold on the stream
count): the algorithm is what is tested there, not the machine. The smoke tests run the real
workers in subprocesses (wrapped in ``timeout``) on a real H.264 clip for 2 streams and check
the JSON they print; they set no threshold on speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from csu_wall.benchmark._clips import encode_clip
from csu_wall.benchmark._search import find_capacity

ROOT = Path(__file__).resolve().parents[2]


def _threshold(limit: int, calls: list[int]) -> Any:
    def measure(n: int) -> dict[str, Any]:
        calls.append(n)
        return {"ok": n <= limit, "streams": n}

    return measure


@pytest.mark.parametrize("limit", [1, 7, 37, 100, 263])
def test_search_finds_the_threshold_within_resolution(limit: int) -> None:
    calls: list[int] = []
    found = find_capacity(_threshold(limit, calls), start=16, ceiling=400, resolution=0.05,
                          max_probes=30)
    assert found.capacity <= limit
    assert limit - found.capacity <= max(1, 0.05 * found.capacity)
    assert found.failed_at is not None and found.failed_at > limit
    assert len(calls) == len(set(calls)), "a count is measured at most once"
    assert found.stopped == ""


def test_search_reports_capped_when_the_ceiling_passes() -> None:
    found = find_capacity(_threshold(10_000, []), start=16, ceiling=100, max_probes=30)
    assert found.capacity == 100 and found.capped and found.failed_at is None


def test_search_reports_zero_when_nothing_passes() -> None:
    found = find_capacity(_threshold(0, []), start=16, ceiling=100, max_probes=30)
    assert found.capacity == 0 and found.failed_at == 1


def test_search_stops_at_the_probe_limit_and_the_deadline() -> None:
    calls: list[int] = []
    found = find_capacity(_threshold(300, calls), start=2, ceiling=1000, max_probes=3)
    assert len(calls) == 3 and found.stopped == "probes" and found.capacity == 8

    now = [0.0]

    def measure(n: int) -> dict[str, Any]:
        now[0] += 10.0  # each probe takes 10 fake seconds
        return {"ok": n <= 300}

    found = find_capacity(measure, start=2, ceiling=1000, max_probes=30, deadline=25.0,
                          clock=lambda: now[0], probe_cost=lambda n: 10.0)
    assert [p["streams"] for p in found.probes] == [2, 4]
    assert found.stopped == "time" and found.capacity == 4


def test_search_keeps_the_largest_pass_below_the_smallest_failure() -> None:
    """A noisy machine: 24 fails though 32 would pass; the answer stays consistent."""
    found = find_capacity(lambda n: {"ok": n != 24 and n <= 40}, start=16, ceiling=100,
                          resolution=0.01, max_probes=30)
    assert found.failed_at is not None and found.capacity < found.failed_at
    passed = {p["streams"] for p in found.probes if p["ok"]}
    assert found.capacity in passed


def test_a_failed_count_measured_again_passes_when_the_second_measurement_does() -> None:
    """A drifting machine: 50 fails once (a slow moment), then passes; 60 fails twice.
    Without the second measurement the search stops below 50."""
    seen: dict[int, int] = {}

    def measure(n: int) -> dict[str, Any]:
        seen[n] = seen.get(n, 0) + 1
        return {"ok": n <= 40 or (n <= 55 and seen[n] > 1)}

    found = find_capacity(measure, start=40, ceiling=200, growth=1.25, resolution=0.05,
                          max_probes=30, retry_failures=True)
    assert 55 - found.capacity <= max(1, 0.05 * found.capacity) and found.capacity >= 50
    assert found.failed_at is not None and found.failed_at > 55
    again = [(p["streams"], p["ok"]) for p in found.probes if p.get("again")]
    assert (50, True) in again and all(n > 40 for n, _ in again)
    assert all(not ok for n, ok in again if n > 55)
    assert seen[40] == 1  # a count that passed is measured once

    seen.clear()
    once = find_capacity(measure, start=40, ceiling=200, growth=1.25, resolution=0.05,
                         max_probes=30)
    assert once.capacity < 50 and not any(p.get("again") for p in once.probes)


def test_the_second_measurement_counts_against_the_probe_limit() -> None:
    calls: list[int] = []
    found = find_capacity(_threshold(10, calls), start=16, ceiling=100, max_probes=3,
                          retry_failures=True)
    assert calls == [16, 16, 8] and found.stopped == "probes" and found.capacity == 8


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_clip(tmp_path_factory.mktemp("bench") / "clip.mp4", 640, 360, 2.0, seed=1)


def _worker(module: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        ["timeout", "-k", "5", "60", sys.executable, "-m", f"csu_wall.benchmark.{module}",
         *args], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = proc.stdout.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(line)
    return result


_FIGURES = ("streams", "ok", "worst_fps", "median_fps", "gui_lag_p99_ms", "cpu_pct",
            "cpu_pct_per_stream", "mib_per_stream", "first_frame_ms_median",
            "first_frame_ms_p95", "window_s", "streams_with_frames")


@pytest.mark.slow
def test_pipeline_worker_measures_two_streams(clip: Path) -> None:
    r = _worker("pipeline", "--streams", "2", "--warmup", "0.3", "--seconds", "2",
                "--label", "640x360", str(clip))
    assert r["kind"] == "pipeline" and r["source"] == "file"
    assert set(_FIGURES) <= set(r)
    assert r["streams"] == 2 and r["streams_with_frames"] == 2
    assert r["tile_sizes"] == [[240, 135]]
    assert 1.5 <= r["window_s"] <= 4
    assert 0 < r["median_fps"] <= 30 and 0 <= r["worst_fps"] <= r["median_fps"]
    assert 0 <= r["gui_lag_p99_ms"] < 1000
    assert 0 < r["cpu_pct"] < 100 * (os.cpu_count() or 1) + 10
    assert 0 < r["first_frame_ms_median"] <= r["first_frame_ms_p95"] < 10_000
    assert r["frames_decoded_per_s"] > 0 and r["threads_left"] == []


@pytest.mark.slow
def test_pipeline_worker_counts_its_decoder_processes(clip: Path) -> None:
    """Decoding in processes: their CPU and memory (PSS: shared frame buffers once) are the
    pipeline's too, not only the GUI process's."""
    r = _worker("pipeline", "--streams", "2", "--warmup", "0.3", "--seconds", "2",
                "--decoders", "process", "--label", "640x360", str(clip))
    assert r["decoders"] == "process" and r["decoder_processes"] >= 1
    assert r["memory"] == "pss" and r["streams_with_frames"] == 2
    assert 0 < r["decoder_cpu_pct"] < r["cpu_pct"]
    assert 0 < r["rss_base_mib"] <= r["rss_mib"]


@pytest.mark.slow
def test_naive_worker_measures_two_streams(clip: Path) -> None:
    r = _worker("naive", "--streams", "2", "--warmup", "0.3", "--seconds", "2", str(clip))
    assert r["kind"] == "naive" and set(_FIGURES) <= set(r)
    assert r["streams_with_frames"] == 2 and 0 < r["median_fps"] <= 30


def test_decode_limit_worker(clip: Path) -> None:
    r = _worker("decode_limit", "--seconds", "0.5", "--threads", "1", str(clip))
    assert r["kind"] == "decode_limit" and r["threads"] == 1
    assert r["frames_per_s"] > 0 and r["streams"] == pytest.approx(r["frames_per_s"] / 25, 0.01)


def test_samework_worker_decodes_and_converts_every_frame_in_spawned_processes(
        clip: Path) -> None:
    r = _worker("samework", "--seconds", "0.5", "--processes", "2", "--label", "640x360",
                str(clip))
    assert r["kind"] == "samework" and r["processes"] == 2 and r["tile"] == [240, 135]
    assert r["frames"] > 0 and r["frames_per_s"] > 0
    assert r["streams"] == pytest.approx(r["frames_per_s"] / 25, 0.01)
    assert 0.4 <= r["seconds"] < 5 and r["ms_per_frame_per_core"] > 0


def test_samework_interleaved_decodes_several_streams_per_process(clip: Path) -> None:
    """Informative ceiling: each process decodes K streams in turn (K decoders, K converters)
    and says so."""
    r = _worker("samework", "--seconds", "0.5", "--processes", "2",
                "--streams-per-process", "3", "--label", "640x360", str(clip))
    assert r["kind"] == "samework_interleaved" and r["streams_per_process"] == 3
    assert r["frames"] > 0 and r["streams"] == pytest.approx(r["frames_per_s"] / 25, 0.01)


def test_samework_worker_fails_fast_when_a_process_dies(tmp_path: Path) -> None:
    """A clip that cannot be read kills its process: the worker says so at once instead of
    waiting out its timeout (the quick run's budget would be gone)."""
    import time

    started = time.monotonic()
    proc = subprocess.run(
        ["timeout", "-k", "5", "60", sys.executable, "-m", "csu_wall.benchmark.samework",
         "--seconds", "0.5", str(tmp_path / "missing.mp4")],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode not in (0, 124, 137)
    assert "same-work processes failed" in proc.stderr
    assert time.monotonic() - started < 20


def test_camera_profile_is_main_cabac_at_a_camera_bitrate(tmp_path: Path) -> None:
    import av

    from csu_wall.benchmark._clips import camera_kbps

    assert camera_kbps(640, 360) == 1000 and camera_kbps(1920, 1080) == 4000
    cam = encode_clip(tmp_path / "cam.mp4", 640, 360, 4.0, seed=2, profile="camera")
    synthetic = encode_clip(tmp_path / "syn.mp4", 640, 360, 4.0, seed=2)
    with av.open(str(cam)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.profile == "Main"
        keyframes = [i for i, p in enumerate(container.demux(stream)) if p.size and p.is_keyframe]
    assert keyframes == [0, 50]  # GOP 50, no scene-cut IDR
    kbps = 8 * cam.stat().st_size / 4.0 / 1000
    assert 700 <= kbps <= 1300, kbps
    raw = cam.read_bytes()
    assert b"cabac=1" in raw and b"cabac=0" in synthetic.read_bytes()  # x264's own SEI
    with av.open(str(synthetic)) as container:
        assert container.streams.video[0].codec_context.profile != "Main"
    with pytest.raises(ValueError):
        encode_clip(tmp_path / "x.mp4", 64, 36, 0.1, seed=1, profile="studio")


@pytest.mark.parametrize("quick", [True, False])
def test_summary_states_the_samework_ceiling_and_both_profiles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], quick: bool) -> None:
    """The run's wiring, its workers replaced by canned figures: a decode-only and a
    same-work line per profile and resolution, and the summary's new keys; the full run
    also searches the camera profile's capacity."""
    import argparse

    from csu_wall.benchmark import cli

    asked: list[tuple[str, list[str]]] = []
    # the full run measures the 640x360 one-stream ceilings again after their searches:
    # the machine was faster then for the synthetic clips, slower for the camera ones
    again = {False: 200.0, True: 70.0}

    def worker(self: cli.Runner, module: str, args: list[str], timeout_s: float,
               env: dict[str, str] | None = None) -> dict[str, Any]:
        camera = any("camera" in a for a in args)
        if module == "samework" and "--streams-per-process" not in args and \
                args[args.index("--label") + 1] == "640x360" and any(
                    m == module and a == args for m, a in asked):
            asked.append((module, args))
            return {"kind": module, "streams": again[camera]}
        asked.append((module, args))
        if module in ("decode_limit", "samework"):
            per = {"decode_limit": 280.0, "samework": 160.0}[module]
            return {"kind": module, "streams": per / (2 if camera else 1)}
        n = int(args[args.index("--streams") + 1])
        limit = {"pipeline": 40 if camera else 100, "naive": 30}[module]
        if "--priority" in args:
            return {"kind": module, "ok": False, "streams": n,
                    "priority_fps": {"maximised": 25.0, "alarmed": 25.0}}
        return {"kind": module, "ok": n <= limit, "streams": n}

    monkeypatch.setattr(cli.Runner, "worker", worker)
    monkeypatch.setattr(cli, "ensure_clips", lambda folder, spec: [
        folder / f"{spec.profile}-{spec.label}-{i}.mp4" for i in range(spec.count)])
    args = argparse.Namespace(quick=quick, window=None, json_out=None, clips_dir=tmp_path,
                              rtsp_server=None, workers=0, decoders="process")
    assert cli.run(args) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    ceilings = {(m, a[a.index("--label") + 1], any("camera" in x for x in a))
                for m, a in asked if m in ("decode_limit", "samework")}
    assert ceilings == {(m, label, camera) for m in ("decode_limit", "samework")
                        for label in ("640x360", "1920x1080") for camera in (False, True)}
    summary = lines[-1]
    assert summary["kind"] == "summary" and summary["decoders"] == "process"
    # the pipeline is measured as the application runs it: decoding in processes
    assert all(a[a.index("--decoders") + 1] == "process" for m, a in asked if m == "pipeline")
    ceiling = 160.0 if quick else 200.0  # the higher of the two measurements
    assert summary["samework_streams"] == ceiling and summary["decode_limit_streams"] == 280.0
    assert summary["samework_runs"] == (None if quick else [160.0, 200.0])
    assert 0 < summary["capacity_streams"] <= 100
    assert summary["ratio_to_samework"] == round(summary["capacity_streams"] / ceiling, 3)
    camera = summary["camera"]
    assert camera["samework_streams"] == 80.0 and camera["decode_limit_streams"] == 140.0
    assert camera["samework_1080p_streams"] == 80.0
    assert camera["kbps"] == 1000 and camera["kbps_1080p"] == 4000
    assert {"samework_1080p_streams", "ratio_1080p_to_samework"} <= set(summary)
    # informative: the one-stream ceiling again with as many streams per process as the
    # capacity puts in each decoder process
    from csu_wall.benchmark._proc import cores

    per = [a[a.index("--streams-per-process") + 1] for m, a in asked
           if m == "samework" and "--streams-per-process" in a]
    assert per == [str(-(-summary["capacity_streams"] // cores()))]
    assert summary["samework_interleaved_streams"] == 160.0
    assert summary["ratio_to_samework_interleaved"] == round(summary["capacity_streams"] / 160, 3)
    # the overload row (full run): twice the capacity, one tile maximised, one alarmed
    overload = [a for m, a in asked if m == "pipeline" and "--priority" in a]
    if quick:
        assert overload == [] and summary["overload"] is None
    else:
        assert [a[a.index("--streams") + 1] for a in overload] == [
            str(2 * summary["capacity_streams"])]
        assert summary["overload"]["priority_fps"] == {"maximised": 25.0, "alarmed": 25.0}
        assert any(line.get("kind") == "overload" for line in lines)
    # the full run measures a failed count once more (the canned figures fail it again);
    # the quick run has no time for it
    pipeline_counts = [int(a[a.index("--streams") + 1]) for m, a in asked
                       if m == "pipeline" and "--label" in a and "640x360" in a
                       and not any("camera" in x for x in a) and "--priority" not in a]
    failed_twice = sorted({n for n in pipeline_counts if pipeline_counts.count(n) == 2})
    if quick:
        assert summary["capacity_measured_again"] == [] == summary["naive_measured_again"]
        assert failed_twice == []
    else:
        assert failed_twice and all(n > 100 for n in failed_twice)
        assert sorted(p["streams"] for p in summary["capacity_measured_again"]) == failed_twice
        assert all(not p["ok"] for p in summary["capacity_measured_again"])
        assert summary["naive_measured_again"] and all(
            p["streams"] > 30 and not p["ok"] for p in summary["naive_measured_again"])
    if quick:
        assert camera["capacity_streams"] is None and camera["ratio_to_samework"] is None
    else:
        assert 0 < camera["capacity_streams"] <= 40
        assert camera["ratio_to_samework"] == round(camera["capacity_streams"] / 80, 3)
        assert camera["samework_runs"] == [80.0, 70.0]
        assert any(line.get("profile") == "camera" and line.get("kind") == "pipeline"
                   for line in lines)


def test_cli_options_parse() -> None:
    import argparse

    from csu_wall.benchmark import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--quick", "--json-out", "x.jsonl", "--rtsp-server", "s.py"])
    assert args.quick and args.json_out == Path("x.jsonl") and args.rtsp_server == Path("s.py")
    assert args.decoders == "process"
    assert parser.parse_args(["--decoders", "thread"]).decoders == "thread"


def test_quick_plan_searches_the_capacity_finely_within_its_budget() -> None:
    from csu_wall.benchmark.cli import Plan

    quick = Plan(quick=True, window=None)
    assert quick.budget_s <= 80  # the whole quick run stays under 90 s
    assert quick.resolution <= 0.1 and quick.capacity_probes >= 5
    assert quick.capacity_growth <= 1.3  # steps of at most 30 % from the first guess
    full = Plan(quick=False, window=None)
    assert quick.rtsp_streams == (64, 128) == full.rtsp_streams
    # time is kept for the RTSP rows: the 64 row in a quick run, both in a full one
    assert quick.rtsp_cost(64) <= quick.rtsp_reserve_s < 0.3 * quick.budget_s
    assert full.rtsp_cost(64) + full.rtsp_cost(128) <= full.rtsp_reserve_s
    # the capacity probes fit in about half the budget even at 150 streams
    assert quick.capacity_probes * quick.probe_cost(150) < 0.75 * quick.budget_s
