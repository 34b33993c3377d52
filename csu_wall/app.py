"""The ``csu-wall`` program: parse the command line (:mod:`csu_wall.cli`), then run the
handler of the command given, or the GUI through the composition root
(:mod:`csu_wall.composition`). Subcommands never start Qt.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import multiprocessing
import socket
import sys

from csu_wall.cli import Handler, OfflineHandler, build_parser
from csu_wall.cli import _text as T
from csu_wall.core.errors import CsuWallError

log = logging.getLogger("csu_wall")


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

    offline: OfflineHandler | None = getattr(args, "offline_handler", None)
    if offline is not None:  # site check, bench: neither the data directory nor logging
        return offline(args)
    ctx = composition.Paths.resolve(args.data_dir, args.database, demo=bool(args.demo))
    composition.start_logging(ctx, verbose=bool(args.verbose))
    if args.support_bundle:
        from csu_wall.services.support import write_support_bundle

        path = write_support_bundle(args.support_bundle, ctx.data_dir, ctx.logs_dir)
        print(path)
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is not None:
        return handler(args, ctx)
    if not args.demo:  # the machine site file an installer provisioned (.deb, MSI)
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
