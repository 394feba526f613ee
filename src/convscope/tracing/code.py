"""The code tracer: run Python code and record what every executed line did.

:func:`trace_source` runs a source text (the lesson's loop, or code a learner typed) and then,
optionally, a call expression; :func:`trace_code` calls a function that already exists. Both
return a :class:`CodeTrace`: the steps (line, changed variables, returned value), the loops cut
into iteration cards, the sub-expressions recorded on chosen lines, the printed output, and a
clear ``stopped``/``error`` field when the run did not end normally.

How values are recorded: ``sys.settrace`` line events with a cheap comparison of each followed
frame's locals (the approach of PySnooper and Python Tutor), in-place changes found from the
syntax tree, and sub-expressions captured by rewriting the syntax tree so that the chosen
expression hands its value to a recorder as it is computed (the approach of birdseye). The
JSON form is documented in ``docs/code-trace-json.md``.

Examples
--------
>>> trace = trace_source("def double(x):\\n    y = 2 * x\\n    return y\\n", "double(21)")
>>> [(step["line"], step["event"]) for step in trace.to_json()["steps"]]
[(1, 'line'), (1, 'return'), (1, 'line'), (2, 'line'), (3, 'line'), (3, 'return')]
>>> trace.to_json()["result"]["value"]
42
"""

from __future__ import annotations

import ast
import builtins
import gc
import inspect
import linecache
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MethodType, TracebackType
from typing import TYPE_CHECKING, Any

from .capture import tracing_session
from .function_copy import recorded_copy
from .recorder import Event, Recorder, Stopped
from .source_map import RECORDER_NAME, SourceMap, analyse, instrument
from .trace_json import TextWriter, ValueMemo, loops_json, step_json
from .values import Encoder, json_encoder, snapshot

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

JSON_VERSION = 1
DEFAULT_MAX_STEPS = 100_000
DEFAULT_MAX_SECONDS = 5.0
DEFAULT_MAX_BYTES = 50_000_000
MAX_STDOUT_CHARS = 100_000
_NO_RESULT = object()
_KEY_ORDER = (
    "version",
    "source",
    "filename",
    "steps",
    "loops",
    "expressions",
    "stdout",
    "result",
    "stopped",
    "error",
)


