"""The site file: parsing, positions of every issue, and each validation rule.

Most tests change one line of tests/core/data/valid_site.toml into one other line, so the line
numbers asserted here are the lines of that file.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from csu_wall.core._toml_positions import toml_positions
from csu_wall.core.errors import SiteFileError, SiteIssue
from csu_wall.core.model import (
    Camera,
    Commune,
    PrivacyMask,
    Recorder,
    Site,
    StreamProfile,
)
from csu_wall.core.sitefile import (
    KNOWN_DRIVERS,
    dump_site,
    load_site,
    parse_site_text,
    site_file_hash,
)

VALID_PATH = Path(__file__).parent / "data" / "valid_site.toml"
VALID = VALID_PATH.read_text(encoding="utf-8")
VALID_LINES = VALID.count("\n")  # 56: the file ends with a newline
PIN = ":".join(f"{i * 7 % 256:02x}" for i in range(32))


def mutate(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def issues_of(text: str) -> list[SiteIssue]:
    with pytest.raises(SiteFileError) as info:
        parse_site_text(text, "site.toml")
    return info.value.issues


def errors_at(text: str, field: str) -> list[SiteIssue]:
    return [i for i in issues_of(text) if i.field == field and i.severity == "error"]


def only_error(text: str, field: str, line: int) -> SiteIssue:
    found = errors_at(text, field)
    assert len(found) == 1, issues_of(text)
    assert found[0].line == line
    assert found[0].file == "site.toml"
    return found[0]


def with_camera(block: str) -> tuple[str, int]:
    """The valid file plus one camera block; also the line of that block's header."""
    return VALID + "\n" + dedent(block).lstrip("\n"), VALID_LINES + 2


# --- a valid file -------------------------------------------------------------------------

EXPECTED = Site.of(
    "CSU de test",
    [Commune("tourcoing", "Tourcoing", "59599"), Commune("roncq", "Roncq", "59508", False)],
    [Recorder("tcg-nvr1", "tourcoing", "hikvision", "10.1.2.3", 554, 80, "Europe/Paris",
              PIN.upper(), 64, "viewer"),
     Recorder("rcq-nvr1", "roncq", "onvif", "nvr1.mairie-roncq.fr")],
    [Camera("tcg-001", "Grand-Place Nord", "tourcoing", "tcg-nvr1", 1, "Grand-Place", False,
            StreamProfile("/Streaming/channels/101", 1920, 1080, 25.0),
            StreamProfile("/Streaming/channels/102", 640, 360, 12.5, "udp"),
            (PrivacyMask(((0.1, 0.1), (0.3, 0.1), (0.3, 0.4))),
             PrivacyMask(((0.5, 0.5), (0.9, 0.5), (0.9, 0.9), (0.5, 0.9)))),
            "voie publique", 1001),
     Camera("rcq-001", "Mairie", "roncq", "rcq-nvr1", ptz=True)],
)


def test_valid_file_parses_to_expected_site() -> None:
    site, warnings = load_site(VALID_PATH)
    assert site == EXPECTED
    assert warnings == []


def test_valid_file_round_trip_through_dump() -> None:
    text = dump_site(EXPECTED, "# written by the test")
    site, warnings = parse_site_text(text, "dumped.toml")
    assert site == EXPECTED
    assert warnings == []
    assert dump_site(site, "# written by the test") == text


def test_known_drivers() -> None:
    assert KNOWN_DRIVERS == {"rtsp", "onvif", "hikvision", "dahua", "axis", "mjpeg",
                             "snapshot", "demo"}


def test_snapshot_driver_accepted() -> None:
    site, _ = parse_site_text(mutate('driver = "hikvision"', 'driver = "snapshot"'),
                              "site.toml")
    assert site.recorder("tcg-nvr1").driver == "snapshot"


def test_scheme_https_parsed_and_dumped() -> None:
    text = mutate('http_port = 80\n', 'http_port = 443\nscheme = "https"\n')
    site, _ = parse_site_text(text, "site.toml")
    rec = site.recorder("tcg-nvr1")
    assert rec.scheme == "https" and rec.http_port == 443
    assert parse_site_text(dump_site(site), "dumped.toml")[0] == site
    assert EXPECTED.recorder("tcg-nvr1").scheme == "http"  # the default


