"""`python -m sharelog` runs the command line."""

from sharelog.cli import main

main()
