import os

# Tests never open visible windows.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
