"""The flattened view of a padded input that lets every kernel tap read one contiguous slice.

Lay each padded channel out as one long row of ``rows × cols`` cells. At stride 1 the cells that
kernel tap ``(a, b)`` meets for all outputs are then the slice that starts at ``a·cols + b``
and runs for ``(H' - 1)·cols + W'`` cells: one contiguous run per channel, which BLAS and NumPy
read without a copy. The slice also covers ``cols - W'`` cells per row that belong to no output
(the window wrapping into the next row); they are computed and cropped away, a waste of
``cols / W' - 1``, a few percent for real layers.

A stride ``s`` is turned into stride 1 by splitting the input into its ``s_r × s_c`` phases
(rows ``r, r + s, …`` and columns ``c, c + s, …``): each tap reads from exactly one phase, at
stride 1. Dilation only changes the offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .spec import ConvSpec


@dataclass(frozen=True)
class Tap:
    """One kernel cell ``(row, col)`` and where its slice starts in the flattened phases."""

    row: int
    col: int
    phase: int
    offset: int


@dataclass(frozen=True)
class FlatInput:
    """The padded input as flattened phases, with the geometry of the flat output.

    ``phases`` is ``(P, N, C, rows · cols)``; ``length`` is the number of flat output cells,
    ``(out_rows - 1) · cols + out_cols``; :meth:`crop` turns a flat result back into a grid.
    """

    phases: NDArray[Any]
    cols: int
    out_rows: int
    out_cols: int
    taps: tuple[Tap, ...]

    @property
    def length(self) -> int:
        """Return how many flat output cells each output map has, cropped columns included."""
        return (self.out_rows - 1) * self.cols + self.out_cols

    def tap_slice(self, tap: Tap) -> NDArray[Any]:
        """Return the ``(N, C, length)`` view of the cells tap ``tap`` meets, without a copy."""
        return self.phases[tap.phase, :, :, tap.offset : tap.offset + self.length]

    def crop(self, flat: NDArray[Any]) -> NDArray[Any]:
        """Return ``(..., out_rows, out_cols)`` from a ``(..., length)`` or longer flat result."""
        needed = self.out_rows * self.cols
        if flat.shape[-1] < needed:
            tail = [(0, 0)] * (flat.ndim - 1) + [(0, needed - flat.shape[-1])]
            flat = np.pad(flat, tail)
        grid = flat[..., :needed].reshape(*flat.shape[:-1], self.out_rows, self.cols)
        return grid[..., : self.out_cols]


def flatten(padded: NDArray[Any], kernel_size: tuple[int, int], spec: ConvSpec) -> FlatInput:
    """Return the flattened phases of ``padded`` and the slice of every tap of the kernel."""
    (s_rows, s_cols), (d_rows, d_cols) = spec.stride, spec.dilation
    rows, cols = padded.shape[2], padded.shape[3]
    out_rows, out_cols = spec.windows_over((rows, cols), kernel_size)
    phase_rows, phase_cols = -(-rows // s_rows), -(-cols // s_cols)
    used = sorted(
        {
            ((a * d_rows) % s_rows, (b * d_cols) % s_cols)
            for a in range(kernel_size[0])
            for b in range(kernel_size[1])
        }
    )
    phases = _phase_stack(padded, used, (s_rows, s_cols), (phase_rows, phase_cols))
    index = {phase: i for i, phase in enumerate(used)}
    taps = tuple(
        Tap(
            a,
            b,
            index[((a * d_rows) % s_rows, (b * d_cols) % s_cols)],
            ((a * d_rows) // s_rows) * phase_cols + (b * d_cols) // s_cols,
        )
        for a in range(kernel_size[0])
        for b in range(kernel_size[1])
    )
    return FlatInput(phases, phase_cols, out_rows, out_cols, taps)


def _phase_stack(
    padded: NDArray[Any],
    used: list[tuple[int, int]],
    stride: tuple[int, int],
    phase_size: tuple[int, int],
) -> NDArray[Any]:
    batch, channels = padded.shape[0], padded.shape[1]
    if stride == (1, 1):  # the only phase is the input itself: no copy when it is contiguous
        flat = np.ascontiguousarray(padded).reshape(1, batch, channels, -1)
        return flat
    # Phases of uneven size are zero-filled to one common size so every tap shares one layout.
    stack = np.zeros((len(used), batch, channels, *phase_size), padded.dtype)
    for i, (r, c) in enumerate(used):
        phase = padded[:, :, r :: stride[0], c :: stride[1]]
        stack[i, :, :, : phase.shape[2], : phase.shape[3]] = phase
    return stack.reshape(len(used), batch, channels, -1)
