"""The sign-in window shown before a site's wall opens (never for the demo).

The password field is cleared as soon as it has been read, whatever the answer; the password
itself goes only to the ``sign_in`` callable, never to a log line or a signal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csu_wall.core.errors import CsuWallError
from csu_wall.core.security import Operator

SignIn = Callable[[str, str], Operator]


class SignInDialog(QDialog):
    """Login, password, one button, and the reason of the last refusal."""

    sig_signed_in = Signal(object)  # Operator

    def __init__(self, sign_in: SignIn, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self._sign_in = sign_in
        self.operator: Operator | None = None
        self.setWindowTitle(self.tr("csu-wall — sign in"))
        title = QLabel(self.tr("Sign in to open the video wall"))
        title.setObjectName("signInTitle")
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setMaxLength(64)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("signInError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e06060;")
        self.error_label.hide()
        hint = QLabel(self.tr("No account? Ask the administrator (csu-wall user add)."))
        hint.setWordWrap(True)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setObjectName("signInButton")
        # Return is handled by the fields themselves (login → password → submit); a default
        # button would also fire and submit a second time with the password already cleared.
        self.sign_in_button.setAutoDefault(False)
        self.sign_in_button.clicked.connect(self.submit)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.submit)

        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(hint)
        self.setMinimumWidth(420)
        self.login_edit.setFocus()

    def submit(self) -> None:
        login = self.login_edit.text()
        password = self.password_edit.text()
        self.password_edit.clear()
        try:
            operator = self._sign_in(login, password)
        except CsuWallError as exc:  # refused: the service's French sentence, as it is
            self.show_error(str(exc))
            self.password_edit.setFocus()
            return
        finally:
            del password
        self.error_label.hide()
        self.operator = operator
        self.sig_signed_in.emit(operator)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
