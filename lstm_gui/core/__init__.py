"""Qt-free core of lstm-gui: the cell, sessions, files, datasets, training."""
