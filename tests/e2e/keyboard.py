"""Driving a page with the keyboard alone (issue 17): Tab and Shift+Tab from stop to stop, checking
at every stop that the focused control shows a focus indicator (an outline or a box shadow), and
typing, Space, Enter and the arrow keys to fill and press what has the focus."""

# What has the focus, and whether it shows: a visible outline or a box shadow. Inside a web
# component (the NYS Design System's header and footer) the focus is in its shadow root.
FOCUSED = """() => {
  let e = document.activeElement;
  if (!e || e === document.body) return null;
  while (e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  // Chromium gives a date field's own calendar button a Tab stop of its own, inside the
  // browser's shadow tree, where no page style reaches; the field itself is checked before it.
  if (e.type === 'date' && !e.matches(':focus')) {
    return {element: 'date picker', visible: true, name: '', value: ''};
  }
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow !== '' && s.boxShadow !== 'none';
  const label = (e.innerText || e.value || e.getAttribute('aria-label') || e.id || '').trim();
  return {
    element: e.tagName + ' ' + label.slice(0, 60),
    visible: outline || shadow,
    tag: e.tagName.toLowerCase(),
    type: e.type || '',
    name: e.name || '',
    value: typeof e.value === 'string' ? e.value : '',
  };
}"""
MOST_STOPS = 150


def focused(page):
    """The focused control (see FOCUSED), after checking that its focus indicator shows."""
    stop = page.evaluate(FOCUSED)
    if stop is not None:
        assert stop["visible"], f"no visible focus indicator on {stop['element']}"
    return stop


def tab_to(page, target, backwards=False, at_each_stop=None):
    """Press Tab (or Shift+Tab) until the target has the focus, checking the focus indicator
    at every stop on the way; at_each_stop(stop) is called at each stop before the target."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MOST_STOPS):
        page.keyboard.press(key)
        stop = focused(page)
        if stop is None:  # past the last stop, the document itself: go round
            continue
        if target.evaluate("e => e === document.activeElement"):
            return
        if at_each_stop is not None:
            at_each_stop(stop)
    raise AssertionError(f"{key} never reached {target}")


def follow(page, key="Enter"):
    """Press the key on a link or button that opens another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)
