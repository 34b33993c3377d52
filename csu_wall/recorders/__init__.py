"""recorders layer."""
