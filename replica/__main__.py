"""`python -m replica`: the same as `vnarchive replica`."""

from replica.cli import main

main()