class CodeTrace:
    """What a traced run did, line by line, with its loops cut into iteration cards.

    Use :meth:`to_json` for the documented JSON form (the web page renders it),
    :meth:`to_json_text` for the same JSON as compact text (faster), :meth:`loop` for the
    iteration cards of one loop, ``len(trace)`` for the number of steps; the trace
    prints itself in a Rich console and as HTML in a notebook.

    Attributes
    ----------
    source, filename : str
        The traced code and the file name it ran under.
    stdout : str
        What the code printed (the first 100,000 characters).
    stopped : str or None
        Why a cap ended the run, e.g. ``"stopped after 100000 steps"``.
    error : dict or None
        ``{"type", "message", "line"}`` of the exception that ended the run.
    """

    def __init__(
        self,
        *,
        source: str,
        filename: str,
        recorder: Recorder | None,
        stdout: str = "",
        result: object = _NO_RESULT,
        stopped: str | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        self.source = source
        self.filename = filename
        self.stdout = stdout
        self.stopped = stopped
        self.error = error
        self._recorder = recorder
        self._result = result

    def __len__(self) -> int:
        return len(self._steps)

    @property
    def _steps(self) -> list[Event]:
        return self._recorder.steps if self._recorder is not None else []

    @property
    def expressions(self) -> dict[int, list[str]]:
        """Return the recorded sub-expressions of each line, in the order Python computes them."""
        return self._recorder.source_map.expressions if self._recorder is not None else {}

    def loop(self, line: int) -> list[dict[str, Any]]:
        """Return the iteration cards (JSON) of the loop whose header is on ``line``.

        Raises ``ValueError`` naming the lines that do hold a loop header.
        """
        loops = {entry["line"]: entry for entry in loops_json(self._recorder, ValueMemo())}
        if line not in loops:
            raise ValueError(
                f"line {line} is not a loop header; loops start on lines {list(loops)}"
            )
        iterations: list[dict[str, Any]] = loops[line]["iterations"]
        return iterations

    def to_json(self, *, array_text: bool = True) -> dict[str, Any]:
        """Return the trace as the JSON-ready dict documented in ``docs/code-trace-json.md``.

        Equal values are encoded once and share one dict wherever they appear (a step and an
        iteration card, the same number or window met again), so treat the dicts as read-only.

        ``array_text=False`` gives each array its one-line summary as ``text`` instead of
        NumPy's ``repr`` (9–50 µs an array): for readers that draw arrays from their
        ``data``, as the terminal and HTML views do. A run of 100,000 lines over an image is
        then several times quicker to convert.
        """
        with _collector_paused():
            return self._build_json(json_encoder(array_text=array_text))

    def to_json_text(self, *, grid_cells: int | None = None, array_text: bool = True) -> str:
        """Return the JSON text of :meth:`to_json`, compact, built about three times faster.

        The text is exactly ``json.dumps(trace.to_json(), separators=(",", ":"))``, but each
        distinct value is written once and reused, so a run of 100,000 lines does not build
        300,000 dicts first. Use it to send or store a trace.

        ``grid_cells=N`` writes the JSON for a reader that draws arrays of one or two axes and
        at most N elements as grids and shows every other array by its ``text``, as the page's
        code box does (:func:`~convscope.tracing.values.json_encoder`): the grids' ``text`` is
        their one-line summary instead of NumPy's ``repr``, and the other arrays' ``data`` is
        ``null``. For the lesson's loop on a 40×40 image that makes the JSON several times
        smaller and quicker to build. ``array_text`` is as for :meth:`to_json`.
        """
        encoder = json_encoder(grid_cells=grid_cells, array_text=array_text)
        with _collector_paused():
            return TextWriter(encoder).trace(self._head(encoder), self._recorder)

    def _build_json(self, encoder: Encoder) -> dict[str, Any]:
        encode = ValueMemo(encoder)
        payload = self._head(encode)
        steps = self._steps
        payload["steps"] = [step_json(index, step, encode) for index, step in enumerate(steps)]
        payload["loops"] = loops_json(self._recorder, encode)
        return {key: payload[key] for key in _KEY_ORDER}

    def _head(self, encode: Encoder) -> dict[str, Any]:
        """Return every key of the JSON except ``steps`` and ``loops``."""
        return {
            "version": JSON_VERSION,
            "source": self.source,
            "filename": self.filename,
            "expressions": {str(line): texts for line, texts in self.expressions.items()},
            "stdout": self.stdout,
            "result": None if self._result is _NO_RESULT else encode(self._result),
            "stopped": self.stopped,
            "error": self.error,
        }

    def to_html(self) -> str:
        """Return a self-contained HTML page showing the source, the steps and the loop cards."""
        from .code_render import trace_page

        return trace_page(self.to_json(array_text=False))

    def _repr_html_(self) -> str:
        from .code_render import trace_fragment

        return trace_fragment(self.to_json(array_text=False))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .code_render import rich_renderables

        yield from rich_renderables(self.to_json(array_text=False))


def trace_source(
    source: str,
    call: str | None = None,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    filename: str = "<lesson>",
    expressions: Mapping[int, Sequence[str]] | None = None,
    auto_expressions: bool = True,
) -> CodeTrace:
    """Return the trace of running ``source`` as a module, then ``call`` if given.

    Parameters
    ----------
    source : str
        Python code. It runs in a fresh namespace named ``__main__``, in this process: use
        :func:`convscope.tracing.sandbox.run_traced_source` for code you do not trust.
    call : str, optional
        An expression evaluated after the module, e.g. ``"cross_correlate(image, kernel)"``;
        its value becomes the trace's ``result``.
    max_steps, max_seconds, max_bytes : int, float, int
        Caps on recorded steps, wall-clock time and recorded value bytes; passing one ends the
        run with ``stopped`` set to e.g. ``"stopped after 100000 steps"``.
    filename : str
        The name the code is compiled under; only frames of this name are recorded.
    expressions : mapping of line number to expression texts, optional
        Sub-expressions to record, e.g. ``{30: ["window * kernel"]}``.
    auto_expressions : bool
        Also record calls and arithmetic assigned inside loop bodies (default ``True``).

    Returns
    -------
    CodeTrace
        Syntax errors and exceptions are reported in its ``error`` field, not raised.
    """
    _check_options(source, call, max_steps, max_seconds, max_bytes)
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as error:
        return CodeTrace(source=source, filename=filename, recorder=None, error=_syntax(error))
    source_map = analyse(tree, source, expressions, auto_expressions=auto_expressions)
    code = compile(instrument(tree, source_map.chosen), filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    recorder = Recorder(
        filename, source_map, max_steps=max_steps, max_seconds=max_seconds, max_bytes=max_bytes
    )
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__builtins__": builtins,
        RECORDER_NAME: recorder.record_value,
    }

    def run() -> object:
        exec(code, namespace)
        return _NO_RESULT if call is None else eval(compile(call, "<call>", "eval"), namespace)

    return _run(source, filename, recorder, run)


def trace_code(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> CodeTrace:
    """Return the trace of calling ``func(*args, **kwargs)``, line by line.

    Every frame whose code comes from ``func``'s source file is recorded, with the default
    caps of :func:`trace_source`. The calls and arithmetic assigned inside ``func``'s loops
    are recorded too, by calling a recompiled copy of ``func`` (same lines, same globals,
    same defaults); a function that closes over variables is traced without them.

    Examples
    --------
    >>> def count_down(n):
    ...     while n > 0:
    ...         n -= 1
    ...     return n
    >>> len(trace_code(count_down, 2).loop(2))
    2
    """
    if isinstance(func, MethodType):  # trace the function, with its instance as first argument
        args = (func.__self__, *args)
        func = func.__func__
    code = getattr(inspect.unwrap(func), "__code__", None)
    if code is None:
        raise TypeError(
            f"func must be a Python function with source code, got {func!r}; "
            "wrap a built-in in a def, or use trace_source"
        )
    filename = code.co_filename
    source = "".join(linecache.getlines(filename))
    recorder, target = _prepare_function(inspect.unwrap(func), source, filename)
    return _run(source, filename, recorder, lambda: target(*args, **kwargs))


def _prepare_function(
    func: Callable[..., Any], source: str, filename: str
) -> tuple[Recorder, Callable[..., Any]]:
    """Return a recorder for ``func``'s file and what to call: a recorded copy, or ``func``."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return _default_recorder(filename, SourceMap()), func
    recorder = _default_recorder(filename, analyse(tree, source))
    copy = recorded_copy(func, tree, recorder.source_map, recorder.record_value)
    if copy is None:  # nothing will be recorded, so list nothing
        recorder.source_map.expressions = {}
        return recorder, func
    return recorder, copy


def _default_recorder(filename: str, source_map: SourceMap) -> Recorder:
    return Recorder(
        filename,
        source_map,
        max_steps=DEFAULT_MAX_STEPS,
        max_seconds=DEFAULT_MAX_SECONDS,
        max_bytes=DEFAULT_MAX_BYTES,
    )


def _run(source: str, filename: str, recorder: Recorder, action: Callable[[], object]) -> CodeTrace:
    result: object = _NO_RESULT
    error = None
    previous_trace = sys.gettrace()
    with tracing_session(MAX_STDOUT_CHARS) as printed:
        sys.settrace(recorder.on_call)
        try:
            result = action()
        except Stopped:
            pass
        except (Exception, SystemExit) as raised:
            error = _describe(raised, filename)
        finally:
            sys.settrace(previous_trace)
    recorder.finish()
    return CodeTrace(
        source=source,
        filename=filename,
        recorder=recorder,
        stdout=printed.text(),
        result=result if result is _NO_RESULT else snapshot(result),
        stopped=recorder.stopped,
        error=error,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building JSON, which makes no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _describe(error: BaseException, filename: str) -> dict[str, Any]:
    return {"type": type(error).__name__, "message": str(error), "line": _line_in(error, filename)}


def _line_in(error: BaseException, filename: str) -> int | None:
    """Return the deepest line of the traced source that the exception passed through."""
    line = None
    traceback: TracebackType | None = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == filename:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _syntax(error: SyntaxError) -> dict[str, Any]:
    return {"type": "SyntaxError", "message": error.msg, "line": error.lineno}


def _check_options(
    source: object, call: object, max_steps: object, max_seconds: object, max_bytes: object
) -> None:
    if not isinstance(source, str):
        raise TypeError(f"source must be Python code as a str, got {type(source).__name__}")
    if call is not None and not isinstance(call, str):
        raise TypeError(f"call must be an expression as a str such as 'f(2)', got {call!r}")
    for name, value in (("max_steps", max_steps), ("max_bytes", max_bytes)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if (
        isinstance(max_seconds, bool)
        or not isinstance(max_seconds, int | float)
        or max_seconds <= 0
    ):
        raise ValueError(f"max_seconds must be a positive number of seconds, got {max_seconds!r}")
