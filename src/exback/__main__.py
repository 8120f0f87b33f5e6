"""python -m exback."""

from exback.cli import main

main()
