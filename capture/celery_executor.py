"""Page reading scaled out to Celery workers on other hosts, behind the executor interface.

:class:`CeleryExecutor` has the same two methods as :class:`capture.executor.PoolExecutor`:
``map_unordered(fn, items)`` yields ``(item, result_or_exception)`` as jobs finish, and ``close()``.
Each job is one Celery task, ``fn(item)``, run by a worker started with::

    FINARCHIVE_OCR_BROKER_URL=redis://broker:6379/0 celery -A capture.celery_executor worker --concurrency 2

Redis is both the broker (the queue of jobs) and the result backend. Jobs and results are frozen
dataclasses (:class:`PageJob`, :class:`PageResult`), sent with **pickle**: a message on the broker
is code a worker will run, so the Redis server must be private to the archive's own hosts
(bind it to a private network, require a password, never expose it to the internet).

Workers read the files a job names (``PageJob.path``) and write its derived files
(``PageJob.derived_dir``) at the same absolute paths as the host that sent it: the blob store
must be a shared folder mounted at the same path everywhere. See docs/scaling.md.

What comes back, and when:

- a job that raises comes back as its exception (the same class, unpickled), never raised;
- a job that kills its worker process comes back as :class:`WorkerCrashedError`;
- a job that runs longer than ``task_timeout`` seconds (``[intake] page_seconds``) is stopped by the worker and
  comes back as :class:`TaskTimeLimitError`, a ``page_timeout`` «timeout after N s» (soft limit: the job is
  interrupted; a job stuck where that cannot reach it — native code — is killed by the worker's hard limit, up
  to 30 s later: :func:`capture.executor.stuck_seconds`). Its message is acknowledged all the same
  (``acks_on_failure_or_timeout``), so it is never delivered again: the file is quarantined, not retried;
- when none of the jobs in flight has finished for ``stall_timeout`` seconds (no worker consumes
  the queue, or every worker died) they are revoked and come back as :class:`TaskTimeoutError`.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from capture.executor import JobTimeoutError, WorkerCrashedError, stuck_seconds
from capture.tesseract import limit_threads
from finarchive.errors import ConfigurationError, FinarchiveError, MissingDependencyError

try:
    from celery import Celery, signals
    from celery.backends.redis import RedisBackend
    from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
    from kombu.exceptions import OperationalError
except ImportError as exc:  # an optional dependency: only scaled-out installs need it
    raise MissingDependencyError(
        f"Celery is needed to read pages on worker hosts ({exc}): pip install 'finarchive[celery]' "
        "(or pip install 'celery[redis]')"
    ) from exc

__all__ = [
    "BrokerUnavailableError",
    "CeleryExecutor",
    "DistributedError",
    "TaskTimeoutError",
    "app",
    "make_app",
    "run_worker",
]

T = TypeVar("T")
R = TypeVar("R")

BROKER_ENV = "FINARCHIVE_OCR_BROKER_URL"  # the settings key [ocr] broker_url, as an environment variable
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE = "finarchive.pages"
TASK_NAME = "finarchive.run_job"
HARD_LIMIT_GRACE = 30.0  # at most this (and the limit again) between the soft time limit and the hard one (killed)
_END: Any = object()


class DistributedError(FinarchiveError):
    """Page reading on Celery workers failed."""


class BrokerUnavailableError(DistributedError):
    """The Redis broker cannot be reached (is redis-server running, is [ocr] broker_url right?)."""

    exit_code = ConfigurationError.exit_code


class TaskTimeoutError(DistributedError):
    """A job did not finish in time on a Celery worker."""


class TaskTimeLimitError(TaskTimeoutError, JobTimeoutError):
    """A job ran past its time limit on a Celery worker and was stopped there: the page's ``page_timeout``."""

    reason = JobTimeoutError.reason


class PollingRedisBackend(RedisBackend):
    """Redis result backend read by polling (one MGET of the jobs in flight), never by pub/sub.

    The stock backend subscribes to every task's channel when it is sent; the results then pile
    up unread in that connection until Redis drops it. :class:`CeleryExecutor` collects results
    with ``get_many`` instead, so nothing needs the subscription.
    """

    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None


