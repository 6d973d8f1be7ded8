"""Demo machinery every lesson's demos share; it knows screens, not lessons.

    canvas.FigureImage        one persistent matplotlib figure shown as a PNG widget
    view.DemoView             the one view builder: controls, a status line, a picture
    background.LatestJob      a demo's slow work in a thread; a new request stops the old
    live_training.LiveTraining  one network training in a thread, steered while it runs

A demo has three layers, so it can be tested without a browser: compute (pure
functions of the controls' values, no ipywidgets), plot (draws on a canvas it is
given) and view (builds and wires the controls, returns the widget, never displays).
"""
