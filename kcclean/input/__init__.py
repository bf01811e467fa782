"""The input stage: files found and read, bytes decoded into a `Source`."""

from .decode import Decoded, decode, read_bytes, read_source, source_of
from .files import STDIN, display_names, expand_paths

__all__ = ["STDIN", "Decoded", "decode", "display_names", "expand_paths", "read_bytes", "read_source", "source_of"]
