"""Build-time training of the reader (not part of the product package)."""
