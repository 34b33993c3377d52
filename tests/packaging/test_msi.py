"""The MSI built with wixl from a frozen Windows folder, signed with osslsigncode.

This machine cannot build the Windows binary, so the MSI is built from a FAKE folder with the
layout of a Windows one-folder build (placeholder .exe/.dll files): the installer's logic is
what is tested — tables, properties, upgrade code, signature — and, where Debian's wine runs
(headless, about 20 s), a silent install, upgrade and uninstall.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, make_fake_windows_folder

sys.path.insert(0, str(ROOT / "packaging" / "msi"))
import build_msi  # noqa: E402

UPGRADE_CODE = "{6E0169F1-BB4D-417C-A49C-A54C8AA4814E}"
DB_URL = "postgresql://csu_wall@db.csu.local/csu_wall"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("wixl", "msiinfo", "msibuild")),
    reason="needs Debian's wixl and msitools",
)


def _table(msi: Path, name: str) -> list[list[str]]:
    out = subprocess.run(["timeout", "60", "msiinfo", "export", str(msi), name],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()[3:]]


@pytest.fixture()
def win_folder(tmp_path: Path) -> Path:
    return make_fake_windows_folder(tmp_path / "win")


def test_msi_tables(win_folder: Path, tmp_path: Path) -> None:
    msi = build_msi.build(win_folder, tmp_path / "out", version="0.3.1")
    files = {row[2].split("|")[-1] for row in _table(msi, "File")}
    assert {"csu-wall.exe", "csu-wall-admin.exe", "qwindows.dll", "avcodec-62.dll",
            "THIRD-PARTY.txt", "LGPL-3.txt", "0001_initial.py"} <= files
    registry = {(r[2].rstrip("\\"), r[3]): r[4] for r in _table(msi, "Registry")}
    assert registry[("Software\\csu-wall", "SiteFile")] == "[SITE_FILE]"
    assert registry[("Software\\csu-wall", "DatabaseUrl")] == "[DATABASE_URL]"
    assert registry[("Software\\csu-wall", "Version")] == "0.3.1"
    shortcut = _table(msi, "Shortcut")[0]
    assert shortcut[4] == "[INSTALLDIR]csu-wall.exe"
    assert shortcut[5] == '--database "[DATABASE_URL]"'  # empty: the user's SQLite file
    assert all(r[1] == "2" for r in _table(msi, "Registry"))  # HKLM: per machine
    props = dict((r[0], r[1]) for r in _table(msi, "Property"))
    assert props["ALLUSERS"] == "1" and props["UpgradeCode"] == UPGRADE_CODE
    assert props["ProductVersion"] == "0.3.1"
    secure = props["SecureCustomProperties"].split(";")
    assert {"SITE_FILE", "DATABASE_URL", "WIX_UPGRADE_DETECTED"} <= set(secure)
    assert not any(re.search(r"pass|pwd|secret|credential", k, re.I) for k in props)
    upgrade = _table(msi, "Upgrade")
    assert {r[0] for r in upgrade} == {UPGRADE_CODE}
    assert any(r[6] == "WIX_UPGRADE_DETECTED" for r in upgrade)
    sequence = {r[0]: r for r in _table(msi, "InstallExecuteSequence")}
    assert "RemoveExistingProducts" in sequence and "FindRelatedProducts" in sequence
    assert sequence["KeepSiteFile"][1] == "NOT SITE_FILE AND PREVSITEFILE"
    assert sequence["KeepDatabaseUrl"][1] == "NOT DATABASE_URL AND PREVDATABASEURL"
    assert {r[0] for r in _table(msi, "RegLocator")} == {"PrevSiteFile", "PrevDatabaseUrl"}
    assert all(int(r[3]) & 256 for r in _table(msi, "Component"))  # 64-bit components
    assert any(r[0] == "PROGRAMDATADIR" for r in _table(msi, "CreateFolder"))
    directories = {r[0]: r for r in _table(msi, "Directory")}
    assert directories["PROGRAMDATADIR"][1] == "CommonAppDataFolder"
    assert directories["INSTALLDIR"][1] == "ProgramFiles64Folder"


def test_msi_refuses_a_folder_that_is_not_a_windows_build(tmp_path: Path) -> None:
    (tmp_path / "csu-wall").mkdir()
    (tmp_path / "csu-wall" / "csu-wall").write_text("linux binary")
    with pytest.raises(SystemExit, match="csu-wall.exe"):
        build_msi.build(tmp_path / "csu-wall", tmp_path / "out", version="0.1.0")


def test_msi_version_is_three_numbers() -> None:
    assert build_msi.msi_version("0.2.0rc1") == "0.2.0"
    assert build_msi.msi_version("1.4") == "1.4.0"
    assert build_msi.msi_version("2.0.1+local") == "2.0.1"


@pytest.mark.skipif(not shutil.which("osslsigncode") or not shutil.which("openssl"),
                    reason="needs osslsigncode and openssl")
def test_msi_is_signed_when_a_certificate_is_given(win_folder: Path, tmp_path: Path) -> None:
    key, cert, pw = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "pass.txt"
    pw.write_text("test-only-passphrase\n")
    pw.chmod(0o600)
    subprocess.run(["timeout", "120", "openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-keyout", str(key), "-out", str(cert), "-days", "2",
                    "-subj", "/CN=csu-wall test signing", "-passout", f"file:{pw}",
                    "-addext", "extendedKeyUsage=codeSigning"],
                   check=True, capture_output=True)
    msi = build_msi.build(win_folder, tmp_path / "out", version="0.1.0", cert=cert, key=key,
                          password_file=pw)
    verify = subprocess.run(["timeout", "120", "osslsigncode", "verify", "-in", str(msi),
                             "-CAfile", str(cert)], capture_output=True, text=True, check=False)
    assert "Signature verification: ok" in verify.stdout, verify.stdout + verify.stderr
    assert "csu-wall test signing" in verify.stdout
    # Still a valid MSI after signing.
    assert _table(msi, "Property")


# --- silent install, upgrade, uninstall under wine ------------------------------------------


def _wine_env(prefix: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
    return env


def _wine(prefix: Path, *argv: str) -> None:
    env = _wine_env(prefix)
    subprocess.run(["timeout", "--kill-after=5", "120", "wine", *argv], env=env, check=True,
                   capture_output=True)
    # msiexec may return before the installer's server process ends: wait for all of them.
    subprocess.run(["timeout", "--kill-after=5", "120", "wineserver", "-w"], env=env,
                   check=False, capture_output=True)


def _hklm_csu_wall(prefix: Path) -> dict[str, str]:
    text = (prefix / "system.reg").read_text(encoding="utf-8", errors="replace")
    m = re.search(r"^\[Software\\\\csu-wall\][^\n]*\n(.*?)(?:\n\n|\Z)", text, re.M | re.S)
    if m is None:
        return {}
    values = dict(re.findall(r'^"([^"]+)"=(?:"((?:[^"\\]|\\.)*)"|\S+)', m.group(1), re.M))
    return {k: v.replace("\\\\", "\\") for k, v in values.items()}


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not shutil.which("wine") or not shutil.which("wineserver"),
                    reason="needs Debian's wine (wine, wine64)")
def test_msi_silent_install_upgrade_uninstall_under_wine(win_folder: Path,
                                                         tmp_path: Path) -> None:
    old = build_msi.build(win_folder, tmp_path / "old", version="0.1.0")
    new = build_msi.build(win_folder, tmp_path / "new", version="0.1.1")
    prefix = tmp_path / "wineprefix"
    try:
        _wine(prefix, "wineboot", "-i")
        app = prefix / "drive_c" / "Program Files" / "csu-wall"
        program_data = prefix / "drive_c" / "ProgramData" / "csu-wall"

        _wine(prefix, "msiexec", "/i", str(old), "/qn", r"SITE_FILE=\\srv\csu\site.toml",
              f"DATABASE_URL={DB_URL}")
        assert (app / "csu-wall.exe").is_file() and (app / "_internal" / "python311.dll").is_file()
        values = _hklm_csu_wall(prefix)
        assert values.get("SiteFile") == r"\\srv\csu\site.toml", values
        assert values.get("Version") == "0.1.0" and values.get("DatabaseUrl") == DB_URL
        assert program_data.is_dir()
        # IT staff put the site file there (or the app imported it at first start).
        (program_data / "site.toml").write_text("# site\n")

        _wine(prefix, "msiexec", "/i", str(new), "/qn")  # no SITE_FILE: the recorded one stays
        values = _hklm_csu_wall(prefix)
        assert values.get("Version") == "0.1.1"
        assert values.get("SiteFile") == r"\\srv\csu\site.toml", values
        assert values.get("DatabaseUrl") == DB_URL
        assert (program_data / "site.toml").read_text() == "# site\n"
        products = (prefix / "system.reg").read_text(errors="replace").count(
            '"ProductName"="CSU Wall"')
        assert products == 1, "the major upgrade must replace the old product"

        _wine(prefix, "msiexec", "/x", str(new), "/qn")
        assert not app.exists()
        assert _hklm_csu_wall(prefix) == {}
        assert (program_data / "site.toml").is_file(), "uninstall keeps ProgramData"
    finally:
        subprocess.run(["timeout", "30", "wineserver", "-k"], env=_wine_env(prefix),
                       check=False, capture_output=True)