def test_bad_scheme_rejected() -> None:
    issue = only_error(mutate('http_port = 80\n', 'http_port = 80\nscheme = "ftp"\n'),
                       "recorder[1].scheme", 23)
    assert "protocole inconnu « ftp »" in issue.message and '"https"' in issue.message


def test_pinned_recorder_over_plain_http_rejected() -> None:
    issue = only_error(mutate('http_port = 80\n', 'http_port = 80\nscheme = "http"\n'),
                       "recorder[1].scheme", 23)
    assert "tls_pin" in issue.message and 'scheme = "https"' in issue.message


def test_site_file_hash_is_sha256_of_bytes() -> None:
    assert site_file_hash(b"") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert site_file_hash(VALID_PATH.read_bytes()) != site_file_hash(b"x")


def test_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_site(path)[0] == EXPECTED


def test_non_utf8_file_has_line(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(mutate('name = "Mairie"', 'name = "Mairie"  # \xe9').encode("latin-1"))
    with pytest.raises(SiteFileError) as info:
        load_site(path)
    [issue] = info.value.issues
    assert (issue.line, issue.field, issue.file) == (53, "fichier", str(path))
    assert "UTF-8" in issue.message


def test_missing_file_is_a_site_file_error(tmp_path: Path) -> None:
    with pytest.raises(SiteFileError) as info:
        load_site(tmp_path / "absent.toml")
    assert "lecture impossible" in info.value.issues[0].message


# --- syntax and positions -----------------------------------------------------------------

def test_toml_syntax_error_has_line() -> None:
    [issue] = issues_of(mutate('host = "10.1.2.3"', "host = 10.1.2.3"))
    assert (issue.line, issue.field) == (20, "syntaxe")
    assert "syntaxe TOML invalide" in issue.message and "colonne" in issue.message


def test_unterminated_string_has_line_and_french_message() -> None:
    [issue] = issues_of(mutate('name = "Mairie"', 'name = "Mairie'))
    assert issue.line == 53
    assert "guillemet fermant manquant" in issue.message


def test_duplicate_key_is_a_syntax_error_with_line() -> None:
    [issue] = issues_of(mutate("rtsp_port = 554", "host = \"10.1.2.4\""))
    assert issue.line == 21
    assert "déjà définie" in issue.message


def test_positions_of_tables_keys_and_multiline_arrays() -> None:
    pos = toml_positions(VALID)
    assert pos[("camera", 0)] == 34
    assert pos[("camera", 1, "ptz")] == 56
    assert pos[("camera", 0, "main", "width")] == 44
    assert pos[("camera", 0, "masks", 1)] == 48
    assert pos[("recorder", 1, "host")] == 32


def test_positions_survive_strings_comments_and_subtables() -> None:
    text = dedent('''\
        [[camera]]  # a comment with [[brackets]] and = signs
        note = """ many
        [[camera]]
        lines """
        lit = 'a # not a comment'
        [camera.extra]
        "quoted.key" = [
          1,
          2,
        ]
        [[camera]]
        when = 1979-05-27 07:32:00
        after = true
        ''')
    pos = toml_positions(text)
    assert pos[("camera", 0, "lit")] == 5
    assert pos[("camera", 0, "extra", "quoted.key", 1)] == 9
    assert pos[("camera", 1)] == 11
    assert pos[("camera", 1, "after")] == 13


# --- duplicates and references ------------------------------------------------------------

def test_duplicate_camera_id_reports_line() -> None:
    issue = only_error(mutate('id = "rcq-001"', 'id = "tcg-001"'), "camera[2].id", 52)
    assert "déjà utilisé ligne 35" in issue.message


def test_duplicate_commune_id_reports_line() -> None:
    issue = only_error(mutate('id = "roncq"', 'id = "tourcoing"'), "commune[2].id", 11)
    assert "déjà utilisé ligne 6" in issue.message


def test_duplicate_recorder_id_reports_line() -> None:
    issue = only_error(mutate('id = "rcq-nvr1"', 'id = "tcg-nvr1"'), "recorder[2].id", 29)
    assert "déjà utilisé ligne 17" in issue.message


def test_duplicate_camera_number_reports_line() -> None:
    text, header = with_camera('''
        [[camera]]
        id = "tcg-002"
        name = "Grand-Place Sud"
        commune = "tourcoing"
        recorder = "tcg-nvr1"
        channel = 2
        number = 1001
        ''')
    issue = only_error(text, "camera[3].number", header + 6)
    assert "numéro d'appel « 1001 » déjà utilisé ligne 40" in issue.message


def test_camera_on_unknown_recorder() -> None:
    issue = only_error(mutate('recorder = "rcq-nvr1"', 'recorder = "rcq-nvr2"'),
                       "camera[2].recorder", 55)
    assert "enregistreur inconnu « rcq-nvr2 »" in issue.message
    assert "vouliez-vous dire « rcq-nvr1 »" in issue.message


def test_camera_on_unknown_commune() -> None:
    text = mutate('commune = "roncq"\nrecorder', 'commune = "ronq"\nrecorder')
    issue = only_error(text, "camera[2].commune", 54)
    assert "commune inconnue « ronq »" in issue.message
    assert [i.field for i in issues_of(text)] == ["camera[2].commune"]


def test_recorder_of_another_commune_than_camera() -> None:
    issue = only_error(mutate('recorder = "rcq-nvr1"', 'recorder = "tcg-nvr1"'),
                       "camera[2].recorder", 55)
    assert "appartient à la commune « tourcoing », pas à « roncq »" in issue.message


def test_recorder_on_unknown_commune() -> None:
    text = mutate('commune = "roncq"\ndriver', 'commune = "roncqq"\ndriver')
    issue = only_error(text, "recorder[2].commune", 30)
    assert "vouliez-vous dire « roncq »" in issue.message
    assert [i.field for i in issues_of(text)] == ["recorder[2].commune"]


def test_duplicate_channel_on_recorder_warns() -> None:
    text, header = with_camera('''
        [[camera]]
        id = "tcg-002"
        name = "Grand-Place Sud"
        commune = "tourcoing"
        recorder = "tcg-nvr1"
        ''')
    site, warnings = parse_site_text(text, "site.toml")
    assert len(site.cameras) == 3
    [warning] = warnings
    assert (warning.line, warning.field, warning.severity) == (header, "camera[3].channel",
                                                               "warning")


# --- secrets ------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["password", "passwd", "pass", "secret", "pwd", "mot_de_passe",
                                 "Password", "admin_password"])
