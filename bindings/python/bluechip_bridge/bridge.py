"""The bridge process and the JSON-RPC plumbing: one writer lock, one reader thread, one future per call."""

from __future__ import annotations

import collections
import itertools
import json
import logging
import os
import shlex
import shutil
import subprocess
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence

from .errors import BridgeClosedError, OperationCancelledError, error_from_rpc

log = logging.getLogger("bluechip_bridge")

NotificationHandler = Callable[[str, Dict[str, Any]], None]


def default_command() -> List[str]:
    """How to start the bridge: $BLUECHIP_BRIDGE_COMMAND, this repository's built CLI, or `bluechip` on PATH."""
    configured = os.environ.get("BLUECHIP_BRIDGE_COMMAND")
    if configured:
        return shlex.split(configured)
    repo_cli = Path(__file__).resolve().parents[3] / "packages" / "cli" / "dist" / "bin.js"
    node = shutil.which("node")
    if repo_cli.is_file() and node is not None:
        return [node, str(repo_cli), "serve", "--stdio"]
    return ["bluechip", "serve", "--stdio"]


class PendingCall:
    """A call in flight: wait for it with ``result()``, stop waiting with ``cancel()``."""

    def __init__(self, bridge: "Bridge", request_id: int, future: "Future[Any]"):
        self._bridge = bridge
        self.id = request_id
        self._future = future

    def cancel(self) -> None:
        """Sends ``$/cancelRequest``: the bridge stops waiting (the flow's outcome is still journaled)."""
        self._bridge.notify("$/cancelRequest", {"id": self.id})

    def done(self) -> bool:
        return self._future.done()

    def result(self, timeout: Optional[float] = None) -> Any:
        """The result; raises the call's error. With ``timeout``, cancels the call when it elapses and raises
        ``OperationCancelledError`` (its ``outcome_unknown`` says whether the request may have been sent)."""
        try:
            return self._future.result(timeout)
        except FutureTimeout:
            self.cancel()
            try:
                # The bridge answers a cancel at once; bounded in case it is gone.
                return self._future.result(10)
            except FutureTimeout:
                raise OperationCancelledError(
                    f"no answer to call {self.id} after cancelling it", data={"code": "aborted", "outcomeUnknown": True}
                ) from None


