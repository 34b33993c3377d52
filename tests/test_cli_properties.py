"""Property: whatever the input, a ``csu-wall`` command ends with exit code 0, 1 or 2 and a
message, in bounded memory.

Hypothesis feeds generated site files (random bytes, structured sites with wrong values,
non-UTF-8 bytes, deep nesting, files over the size cap) and generated arguments (dates, URLs,
lone surrogates as a non-UTF-8 command line delivers them, random words) to ``site check``,
``site apply`` and every subcommand, through ``csu_wall.app.main`` in this process. The
harness catches only ``SystemExit`` (argparse's way out): any other exception, an internal
error or one of the project's own errors escaping ``main``, fails the property. Memory is
measured with tracemalloc per example. A few generated cases also run as real subprocesses
of the installed ``csu-wall``.

Not fed: ``bench`` (a benchmark of minutes), the GUI (no subcommand) and arguments holding
NUL (a real command line cannot carry one). Path arguments stay inside the test's folder, and
PostgreSQL URLs point at closed ports of 127.0.0.1, so nothing outside it is touched.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from csu_wall import app

CSU_WALL = str(Path(sys.executable).parent / "csu-wall")
MEMORY_LIMIT = 500 * 1024 * 1024
# CSU_WALL_PROPS_NO_SHRINK=1 reports the first failing example as generated (debugging: a
# shrink of slow examples can take minutes).
_PHASES = ([Phase.explicit, Phase.generate] if os.environ.get("CSU_WALL_PROPS_NO_SHRINK")
           else list(Phase))
COMMON = settings(derandomize=True, deadline=None, database=None, phases=_PHASES,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture,
                                         HealthCheck.large_base_example])

# --- arguments --------------------------------------------------------------------------------

_SURROGATES = st.text(st.sampled_from([chr(c) for c in range(0xDC80, 0xDD00)]), min_size=1,
                      max_size=3)
_PLAIN = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]),
                 max_size=30)
WORD = st.one_of(
    _PLAIN,
    st.builds(lambda a, s, b: a + s + b, _PLAIN, _SURROGATES, _PLAIN),
    st.sampled_from(["", " ", "-", "--", "halluin", "tourcoing", "admin", "é" * 70, "a" * 300]),
)
DATE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "2026-1-1",
                     "demain", "", "2026-06-01T25:00", "2026-06-01 12:00", "9999-12-31T23:59",
                     "2026-06-01T12:00+14:00", "1969-12-31"]),
    WORD,
)
_PORT = st.one_of(st.integers(1, 20).map(str), WORD.map(lambda w: w.replace("/", "")))
DATABASE = st.one_of(
    st.sampled_from(["notaurl://", ":::", "postgresql://u@127.0.0.1:notaport/x", "sqlite://",
                     "sqlite:///", "postgresql://", "mysql://u@127.0.0.1/x", "://", "a:b",
                     "postgresql://u:secret@[::1/x", "sqlite:///:memory:"]),
    st.builds(lambda port, user: f"postgresql://{user}@127.0.0.1:{port}/x", _PORT,
              st.text("abc:@", max_size=4)),
    WORD.map(lambda w: "sqlite:///" + _relative(w)),
    WORD.map(lambda w: w.replace("/", "")),
)


def _relative(word: str) -> str:
    """A generated name kept inside the current (temporary) folder."""
    name = word.replace("/", "_").replace("\\", "_").strip(". ")
    return name or "vide"


# --- site files -------------------------------------------------------------------------------

VALUE = st.one_of(
    st.integers(-2**70, 2**70).map(str),
    st.floats(allow_nan=True).map(lambda f: repr(f).replace("inf", "inf")),
    st.booleans().map(lambda b: str(b).lower()),
    _PLAIN.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n") + '"'),
    st.sampled_from(['"rtsp://{host}:{port}/{chanel}"', '"http://autre-hote/x"', '"pas une url"',
                     '"/Streaming/channels/{channel}01"', '"rtsp://10.0.0.1/x"', '[1, [2, [3]]]',
                     '{ path = "/a", width = -1 }', '1979-05-27T07:32:00', '"59350"', '"2A004"',
                     '"Europe/Paris"', '"Mars/Olympus"', '[[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]]']),
)
_KEYS = {
    "commune": ["id", "name", "insee", "attached", "password"],
    "recorder": ["id", "commune", "driver", "host", "rtsp_port", "http_port", "timezone",
                 "scheme", "tls_pin", "session_cap", "username"],
    "camera": ["id", "name", "commune", "recorder", "channel", "number", "location", "ptz",
               "purpose", "main", "sub", "masks"],
}


@st.composite
def structured_site(draw: st.DrawFn) -> bytes:
    """A site file shaped like a real one, with generated (often wrong) values."""
    lines = ["[site]", f"name = {draw(VALUE)}"]
    for block, keys in _KEYS.items():
        for _ in range(draw(st.integers(0, 4))):
            lines.append(f"[[{block}]]")
            for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))):
                lines.append(f"{key} = {draw(VALUE)}")
    text = "\n".join(lines) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # a byte that is not UTF-8 somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[at:]
    return data


def _valid_site(n_cameras: int) -> bytes:
    lines = ['[site]', 'name = "CSU"', '[[commune]]', 'id = "halluin"', 'name = "Halluin"',
             'insee = "59279"', '[[recorder]]', 'id = "hal-nvr"', 'commune = "halluin"',
             'driver = "rtsp"', 'host = "10.0.0.1"']
    for i in range(n_cameras):
        lines += ["[[camera]]", f'id = "hal-{i}"', f'name = "Caméra {i}"',
                  'commune = "halluin"', 'recorder = "hal-nvr"', f"channel = {i + 1}"]
    return ("\n".join(lines) + "\n").encode()


SITE_BYTES = st.one_of(
    st.binary(max_size=2000),
    structured_site(),
    st.integers(0, 40).map(_valid_site),
    st.builds(lambda n, o, c: f'[site]\nname = "x"\nv = {o * n}1{c * n}\n'.encode(),
              st.integers(1, 3000), st.sampled_from(["[", "{a = "]),
              st.sampled_from(["]", "}"])).map(lambda b: b.replace(b"{a = 1]", b"{a = 1}")),
)


# --- commands ---------------------------------------------------------------------------------


_COMMAND_WORDS = ["site", "db", "user", "habilitation", "workstation", "credentials", "commune",
                  "audit", "recorder"]


@st.composite
def command(draw: st.DrawFn) -> tuple[list[str], bytes | None, bytes]:
    """(arguments after the global options, site file bytes or None, standard input)."""
    site: bytes | None = draw(st.one_of(st.none(), SITE_BYTES))
    file = "site.toml" if site is not None else _relative(draw(WORD))
    maybe = lambda *opt: list(opt) if draw(st.booleans()) else []  # noqa: E731
    kind = draw(st.sampled_from([
        "site check", "site apply", "site import", "recorder trust", "db upgrade", "db backup",
        "user add", "user other", "user list", "hab grant", "hab revoke", "hab purge", "hab list",
        "ws enroll", "cred set", "cred delete", "commune", "audit verify", "audit anchor",
        "audit export", "random"]))
    w = lambda: draw(WORD)  # noqa: E731
    # names the database knows (the fixture's site and account) half of the time, so the
    # commands get past "unknown" to their deeper paths
    commune = lambda: draw(st.one_of(st.sampled_from(["halluin", "Halluin", "59279"]),  # noqa: E731
                                     WORD))
    login = lambda: draw(st.one_of(st.just("agent"), WORD))  # noqa: E731
    args: list[str] = {
        "site check": lambda: ["site", "check", file],
        "site apply": lambda: ["site", "apply", file, *maybe("--by", w())],
        # an id no generated site holds: the command never reaches a recorder on the network
        "site import": lambda: ["site", "import", "--recorder", "zz-absent-" + w(), "--site",
                                file],
        "recorder trust": lambda: ["recorder", "trust", "zz-absent-" + w(), "--site", file],
        "db upgrade": lambda: ["db", "upgrade"],
        "db backup": lambda: ["db", "backup", _relative(w())],
        "user add": lambda: ["user", "add", w(), "--name", w(),
                             *maybe("--role", draw(st.sampled_from(
                                 ["operateur", "administrateur", "chef"])))],
        "user other": lambda: ["user", draw(st.sampled_from(["disable", "enable", "passwd"])),
                               w()],
        "user list": lambda: ["user", "list"],
        "hab grant": lambda: ["habilitation", "grant", login(), commune(), "--basis", w(),
                              "--by", w(), *maybe("--from", draw(DATE)),
                              *maybe("--until", draw(DATE))],
        "hab revoke": lambda: ["habilitation", "revoke", login(), commune()],
        "hab purge": lambda: ["habilitation", "purge", commune(), *maybe("--login", login())],
        "hab list": lambda: ["habilitation", "list", *maybe(w())],
        "ws enroll": lambda: ["workstation", "enroll", *maybe("--new-site"),
                              *maybe("--name", w())],
        "cred set": lambda: ["credentials", "set", draw(st.one_of(st.just("hal-nvr"), WORD)),
                             *maybe("--user", w())],
        "cred delete": lambda: ["credentials", "delete", draw(st.one_of(st.just("hal-nvr"),
                                                                         WORD))],
        "commune": lambda: ["commune", draw(st.sampled_from(["detach", "attach"])), commune()],
        "audit verify": lambda: ["audit", "verify"],
        "audit anchor": lambda: ["audit", "anchor"],
        "audit export": lambda: ["audit", "export", "--commune", commune(), "--from", draw(DATE),
                                 "--to", draw(DATE), *maybe("--format", draw(st.sampled_from(
                                     ["csv", "html", "pdf", "xls"]))),
                                 *maybe("--output", _relative(w()))],
        # a command word first: with none, csu-wall opens its window
        "random": lambda: [draw(st.sampled_from(_COMMAND_WORDS)),
                           *draw(st.lists(WORD, max_size=6))],
    }[kind]()
    if draw(st.integers(0, 4)) == 0:
        args = ["--database", draw(DATABASE), *args]
    if draw(st.integers(0, 4)) == 0:
        args = ["--lang", draw(st.sampled_from(["fr", "en", "de", ""])), *args]
    stdin = draw(st.one_of(st.binary(max_size=60),
                           st.just(b"Une-Phrase-De-Passe-Assez-Longue-2026\n")))
    return args, site, stdin


# --- harness ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _console(stdin: bytes) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = old_in


def run_main(argv: list[str], stdin: bytes = b"") -> tuple[int, str, int]:
    """Exit code, everything printed, peak traced memory. Only SystemExit is caught."""
    tracemalloc.start()
    try:
        with _console(stdin) as (out, err):
            try:
                code = app.main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return code, out.getvalue() + err.getvalue(), peak


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for all examples (a database per example would cost most of the
    time budget); commands may change it, which the property must survive too."""
    root = tmp_path_factory.mktemp("props")
    (root / "base.toml").write_bytes(_valid_site(2))
    data = ["--data-dir", str(root / "data")]
    for argv, stdin in ((["site", "apply", str(root / "base.toml")], b""),
                        (["user", "add", "agent", "--name", "A. Gent"],
                         b"Une-Phrase-De-Passe-Assez-Longue-2026\n")):
        code, text, _ = run_main([*data, *argv], stdin)
        assert code == 0, text
    return root


