"""The input stage: files found and read, bytes decoded into a `Source`."""

from .decode import Decoded, decode, read_source, source_of
from .files import STDIN, STDIN_NAME, display_names, expand_paths

__all__ = ["STDIN", "STDIN_NAME", "Decoded", "decode", "display_names", "expand_paths", "read_source", "source_of"]
