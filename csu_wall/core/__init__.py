"""Plain domain values and ports. Imports nothing but the standard library and numpy."""