def make_app(broker_url: str, *, queue: str = DEFAULT_QUEUE, task_timeout: float = 600.0) -> Celery:
    """A Celery app on ``broker_url`` (Redis: broker and result backend) that runs :func:`run_job`."""
    if not broker_url.startswith(("redis://", "rediss://")):
        raise ConfigurationError(f"broker URL {broker_url!r}: expected redis://host:port/db")
    app = Celery("finarchive", set_as_current=False)
    app.conf.update(
        broker_url=broker_url,
        result_backend=f"{__name__}:PollingRedisBackend+{broker_url}",
        # pickle: jobs and results are frozen dataclasses and exceptions come back as themselves.
        # It also means a broker message is code the worker runs: the broker must be private.
        task_serializer="pickle",
        result_serializer="pickle",
        accept_content=["pickle", "json"],
        result_accept_content=["pickle", "json"],
        task_default_queue=queue,
        task_soft_time_limit=task_timeout,
        task_time_limit=stuck_seconds(task_timeout, HARD_LIMIT_GRACE),
        task_acks_on_failure_or_timeout=True,  # a job past its limit is answered, never delivered again
        # a page takes seconds: hand a worker process one job at a time, so a slow page never holds
        # others back on its host, and acknowledge it only when done so a lost host's jobs are re-run
        worker_prefetch_multiplier=1,
        task_acks_late=True,
        task_reject_on_worker_lost=False,  # a page that kills its worker is reported, not re-run forever
        broker_transport_options={"visibility_timeout": max(3600, int(task_timeout * 3))},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK_NAME)(run_job)
    return app


def run_job(fn: Callable[[Any], Any], item: Any) -> Any:
    """The Celery task: ``fn(item)`` in a worker process, tesseract single-threaded."""
    limit_threads()
    return fn(item)


@signals.worker_process_init.connect
def _limit_worker_threads(**_: Any) -> None:
    limit_threads()


# ``celery -A capture.celery_executor worker`` finds this app; its broker is FINARCHIVE_OCR_BROKER_URL.
app = make_app(os.environ.get(BROKER_ENV) or DEFAULT_BROKER_URL)


def run_worker(
    broker_url: str, *, concurrency: int, queue: str = DEFAULT_QUEUE, loglevel: str = "INFO"
) -> None:
    """Run a Celery worker in this process until it is stopped (SIGTERM: finish the jobs in hand).

    The same as ``celery -A capture.celery_executor worker --concurrency N -Q QUEUE``, for
    ``finarchive worker``. Each of the ``concurrency`` processes runs one tesseract, single-threaded.
    """
    limit_threads()
    worker_app = make_app(broker_url, queue=queue)
    worker_app.worker_main([
        "worker", f"--concurrency={max(1, concurrency)}", f"--queues={queue}", f"--loglevel={loglevel}",
        "--without-gossip", "--without-mingle",
    ])


# How a failure raised on the worker's side is reported to the caller: Celery's class → ours (what ran, its limit).
_TRANSLATED: dict[type[BaseException], Callable[[str, float], BaseException]] = {
    WorkerLostError: lambda what, limit: WorkerCrashedError(f"a Celery worker process died while running {what}"),
    TimeLimitExceeded: lambda what, limit: TaskTimeLimitError(
        f"timeout after {limit:g} s ([intake] page_seconds): {what} was still running on a Celery worker past its "
        "hard limit (stuck in native code?) and its process was killed"),
    SoftTimeLimitExceeded: lambda what, limit: TaskTimeLimitError(
        f"timeout after {limit:g} s ([intake] page_seconds): {what} was interrupted on a Celery worker"),
}


def _translate(exc: BaseException, what: str, limit: float = 0.0) -> BaseException:
    for cls, make in _TRANSLATED.items():
        if isinstance(exc, cls):
            translated = make(what, limit)
            translated.__cause__ = exc
            return translated
    return exc


