// Shared by the components (put before each one's own JavaScript): how tall a component may be.

function fitHeight(element, { phone, minimum, phoneShare }) {
  // Down to the window's bottom edge from the element's top, measured from the top of the page (so a
  // page scrolled down does not shrink it); on a phone, where the parts stack, a share of the screen.
  if (phone) return Math.max(minimum, Math.round(window.innerHeight * phoneShare));
  const host = element.getRootNode().host || element;
  let scroller = host.parentElement;
  while (scroller && scroller !== document.body) {
    const overflow = getComputedStyle(scroller).overflowY;
    if (overflow === "auto" || overflow === "scroll") break;
    scroller = scroller.parentElement;
  }
  const scrolled = scroller && scroller !== document.body ? scroller.scrollTop : window.scrollY;
  const top = element.getBoundingClientRect().top + scrolled;
  return Math.max(minimum, window.innerHeight - top - 16);
}
