"""Reading a stack description such as ``conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1``.

One layer per ``;`` or line, ``#`` starts a comment. The grammar is in docs/inspect.md and in
:data:`GRAMMAR`, which every refusal quotes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from ..engine import ConvSpec, PoolSpec
from ..engine.spec import Pair
from .layers import (
    ACTIVATIONS,
    Activation,
    AdaptivePool,
    BatchNorm,
    Conv,
    Flatten,
    Layer,
    Linear,
    ModelProblem,
    Pool,
)

GRAMMAR = {
    "conv": "conv IN OUT K [sS] [pP] [dD] [gG] [nobias]",
    "dwconv": "dwconv C K [sS] [pP] [dD] [nobias]",
    "maxpool": "maxpool K [sS] [pP] [dD] [ceil]",
    "avgpool": "avgpool K [sS] [pP] [ceil]",
    "adaptiveavgpool": "adaptiveavgpool N",
    "adaptivemaxpool": "adaptivemaxpool N",
    "gap": "gap",
    "bn": "bn [C]",
    "flatten": "flatten",
    "linear": "linear IN OUT [nobias]",
    **{name: name for name in ACTIVATIONS},
}
"""Each layer word and its form; ``K``, ``S``, ``P``, ``D`` and ``N`` are ``3`` or ``3x1``."""

_OPTION = re.compile(r"^([spdg])(\d+(?:x\d+)?|same|valid)$")
_OPTION_NAMES = {"s": "stride", "p": "padding", "d": "dilation", "g": "groups"}


def parse_stack(text: str) -> tuple[Layer, ...]:
    """Return the layers a stack description names, in order.

    Examples
    --------
    >>> [layer.name for layer in parse_stack("conv 3 8 3 p1; relu; maxpool 2")]
    ['conv 3 8 3 p1', 'relu', 'maxpool 2']
    """
    pieces = [
        piece.strip() for line in text.splitlines() for piece in line.split("#", 1)[0].split(";")
    ]
    layers = tuple(
        _parse_layer(piece, number)
        for number, piece in enumerate((p for p in pieces if p), start=1)
    )
    if not layers:
        raise ModelProblem(f"the stack description is empty; write layers such as {_example()}")
    return layers


def _parse_layer(text: str, number: int) -> Layer:
    word, *words = text.split()
    build = _BUILDERS.get(word.lower())
    if build is None:
        raise ModelProblem(f"layer {number} {text!r}: {_unknown(word)}")
    numbers = [w for w in words if re.fullmatch(r"\d+(x\d+)?", w)]
    options = words[len(numbers) :]
    try:
        return build(" ".join(text.split()), numbers, _options(options, word.lower()))
    except (ValueError, TypeError) as error:
        raise ModelProblem(
            f"layer {number} {text!r}: {error}; write it as '{GRAMMAR[word.lower()]}'"
        ) from None


def _unknown(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), GRAMMAR, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown layer {word!r}; {hint}the layers are {', '.join(GRAMMAR)}"


def _example() -> str:
    return "'conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1'"


def _options(words: list[str], layer: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for word in words:
        match = _OPTION.match(word.lower())
        if word.lower() in {"nobias", "ceil"}:
            found[word.lower()] = "yes"
        elif match and match.group(1) not in found:
            found[match.group(1)] = match.group(2)
        else:
            raise ValueError(f"cannot read {word!r} (numbers come first, then options)")
    return found


def _pair(text: str) -> Pair:
    rows, _, cols = text.partition("x")
    return (int(rows), int(cols or rows))


def _count(numbers: list[str], wanted: int, names: str) -> list[int]:
    if len(numbers) != wanted or any("x" in n for n in numbers[: wanted - 1]):
        raise ValueError(f"needs {names}, got {len(numbers)} numbers {' '.join(numbers)!r}")
    return [int(n) for n in numbers[: wanted - 1]]


def _allowed(options: dict[str, str], allowed: str) -> None:
    extra = [key for key in options if key not in allowed.split()]
    if extra:
        noun = _OPTION_NAMES.get(extra[0], extra[0])
        raise ValueError(f"this layer takes no {noun} option")


def _padding(options: dict[str, str]) -> object:
    value = options.get("p", "0")
    return value if value in {"same", "valid"} else _pair(value)


def _conv(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "s p d g nobias")
    in_channels, out_channels = _count(numbers, 3, "IN OUT K")
    return _conv_layer(text, in_channels, out_channels, numbers[2], options, options.get("g", "1"))


def _dwconv(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "s p d nobias")
    (channels,) = _count(numbers, 2, "C K")
    return _conv_layer(text, channels, channels, numbers[1], options, str(channels))


def _conv_layer(
    text: str,
    in_channels: int,
    out_channels: int,
    kernel: str,
    options: dict[str, str],
    groups: str,
) -> Layer:
    spec = ConvSpec.create(
        stride=_pair(options.get("s", "1")),
        padding=_padding(options),
        dilation=_pair(options.get("d", "1")),
        groups=int(groups),
    )
    return Conv(text, in_channels, out_channels, _pair(kernel), spec, "nobias" not in options)


def _pool(kind: str) -> Callable[[str, list[str], dict[str, str]], Layer]:
    def build(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
        _allowed(options, "s p ceil" + (" d" if kind == "max" else ""))
        _count(numbers, 1, "K")
        stride = _pair(options["s"]) if "s" in options else None
        padding = _pair(options.get("p", "0"))
        dilation = _pair(options.get("d", "1"))
        spec = PoolSpec.create(_pair(numbers[0]), stride, padding, dilation, "ceil" in options)
        return Pool(text, "max" if kind == "max" else "avg", spec)

    return build


def _adaptive(kind: str) -> Callable[[str, list[str], dict[str, str]], Layer]:
    def build(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
        _allowed(options, "")
        _count(numbers, 1, "N (the output size)")
        output = _pair(numbers[0])
        if min(output) < 1:
            raise ValueError(f"the output size must be at least 1, got {numbers[0]!r}")
        return AdaptivePool(text, "max" if kind == "max" else "avg", output)

    return build


def _gap(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "")
    _count(numbers, 0, "no numbers")
    return AdaptivePool(text, "avg", (1, 1))


def _bn(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "")
    if len(numbers) > 1 or any("x" in n for n in numbers):
        raise ValueError(f"needs at most C, got {' '.join(numbers)!r}")
    return BatchNorm(text, int(numbers[0]) if numbers else None)


def _flatten(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "")
    _count(numbers, 0, "no numbers")
    return Flatten(text)


def _linear(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
    _allowed(options, "nobias")
    in_features = _count(numbers, 2, "IN OUT")[0]
    if "x" in numbers[1]:
        raise ValueError(f"needs IN OUT as two whole numbers, got {numbers[1]!r}")
    return Linear(text, in_features, int(numbers[1]), "nobias" not in options)


def _activation(function: str) -> Callable[[str, list[str], dict[str, str]], Layer]:
    def build(text: str, numbers: list[str], options: dict[str, str]) -> Layer:
        _allowed(options, "")
        _count(numbers, 0, "no numbers")
        return Activation(text, function)

    return build


_BUILDERS: dict[str, Callable[[str, list[str], dict[str, str]], Layer]] = {
    "conv": _conv,
    "dwconv": _dwconv,
    "maxpool": _pool("max"),
    "avgpool": _pool("avg"),
    "adaptiveavgpool": _adaptive("avg"),
    "adaptivemaxpool": _adaptive("max"),
    "gap": _gap,
    "bn": _bn,
    "flatten": _flatten,
    "linear": _linear,
    **{name: _activation(name) for name in ACTIVATIONS},
}
