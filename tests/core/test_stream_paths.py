"""``site check`` checks stream paths: placeholders from the drivers' list, a path or a URL
that parses, and a URL host equal to the recorder's (which would otherwise be sent the
recorder's credentials) unless an explicit exception says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from csu_wall import app
from csu_wall.core.errors import SiteFileError, SiteIssue
from csu_wall.core.sitefile import parse_site_text

VALID = (Path(__file__).parent / "data" / "valid_site.toml").read_text(encoding="utf-8")
MAIN = 'main = { path = "/Streaming/channels/101", width = 1920, height = 1080, fps = 25 }'
LINE = 44  # camera[1].main in valid_site.toml; its recorder's host is 10.1.2.3


def with_main(inner: str) -> str:
    assert VALID.count(MAIN) == 1
    return VALID.replace(MAIN, f"main = {{ {inner}, width = 1920, height = 1080, fps = 25 }}")


def issues(text: str) -> list[SiteIssue]:
    try:
        _site, warnings = parse_site_text(text, "site.toml")
    except SiteFileError as exc:
        return exc.issues
    return warnings


def errors(text: str) -> list[SiteIssue]:
    return [i for i in issues(text) if i.severity == "error"]


@pytest.mark.parametrize("path", [
    "/Streaming/channels/{channel}01",
    "rtsp://{host}:{port}/Streaming/Channels/{channel:02d}01",
    "rtsp://10.1.2.3:{rtsp_port}/live",
    "http://{host}:{http_port}/video{channel}.mjpg",
    "/cam?x={{literal}}",
])
def test_good_stream_paths_pass(path: str) -> None:
    assert errors(with_main(f'path = "{path}"')) == []


@pytest.mark.parametrize("path, words", [
    ("/Streaming/channels/{chanel}01", "repère inconnu « {chanel} » : vouliez-vous dire "
                                       "« channel »"),
    ("/live/{host.name}", "repère inconnu"),
    ("/live/{channel", "accolade"),
    ("Streaming/channels/101", "ni chemin ni URL"),
    ("pas une url", "espace"),
    ("rtsp://{host}:port/x", "URL invalide"),
    ("ftp://{host}/x", "protocole « ftp » non pris en charge"),
    ("rtsp:///x", "URL sans hôte"),
    ("", "vide"),
])
def test_bad_stream_paths_are_errors_on_their_line(path: str, words: str) -> None:
    [issue] = errors(with_main(f'path = "{path}"'))
    assert issue.field == "camera[1].main.path" and issue.line == LINE
    assert words in issue.message


def test_a_url_to_another_host_is_an_error_unless_an_exception_says_why() -> None:
    other = 'path = "rtsp://10.9.9.9/live"'
    [issue] = errors(with_main(other))
    assert issue.field == "camera[1].main.path" and issue.line == LINE
    assert "« 10.9.9.9 » différent de celui de l'enregistreur « 10.1.2.3 »" in issue.message
    assert "host_exception" in issue.message

    excused = issues(with_main(other + ', host_exception = "encodeur du carrefour"'))
    assert [i for i in excused if i.severity == "error"] == []
    [warning] = [i for i in excused if i.field == "camera[1].main.path"]
    assert warning.severity == "warning" and "encodeur du carrefour" in warning.message

    useless = issues(with_main('path = "/live", host_exception = "x"'))
    assert any(i.field == "camera[1].main.host_exception" and i.severity == "warning"
               for i in useless)


def test_same_host_in_other_case_is_the_recorders() -> None:
    text = with_main('path = "rtsp://10.1.2.3:554/live"')
    assert errors(text) == []


def test_site_check_command_reports_the_misspelt_placeholder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.toml"
    site.write_text(with_main('path = "/Streaming/channels/{chanel}01"'), encoding="utf-8")
    assert app.main(["site", "check", str(site)]) == 1
    out = capsys.readouterr().out
    assert f"{site}:{LINE}: camera[1].main.path: repère inconnu « {{chanel}} »" in out
