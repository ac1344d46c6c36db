"""lstm-gui: a step-through debugger for one LSTM cell."""

__version__ = "0.1.0"
