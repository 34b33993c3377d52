"""The administrator's screen for recorder credentials (the GUI twin of
``csu-wall credentials set|delete``).

The password field is masked, never pre-filled, and emptied as soon as the value has been
handed to :class:`~csu_wall.services.credentials_admin.CredentialAdmin` — whether it was saved
or refused — so no widget keeps it. Messages never repeat it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.services.credentials_admin import CredentialAdmin


class CredentialsDialog(QDialog):
    sig_changed = Signal(str)  # recorder id

    def __init__(self, admin: CredentialAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("credentialsDialog")
        self.admin = admin
        self.setWindowTitle(self.tr("Recorder credentials"))
        self.setMinimumWidth(520)
        intro = QLabel(self.tr(
            "Credentials are encrypted in the shared database under the site key. They are "
            "never shown again: to change one, enter it anew."))
        intro.setWordWrap(True)
        self.recorder_list = QListWidget()
        self.recorder_list.setObjectName("recorderList")
        self.user = QLineEdit()
        self.user.setObjectName("credentialUser")
        self.password = QLineEdit()
        self.password.setObjectName("credentialPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("credentialConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.feedback = QLabel("")
        self.feedback.setObjectName("credentialFeedback")
        self.feedback.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setObjectName("credentialSave")
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.setObjectName("credentialDelete")
        form = QFormLayout()
        form.addRow(self.tr("&User name"), self.user)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.tr("&Confirm"), self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.recorder_list, 1)
        layout.addLayout(form)
        layout.addWidget(self.feedback)
        layout.addWidget(buttons)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.recorder_list.currentItemChanged.connect(self._on_current)
        self.reload()

    def reload(self) -> None:
        current = self.selected_recorder()
        self.recorder_list.clear()
        for row in self.admin.recorders():
            state = self.tr("credential stored") if row.has_credential else self.tr("none")
            item = QListWidgetItem(f"{row.commune_name} — {row.recorder.id} ({state})")
            item.setData(Qt.ItemDataRole.UserRole, row.recorder.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row.recorder.username or "")
            self.recorder_list.addItem(item)
            if row.recorder.id == current:
                self.recorder_list.setCurrentItem(item)
        if self.recorder_list.currentItem() is None and self.recorder_list.count():
            self.recorder_list.setCurrentRow(0)

    def selected_recorder(self) -> str | None:
        item = self.recorder_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select_recorder(self, recorder_id: str) -> None:
        for i in range(self.recorder_list.count()):
            item = self.recorder_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == recorder_id:
                self.recorder_list.setCurrentItem(item)
                return
        raise KeyError(recorder_id)

    def _on_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        self._clear_secret()
        if item is not None:
            self.user.setText(str(item.data(Qt.ItemDataRole.UserRole + 1)))

    def save(self) -> None:
        recorder_id = self.selected_recorder()
        password, confirm = self.password.text(), self.confirm.text()
        self._clear_secret()  # whatever happens next, no widget keeps the password
        if recorder_id is None:
            self._say(self.tr("Choose a recorder first."), error=True)
            return
        if password != confirm:
            self._say(self.tr("The two passwords differ: nothing was changed."), error=True)
            return
        try:
            self.admin.set(recorder_id, self.user.text(), password)
        except CsuWallError as exc:
            self._say(str(exc), error=True)
            return
        finally:
            del password, confirm
        self._say(self.tr("Credential of {recorder} saved (encrypted).").format(
            recorder=recorder_id))
        self.reload()
        self.sig_changed.emit(recorder_id)

    def delete(self) -> None:
        recorder_id = self.selected_recorder()
        if recorder_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete the credential"),
            self.tr("Delete the credential of {recorder}? Its cameras stop playing on every "
                    "workstation until a new one is entered.").format(recorder=recorder_id))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.delete_now(recorder_id)

    def delete_now(self, recorder_id: str) -> None:
        try:
            done = self.admin.delete(recorder_id)
        except CsuWallError as exc:
            self._say(str(exc), error=True)
            return
        self._say(self.tr("Credential of {recorder} deleted.").format(recorder=recorder_id)
                  if done else self.tr("No credential to delete."))
        self.reload()
        self.sig_changed.emit(recorder_id)

    def _clear_secret(self) -> None:
        self.password.clear()
        self.confirm.clear()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.feedback.setProperty("error", error)
        self.feedback.setText(text)