def _check(workdir: Path, argv: list[str], site: bytes | None, stdin: bytes) -> None:
    if site is not None:
        (workdir / "site.toml").write_bytes(site)
    code, text, peak = run_main(["--data-dir", str(workdir / "data"), *argv], stdin)
    shown = [a.encode("utf-8", "backslashreplace")[:80] for a in argv]
    assert code in (0, 1, 2), (shown, code, text[-500:])
    assert text.strip(), (shown, code)
    assert "Traceback" not in text, (shown, text[-2000:])
    assert peak < MEMORY_LIMIT, (shown, peak)


@pytest.mark.timeout(240)
@settings(COMMON, max_examples=400)
@given(case=command())
def test_every_command_ends_with_0_1_or_2_and_a_message(
        workdir: Path, monkeypatch: pytest.MonkeyPatch,
        case: tuple[list[str], bytes | None, bytes]) -> None:
    monkeypatch.chdir(workdir)
    argv, site, stdin = case
    _check(workdir, argv, site, stdin)


@pytest.mark.timeout(240)
@settings(COMMON, max_examples=8)
@given(size=st.integers(4_000_000, 6_500_000), kind=st.sampled_from(["string", "cameras"]),
       verb=st.sampled_from(["check", "apply"]))
def test_huge_site_files_stay_under_the_memory_limit(
        workdir: Path, monkeypatch: pytest.MonkeyPatch, size: int, kind: str,
        verb: str) -> None:
    monkeypatch.chdir(workdir)
    if kind == "string":
        data = b'[site]\nname = "' + b"a" * size + b'"\n'
    else:
        data = _valid_site(size // 110)  # about 110 bytes per camera
    _check(workdir, ["site", verb, "site.toml"], data, b"")


@pytest.mark.timeout(240)
@settings(COMMON, max_examples=6)
@given(case=command())
def test_a_few_cases_as_real_subprocesses(
        workdir: Path, case: tuple[list[str], bytes | None, bytes]) -> None:
    """The same property through the installed command: real argv bytes (lone surrogates
    become the non-UTF-8 bytes they stand for), real standard streams, the exit status."""
    argv, site, stdin = case
    if site is not None:
        (workdir / "site.toml").write_bytes(site)
    args = [os.fsencode(a) for a in ["--data-dir", str(workdir / "data"), *argv]]
    done = subprocess.run(["timeout", "60", CSU_WALL, *args], input=stdin, cwd=workdir,
                          capture_output=True, timeout=90,
                          env=dict(os.environ, LANG="fr_FR.UTF-8"))
    assert done.returncode in (0, 1, 2), (argv, done.returncode, done.stderr[-500:])
    assert (done.stdout + done.stderr).strip()
    assert b"Traceback" not in done.stderr, done.stderr[-2000:]
