import sys

from vnarchive.cli import main

sys.exit(main())
