"""Shown when the database holds no site: say so, and offer the two ways forward.
Never a silent fake wall."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ApplySiteFile = Callable[[Path], list[str]]


class SiteErrorsDialog(QDialog):
    """The site file's problems, one per line, selectable so IT can copy them."""

    def __init__(self, path: Path, errors: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteErrorsDialog")
        self.setWindowTitle(self.tr("Site file refused"))
        self.resize(760, 420)
        intro = QLabel(self.tr(
            "The site file {file} was not applied: correct the %n problem(s) below, "
            "then apply it again.", "", len(errors)
        ).format(file=path.name))
        intro.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(errors))
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


# What IT staff type to set a workstation up (docs/DEPLOY.md explains each step): command
# lines, the same in every language, so not translated.
IT_COMMANDS = (
    "csu-wall site check site.toml",
    'csu-wall site apply site.toml --by "DSI"',
    "csu-wall workstation enroll --new-site",
    'csu-wall user add jdupont --name "Jeanne Dupont"',
    'csu-wall habilitation grant jdupont tourcoing --basis "Arrêté n° …" --by "Maire"',
)


class FirstRunWindow(QWidget):
    sig_demo_requested = Signal()
    sig_site_applied = Signal()

    def __init__(
        self,
        apply_site_file: ApplySiteFile,
        *,
        pick_file: Callable[[QWidget], Path | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWindow")
        self._apply = apply_site_file
        self._pick = pick_file or _ask_site_file
        self.errors_dialog: SiteErrorsDialog | None = None
        self.setWindowTitle(self.tr("csu-wall — no site yet"))
        self.resize(900, 560)
        title = QLabel(self.tr("No site is configured on this workstation"))
        title.setObjectName("firstRunTitle")
        text = QLabel(self.tr(
            "The database holds no commune, recorder or camera yet. Commune IT provides a site "
            "file describing them: apply it to start the wall. To discover the software "
            "without any real camera, open the demonstration: a fictitious site, clearly "
            "marked DEMO."
        ))
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        it_staff = QLabel(self.tr(
            "For IT staff: the deployment guide is docs/DEPLOY.md in the csu-wall sources "
            "(database, workstations, recorder credentials, accounts). The commands, in a "
            "terminal:"))
        it_staff.setObjectName("firstRunItStaff")
        it_staff.setWordWrap(True)
        self.commands = QLabel("\n".join(IT_COMMANDS))
        self.commands.setObjectName("firstRunCommands")
        self.commands.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.commands.setFont(mono)
        self.commands.setProperty("verbatim", True)  # command lines: never translated
        self.apply_button = QPushButton(self.tr("Apply a site file…"))
        self.apply_button.setObjectName("applySiteButton")
        self.demo_button = QPushButton(self.tr("Open the demo"))
        self.demo_button.setObjectName("openDemoButton")
        self.apply_button.clicked.connect(self.choose_and_apply)
        self.demo_button.clicked.connect(self.sig_demo_requested.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(it_staff)
        layout.addWidget(self.commands)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def choose_and_apply(self) -> None:
        path = self._pick(self)
        if path is not None:
            self.apply_path(path)

    def apply_path(self, path: Path) -> bool:
        """Apply a site file; on errors list them in a dialog. Returns whether applied."""
        errors = self._apply(path)
        if errors:
            self.errors_dialog = SiteErrorsDialog(path, errors, self)
            self.errors_dialog.open()  # window-modal, does not block the event loop
            return False
        self.sig_site_applied.emit()
        return True


def _ask_site_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("FirstRunWindow", "Apply a site file"),
        str(Path.home()),
        QCoreApplication.translate("FirstRunWindow", "Site files (*.toml);;All files (*)"),
    )
    return Path(name) if name else None