class CeleryExecutor:
    """Runs jobs as Celery tasks on workers anywhere that share the broker and the blob folder.

    At most ``prefetch`` jobs are in flight (sent and not yet collected): give it about twice the
    total ``--concurrency`` of all workers, so none waits for work while results are collected.
    """

    def __init__(
        self,
        broker_url: str,
        *,
        prefetch: int = 16,
        task_timeout: float = 600.0,
        stall_timeout: float | None = None,
        queue: str = DEFAULT_QUEUE,
        poll_interval: float = 0.05,
    ) -> None:
        self.broker_url = broker_url
        self.prefetch = max(1, prefetch)
        self.workers = self.prefetch  # what callers that size batches by ``workers`` should see
        self.task_timeout = task_timeout
        self.stall_timeout = (stall_timeout if stall_timeout is not None
                              else stuck_seconds(task_timeout, HARD_LIMIT_GRACE) + 60.0)
        self.queue = queue
        self.poll_interval = poll_interval
        self.app = make_app(broker_url, queue=queue, task_timeout=task_timeout)

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]:
        _check_picklable(fn)
        pending = iter(items)
        running: dict[str, T] = {}
        last_progress = time.monotonic()
        try:
            while True:
                while len(running) < self.prefetch:
                    item = next(pending, _END)
                    if item is _END:
                        break
                    running[self._send(fn, item)] = item
                if not running:
                    return
                ready = self._collect(list(running))
                for task_id, meta in ready:
                    item = running.pop(task_id)
                    self._forget([task_id])
                    yield item, _outcome(meta, f"{_name(fn)}({item!r})", self.task_timeout)
                if ready:
                    last_progress = time.monotonic()
                elif time.monotonic() - last_progress > self.stall_timeout:
                    self._revoke(running)
                    for task_id, item in list(running.items()):
                        del running[task_id]
                        yield item, TaskTimeoutError(
                            f"{_name(fn)}({item!r}) did not come back from a Celery worker in "
                            f"{self.stall_timeout:.0f} s (is a worker consuming queue {self.queue!r}?)"
                        )
                    last_progress = time.monotonic()
                else:
                    time.sleep(self.poll_interval)
        finally:
            # the caller stopped early or an error escaped: the jobs still out there are not wanted
            self._revoke(running)

    def _send(self, fn: Callable[[Any], Any], item: Any) -> str:
        try:
            result = self.app.send_task(
                TASK_NAME,
                args=(fn, item),
                queue=self.queue,
                soft_time_limit=self.task_timeout,
                time_limit=stuck_seconds(self.task_timeout, HARD_LIMIT_GRACE),
            )
        except OperationalError as exc:
            raise BrokerUnavailableError(f"cannot send jobs to the broker {self._safe_url}: {exc}") from exc
        return str(result.id)

    def _collect(self, task_ids: list[str]) -> list[tuple[str, dict[str, Any]]]:
        """The results that are ready (one MGET). While Redis is unreachable nothing is ready: a short
        outage is waited out, a long one ends as a stall."""
        backend = self.app.backend
        try:
            return list(backend.get_many(task_ids, interval=0, max_iterations=1))
        except backend.connection_errors:
            return []

    def _forget(self, task_ids: list[str]) -> None:
        backend = self.app.backend
        for task_id in task_ids:
            try:
                backend.forget(task_id)
            except backend.connection_errors:
                return  # Redis is gone; results expire by themselves (result_expires)

    def _revoke(self, running: dict[str, Any]) -> None:
        if not running:
            return
        try:
            self.app.control.revoke(list(running))
        except (OperationalError, *self.app.backend.connection_errors):
            pass  # the broker is gone: nobody will run them anyway
        self._forget(list(running))

    @property
    def _safe_url(self) -> str:
        scheme, sep, rest = self.broker_url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}"  # without a password

    def start(self) -> set[int]:
        """Nothing to start here: the Celery workers run on their own hosts."""
        return set()

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> CeleryExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _outcome(meta: dict[str, Any], what: str, limit: float = 0.0) -> Any:
    result = meta.get("result")
    if meta.get("status") == "SUCCESS":
        return result
    if isinstance(result, BaseException):
        return _translate(result, what, limit)
    return DistributedError(f"{what} ended as {meta.get('status')} on a Celery worker: {result!r}")


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", repr(fn))


def _check_picklable(fn: Callable[..., Any]) -> None:
    """Functions travel by reference (module and name): lambdas and nested functions cannot."""
    try:
        pickle.dumps(fn)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise DistributedError(
            f"{fn!r} cannot be sent to Celery workers: only module-level functions can ({exc})"
        ) from exc
