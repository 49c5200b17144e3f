"""The bridge process and the JSON-RPC plumbing: one writer lock, one reader thread, one future per call."""

from __future__ import annotations

import collections
import itertools
import json
import logging
import re
import subprocess
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Sequence

from .errors import (
    BluechipError,
    BridgeClosedError,
    BridgeExitedError,
    BridgeStartError,
    MessageTooLargeError,
    OperationCancelledError,
    error_from_rpc,
)
from .runtime import COMMAND_VARIABLE, default_command

log = logging.getLogger("bluechip_bridge")

NotificationHandler = Callable[[str, Dict[str, Any]], None]
ProgressHandler = Callable[[Dict[str, Any]], None]

#: The bridge's default line limit (``bluechip serve --max-message-bytes``, 1 MiB).
DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024

# The bridge's wording of a refused line ("message of 2000123 bytes refused: …"): how an id-less refusal is
# matched to the one call whose line had exactly that size.
_REFUSED_SIZE = re.compile(r"message of (\d+) bytes")


class PendingCall:
    """A call in flight: wait for it with ``result()``, stop waiting with ``cancel()``."""

    def __init__(self, bridge: Bridge, request_id: int, future: Future[Any]):
        self._bridge = bridge
        self.id = request_id
        self._future = future

    def cancel(self) -> None:
        """Sends ``$/cancelRequest``: the bridge stops waiting (the flow's outcome is still journaled)."""
        self._bridge.notify("$/cancelRequest", {"id": self.id})

    @property
    def future(self) -> Future[Any]:
        """The call's ``concurrent.futures.Future`` (``asyncio.wrap_future`` awaits it without a thread)."""
        return self._future

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
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ):
        self.max_message_bytes = max_message_bytes
        if command is not None:
            self.command = list(command)
        else:
            limit = None if max_message_bytes == DEFAULT_MAX_MESSAGE_BYTES else max_message_bytes
            self.command = default_command(max_message_bytes=limit)
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
            raise BridgeStartError(
                f"cannot start the bridge {self.command!r}: {error}. Set {COMMAND_VARIABLE} to the command that "
                f"starts it, or unset it to use the bundled bridge with the node on PATH."
            ) from error
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: Dict[int, Future[Any]] = {}
        # Byte size of each pending call's line: an id-less "message_too_large" names the size it refused.
        self._sizes: Dict[int, int] = {}
        # The call whose line is being written (under the write lock), or None.
        self._writing: Optional[int] = None
        self._progress: Dict[int, ProgressHandler] = {}
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
        on_progress: Optional[ProgressHandler] = None,
    ) -> PendingCall:
        """Sends a request; returns at once with a ``PendingCall``. Raises ``MessageTooLargeError`` (nothing
        sent) when the call's line is longer than ``max_message_bytes``."""
        request_id = next(self._ids)
        message: Dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        data = self._encode(message)
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise BridgeClosedError("the bridge is closed", self.stderr())
            self._pending[request_id] = future
            self._sizes[request_id] = len(data) - 1
            if on_progress is not None:
                self._progress[request_id] = on_progress
        try:
            self._write(data, request_id)
        except BridgeClosedError as error:
            self._settle(request_id, error=error)
        return PendingCall(self, request_id, future)

    def call(
        self,
        method: str,
        params: Optional[Dict[str, Any]] = None,
        *,
        timeout: Optional[float] = None,
        on_progress: Optional[ProgressHandler] = None,
    ) -> Any:
        """Sends a request and waits for its result (see ``PendingCall.result`` for ``timeout``)."""
        return self.start(method, params, on_progress=on_progress).result(timeout)

    def notify(self, method: str, params: Dict[str, Any]) -> None:
        try:
            self._write(self._encode({"jsonrpc": "2.0", "method": method, "params": params}), None)
        except (BridgeClosedError, MessageTooLargeError):
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

    def stderr(self, lines: Optional[int] = None) -> str:
        """The bridge's last log lines (the last ``lines`` of them when given)."""
        kept = list(self._stderr)
        return "\n".join(kept if lines is None else kept[-lines:])

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

    def __enter__(self) -> Bridge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ── plumbing ────────────────────────────────────────────────────────────────────────────────────────

    def _encode(self, message: Dict[str, Any]) -> bytes:
        """One line of UTF-8 JSON; refuses a line the bridge would refuse (it answers those without an id)."""
        try:
            text = json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            data = (text + "\n").encode("utf-8")
        except ValueError as error:  # NaN or infinity; a lone surrogate (UnicodeEncodeError) is not UTF-8
            raise BluechipError(f"the call cannot be sent as JSON in UTF-8: {error}. Nothing was sent.") from error
        size = len(data) - 1
        if size > self.max_message_bytes:
            raise MessageTooLargeError(
                f"the call is {size} bytes of JSON; the bridge accepts at most {self.max_message_bytes} per "
                f"message (Bridge(max_message_bytes=...) with a bridge started with the same "
                f"--max-message-bytes). Nothing was sent.",
                size=size,
                limit=self.max_message_bytes,
            )
        return data

    def _write(self, data: bytes, request_id: Optional[int]) -> None:
        with self._write_lock:
            self._writing = request_id
            try:
                assert self._process.stdin is not None
                self._process.stdin.write(data)
                self._process.stdin.flush()
            except (OSError, ValueError) as error:
                raise BridgeClosedError(f"the bridge is gone: {error}", self.stderr()) from error
            finally:
                self._writing = None

    def _settle(self, request_id: Any, *, result: Any = None, error: Optional[BaseException] = None) -> None:
        with self._lock:
            future = self._pending.pop(request_id, None)
            self._sizes.pop(request_id, None)
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
            code = self._process.wait()
            # Its last words come on stderr: read them all before saying why calls failed.
            self._stderr_reader.join(5)
            with self._lock:
                self._closed = True
                pending = list(self._pending)
            tail = self.stderr(20)
            reason = (
                f"the bridge exited (code {code}) before answering. Its last stderr lines:\n{tail or '(none)'}\n"
                f"(command: {self.command!r}; set {COMMAND_VARIABLE} to start another bridge)"
            )
            for request_id in pending:
                self._settle(request_id, error=BridgeExitedError(reason, self.stderr(), code))

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        if "method" in message:
            raw_params = message.get("params")
            params: Dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
            method = str(message["method"])
            request = params.get("requestId")
            if method == "flow.progress" and isinstance(request, int):
                with self._lock:
                    callback = self._progress.get(request)
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
                self._idless_error(error)
                return
            self._settle(request_id, error=error_from_rpc(error))
        else:
            self._settle(request_id, result=message.get("result"))

    def _idless_error(self, error: Mapping[str, Any]) -> None:
        """A refusal the bridge could not tie to a request (it never read the id): fail the call it concerns
        when that call is known exactly — for a too-large line, the one pending call whose line has the size
        the bridge names; else the call being written at that moment — so no call waits for ever. Anything
        else is logged."""
        message = str(error.get("message", ""))
        raw_data = error.get("data")
        data: Dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        target: Optional[int] = None
        with self._lock:
            if data.get("code") == "message_too_large":
                # The size names the call even when its write has finished and another is being written.
                match = _REFUSED_SIZE.search(message)
                size = int(match.group(1)) if match else data.get("bytes")
                same = [rid for rid, n in self._sizes.items() if n == size]
                target = same[0] if len(same) == 1 else None
            if target is None:
                target = self._writing
        if target is None:
            log.warning("bridge error without an id: %s", message)
            return
        if data.get("code") == "message_too_large":
            limit = data.get("limit")
            size = self._sizes.get(target, -1)
            self._settle(
                target,
                error=MessageTooLargeError(
                    f"the bridge refused the call's {size}-byte line: {message}. Nothing was sent. Start the "
                    f"bridge with a larger --max-message-bytes or send less.",
                    size=size,
                    limit=limit if isinstance(limit, int) else -1,
                ),
            )
        else:
            self._settle(target, error=error_from_rpc(error))

    @staticmethod
    def _safely(callback: Callable[..., None], *args: Any) -> None:
        try:
            callback(*args)
        except Exception:  # a caller's handler must not stop the reader thread
            log.exception("notification handler failed")

    def _read_stderr(self) -> None:
        stderr = self._process.stderr
        assert stderr is not None
        for raw in stderr:  # a line at a time: bounded by the deque, not by the process's output
            line = raw.decode("utf-8", errors="replace").rstrip()
            self._stderr.append(line)
            log.debug("bridge: %s", line)
