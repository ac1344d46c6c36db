import sys

from lstm_gui.cli import main

sys.exit(main())
