// The email preview (Streamlit custom component v2): the sanitised email in sandboxed iframes, one per
// screen (desktop 680 px, mobile 375 px), scaled down to fit the column. The iframes have no
// `allow-scripts` (nothing in the email runs; the document carries its own CSP too) and
// `allow-same-origin` only so this code can read and restore their scroll position. A new render is
// loaded into a hidden twin iframe and swapped in once parsed (not waiting for remote images), at the
// scroll position of the one it replaces, so the preview neither flashes nor jumps back to the top while
// the marketer types.
// On a phone (max-width 640 px) only the mobile screen shows.

const GAP = 16;
// The scroll of each email's screen ("doc|screen"): the module outlives the element, so the preview keeps
// its place when Streamlit mounts it anew (a message above it on a full rerun, a page switch).
const scrolls = new Map();

function frame() {
  const iframe = document.createElement("iframe");
  // No scripts, no forms, no top navigation: same-origin only so the scroll can be read and restored;
  // popups so a link (rewritten to target="_blank", journey.write.render.links_in_new_tab) opens in a new
  // tab, out of the sandbox like a mail client's, and never loads inside the preview.
  iframe.setAttribute("sandbox", "allow-same-origin allow-popups allow-popups-to-escape-sandbox");
  iframe.setAttribute("referrerpolicy", "no-referrer");
  iframe.className = "screen";
  return iframe;
}

function scrollOf(iframe) {
  try {
    const view = iframe.contentWindow;
    return view ? [view.scrollX, view.scrollY] : [0, 0];
  } catch {
    return [0, 0];
  }
}

function build(root) {
  return { root, panes: [], shape: "" };
}

function layout(preview, screens, height) {
  const { root } = preview;
  const shape = screens.map((s) => `${s.name}:${s.width}`).join(",");
  if (shape !== preview.shape) {
    root.replaceChildren();
    preview.panes = screens.map((screen) => {
      const pane = document.createElement("div");
      pane.className = "pane";
      pane.dataset.screen = screen.name;
      const caption = document.createElement("div");
      caption.className = "caption";
      caption.textContent = screen.caption;
      const box = document.createElement("div");
      box.className = "box";
      const front = frame();
      const back = frame();
      front.dataset.active = "true";
      back.dataset.active = "false";
      front.title = `${screen.caption} preview`;
      back.title = front.title;
      const empty = document.createElement("div");
      empty.className = "empty";
      box.append(front, back, empty);
      pane.append(caption, box);
      root.append(pane);
      return { screen, pane, box, front, back, empty, html: undefined, loads: 0 };
    });
    preview.shape = shape;
  }
  const natural = screens.reduce((sum, s) => sum + s.width, 0) + GAP * (screens.length - 1);
  const scale = Math.min(1, root.clientWidth / natural || 1);
  root.dataset.scale = scale.toFixed(3);
  for (const { screen, pane, box, front, back } of preview.panes) {
    pane.style.width = `${Math.floor(screen.width * scale)}px`;
    box.style.height = `${height}px`;
    for (const iframe of [front, back]) {
      iframe.style.width = `${screen.width}px`;
      iframe.style.height = `${Math.ceil(height / scale)}px`;
      iframe.style.transform = `scale(${scale})`;
    }
    pane.querySelector(".caption").textContent =
      scale < 0.995 ? `${screen.caption} · shown at ${Math.round(scale * 100)} %` : screen.caption;
  }
}

function show(preview, html, emptyMessage, fromTop) {
  for (const pane of preview.panes) {
    if (pane.html === html) continue;
    pane.html = html;
    if (html === null) {
      pane.empty.textContent = emptyMessage;
      pane.box.dataset.empty = "true";
      continue;
    }
    pane.box.dataset.empty = "false";
    const { front, back } = pane;
    const load = ++pane.loads;
    pane.pane.dataset.received = String(performance.now()); // for bench/bench_studio_preview.py
    const previous = back.contentDocument;
    const swap = () => {
      if (pane.html !== html || load !== pane.loads) return; // a newer render is on its way
      const doc = back.contentDocument;
      if (!doc || doc === previous || doc.readyState === "loading" || !doc.body) {
        requestAnimationFrame(swap); // parsed, not loaded: remote images must not hold the preview up
        return;
      }
      const place = `${preview.doc}|${pane.screen.name}`;
      const kept = scrolls.get(place) || [0, 0];
      const [x, y] = fromTop ? [0, 0] : pane.shown ? scrollOf(pane.front) : kept; // another email: top
      const view = back.contentWindow;
      view.scrollTo(x, y);
      // Until its images have loaded the page may be too short for that scroll: once more after them.
      view.addEventListener("load", () => view.scrollY < y && view.scrollTo(x, y), { once: true });
      const shownFrame = back;
      view.addEventListener("scroll", () => {
        // Hidden (its tab left before the rerun removes it) the frame scrolls back to the top: not the reader.
        if (!shownFrame.isConnected || shownFrame.getClientRects().length === 0) return;
        scrolls.set(place, [view.scrollX, view.scrollY]);
      });
      pane.shown = true;
      back.dataset.active = "true";
      front.dataset.active = "false";
      pane.front = back;
      pane.back = front;
      pane.pane.dataset.shown = String(load);
    };
    back.srcdoc = html;
    requestAnimationFrame(swap);
  }
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".email-preview");
  const preview = root.__preview || (root.__preview = build(root));
  const phone = window.matchMedia("(max-width: 640px)").matches;
  const screens = phone ? [data.phone] : data.screens;
  const draw = () => {
    const caption = root.querySelector(".caption");
    const above = caption ? caption.offsetHeight : 23; // the caption sits above each screen
    layout(preview, screens, fitHeight(root, { phone, minimum: data.min_height || 240, phoneShare: 0.8 }) - above);
  };
  draw();
  const fromTop = preview.doc !== undefined && preview.doc !== data.doc;
  preview.doc = data.doc;
  show(preview, data.html, data.empty_message || "No preview.", fromTop);
  if (!preview.observer) {
    preview.observer = new ResizeObserver(() => preview.redraw && preview.redraw());
    preview.observer.observe(root);
  }
  preview.redraw = draw;
  root.dataset.mode = phone ? "phone" : data.mode;
  return undefined;
}
