"""csu-wall."""
