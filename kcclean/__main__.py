"""`python -m kcclean` runs the command line."""

from .cli import main

main()
