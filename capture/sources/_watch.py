"""File-system events for watched inboxes: watchdog's native observer, or polling for network shares.

Events only tell :class:`StableFiles` to look at a path again; whether a file is complete is decided by
its size and mtime settling. A periodic full rescan catches whatever an observer missed (SMB and NFS
do not deliver inotify events for changes made by other machines, hence the polling mode).
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import MappingProxyType

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from capture.sources._files import StableFiles
from capture.sources.exceptions import SourceConfigError

OBSERVERS = MappingProxyType({"native": Observer, "poll": PollingObserver})


class _Handler(FileSystemEventHandler):
    def __init__(self, files: StableFiles, wake: threading.Event) -> None:
        self.files = files
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            if event.event_type in ("created", "moved"):
                self.wake.set()  # a folder dropped in at once: the next rescan takes its files
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.files.observe(raw if isinstance(raw, str) else raw.decode())
        self.wake.set()


class InboxObserver:
    """Watches inbox roots and feeds :class:`StableFiles`; ``wake`` is set on every event."""

    def __init__(self, files: StableFiles, *, mode: str = "native", poll_interval: float = 2.0) -> None:
        if mode not in OBSERVERS:
            raise SourceConfigError(f"watch mode {mode!r}: expected one of {', '.join(OBSERVERS)}")
        self.files = files
        self.wake = threading.Event()
        factory = OBSERVERS[mode]
        self._observer: BaseObserver = factory(timeout=poll_interval) if mode == "poll" else factory()
        handler = _Handler(files, self.wake)
        for root in files.roots:
            Path(root).mkdir(parents=True, exist_ok=True)
            self._observer.schedule(handler, str(root), recursive=True)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=10)

    def __enter__(self) -> InboxObserver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
