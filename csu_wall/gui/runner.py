"""Start the GUI: the application object, style, translation, and the first window."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from csu_wall.core.frames import TileState
from csu_wall.core.security import Operator
from csu_wall.core.shifts import HandoverReport
from csu_wall.gui._qt_translations import install_qt_translations
from csu_wall.gui._resources import style_sheet, translation_file
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.features import InstalledFeatures
from csu_wall.gui.first_run import FirstRunWindow
from csu_wall.gui.lock import LockController, SessionAuth
from csu_wall.gui.main_window import MainWindow
from csu_wall.gui.revocation import RevocationView
from csu_wall.gui.sign_in import SignInDialog
from csu_wall.gui.wall_session import WallSession
from csu_wall.services.auth import IdleLock
from csu_wall.services.wall import WallService

log = logging.getLogger(__name__)

# What the media engine calls, from any thread, when a tile's state changes.
OnState = Callable[[str, int, TileState, str], None]


class Launcher(Protocol):
    """What the composition root (app.py) gives the GUI. ``on_state`` is the bridge's
    ``post``: the engine built inside ``open_wall``/``open_demo`` must report states to it."""

    def has_site(self) -> bool: ...

    # A site's wall opens only for a signed-in operator (raises CsuWallError, French message).
    def sign_in(self, login: str, password: str) -> Operator: ...

    def open_wall(self, on_state: OnState, operator: Operator) -> WallService: ...

    def auth(self) -> SessionAuth: ...  # this workstation's session: lock, unlock, handover

    def idle_lock_seconds(self) -> int | None: ...  # None: no idle lock (wall display PC)

    def open_demo(self, on_state: OnState) -> WallService: ...

    def apply_site_file(self, path: Path) -> list[str]: ...  # formatted errors, [] when applied

    # Layouts, screens, tours, data folder for the window of ``service``.
    def wall_extras(self, service: WallService) -> WallSession: ...

    # Playback, shifts and bookmarks, database banner, credentials, other workstations'
    # changes, installed on the window (None: nothing to install for this wall).
    def decorate_window(self, window: MainWindow, service: WallService, *,
                        on_handed_over: Callable[[HandoverReport], None] | None = None,
                        ) -> InstalledFeatures | None: ...

    # A shift handover ends here: ``operator`` takes the running wall (tiles closed for them,
    # with the words they show).
    def take_over(self, service: WallService, operator: Operator,
                  tile_ids: Sequence[str]) -> dict[str, str]: ...


def install_translator(app: QCoreApplication, language: str | None) -> QTranslator | None:
    """French when asked (``language == "fr"``) or when the system locale is French."""
    lang = language or QLocale.system().name().split("_")[0]
    if lang != "fr":
        return None
    translator = QTranslator(app)
    path = translation_file("fr")
    if not translator.load(str(path)):
        log.warning("French translation missing at %s (run packaging/build_translations.sh)",
                    path)
        return None
    app.installTranslator(translator)
    return translator


class _Session:
    """Owns the current top-level window and the wall service behind it."""

    def __init__(self, launcher: Launcher) -> None:
        self.launcher = launcher
        self.bridge = StateBridge()
        self.window: QWidget | None = None
        self.lock: LockController | None = None
        self.signed_in = False

    def start(self, demo: bool) -> None:
        if demo:
            self.open_demo()
        elif self.launcher.has_site():
            self.ask_sign_in()
        else:
            first = FirstRunWindow(self.launcher.apply_site_file)
            first.sig_demo_requested.connect(self.open_demo)
            first.sig_site_applied.connect(self.ask_sign_in)
            self._replace(first)

    def open_demo(self) -> None:
        self._show_wall(self.launcher.open_demo(self.bridge.post), demo=True)

    def ask_sign_in(self) -> None:
        dialog = SignInDialog(self.launcher.sign_in)
        dialog.sig_signed_in.connect(self.open_site)
        self._replace(dialog)

    def open_site(self, operator: Operator) -> None:
        """The wall of ``operator`` (just signed in, or taking over at a handover)."""
        self.signed_in = True
        self._show_wall(self.launcher.open_wall(self.bridge.post, operator), demo=False)
        assert isinstance(self.window, MainWindow)
        idle = IdleLock(self.launcher.idle_lock_seconds())
        self.lock = LockController(self.window, self.launcher.auth(), idle)
        self.lock.sig_handover.connect(self.open_site)
        self.window.attach_lock(self.lock)  # screen walls follow; a locked wall restarts locked

    def _show_wall(self, service: WallService, *, demo: bool) -> None:
        if self.lock is not None:
            self.lock.stop()
            self.lock = None
        extras = self.launcher.wall_extras(service)
        window = MainWindow(service, demo=demo, bridge=self.bridge, layouts=extras.layouts,
                            screens=extras.screens, tours=extras.tours,
                            data_dir=extras.data_dir)
        RevocationView(window.wall, self.bridge)
        self.launcher.decorate_window(window, service, on_handed_over=self._after_handover)
        self._replace(window)

    def _after_handover(self, _report: HandoverReport) -> None:
        """The outgoing operator handed over: the wall keeps playing under their name while
        the next operator signs in over it, acknowledges the open items and takes it
        (csu_wall/gui/takeover.py). No lock meanwhile: the idle lock waits for the takeover."""
        from csu_wall.gui.shift_features import ShiftFeatures

        window = self.window
        features = window.findChild(ShiftFeatures) if isinstance(window, MainWindow) else None
        if not isinstance(window, MainWindow) or features is None:
            if self.lock is not None:  # no takeover here: the lock screen's handover
                self.lock.lock(explicit=True)
            return
        service = window.service
        lock = self.lock
        if lock is not None:
            lock.suspend_idle(True)

        def taken(*_args: object) -> None:
            if lock is not None:
                lock.suspend_idle(False)

        features.begin_takeover(
            identify=self.launcher.auth().identify_incoming,
            take_over=lambda operator, tiles: self.launcher.take_over(service, operator, tiles))
        if features.takeover is not None:
            features.takeover.sig_taken.connect(taken)

    def _replace(self, window: QWidget) -> None:
        old = self.window
        self.window = window
        window.show()  # before closing the old one, or the app quits on "last window closed"
        if old is not None:
            old.close()
            old.deleteLater()

    def finish(self, screenshot: Path | None) -> None:
        """``--quit-after``: save the window as PNG, close it (stopping every stream), quit 0."""
        window = self.window
        if window is not None and screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(screenshot), "PNG"):
                log.error("could not write the screenshot to %s", screenshot)
        self.shutdown()
        QCoreApplication.exit(0)

    def shutdown(self) -> None:
        window = self.window
        if self.lock is not None:
            self.lock.stop()
            self.lock = None
        if isinstance(window, MainWindow):
            window.shutdown()
        if window is not None:
            window.close()
        if self.signed_in:
            self.signed_in = False
            self.launcher.auth().sign_out()  # audited (LOGOUT)


def _all_tiles_live(window: QWidget | None) -> bool:
    if not isinstance(window, MainWindow):
        return False
    tiles = [t for t in window.wall.tiles if t.camera is not None]
    return bool(tiles) and all(t.state is TileState.LIVE and t.frames_painted > 2
                               for t in tiles)


def _finish_when_live(watch: QTimer, session: _Session, screenshot: Path) -> None:
    if _all_tiles_live(session.window):
        watch.stop()
        session.finish(screenshot)


def run_gui(
    launcher: Launcher,
    *,
    demo: bool,
    screenshot: Path | None,
    quit_after: float | None,
    language: str | None = None,
) -> int:
    """Run the GUI until the operator quits (or ``quit_after`` seconds). Returns the exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("csu-wall")
    translator = install_translator(app, language)
    qt_translator = (install_qt_translations(app, language)  # key names, standard buttons
                     if translator is not None else None)
    app.setStyleSheet(style_sheet())
    session = _Session(launcher)
    app.aboutToQuit.connect(session.shutdown)
    watch = QTimer()
    try:
        session.start(demo)
        if quit_after is not None:
            QTimer.singleShot(int(quit_after * 1000), lambda: session.finish(screenshot))
        if quit_after is not None and screenshot is not None:
            # The screenshot as soon as every tile shows live video (``--quit-after`` is
            # then only the limit): no fixed delay to guess on a loaded machine.
            watch.timeout.connect(lambda: _finish_when_live(watch, session, screenshot))
            watch.start(250)
        code = _exec(app)
    finally:
        watch.stop()
        session.shutdown()
        app.aboutToQuit.disconnect(session.shutdown)
        for installed in (translator, qt_translator):
            if installed is not None:
                app.removeTranslator(installed)
        # Closing the last window posted a Quit event the finished loop never handled; handled
        # later, it would make every future event loop of this process return at once (tests
        # run the GUI in-process, and the caller may show a dialog after us).
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return int(code)


def _exec(app: QApplication) -> int:
    """Qt's event loop as the asyncio loop (qasync): recorder calls are coroutines awaited on
    the GUI thread while their blocking part runs on the recorder executor. A loop already
    running here (a test's) is used as it is."""
    running = asyncio._get_running_loop()
    if isinstance(running, qasync.QEventLoop):
        return int(app.exec())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return int(loop.run_forever())
    finally:
        _cancel_pending(app, loop)
        asyncio.set_event_loop(None)
        loop.close()


def _cancel_pending(app: QApplication, loop: asyncio.AbstractEventLoop,
                    grace_s: float = 1.0) -> None:
    """Cancel what the operator left waiting (a playback search, say) and let the tasks see
    it: the recorder calls they awaited are abandoned, never waited for."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    asyncio.events._set_running_loop(loop)  # the tasks' last steps run on this loop
    try:
        deadline = loop.time() + grace_s
        while any(not t.done() for t in tasks) and loop.time() < deadline:
            app.processEvents()
            time.sleep(0.005)
    finally:
        asyncio.events._set_running_loop(None)
