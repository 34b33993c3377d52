"""Build the csu-wall MSI with wixl from a frozen Windows folder, and sign it if asked.

    python packaging/msi/build_msi.py --frozen WIN_DIST/csu-wall --version 0.1.0 --out dist/ \
        [--cert cert.pem --key key.pem | --pkcs12 cert.pfx] [--password-file FILE]

This machine cannot build the Windows binary: ``--frozen`` is the one-folder output of
``pyinstaller packaging/csu-wall.spec`` made ON WINDOWS (see packaging/README), copied here.
The key's password, if any, is read from a file (osslsigncode -readpass), never an argument.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "csu-wall.wxs"
# What a PyInstaller one-folder build of packaging/csu-wall.spec has on Windows.
REQUIRED = ("csu-wall.exe", "csu-wall-admin.exe", "licenses/THIRD-PARTY.txt")
REQUIRED_GLOBS = ("_internal/python3*.dll", "_internal/PySide6/plugins/platforms/qwindows.dll")
SECURE = "SITE_FILE;PREVSITEFILE;DATABASE_URL;PREVDATABASEURL"


def check_layout(frozen: Path) -> None:
    missing = [r for r in REQUIRED if not (frozen / r).is_file()]
    missing += [g for g in REQUIRED_GLOBS if not any(frozen.glob(g))]
    if missing:
        raise SystemExit(f"{frozen}: not a frozen Windows csu-wall folder, missing: "
                         + ", ".join(missing))


def msi_version(version: str) -> str:
    """MSI ProductVersion: three numbers (a pre-release suffix is dropped)."""
    numbers = re.findall(r"\d+", version.split("+")[0])[:3]
    numbers += ["0"] * (3 - len(numbers))
    return ".".join(numbers)


def _id(prefix: str, rel: str) -> str:
    return prefix + hashlib.sha1(rel.encode("utf-8")).hexdigest()[:32].upper()


def files_fragment(frozen: Path) -> str:
    """A WiX fragment with one component per file, ids stable across builds."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">', "  <Fragment>"]
    components: list[str] = []

    def walk(folder: Path, rel: str, dir_ref: str, depth: int) -> None:
        pad = "  " * depth
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            sub = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir():
                lines.append(f'{pad}<Directory Id="{_id("d", sub)}" Name={quoteattr(entry.name)}>')
                walk(entry, sub, _id("d", sub), depth + 1)
                lines.append(f"{pad}</Directory>")
            elif entry.is_file():
                comp = _id("c", sub)
                file_id = "CsuWallExe" if sub == "csu-wall.exe" else _id("f", sub)
                source = quoteattr(f"{frozen.name}/{sub}")
                lines.append(f'{pad}<Component Id="{comp}" Guid="*" Win64="yes">'
                             f'<File Id="{file_id}" KeyPath="yes" Source={source}/></Component>')
                components.append(comp)

    lines.append('    <DirectoryRef Id="INSTALLDIR">')
    walk(frozen, "", "INSTALLDIR", 3)
    lines += ["    </DirectoryRef>", "  </Fragment>", "  <Fragment>",
              '    <ComponentGroup Id="CG_App">']
    lines += [f'      <ComponentRef Id="{c}"/>' for c in components]
    lines += ["    </ComponentGroup>", "  </Fragment>", "</Wix>", ""]
    return "\n".join(lines)


def sign(msi: Path, *, cert: Path | None, key: Path | None, pkcs12: Path | None,
         password_file: Path | None) -> None:
    """Authenticode-sign ``msi`` in place with osslsigncode."""
    signed = msi.with_suffix(".signed.msi")
    argv = ["timeout", "300", "osslsigncode", "sign", "-n", "CSU Wall", "-h", "sha256"]
    if pkcs12 is not None:
        argv += ["-pkcs12", str(pkcs12)]
    elif cert is not None and key is not None:
        argv += ["-certs", str(cert), "-key", str(key)]
    else:
        raise SystemExit("signing needs --pkcs12, or --cert and --key")
    if password_file is not None:
        argv += ["-readpass", str(password_file)]
    argv += ["-in", str(msi), "-out", str(signed)]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    signed.replace(msi)


def build(frozen: Path, out_dir: Path, *, version: str, cert: Path | None = None,
          key: Path | None = None, pkcs12: Path | None = None,
          password_file: Path | None = None) -> Path:
    frozen = frozen.resolve()
    check_layout(frozen)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = (out_dir / f"csu-wall-{version}-x64.msi").resolve()
    with tempfile.TemporaryDirectory(prefix="csu-wall-msi.") as tmp:
        fragment = Path(tmp) / "files.wxs"
        fragment.write_text(files_fragment(frozen), encoding="utf-8")
        # wixl resolves File/@Source against the working directory.
        subprocess.run(["timeout", "900", "wixl", "-a", "x64", "-D",
                        f"Version={msi_version(version)}", "-o", str(target), str(TEMPLATE),
                        str(fragment)], cwd=frozen.parent, check=True, capture_output=True)
    # wixl writes SecureCustomProperties itself (for MajorUpgrade) and has no Secure
    # attribute: add ours so SITE_FILE reaches the server side of a managed install.
    current = subprocess.run(["msiinfo", "export", str(target), "Property"], check=True,
                             capture_output=True, text=True).stdout
    found = re.search(r"^SecureCustomProperties\t(.*)$", current, re.MULTILINE)
    value = f"{found.group(1)};{SECURE}" if found else SECURE
    subprocess.run(["msibuild", str(target), "-q",
                    f"UPDATE `Property` SET `Value` = '{value}' "
                    "WHERE `Property` = 'SecureCustomProperties'"], check=True)
    if cert or key or pkcs12:
        sign(target, cert=cert, key=key, pkcs12=pkcs12, password_file=password_file)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, required=True,
                        help="the frozen Windows folder (csu-wall.exe, _internal/)")
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    parser.add_argument("--pkcs12", type=Path)
    parser.add_argument("--password-file", type=Path)
    args = parser.parse_args(argv)
    print(build(args.frozen, args.out, version=args.version, cert=args.cert, key=args.key,
                pkcs12=args.pkcs12, password_file=args.password_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