def test_password_key_rejected(key: str) -> None:
    text = mutate('username = "viewer"', f'{key} = "hunter2"')
    issue = only_error(text, f"recorder[1].{key}", 26)
    assert "mot de passe interdit" in issue.message
    assert all("hunter2" not in i.format() for i in issues_of(text))
    assert len(issues_of(text)) == 1  # not also reported as an unknown key


def test_password_key_rejected_anywhere() -> None:
    text = mutate("fps = 25 }", 'fps = 25, pwd = "x" }') + '\n[extra]\nsecret = "s"\n'
    issues = issues_of(text)
    assert ("camera[1].main.pwd", 44) in [(i.field, i.line) for i in issues]
    assert ("extra.secret", VALID_LINES + 3) in [(i.field, i.line) for i in issues]


@pytest.mark.parametrize("url", [
    "rtsp://admin:hunter2@10.1.2.3/Streaming/channels/101",
    "rtsp://admin%3Ahunter2@10.1.2.3/x",
    "http://admin:@10.1.2.3/x",
    "admin:hunter2@10.1.2.3/x",
])
def test_password_in_url_rejected(url: str) -> None:
    text = mutate('path = "/Streaming/channels/101"', f'path = "{url}"')
    issue = only_error(text, "camera[1].main.path", 44)
    assert "utilisateur:mot de passe@" in issue.message
    assert all("hunter2" not in i.format() for i in issues_of(text))


def test_user_without_password_in_url_allowed() -> None:
    text = mutate('path = "/Streaming/channels/101"', 'path = "rtsp://viewer@10.1.2.3/101"')
    assert parse_site_text(text, "site.toml")[0].cameras[0].main.path.startswith("rtsp://")


# --- masks --------------------------------------------------------------------------------

