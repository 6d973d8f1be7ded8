"""The two pieces of the playground that live in the browser (anywidget, a few lines of JS).

    LinkBar     "copy link": writes the playground's state into the page's address (in
                Voila) and copies it; reports the screen's device pixel ratio
    Visibility  placed in a demo's card, tells the kernel whether the card is on screen

Everything else is ipywidgets and Python. Neither widget runs code it is sent: the
kernel sends a query string, which the browser only puts in its address.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["LinkBar", "Visibility"]

_LINK_BAR_JS = r"""
function linkFor(model) {
  const query = model.get("query");
  return window.location.origin + window.location.pathname + (query ? "?" + query : "");
}

function render({ model, el }) {
  el.classList.add("course-link-bar");
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button course-copy-link";
  button.textContent = "copy link";
  button.title = "copy a link that opens the playground with every control as it is now";
  const field = document.createElement("input");
  field.className = "course-link-text";
  field.readOnly = true;
  field.style.cssText = "flex: 1 1 auto; min-width: 12em; margin: 0 8px; font: inherit;";
  const said = document.createElement("span");
  said.className = "course-link-said";
  el.style.cssText = "display: flex; align-items: center; gap: 4px; width: 100%;";
  el.append(button, field, said);

  const show = () => {
    field.value = linkFor(model);
    if (model.get("write_url")) {
      const here = window.location.pathname + window.location.search;
      const next = new URL(field.value);
      if (next.pathname + next.search !== here) {
        window.history.replaceState(window.history.state, "", field.value);
      }
    }
  };
  button.addEventListener("click", async () => {
    show();
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value);
      copied = true;
    } catch (error) {
      field.select();
      try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
    }
    said.textContent = copied ? "copied" : "select the link and copy it";
  });
  const ratio = () => {
    model.set("pixel_ratio", window.devicePixelRatio || 1);
    model.save_changes();
  };
  model.on("change:query", show);
  window.addEventListener("resize", ratio);
  show();
  ratio();
  return () => {
    model.off("change:query", show);
    window.removeEventListener("resize", ratio);
  };
}
export default { render };
"""

_VISIBILITY_JS = r"""
function render({ model, el }) {
  el.classList.add("course-visibility");
  let observer = null;
  let tries = 0;
  const watch = () => {
    const card = el.closest(".course-card");
    if (!card) {
      if (tries++ < 200) setTimeout(watch, 50);
      return;
    }
    observer = new IntersectionObserver((entries) => {
      const seen = entries.some((entry) => entry.isIntersecting);
      if (seen !== model.get("visible")) {
        model.set("visible", seen);
        model.save_changes();
      }
    }, { rootMargin: "200px 0px" });
    observer.observe(card);
  };
  watch();
  return () => {
    if (observer) observer.disconnect();
    model.set("visible", false);
    model.save_changes();
  };
}
export default { render };
"""


class LinkBar(anywidget.AnyWidget):
    """A "copy link" button and the link itself; in Voila it also updates the address."""

    _esm = traitlets.Unicode(_LINK_BAR_JS).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    write_url = traitlets.Bool(False).tag(sync=True)
    pixel_ratio = traitlets.Float(2.0).tag(sync=True)


class Visibility(anywidget.AnyWidget):
    """True while the demo card it sits in is on screen (or within 200 px of it)."""

    _esm = traitlets.Unicode(_VISIBILITY_JS).tag(sync=True)
    visible = traitlets.Bool(False).tag(sync=True)
