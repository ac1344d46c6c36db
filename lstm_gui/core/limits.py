"""What a file or a command line may hold: every size limit, in one place.

A file under the byte limit can still describe more work than a person's
machine should do (a 19 MB session with ten million inputs took minutes and
gigabytes to trace). These limits are checked on the lengths of the parsed
lists *before* any number is converted, and the refusal names the place and
the limit (``inputs: 2000000 numbers, more than the limit of 1000000``).
"""

from __future__ import annotations

#: Largest session or dataset CSV file read, in bytes (``.pt`` files: MAX_TORCH_UNPACKED_BYTES).
MAX_FILE_BYTES = 20 * 1024 * 1024

#: Most steps in the free input sequence (a session's ``inputs``, ``--inputs``).
#: (A 10 MB session of inputs loads; tracing a million steps takes seconds.)
MAX_INPUT_STEPS = 1_000_000

#: Most sequences in a dataset.
MAX_SEQUENCES = 10_000

#: Most numbers in all of a dataset's sequences together (one epoch of
#: training reads each once).
MAX_DATASET_NUMBERS = 1_000_000

#: Most history rows a file may hold (the window keeps at most this many in
#: memory; saved files hold at most 10,000).
MAX_HISTORY_ROWS = 50_000

#: Most numbers a history in a file may hold (rows x (2 + sequences + 12)).
MAX_HISTORY_NUMBERS = 2_000_000

#: Most breakpoints (step and training, each) and watches in a session.
MAX_BREAKPOINTS = 1000
MAX_WATCHES = 1000

#: Most characters in a name or description.
MAX_TEXT_CHARS = 100_000

#: A ``.pt`` file: the sum of its entries' uncompressed sizes at most this
#: (an ``nn.LSTM(1, 1)`` state_dict is about 2 KB) ...
MAX_TORCH_UNPACKED_BYTES = 1024 * 1024
#: ... and no entry compressed more than this many times.
MAX_TORCH_COMPRESSION_RATIO = 100

#: Most digits in a whole number typed on the command line (Python refuses
#: to convert more than 4300 digits anyway).
MAX_INT_DIGITS = 4300

#: Characters of a refused value echoed in a message (then ``…``).
QUOTE_CHARS = 40

#: An animation (``lstm-gui animate``, File > Export Animation): each side of
#: a frame in pixels, at least/at most ...
MIN_ANIMATION_SIDE = 64
MAX_ANIMATION_SIDE = 3840
#: ... and at most this many frames (one per step plus the start): a GIF of
#: a thousand 800x450 frames is already tens of MB and minutes of slides.
MAX_ANIMATION_FRAMES = 1000
#: ... and at most this many pixels in all its frames together (frames x
#: width x height): the GIF's frames are held in memory, one byte a pixel,
#: until it is written (1000 frames at 3840x2160 would be 8 GB).
MAX_ANIMATION_PIXELS = 400_000_000
#: Most points per axis of a loss landscape (``--grid``; 256 x 256 points of
#: a large dataset already take minutes).
MAX_LANDSCAPE_GRID = 256