class Bridge:
    """A ``bluechip serve --stdio`` child process. Thread-safe; a context manager that closes the process.

    ``command``: argv to start it (default: see ``default_command``). Notifications reach the handlers
    added with ``add_notification_handler``, on the reader thread: keep them short.
    """

    def __init__(
        self,
        command: Optional[Sequence[str]] = None,
        *,
        env: Optional[Dict[str, str]] = None,
        stderr_lines: int = 200,
    ):
        self.command = list(command) if command is not None else default_command()
        try:
            self._process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                bufsize=0,
            )
        except OSError as error:
            raise BridgeClosedError(f"cannot start the bridge {self.command!r}: {error}") from error
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: Dict[int, "Future[Any]"] = {}
        self._progress: Dict[int, Callable[[Dict[str, Any]], None]] = {}
        self._handlers: List[NotificationHandler] = []
        self._stderr: Deque[str] = collections.deque(maxlen=stderr_lines)
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="bluechip-bridge-reader", daemon=True)
        self._stderr_reader = threading.Thread(target=self._read_stderr, name="bluechip-bridge-stderr", daemon=True)
        self._reader.start()
        self._stderr_reader.start()

    # ── calls ───────────────────────────────────────────────────────────────────────────────────────────

    def start(
        self,
        method: str,
        params: Optional[Dict[str, Any]] = None,
        *,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> PendingCall:
        """Sends a request; returns at once with a ``PendingCall``."""
        request_id = next(self._ids)
        future: "Future[Any]" = Future()
        with self._lock:
            if self._closed:
                raise BridgeClosedError("the bridge is closed", self.stderr())
            self._pending[request_id] = future
            if on_progress is not None:
                self._progress[request_id] = on_progress
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            self._write(message)
        except BridgeClosedError as error:
            self._settle(request_id, error=error)
        return PendingCall(self, request_id, future)

    def call(
        self,
        method: str,
        params: Optional[Dict[str, Any]] = None,
        *,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Any:
        """Sends a request and waits for its result (see ``PendingCall.result`` for ``timeout``)."""
        return self.start(method, params, on_progress=on_progress).result(timeout)

    def notify(self, method: str, params: Dict[str, Any]) -> None:
        try:
            self._write({"jsonrpc": "2.0", "method": method, "params": params})
        except BridgeClosedError:
            pass

    def add_notification_handler(self, handler: NotificationHandler) -> Callable[[], None]:
        """Calls ``handler(method, params)`` for every notification; returns a function that removes it."""
        with self._lock:
            self._handlers.append(handler)

        def remove() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)

        return remove

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> Optional[int]:
        return self._process.poll()

    def stderr(self) -> str:
        """The bridge's last log lines."""
        return "\n".join(self._stderr)

    def close(self, timeout: float = 60) -> int:
        """Closes the bridge's stdin: running calls settle (the bridge bounds it), then it exits. Returns its
        exit code; kills it if it has not exited within ``timeout`` seconds."""
        with self._lock:
            self._closed = True
        try:
            assert self._process.stdin is not None
            self._process.stdin.close()
        except OSError:
            pass
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        self._reader.join(5)
        self._stderr_reader.join(5)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        return code

    def __enter__(self) -> "Bridge":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ── plumbing ────────────────────────────────────────────────────────────────────────────────────────

    def _write(self, message: Dict[str, Any]) -> None:
        data = (json.dumps(message, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
        with self._write_lock:
            try:
                assert self._process.stdin is not None
                self._process.stdin.write(data)
                self._process.stdin.flush()
            except (OSError, ValueError) as error:
                raise BridgeClosedError(f"the bridge is gone: {error}", self.stderr()) from error

    def _settle(self, request_id: Any, *, result: Any = None, error: Optional[BaseException] = None) -> None:
        with self._lock:
            future = self._pending.pop(request_id, None)
            self._progress.pop(request_id, None)
        if future is None or future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def _read(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            for raw in stdout:
                line = raw.decode("utf-8", errors="replace").strip()
                if not line:
                    continue
                try:
                    message = json.loads(line)
                except ValueError:
                    log.warning("bridge wrote a line that is not JSON: %.200s", line)
                    continue
                for item in message if isinstance(message, list) else [message]:
                    self._dispatch(item)
        finally:
            self._process.wait()
            with self._lock:
                self._closed = True
                pending = list(self._pending)
            reason = f"the bridge exited (code {self._process.returncode})"
            for request_id in pending:
                self._settle(request_id, error=BridgeClosedError(reason, self.stderr()))

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if "method" in message:
            params = message.get("params") or {}
            method = message["method"]
            if method == "flow.progress":
                with self._lock:
                    callback = self._progress.get(params.get("requestId"))
                if callback is not None:
                    self._safely(callback, params)
            with self._lock:
                handlers = list(self._handlers)
            for handler in handlers:
                self._safely(handler, method, params)
            return
        request_id = message.get("id")
        if "error" in message:
            error = message["error"] if isinstance(message["error"], dict) else {}
            if request_id is None:
                log.warning("bridge error without an id: %s", error.get("message"))
                return
            self._settle(request_id, error=error_from_rpc(error))
        else:
            self._settle(request_id, result=message.get("result"))

    @staticmethod
    def _safely(callback: Callable[..., None], *args: Any) -> None:
        try:
            callback(*args)
        except Exception:  # a caller's handler must not stop the reader thread
            log.exception("notification handler failed")

    def _read_stderr(self) -> None:
        stderr = self._process.stderr
        assert stderr is not None
        for raw in stderr:
            line = raw.decode("utf-8", errors="replace").rstrip()
            self._stderr.append(line)
            log.debug("bridge: %s", line)
