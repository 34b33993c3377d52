"""Composition root and the ``csu-wall`` command line.

Only this module knows every layer: it resolves the data directory, opens the database, builds
the access gate, the media engine and the recorder drivers, and hands a :class:`Launcher` to
the GUI. Subcommands (``site check``, ``site apply``, ``db upgrade``) never start Qt.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import multiprocessing
import socket
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from csu_wall import _cli_text as T
from csu_wall.core.errors import CsuWallError, SiteFileError

log = logging.getLogger("csu_wall")


def _version() -> str:
    try:
        return metadata.version("csu-wall")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def _common_options(lang: str, *, suppress: bool) -> argparse.ArgumentParser:
    """Options every subcommand honours. Subparsers use SUPPRESS so that an option given
    before the subcommand is not overwritten by the subparser's default."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", metavar="DIR", default=default, help=T.text("data_dir", lang))
    parent.add_argument("--database", metavar="URL", default=default, help=T.text("database", lang))
    parent.add_argument(
        "--lang", choices=("fr", "en"), default=default, help=T.text("lang", lang)
    )
    parent.add_argument(
        "-v", "--verbose", action="store_true", default=default, help=T.text("verbose", lang)
    )
    return parent


def build_parser(lang: str) -> argparse.ArgumentParser:
    T.install_argparse_language(lang)
    parser = argparse.ArgumentParser(
        prog="csu-wall",
        description=T.text("description", lang),
        parents=[_common_options(lang, suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"csu-wall {_version()}",
                        help=T.text("version", lang))
    parser.add_argument("--demo", action="store_true", help=T.text("demo", lang))
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help=T.text("screenshot", lang))
    parser.add_argument("--quit-after", metavar="SECONDS", type=float,
                        help=T.text("quit_after", lang))
    parser.add_argument("--support-bundle", metavar="PATH", type=Path,
                        help=T.text("support_bundle", lang))
    common = _common_options(lang, suppress=True)
    commands = parser.add_subparsers(dest="command", title=T.text("commands", lang))

    site = commands.add_parser("site", help=T.text("cmd_site", lang), parents=[common])
    site_cmds = site.add_subparsers(dest="site_command", required=True)
    check = site_cmds.add_parser("check", help=T.text("cmd_site_check", lang), parents=[common])
    check.add_argument("file", type=Path, help=T.text("site_file", lang))
    apply = site_cmds.add_parser("apply", help=T.text("cmd_site_apply", lang), parents=[common])
    apply.add_argument("file", type=Path, help=T.text("site_file", lang))
    apply.add_argument("--by", metavar="NAME", help=T.text("applied_by", lang))

    from csu_wall import cli_site_import

    cli_site_import.add_parsers(commands, site_cmds, common, lang)  # site import, recorder trust

    db = commands.add_parser("db", help=T.text("cmd_db", lang), parents=[common])
    db_cmds = db.add_subparsers(dest="db_command", required=True)
    db_cmds.add_parser("upgrade", help=T.text("cmd_db_upgrade", lang), parents=[common])
    from csu_wall import cli_db

    cli_db.add_parsers(db_cmds, common, lang)  # db backup

    from csu_wall import cli_admin

    cli_admin.add_parsers(commands, common, lang)  # user …, habilitation …

    from csu_wall import cli_security

    cli_security.add_parsers(commands, common, lang)  # workstation, credentials, commune, audit
    from csu_wall import cli_export

    cli_export.add_parsers(commands, common, lang)  # export (réquisitions)

    from csu_wall import benchmark

    bench = commands.add_parser("bench", help=T.text("cmd_bench", lang), parents=[common])
    benchmark.add_arguments(bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    # The frozen build's decoder processes start as copies of this executable: they must run
    # their decoder loop, not the application (csu_wall/media/procpool.py).
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    pre_lang = None
    if "--lang" in argv:
        i = argv.index("--lang")
        pre_lang = argv[i + 1] if i + 1 < len(argv) else None
    lang = T.detect_language(pre_lang)
    args = build_parser(lang).parse_args(argv)
    bad = T.non_utf8_argument(args)
    if bad is not None:
        print(f"csu-wall: argument non UTF-8 ({bad}) : ressaisissez-le en UTF-8.", file=sys.stderr)
        return 2
    try:
        return _dispatch(args, lang)
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, lang: str) -> int:
    from csu_wall import composition

    if args.command == "site" and args.site_command == "check":
        return _site_check(args.file)
    if args.command == "bench":
        from csu_wall import benchmark

        return benchmark.run(args)
    ctx = composition.Paths.resolve(args.data_dir, args.database, demo=bool(args.demo))
    composition.start_logging(ctx, verbose=bool(args.verbose))
    if args.support_bundle:
        from csu_wall.services.support import write_support_bundle

        path = write_support_bundle(args.support_bundle, ctx.data_dir, ctx.logs_dir)
        print(path)
        return 0
    if args.command == "site" and args.site_command == "apply":
        return _site_apply(ctx, args.file, args.by)
    from csu_wall import cli_site_import

    import_code = cli_site_import.dispatch(args, ctx)
    if import_code is not None:
        return import_code
    if args.command == "db" and args.db_command == "upgrade":
        from csu_wall.storage.db import upgrade

        upgrade(ctx.database_url)
        print(f"csu-wall: base à jour ({ctx.database_url_redacted})")
        return 0
    if args.command == "db":
        from csu_wall import cli_db

        db_code = cli_db.dispatch(args, ctx.database_url, ctx.database_url_redacted)
        if db_code is not None:
            return db_code
    from csu_wall import cli_admin

    admin_code = cli_admin.dispatch(args, ctx)
    if admin_code is not None:
        return admin_code
    from csu_wall import cli_security

    security_code = cli_security.dispatch(args, ctx)
    if security_code is not None:
        return security_code
    from csu_wall import cli_export

    export_code = cli_export.dispatch(args, ctx)
    if export_code is not None:
        return export_code
    if not args.demo:  # the machine site file an installer provisioned (.deb, MSI), issue 8
        from csu_wall.services.provisioning import at_start

        try:
            at_start(ctx.database_url, ctx.data_dir,
                     applied_by=f"{getpass.getuser()}@{socket.gethostname()}"[:64])
        except CsuWallError as exc:  # the GUI reports an unusable database its own way
            log.warning("machine site file not provisioned: %s", exc)
    no_display = _no_display()
    if no_display is not None:  # Qt would abort (SIGABRT) with a misleading xcb message
        print(no_display, file=sys.stderr)
        return 2
    from csu_wall.gui.runner import run_gui
    from csu_wall.storage import settings

    # the name given at enrolment (workstation enroll --name), unique in the site
    launcher = composition.AppLauncher(ctx, workstation=settings.workstation_of(ctx.data_dir))
    return run_gui(
        launcher,
        demo=bool(args.demo),
        screenshot=args.screenshot,
        quit_after=args.quit_after,
        language=args.lang or lang,
    )


def _site_check(path: Path) -> int:
    from csu_wall.core.sitefile import load_site

    try:
        site, warnings = load_site(path)
    except SiteFileError as exc:
        for issue in exc.issues:
            print(issue.format())
        errors = sum(1 for i in exc.issues if i.severity == "error")
        print(f"{path}: {errors} erreur(s) — fichier refusé.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}:0: fichier: illisible ({exc.strerror or exc})")
        return 1
    for issue in warnings:
        print(issue.format())
    unnumbered = [c for c in site.cameras if c.number is None]
    for camera in unnumbered[:20]:  # the file stays valid: say where numbers lack
        print(f"{path}:0: caméra « {camera.id} »: pas de numéro d'appel (number) : les "
              "opérateurs ne peuvent ni l'appeler au clavier ni la distinguer d'une homonyme "
              "d'une autre commune ; `csu-wall site import` en propose")
    if len(unnumbered) > 20:
        print(f"{path}:0: caméras: {len(unnumbered) - 20} autre(s) sans numéro d'appel")
    print(
        f"{path}: valide — {len(site.communes)} communes, {len(site.recorders)} enregistreurs, "
        f"{len(site.cameras)} caméras.",
        file=sys.stderr,
    )
    return 0


def _site_apply(ctx: object, path: Path, by: str | None) -> int:
    from csu_wall import composition

    assert isinstance(ctx, composition.Paths)
    applied_by = by or getpass.getuser()
    errors = composition.apply_site_file(ctx, path, applied_by=applied_by)
    if errors:
        for line in errors:
            print(line)
        print(f"{path}: non appliqué — la base n'a pas été modifiée.", file=sys.stderr)
        return 1
    print(f"{path}: appliqué par {applied_by} le "
          f"{datetime.now(timezone.utc).astimezone().strftime('%d/%m/%Y %H:%M')}.")
    return 0


def _no_display() -> str | None:
    """Why the GUI cannot show on this Linux machine (None: it can, or Qt draws off screen)."""
    import os

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or (
            platform and not platform.startswith(("xcb", "wayland"))):
        return None  # Windows, macOS, or offscreen/vnc/eglfs… asked for explicitly
    if os.environ.get("WAYLAND_DISPLAY") and not platform.startswith("xcb"):
        return None
    display = os.environ.get("DISPLAY", "")
    if display and _x_server_answers(display):
        return None
    why = (f"l'écran DISPLAY={display} ne répond pas" if display
           else "aucun écran (ni DISPLAY ni WAYLAND_DISPLAY)")
    return (f"csu-wall : {why} : le mur d'images ne peut pas s'afficher ici.\n"
            "  Capture sans écran : QT_QPA_PLATFORM=offscreen csu-wall --demo "
            "--screenshot mur.png --quit-after 10\n"
            "  Écran virtuel (Xvfb) : xvfb-run -a -s '-screen 0 1920x1080x24' csu-wall --demo\n"
            "  Sur un poste, lancez csu-wall depuis la session graphique de l'opérateur.")


def _x_server_answers(display: str) -> bool:
    """An X server listens for ``display`` (":0", "unix:1", "host:10.0"), within a second."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    try:
        if host in ("", "unix"):
            path = f"/tmp/.X11-unix/X{number}"
            for address in (path, "\0" + path):  # the file socket, or the abstract one
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(1.0)
                    try:
                        sock.connect(address)
                        return True
                    except OSError:
                        continue
            return False
        with socket.create_connection((host, 6000 + int(number)), timeout=1.0):
            return True
    except OSError:
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
