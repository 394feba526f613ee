"""Slide a 3×3 kernel over a 5×5 picture, one window at a time."""

import numpy as np

# Brightness grows along every row, faster in lower rows: +10 per column on top, +50 at the bottom.
gradient = np.array(
    [
        [10, 20, 30, 40, 50],
        [20, 40, 60, 80, 100],
        [30, 60, 90, 120, 150],
        [40, 80, 120, 160, 200],
        [50, 100, 150, 200, 250],
    ],
    dtype=float,
)

# Sobel X: right column minus left column, middle row counted twice.
sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)


def cross_correlate(image, kernel):
    rows, cols = image.shape
    k_rows, k_cols = kernel.shape
    out_rows = rows - k_rows + 1  # how many places the kernel fits going down
    out_cols = cols - k_cols + 1  # ... and going across
    result = np.zeros((out_rows, out_cols))
    for r in range(out_rows):
        for c in range(out_cols):
            window = image[r : r + k_rows, c : c + k_cols]
            result[r, c] = np.sum(window * kernel)
    return result


edges = cross_correlate(gradient, sobel_x)
print(edges)
