"""Pictures from the engine: filtered photographs, animations of a sliding kernel, SVG grids."""
