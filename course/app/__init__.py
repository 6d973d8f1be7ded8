"""The playground app: every demo of the course on one page, no code, a link for its state.

    make playground               # Voila serves lessons/playground.ipynb on 127.0.0.1:8866
    python -m course.app --help   # the same, with its options

    links       the controls' values as a URL query and back, with a clear error for a
                value a control cannot take (pure: no browser needed)
    browser     the two anywidgets that need the browser: LinkBar ("copy link", the
                page's address, the screen's pixel ratio) and Visibility (on screen?)
    catalog     DEMOS: every demo's id, lesson and build, in lesson order
    playground  Playground and Card: lazy cards built one at a time, paused off screen,
                their state kept in the link

The notebook lessons/playground.ipynb is the app's page: its markdown is the text above
each demo and each code cell is one `playground.card(id)`; Voila shows it without code.
"""

from course.app.playground import Card, Playground

__all__ = ["Card", "Playground"]