@pytest.mark.parametrize(("polygon", "field", "expected"), [
    ("[[0.1, 0.1], [0.3, 0.1]]", "camera[1].masks[1]", "au moins 3"),
    ('[["a", 0.1], [0.3, 0.1], [0.3, 0.4]]', "camera[1].masks[1][1]", "non numériques"),
    ("[[0.1, 0.1], [1.2, 0.1], [0.3, 0.4]]", "camera[1].masks[1][2]", "hors de l'image"),
    ("[[0.1, 0.1], [0.3, 0.1, 0.2], [0.3, 0.4]]", "camera[1].masks[1][2]", "paire [x, y]"),
    ("0.5", "camera[1].masks[1]", "liste d'au moins 3 points"),
    ("[[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]", "camera[1].masks[1]", "surface nulle"),
    ("[[0.1, 0.1], [0.3, 0.3], [0.3, 0.1], [0.1, 0.3]]", "camera[1].masks[1]", "se croise"),
])
def test_malformed_mask_rejected(polygon: str, field: str, expected: str) -> None:
    text = mutate("  [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]],", f"  {polygon},")
    issue = only_error(text, field, 47)
    assert expected in issue.message


def test_mask_point_on_its_own_line_reports_that_line() -> None:
    text, header = with_camera('''
        [[camera]]
        id = "tcg-002"
        name = "Rue de Lille"
        commune = "tourcoing"
        recorder = "tcg-nvr1"
        channel = 2
        masks = [
          [
            [0.1, 0.1],
            [0.3, 0.1],
            [0.3, -0.4],
          ],
        ]
        ''')
    only_error(text, "camera[3].masks[1][3]", header + 10)


def test_masks_not_a_list_is_a_type_error() -> None:
    text, header = with_camera('''
        [[camera]]
        id = "tcg-002"
        name = "Rue de Lille"
        commune = "tourcoing"
        recorder = "tcg-nvr1"
        channel = 2
        masks = "fenêtres"
        ''')
    issue = only_error(text, "camera[3].masks", header + 6)
    assert "une liste" in issue.message


def test_ptz_client_masks_warn() -> None:
    text = VALID + "masks = [[[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]]\n"
    site, warnings = parse_site_text(text, "site.toml")
    [warning] = warnings
    assert (warning.line, warning.field, warning.severity) == (57, "camera[2].masks", "warning")
    assert "doivent être programmés dans la caméra" in warning.message
    assert site.cameras[1].masks


def test_ptz_client_masks_error_under_strict_policy() -> None:
    text = mutate('name = "CSU de test"', 'name = "CSU de test"\nmask_policy = "strict"')
    text += "masks = [[[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]]\n"
    issue = only_error(text, "camera[2].masks", 58)
    assert "programmés dans la caméra" in issue.message


# --- single values ------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "65536", '"554"', "true", "5.5"])
def test_bad_port_rejected(value: str) -> None:
    issue = only_error(mutate("rtsp_port = 554", f"rtsp_port = {value}"),
                       "recorder[1].rtsp_port", 21)
    assert "entier" in issue.message


@pytest.mark.parametrize("host", ["", "  ", "nvr 1", "10.1.2.300", "10.1.2", "rtsp://10.1.2.3",
                                  "-nvr.fr", "nvr_1.fr", "10.1.2.3:554", "a" * 64 + ".fr"])
def test_bad_host_rejected(host: str) -> None:
    only_error(mutate('host = "10.1.2.3"', f'host = "{host}"'), "recorder[1].host", 20)


@pytest.mark.parametrize("host", ["::1", "[fe80::1]", "nvr-1.mairie.fr", "nvr1", "192.168.0.1"])
def test_good_host_accepted(host: str) -> None:
    site, _ = parse_site_text(mutate('host = "10.1.2.3"', f'host = "{host}"'), "site.toml")
    assert site.recorders[0].host == host


def test_unknown_driver_rejected() -> None:
    issue = only_error(mutate('driver = "hikvision"', 'driver = "hikvison"'),
                       "recorder[1].driver", 19)
    assert "vouliez-vous dire « hikvision »" in issue.message


@pytest.mark.parametrize("value", ['"5959"', '"59A99"', '"595990"', "59599", '"2C004"'])
def test_bad_insee_rejected(value: str) -> None:
    only_error(mutate('insee = "59599"', f"insee = {value}"), "commune[1].insee", 8)


