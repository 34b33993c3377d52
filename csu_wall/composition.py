"""Wiring of the layers (the composition root's body, kept apart from argument parsing).

No Qt here: the GUI receives an :class:`AppLauncher` and calls back into it.
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from csu_wall.core.audit import AuditSink
from csu_wall.core.changes import ChangeTopic, OnChange
from csu_wall.core.errors import AccessDenied, StorageError
from csu_wall.core.frames import TileState
from csu_wall.core.model import Recorder, Site
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.shifts import HandoverReport
from csu_wall.gui.wall_session import WallSession
from csu_wall.media.engine import MediaEngine
from csu_wall.media.redact import redact
from csu_wall.recorders.registry import driver_for
from csu_wall.services._poller import PollingThread
from csu_wall.services.access import AccessGate
from csu_wall.services.auth import AuthService
from csu_wall.services.bookmarks import BookmarkService
from csu_wall.services.communes import CommuneWatcher
from csu_wall.services.credentials_admin import CredentialAdmin
from csu_wall.services.db_health import DatabaseHealth
from csu_wall.services.export_desk import ExportDesk, desk_for
from csu_wall.services.habilitations import HabilitationWatcher
from csu_wall.services.layouts import LayoutService
from csu_wall.services.logs import setup_logging
from csu_wall.services.playback import PlaybackService
from csu_wall.services.screens import ScreenService
from csu_wall.services.shifts import ShiftService
from csu_wall.services.site_apply import apply_demo_site, apply_site_file
from csu_wall.services.tours import TourService
from csu_wall.services.vault import CredentialVault
from csu_wall.services.wall import StateFanout, WallService
from csu_wall.storage import paths as storage_paths
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.audit_purge import purge as purge_audit
from csu_wall.storage.audit_spool import SPOOL_FILE, SpoolingAuditLog
from csu_wall.storage.changes import ChangeFeed
from csu_wall.storage.db import Database
from csu_wall.storage.operators import ensure_operator, habilitations_of
from csu_wall.storage.settings import SettingsError, load_settings
from csu_wall.storage.site_key import SiteKey, load_site_key
from csu_wall.storage.site_key import audit_log as site_key_audit_log
from csu_wall.storage.site_repo import load_site

if TYPE_CHECKING:  # Qt is loaded only when a window opens, never for a command line
    from csu_wall.gui.features import InstalledFeatures
    from csu_wall.gui.main_window import MainWindow

log = logging.getLogger(__name__)

RETENTION_INTERVAL_S = 3600.0  # bookmarks past their retention are purged hourly (and at start)

OnState = Callable[[str, int, TileState, str], None]

DEMO_OPERATOR = Operator(id="demo", display_name="Opérateur démo", role=Role.OPERATOR, demo=True)


@dataclass(frozen=True)
class Paths:
    """Where this run keeps its state. Demo runs live in their own sub-folder and database."""

    data_dir: Path
    database_url: str
    demo: bool

    @property
    def logs_dir(self) -> Path:
        return storage_paths.logs_dir(self.data_dir)

    @property
    def cache_dir(self) -> Path:
        return storage_paths.cache_dir(self.data_dir)

    @property
    def database_url_redacted(self) -> str:
        return redact(self.database_url)

    @staticmethod
    def resolve(data_dir: str | None, database: str | None, *, demo: bool) -> Paths:
        root = storage_paths.resolve_data_dir(data_dir, demo=demo)
        if database and not demo:
            url = database
        else:
            url = "sqlite:///" + str(storage_paths.database_path(root))
        return Paths(root, url, demo)


def start_logging(paths: Paths, *, verbose: bool = False) -> Path:
    return setup_logging(paths.logs_dir, verbose=verbose or bool(os.environ.get("CSU_WALL_DEBUG")))


@dataclass
class WallFeatures:
    """The services a wall's window needs besides the wall itself (layouts, tours, shifts,
    bookmarks, playback), and the threads that run for it; stopped with the wall, before its
    database closes."""

    site: Site
    layouts: LayoutService
    tours: TourService
    screens: ScreenService
    playback: PlaybackService
    health: DatabaseHealth
    feed: ChangeFeed
    listeners: list[OnChange]  # the windows' change-feed listeners (RESYNC included)
    shifts: ShiftService | None = None
    bookmarks: BookmarkService | None = None
    credentials: CredentialAdmin | None = None
    export: ExportDesk | None = None
    retention: _Periodic | None = None

    def on_change(self, topic: ChangeTopic, key: str) -> None:
        for listener in list(self.listeners):
            listener(topic, key)

    def stop(self) -> None:
        if self.export is not None:  # exports under way cancelled, before the database
            self.export.stop()
        self.feed.stop()
        self.health.stop()
        if self.retention is not None:
            self.retention.stop()


class _Periodic(PollingThread):
    """Runs ``job`` now and then every ``interval`` seconds (bookmark retention)."""

    thread_name = "csu-retention"

    def __init__(self, job: Callable[[], object], interval: float) -> None:
        super().__init__(interval)
        self._job = job

    def poll(self) -> object:
        return self._job()


class AppLauncher:
    """What the GUI needs to start: implements csu_wall.gui.runner.Launcher."""

    def __init__(self, paths: Paths, *, workstation: str) -> None:
        self.paths = paths
        self.workstation = workstation
        self._auth: AuthService | None = None
        self._features: dict[int, WallFeatures] = {}  # by id() of the wall service

    def auth(self) -> AuthService:
        """This workstation's sign-in state, over its own connection to the database."""
        if self._auth is None:
            db = Database.open(self.paths.database_url, create=True)
            self._auth = AuthService(db, site_key_audit_log(db), workstation=self.workstation)
        return self._auth

    def sign_in(self, login: str, password: str) -> Operator:
        return self.auth().sign_in(login, password)

    def idle_lock_seconds(self) -> int | None:
        """From this workstation's settings; an unreadable file keeps the desk default."""
        try:
            return load_settings(storage_paths.settings_path(self.paths.data_dir)).idle_lock_seconds
        except SettingsError as exc:
            log.warning("settings unreadable, idle lock kept at its default: %s", exc)
            return 300

    def has_site(self) -> bool:
        try:
            db = Database.open(self.paths.database_url, create=True)
        except StorageError:
            raise
        try:
            return load_site(db) is not None
        finally:
            db.close()

    def apply_site_file(self, path: Path) -> list[str]:
        return apply_site_file(self.paths.database_url, self.paths.data_dir, path,
                               applied_by=getpass.getuser())

    def open_wall(self, on_state: OnState | None, operator: Operator) -> WallService:
        """The site's wall for ``operator``, who must be the one signed in (and not locked).
        A watcher keeps their habilitations current and closes revoked communes' tiles."""
        auth = self._auth
        if auth is None or auth.operator != operator or auth.locked or operator.demo:
            raise AccessDenied("Connectez-vous pour ouvrir le mur d'images.")
        db = Database.open(self.paths.database_url, create=True)
        site = load_site(db)
        if site is None:
            db.close()
            raise StorageError("Aucun site dans la base : appliquez d'abord un fichier de site.")
        habs = habilitations_of(db, operator.id)
        return self._wall(db, site, operator, habs, demo=False, on_state=on_state)

    def open_demo(self, on_state: OnState | None = None) -> WallService:
        """The embedded demo site, in the demo database, with the demo operator (who exists
        only here) habilitated for every demo commune."""
        db = Database.open(self.paths.database_url, create=True)
        site = apply_demo_site(db, applied_by="csu-wall --demo")
        now = datetime.now(timezone.utc)
        habs = [
            Habilitation(
                operator_id=DEMO_OPERATOR.id,
                commune_id=c.id,
                legal_basis="Démonstration — aucune image réelle",
                granted_by="csu-wall --demo",
                valid_from=now.replace(year=now.year - 1),
            )
            for c in site.communes
        ]
        ensure_operator(db, DEMO_OPERATOR)
        return self._wall(db, site, DEMO_OPERATOR, habs, demo=True, on_state=on_state)

    def _wall(self, db: Database, site: Site, operator: Operator,
              habilitations: list[Habilitation], *, demo: bool,
              on_state: OnState | None = None) -> WallService:
        # Security (DESIGN §7): a signed audit chain spooled locally when the database is down,
        # and recorder credentials decrypted only for what the gate has just authorised.
        key = None if demo else load_site_key(db)  # refuses a workstation not enrolled
        audit_key = key.audit_key() if key is not None else None
        audit = SpoolingAuditLog(DbAuditLog(db, key=audit_key),
                                 self.paths.data_dir / SPOOL_FILE, key=audit_key,
                                 workstation=self.workstation)
        access = AccessGate(site, operator, habilitations, audit, workstation=self.workstation)
        vault = CredentialVault(db, access, lambda: key)
        clip_dir = self.paths.cache_dir / "demo-clips"
        events = StateFanout()
        if on_state is not None:
            events.add(on_state)

        def drivers(recorder: Recorder):  # type: ignore[no-untyped-def]
            # The vault also serves the drivers' own HTTP/ONVIF calls (channel lists, replay).
            return driver_for(recorder, clip_dir=clip_dir, credentials=vault)

        # decoder processes (one per core) outside this process's interpreter lock;
        # CSU_WALL_DECODERS=thread keeps decoding in threads (diagnosis, comparisons)
        engine = MediaEngine(on_state=events, credentials=vault,
                             decoders=os.environ.get("CSU_WALL_DECODERS", "process"))
        wall = WallService(site, access, engine, drivers, demo=demo, state_events=events)
        communes = CommuneWatcher(db, wall, cache_dir=self.paths.cache_dir)
        communes.start()
        wall.on_shutdown(communes.stop)  # before the database closes
        if not demo:  # the demo operator's habilitations are not in the database
            watcher = HabilitationWatcher(db, access, wall)
            watcher.start()
            wall.on_shutdown(watcher.stop)  # before the database closes
        self._features[id(wall)] = self._build_features(db, site, operator, audit, access,
                                                        wall, key, demo=demo)
        wall.on_shutdown(lambda: self._stop_features(id(wall)))
        wall.on_shutdown(db.close)
        return wall

    def _build_features(self, db: Database, site: Site, operator: Operator, audit: AuditSink,
                        access: AccessGate, wall: WallService, key: SiteKey | None, *,
                        demo: bool) -> WallFeatures:
        ws = self.workstation
        health = DatabaseHealth(db, spool=audit if isinstance(audit, SpoolingAuditLog) else None)
        listeners: list[OnChange] = []
        features = WallFeatures(
            site=site,
            layouts=LayoutService(db, audit, operator=operator, workstation=ws),
            tours=TourService(db, audit, operator=operator, workstation=ws),
            screens=ScreenService(db, workstation=ws),
            playback=PlaybackService(wall),
            health=health,
            feed=ChangeFeed(db, lambda topic, k: features.on_change(topic, k),
                            on_status=health.feed_status),  # the banner at once
            listeners=listeners,
        )
        if not demo:  # the demo has no shifts; its operator exists only in the demo database
            features.shifts = ShiftService(db, audit, workstation=ws, access=access)
            bookmarks = BookmarkService(db, audit, access, workstation=ws)
            features.bookmarks = bookmarks
            def retention() -> None:  # bookmarks past 30 days, audit records past one year
                bookmarks.purge_expired()
                if key is not None:
                    purge_audit(db, site_key_audit_log(db), operator_id="système",
                                workstation=ws)

            features.retention = _Periodic(retention, RETENTION_INTERVAL_S)
            features.retention.start()
            features.credentials = CredentialAdmin(db, audit, site, operator=operator,
                                                   workstation=ws, site_key=lambda: key)
            features.export = desk_for(db, site, lambda: access.operator, workstation=ws,
                                       cache_dir=self.paths.cache_dir,
                                       hold=bookmarks.mark_judicial)
        health.start()
        features.feed.start()
        return features

    def _stop_features(self, wall_id: int) -> None:
        features = self._features.pop(wall_id, None)
        if features is not None:
            features.stop()

    def wall_extras(self, service: WallService) -> WallSession:
        """What the window of this wall uses: layouts, tours, screens, data dir."""
        features = self._features.get(id(service))
        if features is None:
            return WallSession()
        return WallSession(layouts=features.layouts, tours=features.tours,
                           screens=features.screens, data_dir=self.paths.data_dir)

    def decorate_window(self, window: MainWindow, service: WallService, *,
                        on_handed_over: Callable[[HandoverReport], None] | None = None,
                        ) -> InstalledFeatures | None:
        """Playback, shifts and bookmarks, the database banner, the credentials screen and
        the change feed, on the window that shows ``service``."""
        from csu_wall.gui.features import install_features

        features = self._features.get(id(service))
        if features is None:
            return None
        installed = install_features(
            window, site=features.site, data_dir=self.paths.data_dir,
            playback=features.playback, shifts=features.shifts, bookmarks=features.bookmarks,
            credentials=features.credentials, health=features.health,
            on_handed_over=on_handed_over, export=features.export)
        if installed.on_change is not None:
            features.listeners.append(installed.on_change)
        return installed

    def take_over(self, service: WallService, operator: Operator,
                  tile_ids: Sequence[str]) -> dict[str, str]:
        """A shift handover ends on this workstation: ``operator`` (identified and their
        handover acknowledged) takes the running wall. The outgoing operator's on-screen
        intervals and views on ``tile_ids`` end, the session and the access gate become the
        incoming operator's, and each view is opened again under their habilitations — the
        stream keeps playing, so the wall never goes dark; a tile of a commune they are not
        habilitated for closes. Returns those tiles with the words they show. The caller
        ended the wall's on-screen reporting first (``WallWidget.leave_screen``)."""
        db = Database.open(self.paths.database_url, create=True)
        try:
            habs = habilitations_of(db, operator.id)
        finally:
            db.close()
        now = datetime.now(timezone.utc)
        gate = service.access

        def allowed(commune_id: str) -> bool:
            try:
                attached = gate.site.commune(commune_id).attached
            except KeyError:
                return False
            return attached and any(h.operator_id == operator.id and h.commune_id == commune_id
                                    and h.is_valid_at(now) for h in habs)

        views = [(t, cam) for t in tile_ids if (cam := service.camera_on(t)) is not None]
        # The outgoing operator's intervals are written under their name before the switch.
        service.on_screen.close_all()
        service.on_screen.flush()
        denied: dict[str, str] = {}
        for tile_id, camera in views:
            if allowed(camera.commune_id):
                gate.record_end(camera)
            else:
                name = next((c.name for c in gate.site.communes if c.id == camera.commune_id),
                            camera.commune_id)
                denied[tile_id] = (f"Non habilité(e) : {operator.display_name} n'a pas "
                                   f"d'habilitation pour la commune « {name} » ; image fermée "
                                   "à la prise du mur.")
                service.close_tile(tile_id, TileState.DENIED, denied[tile_id])
        self.auth().take_over(operator)
        gate.take_over(operator, habs)
        features = self._features.get(id(service))
        if features is not None:
            features.layouts.take_over(operator)
            features.tours.take_over(operator)
            if features.credentials is not None:
                features.credentials.operator = operator
        for tile_id, camera in views:
            try:
                gate.authorise_live(camera)  # the incoming operator's view (or their denial)
            except AccessDenied as exc:
                if tile_id not in denied:  # habilitation ended meanwhile
                    denied[tile_id] = str(exc)
                    service.close_tile(tile_id, TileState.DENIED, str(exc))
        return denied
