"""The window's help texts: how to read the diagram, and the About box."""

from __future__ import annotations

from lstm_gui import __version__

HOW_TO_READ = """<h3>How to read the diagram</h3>
<p>The <b style="color:#2e9e4f">green line</b> at the top is the <b>long-term memory</b> (the cell state);
the <b style="color:#e0457b">pink line</b> at the bottom is the <b>short-term memory</b> (the hidden state,
also the cell's output); the grey line below it is the <b>input</b>.</p>
<p>Each block is a gate: it adds <i>weight x short-term memory</i> + <i>weight x input</i> + <i>bias</i> and
squashes the sum: <b style="color:#2f6fd6">blue</b> blocks with a sigmoid (0 to 1, a percentage),
the <b style="color:#ef8a17">orange</b> block with tanh (-1 to 1, a potential memory).
The numbers on the arrows are the weights, the one inside the block is its bias: type a new value and press Enter.</p>
<ol><li><b>Forget</b>: the forget gate says what % of the long-term memory to keep.</li>
<li><b>Remember something new</b>: the candidate proposes a potential long-term memory; the input gate
says what % of it to add.</li>
<li><b>Output</b>: tanh of the new long-term memory is a potential short-term memory; the output gate says
what % of it becomes the new short-term memory.</li></ol>
<p>The fill of each block shows its value (legend at the bottom right). Hover a block for its formula with
the numbers filled in; <b>View &gt; Show Sums</b> writes every sum on the diagram. Step through the inputs
with the toolbar or the arrow keys (&rarr; forward, &larr; back, Home to step 0, before the first input).
<b>Step Into</b> (F11) stops inside a time step at each of the three stages above: the stage's blocks and lines
are lit, values not yet computed read &hellip;, and a caption writes its formulas with the numbers;
<b>Step Out</b> (Shift+F11) shows the whole step.</p>
<h3>Training</h3>
<p>The <b>Training</b> panel beside the diagram trains the 12 numbers on the dataset (StatQuest's Company A
&rarr; 0 and Company B &rarr; 1): each sequence starts from memories 0 and its final short-term memory should
reach its target. The loss is the sum of the squared errors. Press <b>Train</b> (Ctrl+T); the curves show the
loss, each output against its target, and the weights (named as in the notebook: wlr1, wlr2, blr1 for the
forget gate, wpr&hellip; for the input gate, wp&hellip; for the candidate, wo&hellip; for the output gate).
While it runs the diagram follows the live weights; Pause lets you edit a weight and Resume continues
from it. The result is one undo step. Drag the <b>epoch</b> slider under the plots to see the weights of
any epoch on the diagram, and <b>Use these weights</b> to keep them.</p>"""
ABOUT_HTML = (
    f"<h3>lstm-gui {__version__}</h3><p>A step-through debugger for one LSTM cell, drawn as in "
    "StatQuest's <i>Long Short-Term Memory (LSTM), Clearly Explained</i>.</p>"
    "<p>float64 maths checked against PyTorch. PySide6, pyqtgraph.</p>"
)