def test_corsican_insee_accepted() -> None:
    site, _ = parse_site_text(mutate('insee = "59599"', 'insee = "2A004"'), "site.toml")
    assert site.communes[0].insee == "2A004"


def test_unknown_key_suggests_the_right_one() -> None:
    issue = only_error(mutate("channel = 1", "chanel = 1"), "camera[1].chanel", 39)
    assert "clé inconnue « chanel » : vouliez-vous dire « channel » ?" == issue.message


def test_unknown_block_suggests_the_right_one() -> None:
    text = VALID + '\n[[cameras]]\nid = "x"\n'
    issue = only_error(text, "cameras", VALID_LINES + 2)
    assert "vouliez-vous dire « camera »" in issue.message


@pytest.mark.parametrize(("old", "new", "field", "line"), [
    ("ptz = false", 'ptz = "non"', "camera[1].ptz", 42),
    ("channel = 1", 'channel = "1"', "camera[1].channel", 39),
    ("width = 1920", "width = 1920.0", "camera[1].main.width", 44),
    ("fps = 12.5", 'fps = "12.5"', "camera[1].sub.fps", 45),
    ('name = "Mairie"', "name = 3", "camera[2].name", 53),
    ("attached = false", 'attached = "non"', "commune[2].attached", 14),
])
def test_wrong_type_rejected(old: str, new: str, field: str, line: int) -> None:
    issue = only_error(mutate(old, new), field, line)
    assert issue.message.startswith("type incorrect")


def test_bad_timezone_rejected() -> None:
    issue = only_error(mutate('timezone = "Europe/Paris"', 'timezone = "Europe/Pariss"'),
                       "recorder[1].timezone", 23)
    assert "fuseau horaire inconnu" in issue.message


@pytest.mark.parametrize("pin", ["AB:CD", PIN.replace(":", ""), PIN[:-2] + "zz", PIN + ":00"])
def test_bad_tls_pin_rejected(pin: str) -> None:
    only_error(mutate(f'tls_pin = "{PIN}"', f'tls_pin = "{pin}"'), "recorder[1].tls_pin", 24)


@pytest.mark.parametrize("cap", ["0", "-3"])
def test_session_cap_below_one_rejected(cap: str) -> None:
    only_error(mutate("session_cap = 64", f"session_cap = {cap}"), "recorder[1].session_cap", 25)


def test_bad_id_rejected() -> None:
    only_error(mutate('id = "tcg-001"', 'id = "tcg 001"'), "camera[1].id", 35)


def test_missing_required_fields_point_at_table_header() -> None:
    text, header = with_camera('''
        [[camera]]
        id = "tcg-002"
        commune = "tourcoing"
        ''')
    issues = issues_of(text)
    assert [(i.field, i.line) for i in issues] == [
        ("camera[3].name", header), ("camera[3].recorder", header)]
    assert "clé obligatoire « name » manquante" in issues[0].message


def test_missing_site_block() -> None:
    issue = only_error(VALID.replace("[site]\n", "[site_]\n"), "site", 1)
    assert "[site] manquant" in issue.message


def test_single_camera_table_instead_of_array() -> None:
    text = dedent('''\
        [site]
        name = "x"
        [camera]
        id = "a"
        ''')
    issue = only_error(text, "camera", 3)
    assert "[[camera]]" in issue.message


def test_all_errors_listed_at_once() -> None:
    text = VALID
    for old, new in [('insee = "59508"', 'insee = "5950"'), ("rtsp_port = 554", "rtsp_port = 0"),
                     ('driver = "onvif"', 'driver = "sony"'), ("channel = 1", "channel = 0"),
                     ('username = "viewer"', 'password = "x"'),
                     ("[0.3, 0.4]]", "[0.3, 4]]"), ('recorder = "rcq-nvr1"', 'recorder = "z"')]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    with pytest.raises(SiteFileError) as info:
        parse_site_text(text, "site.toml")
    got = [(i.line, i.field) for i in info.value.issues]
    assert got == [(13, "commune[2].insee"), (21, "recorder[1].rtsp_port"),
                   (26, "recorder[1].password"), (31, "recorder[2].driver"),
                   (39, "camera[1].channel"), (47, "camera[1].masks[1][3]"),
                   (55, "camera[2].recorder")]
    assert str(info.value).splitlines()[0].startswith("site.toml:13: commune[2].insee: ")
