"""A dialog's database write off the GUI thread, behind the button that asked for it.

The write runs on the one bounded executor through :class:`LatestCall`; meanwhile the button
is disabled and says what is happening, and a second press (a double click, Enter held) writes
nothing more. When the answer comes back, on the GUI thread, the button gets its own text back
and the dialog's ``on_done`` or ``on_error`` runs: on an error the dialog stays open with what
was typed, to try again.

A write is one service call (or the calls one service call made before), run whole in the
worker: a state change and its audit record stay in the service's one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton

from csu_wall.gui._latest_call import LatestCall


class PendingWrite(QObject):
    """One kind of write of one dialog; ``busy`` while it is under way."""

    def __init__(self, name: str, button: QAbstractButton,
                 enabled_after: Callable[[], bool] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else button)
        self.call = LatestCall(name, self)
        self.button = button
        self._text = button.text()
        self._enabled_after = enabled_after  # the button's state once done (default: on)

    @property
    def busy(self) -> bool:
        return self.call.busy

    def run(self, fn: Callable[[], Any], doing: str, on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> bool:
        """``fn()`` on the executor, the button saying ``doing`` meanwhile; False (and
        nothing run) while a write is already under way."""
        if self.call.busy:
            return False
        self._text = self.button.text()
        self.button.setEnabled(False)
        self.button.setText(doing)

        def done(result: Any) -> None:
            self._release()
            on_done(result)

        def failed(exc: Exception) -> None:
            self._release()
            on_error(exc)

        self.call.run(fn, done, failed)
        return True

    def _release(self) -> None:
        self.button.setText(self._text)
        self.button.setEnabled(True if self._enabled_after is None else self._enabled_after())
